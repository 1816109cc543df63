"""The audit as one self-contained HTML page: a table with one row per segment (id,
status, source and target with the finding spans highlighted, the findings listed).

Every piece of input text goes through :func:`aligner.reports.html_report.esc_text`
(escaped, control and bidi characters made visible); the page has no script, loads
nothing, and its Content-Security-Policy allows only its own stylesheet (by hash)."""

from __future__ import annotations

import base64
import hashlib
import itertools
from typing import Any

from .audit_text import STATUS_TEXT
from .html_report import TYPE_LABELS, esc, esc_text

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border-top:1px solid #ddd;padding:.4em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}
.id{font-family:monospace;white-space:nowrap}
.status-translated{color:#555}
.status-untranslated,.status-empty,.status-unrelated{color:#a00;font-weight:600}
.status-identical{color:#a60}
mark{background:#ffe9a8;border-bottom:2px solid #c90}
mark.added{background:#d7f5d7;border-color:#2a2}
mark.dropped{background:#fbd5d5;border-color:#c22}
mark.changed,mark.contradicted{background:#fde2c4;border-color:#d60}
mark.softened,mark.strengthened{background:#dde9fb;border-color:#36c}
ul{margin:.2em 0;padding-left:1.2em}
.ctl{color:#a00;font-size:80%}
"""
_CSP_HASH = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")


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


def render_audit_html(report: dict[str, Any]) -> str:
    f = report["file"]
    summ = report["summary"]
    rows = []
    for seg in report["segments"]:
        src_spans, tgt_spans, items = [], [], []
        for x in seg["findings"]:
            if x["source_span"]:
                src_spans.append((x["source_span"]["start"], x["source_span"]["end"], x["type"], x["id"]))
            if x["rendition_span"]:
                tgt_spans.append((x["rendition_span"]["start"], x["rendition_span"]["end"], x["type"], x["id"]))
            items.append(
                f"<li><b>{esc(x['id'])} {esc(x['type'])}</b> ({esc(x['severity'])}, {float(x['confidence']):.2f}): {esc_text(x.get('evidence', ''))}</li>"
            )
        for note in seg.get("notes") or []:
            items.append(f"<li>{esc_text(note)}</li>")
        status = seg["status"]
        label = STATUS_TEXT.get(status, status)
        rows.append(
            f'<tr id="seg-{esc(seg["id"])}"><td class="id">{esc_text(seg["id"])}</td>'
            f'<td class="status-{esc(status)}">{esc_text(label)}</td>'
            f"<td>{_highlight(seg['source'], src_spans)}</td><td>{_highlight(seg['target'], tgt_spans)}</td>"
            f"<td><ul>{''.join(items)}</ul></td></tr>"
        )
    cross = "".join(
        f"<li><b>{esc(x['type'])}</b>: source of <a href=\"#seg-{esc(x['source_segment'])}\">{esc_text(x['source_segment'])}</a> "
        f"“{esc_text(x['source_span']['text'])}” is rendered in <a href=\"#seg-{esc(x['rendition_segment'])}\">{esc_text(x['rendition_segment'])}</a> "
        f"“{esc_text(x['rendition_span']['text'])}” (similarity {float(x['similarity']):.2f})</li>"
        for x in report.get("cross_segment") or []
    )
    counts = ", ".join(f"{esc(k)} {int(v)}" for k, v in summ["counts"].items())
    statuses = ", ".join(f"{esc(k)} {int(v)}" for k, v in summ["statuses"].items() if v)
    notes = "".join(f"<li>{esc_text(n)}</li>" for n in report.get("notes") or [])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-{_CSP_HASH}'">
<title>aligner audit: {esc(f['path'])}</title><style>{_CSS}</style></head>
<body><h1>Audit of {esc_text(f['path'])}</h1>
<p>{esc(f['format'])} {esc_text(f['version'])}, {esc(f['source_lang'])} → {esc(f['target_lang'])}; {int(summ['segments'])} segments ({statuses})</p>
<p>Findings: {counts}</p>
{f'<h2>Across units</h2><ul>{cross}</ul>' if cross else ''}
{f'<ul>{notes}</ul>' if notes else ''}
<table><thead><tr><th>segment</th><th>status</th><th>source</th><th>target</th><th>findings</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""
