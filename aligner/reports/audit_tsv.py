"""The audit as TSV: one row per finding, per cross-segment finding, and per segment
whose status is not ``translated``. Cells never contain a raw tab or line break
(:func:`aligner.reports.tsv_report.tsv_cell`), and a cell that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is prefixed with ``'``."""

from __future__ import annotations

from typing import Any

from .tsv_report import safe_cell

COLUMNS = (
    "segment", "status", "finding", "type", "severity", "confidence",
    "source_start", "source_end", "source_text",
    "target_start", "target_end", "target_text",
    "evidence",
)  # fmt: skip


def render_audit_tsv(report: dict[str, Any]) -> str:
    rows = ["\t".join(COLUMNS)]

    def row(*values: Any) -> None:
        rows.append("\t".join(safe_cell(v) for v in values))

    for seg in report["segments"]:
        if seg["status"] != "translated":
            row(seg["id"], seg["status"], "", "", "", "", 0, len(seg["source"]), seg["source"], "", "", seg["target"], "")
        for f in seg["findings"]:
            s, r = f["source_span"] or {}, f["rendition_span"] or {}
            row(
                seg["id"], seg["status"], f["id"], f["type"], f["severity"], f"{f['confidence']:.3f}",
                s.get("start"), s.get("end"), s.get("text"), r.get("start"), r.get("end"), r.get("text"), f.get("evidence", ""),
            )  # fmt: skip
    for x in report.get("cross_segment") or []:
        s, r = x["source_span"], x["rendition_span"]
        row(
            f"{x['source_segment']}>{x['rendition_segment']}", x["type"], "", x["type"], "low", f"{x['similarity']:.3f}",
            s["start"], s["end"], s["text"], r["start"], r["end"], r["text"], "content of one unit rendered in another",
        )  # fmt: skip
    return "\n".join(rows) + "\n"
