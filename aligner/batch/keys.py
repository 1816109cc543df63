"""Resume keys. A pair is done when results.jsonl has a line with its id and key;
the key changes when either input file's bytes, a language, the configuration or
the model options change, so a re-run redoes exactly the pairs whose result would
differ. The model signature is computed from the configuration and options, without
loading any model, so the runner can skip done pairs before starting workers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from .. import __version__
from ..io.cache import sha256_file
from .manifest import Pair


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """Everything a worker needs to load its models and compare (picklable)."""

    config_file: str | None = None
    encoder: str | None = None
    mt_model: str | None = None
    translate: bool = True
    threads: int = 1
    device: str = "cpu"
    reports_dir: str | None = None
    cache_sentences: int = 4096


def model_signature(config: dict[str, Any], options: WorkerOptions) -> str:
    """A hash of what determines a pair's result besides its inputs."""
    relevant = {k: v for k, v in asdict(options).items() if k in ("encoder", "mt_model", "translate", "device")}
    blob = json.dumps({"version": __version__, "config": config, "options": relevant}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _file_hash(path: str) -> str:
    try:
        return sha256_file(path)  # type: ignore[arg-type]
    except OSError as exc:  # missing or unreadable: the worker records the error
        return f"unreadable:{path}:{type(exc).__name__}"


def pair_key(pair: Pair, signature: str) -> str:
    """The resume key of ``pair`` (see the module docstring)."""
    parts = [_file_hash(pair.source), _file_hash(pair.rendition), pair.source_lang or "", pair.rendition_lang or "", signature]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]
