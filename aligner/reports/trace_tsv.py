"""The trace as TSV: one row per claim x rendition cell.

Cells are safe for spreadsheets: tabs and line breaks escaped (as in the findings
TSV), and a cell that a spreadsheet would read as a formula (starting with ``=``,
``+``, ``-``, ``@``) gets a leading apostrophe."""

from __future__ import annotations

from typing import Any

from .tsv_report import safe_cell

COLUMNS = (
    "claim", "source_start", "source_end", "source_text", "rendition", "rendition_path",
    "status", "rendition_start", "rendition_end", "rendition_text", "evidence", "findings",
)


def render_trace_tsv(report: dict[str, Any]) -> str:
    rows = ["\t".join(COLUMNS)]
    for c in report["claims"]:
        s = c["source_span"]
        for r, cell in zip(report["renditions"], c["cells"], strict=True):
            span = cell["rendition_span"] or {}
            values = (
                c["id"] + 1, s["start"], s["end"], s["text"], r["index"] + 1, r["path"],
                cell["status"], span.get("start"), span.get("end"), span.get("text"),
                cell["evidence"], " ".join(cell["findings"]),
            )
            rows.append("\t".join(safe_cell(v) for v in values))
    return "\n".join(rows) + "\n"
