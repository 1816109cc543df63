"""The trace as one HTML page: the claim x rendition matrix, each cell a link to the
side-by-side report of that pair (a sibling file, at the claim's sentence).

Self-contained and inert: no script, no network request (strict
Content-Security-Policy), every piece of input text escaped by
:func:`~aligner.reports.html_report.esc`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .html_report import esc

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
th.claim{text-align:left;font-weight:normal;max-width:40em}
td a{display:block;text-decoration:none;color:inherit;font-weight:600}
.kept{background:#e7f5e7}.softened{background:#fff4cc}.strengthened{background:#ffe0b3}
.changed{background:#ffd6d6}.contradicted{background:#f4a6a6}.dropped{background:#ddd;color:#555}
small{color:#666;display:block;font-weight:normal}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def pair_href(name: str, sentence: int) -> str:
    """Relative link to a pair report file at a source sentence."""
    return f"{quote(name)}#ss{int(sentence)}"


def render_trace_html(report: dict[str, Any], pair_files: list[str]) -> str:
    """The ``aligner.trace/1`` dict as a page; ``pair_files[i]`` is the file name (in
    the same folder) of the side-by-side report of the source and rendition i."""
    rens = report["renditions"]
    head = "".join(
        f'<th scope="col"><a href="{esc(quote(pair_files[r["index"]]))}">R{r["index"] + 1}</a>'
        f'<small>{esc(r["path"])} ({esc(r["lang"])}, {esc(r["relation"])})</small></th>'
        for r in rens
    )
    rows = []
    for c in report["claims"]:
        cells = []
        for r, cell in zip(rens, c["cells"], strict=True):
            status = str(cell["status"])
            span = cell["rendition_span"]
            quote_text = f'<small>{esc(span["text"])}</small>' if span else ""
            cells.append(
                f'<td class="{esc(status)}"><a href="{esc(pair_href(pair_files[r["index"]], c["sentence"]))}" '
                f'title="{esc(cell["evidence"])}">{esc(status)}{quote_text}</a></td>'
            )
        rows.append(f'<tr><th scope="row" class="claim">C{c["id"] + 1}. {esc(c["source_span"]["text"])}</th>{"".join(cells)}</tr>')
    added = []
    for r, adds in zip(rens, report["added"]["unique"], strict=True):
        items = "".join(f"<li>{esc(a['span']['text'])}</li>" for a in adds) or "<li>nothing</li>"
        added.append(f"<h3>Added only by R{r['index'] + 1}</h3><ul>{items}</ul>")
    groups = "".join(
        "<li><ul>" + "".join(f"<li>R{a['rendition'] + 1}: {esc(a['span']['text'])}</li>" for a in g) + "</ul></li>"
        for g in report["added"]["shared"]
    ) or "<li>nothing</li>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}"><meta name="referrer" content="no-referrer">'
        f"<title>aligner trace: {esc(report['source']['path'])}</title><style>{_CSS}</style></head><body>"
        f"<h1>Claims of {esc(report['source']['path'])} across {len(rens)} rendition(s)</h1>"
        "<p>Each cell links to the side-by-side report of that pair, at the claim's sentence.</p>"
        f'<table><thead><tr><th scope="col">claim</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"<h2>Added</h2>{''.join(added)}<h3>Added alike by several renditions</h3><ol>{groups}</ol>"
        "</body></html>\n"
    )
