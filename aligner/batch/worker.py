"""One batch worker: models loaded once, then one pair in, one result line out.

Both backends run this class: the local backend one instance per worker process,
the Ray backend one per actor. A pair that fails (missing, binary or empty file,
debris only, an internal error) gives an ``error`` result; nothing a pair does
stops the worker."""

from __future__ import annotations

import os
import resource
import time
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import InputError, ModelUnavailable
from .keys import WorkerOptions
from .manifest import Pair


def report_name(pair_id: str) -> str:
    """The file name of a pair's full report: the id made safe (and still unique)."""
    return quote(pair_id, safe="-_.") + ".json"


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class PairWorker:
    """Loads the models once (``torch`` threads as given) and compares pairs."""

    def __init__(self, options: WorkerOptions) -> None:
        import torch

        from ..config import load_config
        from ..io.hub import go_offline_if_unreachable
        from ..pipeline import Models, load_models
        from .content_cache import CachingEncoder

        torch.set_num_threads(max(1, options.threads))
        go_offline_if_unreachable()
        self.options = options
        models = load_models(load_config(options.config_file), encoder=options.encoder, mt_model=options.mt_model, device=options.device)
        values = {f.name: getattr(models, f.name) for f in fields(Models)}
        values["encoder"] = CachingEncoder(models.encoder, options.cache_sentences)
        self.models = Models(**values)
        self.pid = os.getpid()

    def run(self, pair: Pair, key: str) -> dict[str, Any]:
        """The result line of one pair (never raises for a bad pair)."""
        from ..io.reading import read_text
        from ..pipeline import CompareOptions, compare_texts

        t = time.perf_counter()
        line: dict[str, Any] = {"id": pair.id, "key": key, "source": pair.source, "rendition": pair.rendition}
        try:
            src, ren = read_text(pair.source), read_text(pair.rendition)
            options = CompareOptions(pair.source_lang, pair.rendition_lang, self.options.translate)
            result = compare_texts(src, ren, self.models, options)
            line.update(status="ok", error=None, summary=result.summary, signature=result.signature)
            if self.options.reports_dir:
                from ..io.cache import atomic_write
                from ..reports.json_report import render_json

                # Without timings: reports stay identical across runs.
                atomic_write(Path(self.options.reports_dir) / report_name(pair.id), render_json(result.report(), timings=False))
        except (InputError, ModelUnavailable) as exc:
            line.update(status="error", error=str(exc), summary=None, signature=None)
        except Exception as exc:  # a bug on one pair must not stop the batch
            line.update(status="error", error=f"internal error: {type(exc).__name__}: {exc}", summary=None, signature=None)
        stats = {"pid": self.pid, "seconds": round(time.perf_counter() - t, 4), "peak_rss_mb": peak_rss_mb()}
        return {"line": line, "stats": stats}
