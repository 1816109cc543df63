"""The batch outputs: ``results.jsonl`` and ``results.parquet``.

During a run, each finished pair is appended to ``results.jsonl`` as one line in
one ``write`` (opened ``O_APPEND``), so a killed run leaves every finished pair on
disk; a torn last line (killed inside the write) is ignored and dropped on resume.
At the end the file is rewritten (atomically) with one line per manifest pair in
manifest order, and ``results.parquet`` is written from the same lines: a killed and
resumed run ends with the same files as a clean run."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io.cache import atomic_write
from ..structures import FINDING_TYPES


def dumps(line: dict[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n"


def read_done(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Finished lines of a previous run, by ``(id, key)``; a line torn by a kill
    (the last one, without its newline) is dropped. A file that is not a batch
    result file is refused rather than overwritten."""
    done: dict[tuple[str, str], dict[str, Any]] = {}
    if not path.exists():
        return done
    with open(path, encoding="utf-8", errors="replace") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.endswith("\n"):
                break  # torn by a kill: redone
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                line = None
            if not (isinstance(line, dict) and isinstance(line.get("id"), str) and isinstance(line.get("key"), str)):
                raise InputError(f"{path}:{n}: not a result line of aligner batch; refusing to overwrite it (choose another OUTDIR)")
            done[(line["id"], line["key"])] = line
    return done


class Journal:
    """Appends result lines to ``results.jsonl``, each in one write."""

    def __init__(self, path: Path, lines: Sequence[dict[str, Any]]) -> None:
        # Start from the valid lines only, so a torn tail never precedes new lines.
        atomic_write(path, "".join(dumps(line) for line in lines))
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def append(self, line: dict[str, Any]) -> None:
        os.write(self.fd, dumps(line).encode("utf-8"))

    def close(self) -> None:
        os.close(self.fd)


def _row(line: dict[str, Any]) -> dict[str, Any]:
    summary = line.get("summary") or {}
    counts = summary.get("counts") or {}
    cov = summary.get("coverage") or {}
    row = {k: line.get(k) for k in ("id", "key", "source", "rendition", "status", "error")}
    row["relation"] = summary.get("relation")
    row["coverage_source"] = cov.get("source")
    row["coverage_rendition"] = cov.get("rendition")
    for t in FINDING_TYPES:
        row[t] = counts.get(t) if line.get("status") == "ok" else None
    row["summary"] = json.dumps(line.get("summary"), ensure_ascii=False, sort_keys=True) if line.get("summary") else None
    return row


def write_final(outdir: Path, lines: Sequence[dict[str, Any]]) -> None:
    """``results.jsonl`` in the given order, and ``results.parquet``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    atomic_write(outdir / "results.jsonl", "".join(dumps(line) for line in lines))
    schema = pa.schema(
        [(k, pa.string()) for k in ("id", "key", "source", "rendition", "status", "error", "relation")]
        + [("coverage_source", pa.float64()), ("coverage_rendition", pa.float64())]
        + [(t, pa.int64()) for t in FINDING_TYPES]
        + [("summary", pa.string())]
    )
    table = pa.Table.from_pylist([_row(line) for line in lines], schema=schema)
    tmp = outdir / ".results.parquet.tmp"
    pq.write_table(table, tmp)
    os.replace(tmp, outdir / "results.parquet")
