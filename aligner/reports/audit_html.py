"""The audit as one self-contained HTML page: a table with one row per segment (id,
status, source and target with the finding spans highlighted, the findings listed).

The page is the template ``templates/audit.html.j2`` with ``audit.css``. Every piece
of input text goes through :func:`~aligner.reports.html_page.esc_text` or
:func:`~aligner.reports.html_page.esc` (escaped, control and bidi characters made
visible); the page has no script, loads nothing, and its Content-Security-Policy
allows only its own stylesheet (by hash)."""

from __future__ import annotations

import itertools
from typing import Any

from .audit_text import STATUS_TEXT
from .html_page import csp_hash, esc, esc_text, render_template, template_text
from .html_report import TYPE_LABELS


def _highlight(text: str | None, spans: list[tuple[int, int, str, str]]) -> str:
    if text is None:
        return "<em>(no target)</em>"
    cuts = sorted({0, len(text)} | {p for s, e, _, _ in spans for p in (s, e) if 0 <= p <= len(text)})
    out = []
    for a, b in itertools.pairwise(cuts):
        cover = [sp for sp in spans if sp[0] <= a and b <= sp[1] and sp[0] < sp[1]]
        piece = esc_text(text[a:b])
        if cover:
            _s, _e, ftype, fid = cover[0]
            piece = f'<mark class="{esc(ftype)}" title="{esc(fid)} {esc(TYPE_LABELS.get(ftype, ftype))}">{piece}</mark>'
        out.append(piece)
    return "".join(out)


def _segment(seg: dict[str, Any]) -> dict[str, Any]:
    from markupsafe import Markup

    spans: dict[str, list[tuple[int, int, str, str]]] = {"source_span": [], "rendition_span": []}
    for x in seg["findings"]:
        for key, found in spans.items():
            if x[key]:
                found.append((x[key]["start"], x[key]["end"], x["type"], x["id"]))
    findings = [{**x, "confidence": f"{float(x['confidence']):.2f}", "evidence": x.get("evidence", "")} for x in seg["findings"]]
    return {
        "id": seg["id"],
        "status": seg["status"],
        "label": STATUS_TEXT.get(seg["status"], seg["status"]),
        "source": Markup(_highlight(seg["source"], spans["source_span"])),
        "target": Markup(_highlight(seg["target"], spans["rendition_span"])),
        "findings": findings,
        "notes": seg.get("notes") or [],
    }


def render_audit_html(report: dict[str, Any]) -> str:
    from markupsafe import Markup

    f = report["file"]
    summ = report["summary"]
    style = "\n" + template_text("audit.css") + "\n"
    cross = [
        {"type": x["type"], "source_segment": x["source_segment"], "rendition_segment": x["rendition_segment"],
         "source_text": x["source_span"]["text"], "rendition_text": x["rendition_span"]["text"],
         "similarity": f"{float(x['similarity']):.2f}"}
        for x in report.get("cross_segment") or []
    ]  # fmt: skip
    return render_template(
        "audit.html.j2",
        style=Markup(style),
        style_hash=csp_hash(style),
        path=f["path"],
        format=f["format"],
        version=f["version"],
        source_lang=f["source_lang"],
        target_lang=f["target_lang"],
        segments=int(summ["segments"]),
        statuses=[(k, int(v)) for k, v in summ["statuses"].items() if v],
        counts=[(k, int(v)) for k, v in summ["counts"].items()],
        cross=cross,
        notes=report.get("notes") or [],
        rows=[_segment(seg) for seg in report["segments"]],
    )
