"""The JSON report, schema ``aligner.report/1`` (see README "JSON report").

Keys are emitted in a fixed order and floats rounded, so the same inputs and models
give byte-identical reports apart from ``timings``."""

from __future__ import annotations

import json
from typing import Any

from ..structures import Document

SCHEMA = "aligner.report/1"


def _side(doc: Document, diff) -> dict[str, Any]:
    sentences = []
    for s in doc.sentences:
        item: dict[str, Any] = {"id": s.id, "start": s.start, "end": s.end, "text": s.text}
        if s.translation is not None:
            item["translation"] = s.translation
        if s.boilerplate:
            item["boilerplate"] = True
        sentences.append(item)
    tokens = [
        {"start": t.start, "end": t.end, "text": t.text, "diff": float(diff[k])}
        for k, t in enumerate(doc.tokens)
    ]
    return {
        "path": doc.path,
        "lang": doc.lang,
        "sha256": doc.sha256,
        "text": doc.text,
        "sentences": sentences,
        "tokens": tokens,
        "warnings": list(doc.warnings),
    }


def to_json_dict(c) -> dict[str, Any]:
    """The report as plain data (also the input of the HTML, XLIFF and TSV writers)."""
    return {
        "schema": SCHEMA,
        "signature": c.signature,
        "source": _side(c.source, c.source_diff),
        "rendition": _side(c.rendition, c.rendition_diff),
        "sentence_alignment": [
            {"source": list(b.source), "rendition": list(b.rendition), "score": round(float(b.score), 4), **({"moved": True} if b.moved else {})}
            for b in c.beads
        ],
        "word_alignment": [[lk.source, lk.rendition, round(float(lk.score), 3)] for lk in c.links],
        "findings": [f.to_json() for f in c.findings],
        "summary": c.summary,
        "notes": list(c.notes),
        "models": c.models,
        "timings": c.timings,
    }


def to_json_text(c) -> str:
    return json.dumps(to_json_dict(c), ensure_ascii=False, indent=1) + "\n"
