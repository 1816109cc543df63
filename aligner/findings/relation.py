"""How much of two documents corresponds: coverage per side, and the pair's relation.

A reader first needs to know whether the rendition is a version of the source at all:
findings between two unrelated articles would be noise. The thresholds are
``[findings] unrelated_coverage`` / ``rendition_coverage``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import FindingsSettings
from ..structures import Bead, Document
from .token_evidence import TokenEvidence, content_share, has_content

__all__ = ["all_sentences_paired", "coverage", "relation"]


def coverage(doc: Document, ev: TokenEvidence, params: FindingsSettings) -> float:
    """Share of content tokens (outside page debris) that have a counterpart."""
    return content_share(doc, range(len(doc.tokens)), ev.explained(params.explained_sim))


def relation(src_cov: float, tgt_cov: float, params: FindingsSettings, all_paired: bool = False) -> str:
    """``rendition`` when most of both sides correspond, ``unrelated`` when almost
    nothing does, ``partial`` in between.

    ``all_paired``: every sentence with content on both sides has a counterpart. Such a
    pair is a rendition whatever it left out inside its sentences (a headline that drops
    half its words is a version of it, with a dropped finding); partial overlap means
    whole sentences on one side that the other does not have."""
    if max(src_cov, tgt_cov) < params.unrelated_coverage:
        return "unrelated"
    if min(src_cov, tgt_cov) >= params.rendition_coverage or all_paired:
        return "rendition"
    return "partial"


def all_sentences_paired(src: Document, tgt: Document, beads: Sequence[Bead]) -> bool:
    """No sentence with content sits in a bead without counterpart."""
    for bead in beads:
        if bead.source and bead.rendition:
            continue
        if any(has_content(src, sid) for sid in bead.source) or any(has_content(tgt, sid) for sid in bead.rendition):
            return False
    return True
