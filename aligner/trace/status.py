"""The status of one source claim in one pair's comparison: a pure function of the
claim, the comparison's beads, word links and findings.

Precedence when several findings touch one claim (the most serious change to what
the claim asserts wins; every touching finding is still listed in the cell):

1. ``dropped``: the claim's sentence has no counterpart in the rendition (a 1-0 bead,
   or no bead), or dropped spans cover at least ``dropped_share`` of its content words;
2. ``contradicted``: a negation flip or an antonym;
3. ``changed``: a number, date or name that disagrees, or a smaller dropped part;
4. ``softened``, then 5. ``strengthened`` (hedges, attributions, modals, boosters);
6. ``kept``: aligned, and no finding of those types.

``added`` findings never change a claim's status: what a rendition adds is reported
below the matrix, per rendition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..structures import Bead, Document, Finding, Link, Span
from .claims import Claim, TraceParams

STATUSES: tuple[str, ...] = ("kept", "softened", "strengthened", "changed", "contradicted", "dropped")
_RANK = {"dropped": 0, "contradicted": 1, "changed": 2, "softened": 3, "strengthened": 4}


@dataclass(slots=True)
class Cell:
    """One matrix cell: ``status`` with its evidence and the rendition span that
    shows it (None where the claim has no counterpart)."""

    status: str
    evidence: str
    rendition_span: Span | None
    findings: list[str] = field(default_factory=list)  # ids of the touching findings

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "evidence": self.evidence,
            "rendition_span": self.rendition_span.to_json() if self.rendition_span else None,
            "findings": list(self.findings),
        }


def _bead_of(sentence: int, beads: Sequence[Bead]) -> Bead | None:
    for b in beads:
        if sentence in b.source:
            return b
    return None


def _linked_span(claim: Claim, tgt: Document, links: Sequence[Link], bead: Bead) -> Span:
    """The rendition words linked to the claim's words, or the bead's sentences."""
    own = set(claim.token_range)
    linked = sorted(lk.rendition for lk in links if lk.source in own)
    if linked:
        return tgt.token_span(linked[0], linked[-1])
    first, last = tgt.sentences[bead.rendition[0]], tgt.sentences[bead.rendition[-1]]
    return tgt.span(first.start, last.end)


def _covered(claim: Claim, src: Document, spans: Sequence[Span]) -> float:
    """Share of the claim's content words inside any of ``spans``."""
    hit = sum(1 for k in claim.content if any(s.start <= src.tokens[k].start < s.end for s in spans))
    return hit / len(claim.content) if claim.content else 0.0


def claim_status(
    claim: Claim,
    src: Document,
    tgt: Document,
    beads: Sequence[Bead],
    links: Sequence[Link],
    findings: Sequence[Finding],
    params: TraceParams,
) -> Cell:
    """The cell of ``claim`` for one comparison (see the module docstring for the
    precedence of statuses)."""
    bead = _bead_of(claim.sentence, beads)
    if bead is None or not bead.rendition:
        return Cell("dropped", "the sentence has no counterpart in the rendition", None)
    touching = [f for f in findings if f.type != "added" and claim.span.overlaps(f.source_span)]
    ids = [f.id for f in touching]
    dropped = [f for f in touching if f.type == "dropped"]
    share = _covered(claim, src, [f.source_span for f in dropped if f.source_span])
    if dropped and share >= params.dropped_share:
        parts = "; ".join(repr(f.source_span.text) for f in dropped if f.source_span)
        return Cell("dropped", f"{share:.0%} of the claim's content words have no counterpart: {parts}", dropped[0].rendition_span, ids)
    ranked: list[tuple[int, int, Finding]] = []
    for i, f in enumerate(touching):
        kind = "changed" if f.type == "dropped" else f.type
        if kind in _RANK:
            ranked.append((_RANK[kind], i, f))
    if ranked:
        _, _, top = min(ranked)
        if top.type == "dropped":
            text = top.source_span.text if top.source_span else ""
            return Cell("changed", f"part of the claim has no counterpart: {text!r} ({top.evidence})", top.rendition_span, ids)
        return Cell(top.type, top.evidence, top.rendition_span or _linked_span(claim, tgt, links, bead), ids)
    return Cell("kept", f"aligned with similarity {bead.score:.2f}", _linked_span(claim, tgt, links, bead), ids)
