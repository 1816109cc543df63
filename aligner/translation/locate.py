"""Which MT model translates a language, where its files are, and what it *is*.

Everything downstream (the translation cache, the CTranslate2 conversion) is keyed on
the model's identity, never on a name that could point at different weights tomorrow:
a hub model is ``hub-id@commit``, a local directory the sha256 of its weight and
tokenizer files (so a moved model keeps its cache entries and a retrained one loses
them). Hub access honours ``HF_HUB_OFFLINE`` as it is *now*, and a model that cannot
be had raises :class:`~aligner.errors.ModelUnavailable` with how to get it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, ModelUnavailable
from ..io.cache import atomic_write, cache_dir, locked, sha256_bytes, sha256_file
from ..text.language import base_language
from .settings import translation_settings

__all__ = [
    "Located",
    "describe_mt",
    "locate",
    "model_key",
    "resolve_mt_model",
    "resolve_with_reason",
]

#: Weight files whose content decides what a local model directory *is*, together with
#: the tokenizer files (which decide how text becomes ids).
_WEIGHT_GLOBS = ("*.safetensors", "pytorch_model*.bin")
_TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "target_vocab.json")
_REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")


# --------------------------------------------------------------------------------------
# Which model
# --------------------------------------------------------------------------------------


def _looks_like_path(model: str) -> bool:
    """Hub ids have at most one slash; anything else a user types is a path."""
    return (
        model.startswith(("/", ".", "~"))
        or "\\" in model
        or model.count("/") > 1
        or Path(model).expanduser().exists()
    )


def resolve_with_reason(
    lang: str, override: str | None, config: dict[str, Any] | None
) -> tuple[str, str]:
    """The model for ``lang`` and what chose it (``override``, ``config``, ``fallback``
    or ``default``); see :func:`resolve_mt_model`."""
    if override:
        if _looks_like_path(override):
            return str(Path(override).expanduser().resolve()), "override"
        return override, "override"
    code = base_language(lang)
    if not code:
        raise InputError("no source language given for machine translation")
    if code == "en":
        raise InputError("the source is English: no translation model is needed")
    settings = translation_settings(config)
    chosen = settings.models.get(code)
    if chosen:
        return str(chosen), "config"
    if settings.fallback:
        return str(settings.fallback), "fallback"
    return f"Helsinki-NLP/opus-mt-{code}-en", "default"


def resolve_mt_model(lang: str, override: str | None, config: dict[str, Any] | None) -> str:
    """The model to translate ``lang`` into English: ``override`` (``--mt-model``) if
    given, else ``[translation.models]``, else ``[translation] fallback``, else
    ``Helsinki-NLP/opus-mt-{lang}-en``. A hub id or a local directory."""
    return resolve_with_reason(lang, override, config)[0]


# --------------------------------------------------------------------------------------
# Finding the model files and naming them
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """A model found on disk: the name it was asked by, its directory, its identity
    (``hub-id@commit`` or ``sha256:...``) and where it came from, for ``models``."""

    model_id: str
    directory: Path
    identity: str
    origin: str


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _hub_offline() -> bool:
    """Read at call time (huggingface_hub reads it once at import, which is too early for
    a test or a caller that sets it later)."""
    return _env_true("HF_HUB_OFFLINE") or _env_true("TRANSFORMERS_OFFLINE")


def _hub_cache() -> Path:
    """The Hugging Face cache the environment points at *now* (same rules as
    huggingface_hub, evaluated per call for the same reason as :func:`_hub_offline`)."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(name):
            return Path(os.environ[name]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def _how_to_get(model: str) -> str:
    return (
        f"On a machine with internet run `huggingface-cli download {model}` and copy the "
        "Hugging Face cache (~/.cache/huggingface) here, or pass a local model directory "
        "with --mt-model PATH."
    )


def _missing_files(directory: Path) -> list[str]:
    missing = [name for name in _REQUIRED_FILES if not (directory / name).is_file()]
    if not any(any(directory.glob(pattern)) for pattern in _WEIGHT_GLOBS):
        missing.append("model.safetensors or pytorch_model.bin")
    return missing


def _hub_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, ValueError]
    with contextlib.suppress(ImportError):
        from huggingface_hub import errors as hub_errors

        for name in (
            "HfHubHTTPError",
            "LocalEntryNotFoundError",
            "OfflineModeIsEnabled",
            "HFValidationError",
            "RepositoryNotFoundError",
            "RevisionNotFoundError",
            "EntryNotFoundError",
            "IncompleteSnapshotError",
        ):
            cls = getattr(hub_errors, name, None)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                errors.append(cls)
    with contextlib.suppress(ImportError):
        import httpx

        errors.append(httpx.HTTPError)
    with contextlib.suppress(ImportError):
        import requests

        errors.append(requests.RequestException)
    return tuple(errors)


def _locate_hub(model: str, allow_download: bool) -> Located:
    """Fetch (or find in the cache) only the files a Marian checkpoint needs: the opus-mt
    repositories also hold TensorFlow and Rust weights we would never read."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:  # pragma: no cover - transformers depends on it
        raise ModelUnavailable(f"MT model {model!r}: huggingface_hub is missing ({exc})") from None
    offline = _hub_offline() or not allow_download
    cache = str(_hub_cache())
    errors = _hub_errors()
    try:
        # safetensors weights first; the older pickle only for a model without them.
        for weights in ("model.safetensors", "pytorch_model.bin"):
            path = Path(
                snapshot_download(
                    model, cache_dir=cache, local_files_only=offline, allow_patterns=["*.json", "*.spm", weights]
                )
            )
            if any(any(path.glob(p)) for p in _WEIGHT_GLOBS):
                break
    except errors as exc:
        if offline:
            why = "downloads are off" if _hub_offline() else "nothing is downloaded here"
            where = f"is not in the local Hugging Face cache ({cache}; {why})"
        else:
            where = f"could not be downloaded ({type(exc).__name__}: {exc})"
        raise ModelUnavailable(f"MT model {model!r} {where}. {_how_to_get(model)}") from None
    missing = _missing_files(path)
    if missing:
        raise ModelUnavailable(
            f"MT model {model!r} is incomplete in the Hugging Face cache at {path} "
            f"(missing {', '.join(missing)}). {_how_to_get(model)}"
        )
    revision = path.name if path.parent.name == "snapshots" else "unknown"
    origin = "Hugging Face cache" if offline else "Hugging Face hub (cached)"
    return Located(model, path, f"{model}@{revision}", origin)


def _fingerprint_memo_path(root: Path) -> Path:
    return root / "translations" / "fingerprints.json"


def _directory_fingerprint(directory: Path, root: Path) -> str:
    """sha256 over the weight and tokenizer files, so a local model keeps its cache
    entries when moved and loses them when retrained. Hashing 300 MB takes a second, so
    per-file digests are memoised by (path, size, mtime)."""
    files = sorted(
        {p for pattern in _WEIGHT_GLOBS for p in directory.glob(pattern) if p.is_file()}
        | {directory / n for n in _TOKENIZER_FILES if (directory / n).is_file()}
    )
    memo_path = _fingerprint_memo_path(root)
    memo: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(memo_path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            memo = loaded
    changed = False
    parts: list[str] = []
    for path in files:
        stat = path.stat()
        key = str(path.resolve())
        entry = memo.get(key)
        if (
            isinstance(entry, dict)
            and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns
            and isinstance(entry.get("sha256"), str)
        ):
            digest = entry["sha256"]
        else:
            digest = sha256_file(path)
            memo[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
            changed = True
        parts.append(f"{path.name}:{digest}")
    if changed:
        with contextlib.suppress(OSError), locked(memo_path, timeout=30.0):
            atomic_write(memo_path, json.dumps(memo, indent=1, sort_keys=True))
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def locate(model: str, *, allow_download: bool, root: Path) -> Located:
    """``model`` (hub id or directory) as files on disk with an identity; ``root`` is
    the aligner cache, where local-directory fingerprints are memoised."""
    if _looks_like_path(model):
        directory = Path(model).expanduser().resolve()
        if not directory.is_dir():
            raise ModelUnavailable(
                f"MT model directory {directory} does not exist. Pass a directory holding a "
                "MarianMT checkpoint (config.json, model weights, source.spm, target.spm, "
                "vocab.json) with --mt-model PATH."
            )
        missing = _missing_files(directory)
        if missing:
            raise ModelUnavailable(
                f"MT model directory {directory} is not a MarianMT checkpoint "
                f"(missing {', '.join(missing)})."
            )
        digest = _directory_fingerprint(directory, root)
        return Located(str(directory), directory, f"sha256:{digest}", "local directory")
    return _locate_hub(model, allow_download)


def model_key(located: Located) -> str:
    """A file-name-safe, human-recognisable, collision-free name for a model identity:
    the hub id or directory name for people, a hash of the identity for uniqueness."""
    name = located.model_id if located.origin != "local directory" else located.directory.name
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60].strip("_.")
    return f"{readable or 'model'}-{sha256_bytes(located.identity.encode('utf-8'))[:16]}"


def describe_mt(lang: str, override: str | None, config: dict[str, Any] | None) -> dict[str, Any]:
    """What ``aligner models`` shows for machine translation of ``lang``: the model that
    resolves, why, and whether it is usable right now without downloading anything."""
    info: dict[str, Any] = {
        "language": base_language(lang) if lang else lang,
        "model": None,
        "resolved_by": None,
        "available": False,
        "location": None,
        "origin": None,
        "identity": None,
        "ct2_converted": False,
        "detail": "",
    }
    try:
        model, how = resolve_with_reason(lang, override, config)
    except InputError as exc:
        info["detail"] = str(exc)
        return info
    info.update(model=model, resolved_by=how)
    root = cache_dir()
    try:
        located = locate(model, allow_download=False, root=root)
    except ModelUnavailable as exc:
        info["detail"] = str(exc)
        return info
    info.update(
        available=True,
        location=str(located.directory),
        origin=located.origin,
        identity=located.identity,
        ct2_converted=(root / "ct2" / model_key(located) / "model.bin").is_file(),
    )
    return info
