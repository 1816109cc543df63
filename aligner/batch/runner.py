"""A whole batch run: manifest -> keys -> skip what is done -> workers -> outputs.

Outputs in OUTDIR: ``results.jsonl`` and ``results.parquet`` (see
:mod:`.results`), ``reports/ID.json`` with ``full_reports``, and ``run.json``
(this run's counts, rate, and each worker's peak memory: the numbers that vary
from run to run stay out of the results)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import load_config
from ..errors import InputError
from ..io.cache import atomic_write
from .backends import run_local, run_ray
from .keys import WorkerOptions, model_signature, pair_key
from .manifest import read_manifest
from .results import Journal, read_done, write_final


@dataclass
class BatchStats:
    """What one run did (also written to OUTDIR/run.json)."""

    pairs: int = 0
    resumed: int = 0
    ran: int = 0
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    backend: str = "local"
    workers: int = 1
    threads_per_worker: int = 1
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per worker pid
    busy_seconds: dict[str, float] = field(default_factory=dict)  # per worker pid: time spent on pairs

    @property
    def pairs_per_hour(self) -> float:
        return round(self.ran / self.seconds * 3600, 1) if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**{k: v for k, v in vars(self).items()}, "pairs_per_hour": self.pairs_per_hour}

    def summary(self, outdir: str | Path) -> str:
        """The line the ``batch`` command ends with."""
        return (
            f"{self.pairs} pairs: {self.resumed} done before, {self.ran} run ({self.ok} ok, {self.errors} errors) "
            f"in {self.seconds:.1f} s; {self.workers} worker(s) x {self.threads_per_worker} thread(s); "
            f"results in {Path(outdir) / 'results.jsonl'}"
        )


def default_threads(workers: int) -> int:
    """Torch threads per worker: the machine's cores shared evenly."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def run_batch(
    manifest: str | Path,
    outdir: str | Path,
    options: WorkerOptions,
    workers: int = 1,
    ray_address: str | None = None,
    retry_errors: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BatchStats:
    """Run every pair of ``manifest`` not already done in ``outdir``."""
    pairs = read_manifest(manifest)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{outdir} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    if options.reports_dir:
        Path(options.reports_dir).mkdir(parents=True, exist_ok=True)
    signature = model_signature(load_config(options.config_file), options)
    keys = [pair_key(p, signature) for p in pairs]
    previous = read_done(out / "results.jsonl")
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    for p, k in zip(pairs, keys, strict=True):
        line = previous.get((p.id, k))
        if line is not None and not (retry_errors and line.get("status") != "ok"):
            kept[(p.id, k)] = line
    todo = [(p, k) for p, k in zip(pairs, keys, strict=True) if (p.id, k) not in kept]
    stats = BatchStats(len(pairs), len(kept), backend="ray" if ray_address else "local", workers=workers, threads_per_worker=options.threads)
    journal = Journal(out / "results.jsonl", [kept[(p.id, k)] for p, k in zip(pairs, keys, strict=True) if (p.id, k) in kept])
    start = time.perf_counter()
    last = 0.0
    try:
        if todo:
            n = min(workers, len(todo))
            outputs = run_ray(todo, options, n, ray_address) if ray_address else run_local(todo, options, n)
            for output in outputs:
                line = output["line"]
                journal.append(line)
                kept[(line["id"], line["key"])] = line
                stats.ran += 1
                stats.ok += line["status"] == "ok"
                stats.errors += line["status"] != "ok"
                w = output["stats"]
                pid = str(w["pid"])
                stats.peak_rss_mb[pid] = max(stats.peak_rss_mb.get(pid, 0.0), w["peak_rss_mb"])
                stats.busy_seconds[pid] = round(stats.busy_seconds.get(pid, 0.0) + w["seconds"], 3)
                now = time.perf_counter()
                if progress and (now - last >= 1.0 or stats.ran == len(todo)):
                    last = now
                    rate = stats.ran / max(now - start, 1e-9)
                    eta = (len(todo) - stats.ran) / rate if rate else 0.0
                    progress(
                        f"batch: {stats.resumed + stats.ran}/{stats.pairs} pairs ({stats.resumed} done before, "
                        f"{stats.ok} ok, {stats.errors} errors this run), {rate:.2f} pairs/s, eta {eta:.0f} s"
                    )
    finally:
        journal.close()
    stats.seconds = round(time.perf_counter() - start, 3)
    write_final(out, [kept[(p.id, k)] for p, k in zip(pairs, keys, strict=True)])
    atomic_write(out / "run.json", json.dumps(stats.to_json(), indent=1, sort_keys=True) + "\n")
    if progress and not todo:
        progress(f"batch: all {stats.pairs} pairs already done")
    return stats


def worker_options(
    outdir: str | Path, full_reports: bool, workers: int = 1, threads: int | None = None, **kwargs: Any
) -> WorkerOptions:
    """:class:`WorkerOptions` with the reports folder under ``outdir`` when asked, and
    ``threads`` per worker (None: the machine's cores shared among ``workers``)."""
    opts = WorkerOptions(threads=threads or default_threads(workers), **kwargs)
    return replace(opts, reports_dir=str(Path(outdir) / "reports")) if full_reports else opts
