"""The trace as terminal text: the claim x rendition matrix, the evidence of every
cell that is not ``kept``, then the additions. Input text goes through
:func:`~aligner.reports.text_report.safe` (control characters made visible)."""

from __future__ import annotations

from typing import Any

from .text_report import safe


def _clip(text: str, limit: int) -> str:
    text = " ".join(safe(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_trace_text(report: dict[str, Any]) -> str:
    """The ``aligner.trace/1`` dict as text."""
    rens = report["renditions"]
    out = [f"source: {safe(report['source']['path'])} ({report['source']['lang']})"]
    for r in rens:
        st = ", ".join(f"{k} {v}" for k, v in r["statuses"].items())
        out.append(f"R{r['index'] + 1}: {safe(r['path'])} ({r['lang']}, relation {r['relation']}): {st}")
    out.append("")
    width = max(12, *(len(f"R{r['index'] + 1}") for r in rens)) if rens else 12
    out.append("claim  " + "".join(f"R{r['index'] + 1}".ljust(width + 1) for r in rens) + "text")
    for c in report["claims"]:
        cells = "".join(cell["status"].ljust(width + 1) for cell in c["cells"])
        out.append(f"C{c['id'] + 1:<5} {cells}{_clip(c['source_span']['text'], 70)}")
    out.append("")
    out.append("evidence (cells other than kept):")
    for c in report["claims"]:
        for i, cell in enumerate(c["cells"]):
            if cell["status"] == "kept":
                continue
            span = cell["rendition_span"]
            where = f" | rendition: {_clip(span['text'], 80)}" if span else ""
            out.append(f"  C{c['id'] + 1} R{i + 1} {cell['status'].upper()}: {_clip(cell['evidence'], 160)}{where}")
    out.append("")
    for r, adds in zip(rens, report["added"]["unique"], strict=True):
        out.append(f"added only by R{r['index'] + 1} ({len(adds)}):")
        out.extend(f"  + {_clip(a['span']['text'], 110)}" for a in adds)
    out.append(f"added alike by several renditions ({len(report['added']['shared'])}):")
    for n, group in enumerate(report["added"]["shared"], 1):
        for a in group:
            out.append(f"  {n}. R{a['rendition'] + 1}: {_clip(a['span']['text'], 100)}")
    return "\n".join(out) + "\n"
