"""The trace report as data, schema ``aligner.trace/1`` (README "aligner trace").

Also the input of the text, TSV and HTML trace writers. Keys in a fixed order, no
timings: the same inputs and models give byte-identical JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

SCHEMA = "aligner.trace/1"


def _addition(a) -> dict[str, Any]:
    return {"rendition": a.rendition, "sentence": a.sentence, "span": a.span.to_json()}


def trace_to_dict(trace) -> dict[str, Any]:
    """A :class:`~aligner.trace.matrix.Trace` as plain data."""
    from ..trace.status import STATUSES

    renditions = []
    for i, c in enumerate(trace.comparisons):
        statuses = Counter(row[i].status for row in trace.cells)
        renditions.append({
            "index": i,
            "path": c.rendition.path,
            "lang": c.rendition.lang,
            "sha256": c.rendition.sha256,
            "relation": c.summary.get("relation"),
            "coverage": c.summary.get("coverage"),
            "statuses": {s: statuses.get(s, 0) for s in STATUSES},
            "finding_counts": c.summary.get("counts"),
        })
    src = trace.source
    return {
        "schema": SCHEMA,
        "signature": trace.comparisons[0].signature if trace.comparisons else "",
        "source": {"path": src.path, "lang": src.lang, "sha256": src.sha256},
        "renditions": renditions,
        "claims": [
            {
                "id": claim.id,
                "sentence": claim.sentence,
                "source_span": claim.span.to_json(),
                "cells": [cell.to_json() for cell in row],
            }
            for claim, row in zip(trace.claims, trace.cells, strict=True)
        ],
        "added": {
            "unique": [[_addition(a) for a in adds] for adds in trace.unique],
            "shared": [[_addition(a) for a in group] for group in trace.shared],
        },
    }


def trace_to_json(trace) -> str:
    return json.dumps(trace_to_dict(trace), ensure_ascii=False, indent=1) + "\n"
