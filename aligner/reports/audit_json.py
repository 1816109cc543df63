"""The audit report as data, schema ``aligner.audit/1`` (README "aligner audit").

One entry per segment pair, in file order, with the file's own id; findings are
``aligner.report/1`` finding objects whose offsets are into that segment's text
(inline codes excluded; ``source_codes``/``target_codes`` say where they stand).
This dict is also the input of the text, HTML and TSV audit writers."""

from __future__ import annotations

import json
from typing import Any

from .model import BeadEntry

SCHEMA = "aligner.audit/1"


def _codes(codes) -> list[dict[str, Any]]:
    return [{"offset": c.offset, "tag": c.tag} for c in codes]


def _segment(seg) -> dict[str, Any]:
    p = seg.pair
    c = seg.comparison
    out: dict[str, Any] = {
        "id": p.id,
        "line": p.line,
        "state": p.state,
        "status": seg.status,
        "source": p.source,
        "target": p.target,
        "source_codes": _codes(p.source_codes),
        "target_codes": _codes(p.target_codes),
        "file_notes": list(p.notes),
        "findings": [f.to_json() for f in seg.findings],
        "notes": list(dict.fromkeys(seg.notes)),
    }
    if c is not None:
        out["relation"] = c.summary.get("relation")
        out["coverage"] = c.summary.get("coverage")
        out["sentence_alignment"] = [BeadEntry.from_bead(b).to_dict() for b in c.beads]
    return out


def _cross(x) -> dict[str, Any]:
    return {
        "type": x.kind,
        "source_segment": x.source_segment,
        "rendition_segment": x.rendition_segment,
        "source_span": x.source_span.to_json(),
        "rendition_span": x.rendition_span.to_json(),
        "similarity": x.similarity,
        "replaces": list(x.replaces),
    }


def audit_dict(audit) -> dict[str, Any]:
    bf = audit.file
    return {
        "schema": SCHEMA,
        "signature": audit.signature,
        "file": {
            "path": bf.path,
            "format": bf.format,
            "version": bf.version,
            "sha256": bf.sha256,
            "source_lang": audit.source_lang,
            "target_lang": audit.target_lang,
            "declared_source_lang": bf.source_lang,
            "declared_target_lang": bf.target_lang,
        },
        "segments": [_segment(s) for s in audit.segments],
        "cross_segment": [_cross(x) for x in audit.cross],
        "summary": {"segments": len(audit.segments), "counts": audit.counts(), "statuses": audit.status_counts(), "cross_segment": len(audit.cross)},
        "notes": list(audit.notes) + list(bf.warnings),
        "models": audit.models,
        "timings": audit.timings,
    }


def render_audit_json(audit) -> str:
    return json.dumps(audit_dict(audit), ensure_ascii=False, indent=1) + "\n"
