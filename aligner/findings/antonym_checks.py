"""Antonym checks: aligned words that are antonyms are ``contradicted``.

Within one language the cue file's antonym pairs decide ("rose" / "fell"); across
languages (and within one) the concepts all cue files share (:mod:`.opposites`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..structures import Document, Finding, Link
from .opposites import are_antonyms, are_opposed

__all__ = ["antonym_findings"]


def _with_neighbours(src: Document, links: Sequence[Link]) -> list[Link]:
    """Links, then the same rendition words paired with the source words next to their
    partner: a link can land on the auxiliary of a compound verb (« a » of « a baissé »
    linked to "rose"), and the verb beside it carries the meaning."""
    out = list(links)
    for lk in links:
        sentence = src.sentences[src.tokens[lk.source].sentence]
        for k in (lk.source - 1, lk.source + 1):
            if sentence.token_start <= k < sentence.token_end and src.tokens[k].kind == "word":
                out.append(Link(k, lk.rendition, lk.score))
    return out


def antonym_findings(src: Document, tgt: Document, links: Sequence[Link]) -> list[Finding]:
    """Aligned words that are antonyms: within one language from its antonym pairs,
    across languages (and within one) from the concepts all cue files share."""
    findings: list[Finding] = []
    same = src.lang == tgt.lang
    seen: set[tuple[int, int]] = set()
    for lk in _with_neighbours(src, links):
        if (lk.source, lk.rendition) in seen:
            continue
        seen.add((lk.source, lk.rendition))
        a, b = src.tokens[lk.source].text, tgt.tokens[lk.rendition].text
        if (same and are_antonyms(a, b, src.lang)) or are_opposed(a, src.lang, b, tgt.lang):
            findings.append(
                Finding(
                    "", "contradicted", "high", 0.7, src.token_span(lk.source, lk.source),
                    tgt.token_span(lk.rendition, lk.rendition), [f"antonyms: {a} / {b}"],
                    f"aligned words are antonyms: '{a}' vs '{b}'",
                    "antonym",
                )
            )
    return findings
