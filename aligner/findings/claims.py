"""Claim-level differences inside aligned sentence beads.

Word alignment says which words correspond; the checks called here say what the
correspondence means for the claim:

- ``softened`` / ``strengthened``: a cue governs an aligned claim on one side only, or
  aligned modals differ in strength (:mod:`.cue_checks`);
- ``changed``: aligned dates or quantities that disagree after normalisation
  (:mod:`.date_quantity_checks`), and aligned names that are not spellings of one
  entity (:mod:`.name_checks`);
- ``contradicted``: a negation governs an aligned claim on one side only
  (:mod:`.cue_checks`), or aligned words are antonyms (:mod:`.antonym_checks`).

Findings of one type that touch the same claim are merged into one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from ..config import ClaimsSettings
from ..structures import Bead, Document, Finding, Link, Span
from .antonym_checks import antonym_findings
from .cue_checks import LinkMap, Scores, bead_cues, cue_findings, modal_findings, negation_findings
from .date_quantity_checks import date_quantity_findings
from .lexicon import has_lexicon
from .merging import spans_overlap
from .name_checks import NameSimilarity, name_findings

__all__ = ["ClaimFindings", "claim_findings"]


class ClaimFindings(NamedTuple):
    """The claim findings, and notes for the report (a language without a cue
    lexicon, names taken for one entity under two spellings)."""

    findings: list[Finding]
    notes: list[str]


def claim_findings(
    src: Document,
    tgt: Document,
    beads: Sequence[Bead],
    links: Sequence[Link],
    params: ClaimsSettings,
    name_similarity: NameSimilarity | None = None,
) -> ClaimFindings:
    """All claim-level findings for aligned beads, with their notes."""
    notes = [
        f"no cue lexicon for language {doc.lang!r}: softened/strengthened/contradicted checks are limited"
        for doc in (src, tgt)
        if not has_lexicon(doc.lang)
    ]
    s2t: LinkMap = defaultdict(set)
    t2s: LinkMap = defaultdict(set)
    s_scores: Scores = {}
    t_scores: Scores = {}
    for lk in links:
        s2t[lk.source].add(lk.rendition)
        t2s[lk.rendition].add(lk.source)
        s_scores[(lk.source, lk.rendition)] = lk.score
        t_scores[(lk.rendition, lk.source)] = lk.score
    findings: list[Finding] = []
    variants: list[str] = []
    links_by_sentence: dict[int, list[Link]] = defaultdict(list)
    for lk in links:
        links_by_sentence[src.tokens[lk.source].sentence].append(lk)
    for bead in beads:
        if not bead.source or not bead.rendition:
            continue
        src_cues = bead_cues(src, bead.source)
        tgt_cues = bead_cues(tgt, bead.rendition)
        findings += cue_findings(src, tgt, src_cues, tgt_cues, s2t, t2s, (s_scores, t_scores), params)
        findings += modal_findings(src, tgt, src_cues, tgt_cues, t2s, params)
        findings += negation_findings(src, tgt, src_cues, tgt_cues, s2t, t2s, (s_scores, t_scores), params)
        findings += date_quantity_findings(src, tgt, bead, s2t)
        bead_links = [lk for sid in bead.source for lk in links_by_sentence.get(sid, [])]
        names, same_names = name_findings(src, tgt, bead_links, s2t, params, name_similarity)
        findings += names
        variants += same_names
        findings += antonym_findings(src, tgt, bead_links)
    if variants:
        notes.append("name variants treated as the same entity: " + "; ".join(sorted(set(variants))))
    return ClaimFindings(_merge_overlapping(src, tgt, findings), notes)


def _union(doc: Document, a: Span | None, b: Span | None) -> Span | None:
    if a is None:
        return b
    if b is None:
        return a
    return doc.span(min(a.start, b.start), max(a.end, b.end))


def _merged(src: Document, tgt: Document, g: Finding, f: Finding) -> Finding:
    """One finding for two of one type that touch the same claim."""
    return replace(
        g,
        source_span=_union(src, g.source_span, f.source_span),
        rendition_span=_union(tgt, g.rendition_span, f.rendition_span),
        cues=[*g.cues, *(c for c in f.cues if c not in g.cues)],
        evidence=f"{g.evidence}; {f.evidence}",
        confidence=max(g.confidence, f.confidence),
        severity=min(g.severity, f.severity, key=["high", "medium", "low"].index),
    )


def _merge_overlapping(src: Document, tgt: Document, findings: list[Finding]) -> list[Finding]:
    """Two cues of one type that touch the same claim ("Kridel wrote" and "may" both
    soften one sentence) become one finding listing both cues, so findings of a type
    never overlap."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.type, f.source_span.start if f.source_span else -1)):
        for i, g in enumerate(out):
            if g.type == f.type and (spans_overlap(g.source_span, f.source_span) or spans_overlap(g.rendition_span, f.rendition_span)):
                out[i] = _merged(src, tgt, g, f)
                break
        else:
            out.append(f)
    # A merge can make a finding overlap one it did not overlap before: repeat.
    return out if len(out) == len(findings) else _merge_overlapping(src, tgt, out)
