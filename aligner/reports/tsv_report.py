"""TSV: one finding per row, ready for a spreadsheet.

Cells never contain a raw tab, newline or carriage return (they are written as the
two-character escapes ``\\t``, ``\\n``, ``\\r``, and a backslash as ``\\\\``), so a row
is always one line and columns never shift.

Cells are also safe to open in a spreadsheet (OWASP, "CSV Injection"): a text cell
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
full-width forms) would be run as a formula by Excel, LibreOffice or Google Sheets,
so it is written with a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets
show as text. Numbers (offsets, confidences) are never prefixed."""

from __future__ import annotations

import re
from typing import Any

from .model import Report, as_report

COLUMNS = (
    "id", "type", "severity", "confidence",
    "source_start", "source_end", "source_text",
    "rendition_start", "rendition_end", "rendition_text",
    "cues", "evidence",
)


_OTHER_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def tsv_cell(value: Any) -> str:
    """One cell: escaped so it stays in its row and column, neutralised so it is
    never a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    # Other characters that some readers take as line breaks or that break cells.
    return _OTHER_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_cell(value: Any) -> str:
    """:func:`tsv_cell`, and a number that a spreadsheet would read as a formula (a
    negative one) prefixed with ``'`` too (the audit and trace TSV, whose columns mix
    numbers and text)."""
    text = tsv_cell(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_tsv(report: Report | Any) -> str:
    """The findings of a report (or of a report dictionary) as TSV."""
    rows = ["\t".join(COLUMNS)]
    for f in as_report(report).findings:
        s, r = f.source_span, f.rendition_span
        rows.append(
            "\t".join(
                tsv_cell(v)
                for v in (
                    f.id, f.type, f.severity, f"{f.confidence:.3f}",
                    s and s.start, s and s.end, s and s.text,
                    r and r.start, r and r.end, r and r.text,
                    "; ".join(f.cues), f.evidence,
                )
            )
        )
    return "\n".join(rows) + "\n"
