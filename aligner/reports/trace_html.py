"""The trace as one HTML page: the claim x rendition matrix, each cell a link to the
side-by-side report of that pair (a sibling file, at the claim's sentence).

The page is the template ``templates/trace.html.j2`` with ``trace.css``.
Self-contained and inert: no script, no network request (strict
Content-Security-Policy), every piece of input text escaped by
:func:`~aligner.reports.html_page.esc`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .html_page import render_template, template_text

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def pair_href(name: str, sentence: int) -> str:
    """Relative link to a pair report file at a source sentence."""
    return f"{quote(name)}#ss{int(sentence)}"


def render_trace_html(report: dict[str, Any], pair_files: list[str]) -> str:
    """The ``aligner.trace/1`` dict as a page; ``pair_files[i]`` is the file name (in
    the same folder) of the side-by-side report of the source and rendition i."""
    from markupsafe import Markup

    rens = report["renditions"]
    claims = []
    for c in report["claims"]:
        cells = []
        for r, cell in zip(rens, c["cells"], strict=True):
            span = cell["rendition_span"]
            cells.append({
                "status": str(cell["status"]),
                "href": pair_href(pair_files[r["index"]], c["sentence"]),
                "evidence": cell["evidence"],
                "quote": span["text"] if span else None,
            })  # fmt: skip
        claims.append({"n": c["id"] + 1, "text": c["source_span"]["text"], "cells": cells})
    return render_template(
        "trace.html.j2",
        csp=Markup(_CSP),
        style=Markup("\n" + template_text("trace.css") + "\n"),
        path=report["source"]["path"],
        renditions=[
            {"n": r["index"] + 1, "href": quote(pair_files[r["index"]]), "path": r["path"], "lang": r["lang"], "relation": r["relation"]}
            for r in rens
        ],
        claims=claims,
        added=[
            {"n": r["index"] + 1, "texts": [a["span"]["text"] for a in adds]}
            for r, adds in zip(rens, report["added"]["unique"], strict=True)
        ],
        shared=[[{"n": a["rendition"] + 1, "text": a["span"]["text"]} for a in g] for g in report["added"]["shared"]],
    )
