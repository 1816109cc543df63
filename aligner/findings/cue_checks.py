"""Cue checks: a hedge, attribution, booster, downtoner, modal or negation that governs
an aligned claim on one side only.

- ``softened`` / ``strengthened``: a hedge, attribution, downtoner or French reporting
  conditional governs an aligned claim on one side only (or a booster does, the other
  way round), or aligned modals differ in strength (will -> could);
- ``contradicted``: a negation governs an aligned claim on one side only.

A cue counts only when it governs the aligned claim: its scope (its clause and the
complement clause it introduces, :mod:`.scope`) must be linked, through the word
alignment, to the other side, and the other side's cues are looked for in the linked
part only. Thresholds: ``[claims]`` in configs/default.toml.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import ClaimsSettings
from ..structures import Document, Finding, Span
from ..text.segmentation import norm_form, stopwords
from .cue_matching import find_cues
from .scope import scope_of

__all__ = [
    "DocCue",
    "LinkMap",
    "Scores",
    "bead_cues",
    "cue_findings",
    "modal_findings",
    "negation_findings",
    "sentence_tokens",
]

# Token -> the linked tokens of the other side, and (token, other token) -> link score.
LinkMap = dict[int, set[int]]
Scores = dict[tuple[int, int], float]

# Cue categories that weaken the claim they govern; a booster strengthens it.
WEAKENERS = frozenset({"hedge", "attribution", "downtoner", "conditional"})
# Cues balance each other across the two sides when their families meet:
# "reportedly" balances the French reporting conditional, "Reports indicate" balances
# "According to reports" (both evidential), but an attribution does not balance a
# modal hedge: "X said A will happen" and "A could happen, X said" differ.
FAMILIES = {
    "attribution": frozenset({"attribution", "evidential"}),
    "conditional": frozenset({"epistemic", "evidential"}),
    "hedge": frozenset({"epistemic", "evidential"}),
    "downtoner": frozenset({"downtoner"}),
    "booster": frozenset({"booster"}),
}
# The family of a hedge that is also a modal ("could", "may").
MODAL_HEDGE = frozenset({"epistemic"})


@dataclass(frozen=True, slots=True)
class DocCue:
    """A cue with document token indices and the scope it governs."""

    category: str
    cue: str
    strength: float | None
    start: int
    end: int
    scope: tuple[int, int]
    text: str
    # Document token ranges of the cue's own words (a discontinuous cue's gap, "weist
    # die Vorwürfe zurück", is not part of it).
    parts: tuple[tuple[int, int], ...] = ()

    def covers(self, k: int) -> bool:
        return any(a <= k < b for a, b in self.parts) if self.parts else self.start <= k < self.end


def sentence_tokens(doc: Document, sid: int) -> tuple[int, list[str]]:
    """The document index of sentence ``sid``'s first token, and its token texts."""
    s = doc.sentences[sid]
    return s.token_start, [doc.tokens[k].text for k in s.token_range]


def _before_quantity(toks: Sequence[str], k: int) -> bool:
    """A number starts at token ``k``, possibly after a currency or other symbol."""
    for j in range(k, min(len(toks), k + 2)):
        if any(ch.isdigit() for ch in toks[j]):
            return True
        if any(ch.isalpha() for ch in toks[j]):
            return False
    return False


def bead_cues(doc: Document, sids: Sequence[int]) -> list[DocCue]:
    """The cues of one bead side (page debris left out), in document token indices."""
    out: list[DocCue] = []
    for sid in sids:
        if doc.sentences[sid].boilerplate:
            continue
        base, toks = sentence_tokens(doc, sid)
        for c in find_cues(toks, doc.lang):
            if c.category in ("downtoner", "hedge", "attribution") and _before_quantity(toks, c.end):
                continue  # "nearly 3 million", "almost €200,000": a quantity qualifier, not a claim hedge
            a, b = scope_of(toks, c)
            if c.category == "attribution" and a > 0 and toks[a - 1] == "," and b >= len(toks) - 1:
                a = 0  # a trailing incise (", a assuré le porte-parole.") governs the sentence
            text = doc.text[doc.tokens[base + c.start].start : doc.tokens[base + c.end - 1].end]
            parts = tuple((base + p0, base + p1) for p0, p1 in c.parts)
            out.append(DocCue(c.category, c.cue, c.strength, base + c.start, base + c.end, (base + a, base + b), text, parts))
    return out


def _mapped(scope: tuple[int, int], cue: DocCue, mapping: LinkMap, doc: Document) -> set[int]:
    """Tokens on the other side linked to the content words of a cue's scope."""
    stop = stopwords(doc.lang)
    out: set[int] = set()
    for k in range(*scope):
        if cue.start <= k < cue.end:
            continue
        tok = doc.tokens[k]
        if tok.kind in ("word", "number") and norm_form(tok.text) not in stop:
            out |= mapping.get(k, set())
    return out


def _cue_linked(cue: DocCue, mapping: LinkMap) -> set[int]:
    out: set[int] = set()
    for k in range(cue.start, cue.end):
        out |= mapping.get(k, set())
    return out


def _governs(cue: DocCue, tokens: set[int]) -> bool:
    return any(cue.scope[0] <= k < cue.scope[1] for k in tokens)


def _attribution_span(doc: Document, cue: DocCue) -> tuple[int, int]:
    """The whole attribution, not just its cue word: 'The "Cridel" website wrote'
    (the reporting clause up to its verb) or 'Selon des responsables locaux' (a
    prepositional attribution up to its comma)."""
    if cue.category != "attribution":
        return cue.start, cue.end - 1
    start = cue.scope[0] if cue.scope[0] < cue.start else cue.start
    if cue.start - start > 8:
        start = cue.start
    end = cue.end - 1
    sentence = doc.sentences[doc.tokens[cue.start].sentence]
    if start == cue.start:
        # "according to X," / « selon X, »: the source named after the cue.
        k = cue.end
        while k < sentence.token_end and k - cue.end < 8 and doc.tokens[k].text not in {",", ";", ":", "."}:
            k += 1
        if k < sentence.token_end and doc.tokens[k].text == "," and k > cue.end:
            end = k - 1
    return start, end


def _span_of(doc: Document, tokens: set[int]) -> Span | None:
    if not tokens:
        return None
    # Keep the span inside the sentence holding most of the tokens.
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for k in tokens:
        by_sentence[doc.tokens[k].sentence].append(k)
    best = max(by_sentence.values(), key=len)
    return doc.token_span(min(best), max(best))


def _families(cue: DocCue, modal_spans: set[tuple[int, int]]) -> frozenset[str]:
    """A hedge that is also a modal ("could", "may") is epistemic only; other hedges
    ("reportedly", "reports indicate") are evidential too."""
    if cue.category == "hedge" and (cue.start, cue.end) in modal_spans:
        return MODAL_HEDGE
    return FAMILIES.get(cue.category, frozenset())


def _modal_spans(cues: Sequence[DocCue]) -> set[tuple[int, int]]:
    return {(c.start, c.end) for c in cues if c.category == "modal"}


def _cue_family_present(
    cues: Sequence[DocCue], families: frozenset[str], tokens: set[int], linked: set[int], epistemic_modal_max: float
) -> bool:
    modal = _modal_spans(cues)
    for c in cues:
        weak_modal = c.category == "modal" and c.strength is not None and c.strength <= epistemic_modal_max
        if not (_families(c, modal) & families) and not (weak_modal and MODAL_HEDGE & families):
            continue
        if _governs(c, tokens) or any(c.start <= k < c.end for k in linked):
            return True
    return False


def _translated(cue: DocCue, mapping: LinkMap, scores: Scores, min_sim: float) -> bool:
    """A lexical cue whose own words are confidently linked to words of the other side
    has been translated ("dénonce" / "denounce", "selon" / "according to"), whatever
    the other language's lexicon lists. Grammatical cues (modals, the reporting
    conditional) are excluded: their link goes to the content verb ("aurait ignoré" /
    "ran"), so their difference is judged by family and strength instead."""
    # A discontinuous cue ("soll ... haben") spans the claim's own words: only its
    # edge words are the cue.
    return any(scores.get((k, o), 0.0) >= min_sim for k in {cue.start, cue.end - 1} for o in mapping.get(k, ()))


def cue_findings(
    src: Document,
    tgt: Document,
    src_cues: list[DocCue],
    tgt_cues: list[DocCue],
    s2t: LinkMap,
    t2s: LinkMap,
    scores: tuple[Scores, Scores],
    params: ClaimsSettings,
) -> list[Finding]:
    """A hedge, attribution, downtoner, reporting conditional or booster that governs a
    claim present on both sides, on one side only: softened or strengthened."""
    findings: list[Finding] = []
    seen: set[tuple[str, int, int]] = set()
    for side_cues, other_cues, doc, other, mapping, where, sc in (
        (tgt_cues, src_cues, tgt, src, t2s, "rendition", scores[1]),
        (src_cues, tgt_cues, src, tgt, s2t, "source", scores[0]),
    ):
        modal = _modal_spans(side_cues)
        for cue in side_cues:
            families = _families(cue, modal)
            if not families:
                continue
            claim = _mapped(cue.scope, cue, mapping, doc)
            if len(claim) < params.min_claim_words:
                continue  # the governed claim is not present on both sides
            if _cue_family_present(other_cues, families, claim, _cue_linked(cue, mapping), params.epistemic_modal_max):
                continue
            lexical = cue.category != "conditional" and families != MODAL_HEDGE
            if lexical and _translated(cue, mapping, sc, params.cue_counterpart_sim):
                continue
            weakens = cue.category in WEAKENERS
            # A weakening cue only in the rendition softens; only in the source, the
            # rendition states the claim more strongly. Boosters the other way round.
            if where == "rendition":
                ftype = "softened" if weakens else "strengthened"
            else:
                ftype = "strengthened" if weakens else "softened"
            key = (ftype, cue.start, cue.end)
            if key in seen:
                continue
            seen.add(key)
            a, b = _attribution_span(doc, cue)
            cue_span = doc.token_span(a, b)
            claim_span = _span_of(other, claim)
            label = {
                "hedge": "hedge",
                "attribution": "attribution",
                "conditional": "French reporting conditional",
                "downtoner": "downtoner",
                "booster": "booster",
            }[cue.category]
            verb = "added in the rendition" if where == "rendition" else "in the source, absent from the rendition"
            evidence = f"{label} '{cue.text}' {verb}; it governs a claim present on both sides"
            if where == "rendition":
                f = Finding("", ftype, "medium", 0.7, claim_span, cue_span, [f"{cue.category}: {cue.cue}"], evidence, "cue")
            else:
                f = Finding("", ftype, "medium", 0.7, cue_span, claim_span, [f"{cue.category}: {cue.cue}"], evidence, "cue")
            findings.append(f)
    return findings


def modal_findings(
    src: Document, tgt: Document, src_cues: list[DocCue], tgt_cues: list[DocCue], t2s: LinkMap, params: ClaimsSettings
) -> list[Finding]:
    """Aligned modals whose strengths differ by ``modal_gap`` or more (will -> could)."""
    findings: list[Finding] = []
    src_modals = [c for c in src_cues if c.category == "modal" and c.strength is not None]
    for tc in tgt_cues:
        if tc.category != "modal" or tc.strength is None:
            continue
        claim = _mapped(tc.scope, tc, t2s, tgt)
        linked = _cue_linked(tc, t2s)
        partners = [c for c in src_modals if _governs(c, claim) or any(c.start <= k < c.end for k in linked)]
        if not partners:
            continue
        sc = max(partners, key=lambda c: (any(c.start <= k < c.end for k in linked), -abs(c.start)))
        gap = tc.strength - sc.strength
        if abs(gap) < params.modal_gap:
            continue
        ftype = "softened" if gap < 0 else "strengthened"
        findings.append(
            Finding(
                "", ftype, "medium", min(0.9, 0.5 + abs(gap)),
                src.token_span(sc.start, sc.end - 1), tgt.token_span(tc.start, tc.end - 1),
                [f"modal: {sc.cue} ({sc.strength:.1f})", f"modal: {tc.cue} ({tc.strength:.1f})"],
                f"modal strength {sc.strength:.1f} in the source becomes {tc.strength:.1f} in the rendition",
                "modal",
            )
        )
    return findings


# A negation is balanced by a negator on the other side, or by a word that negates
# lexically ("declined to comment" for « n'a pas souhaité commenter »).
_NEGATING = frozenset({"negator", "negative_verb", "implicit_negator"})
# What makes a finding on its own: negators, and verbs that negate what they govern.
_NEGATORS = frozenset({"negator", "negative_verb"})


def _negated_head(doc: Document, cue: DocCue) -> list[int]:
    """The content words a negator applies to: the verb inside « ne ... pas », else the
    first content words after the negator in its clause."""
    stop = stopwords(doc.lang)

    def content(k: int) -> bool:
        tok = doc.tokens[k]
        return tok.kind in ("word", "number") and norm_form(tok.text) not in stop

    inside = [k for k in range(cue.start + 1, cue.end - 1) if content(k)]
    if inside:
        return inside
    after = [k for k in range(cue.end, min(cue.scope[1], cue.end + 4)) if content(k)]
    return after[:2]


def negation_findings(
    src: Document,
    tgt: Document,
    src_cues: list[DocCue],
    tgt_cues: list[DocCue],
    s2t: LinkMap,
    t2s: LinkMap,
    scores: tuple[Scores, Scores],
    params: ClaimsSettings,
) -> list[Finding]:
    """A negation that governs a claim present on both sides, on one side only:
    contradicted, unless the other side negates it lexically."""
    findings: list[Finding] = []
    for side_cues, other_cues, doc, other, mapping, where, sc in (
        (tgt_cues, src_cues, tgt, src, t2s, "rendition", scores[1]),
        (src_cues, tgt_cues, src, tgt, s2t, "source", scores[0]),
    ):
        for cue in side_cues:
            if cue.category not in _NEGATORS:
                continue
            claim = _mapped(cue.scope, cue, mapping, doc)
            if len(claim) < params.min_claim_words:
                continue
            head = _negated_head(doc, cue)
            if head and max((sc.get((k, o), 0.0) for k in head for o in mapping.get(k, ())), default=0.0) < params.negated_head_sim:
                continue  # what is negated has no clear counterpart: a paraphrase, not a flip
            linked = _cue_linked(cue, mapping)
            # A negated lexical negative is no negative at all: "did not reject" is the
            # opposite of « ha respinto », so only a plain negator balances it there.
            double = any(c.category != "negator" and c.category in _NEGATING and any(c.covers(k) for k in head) for c in side_cues)
            if any(
                c.category in _NEGATING
                and (_governs(c, claim) or any(c.start <= k < c.end for k in linked))
                and not (double and c.category != "negator")
                for c in other_cues
            ):
                continue
            cue_span = doc.token_span(cue.start, cue.end - 1)
            claim_span = _span_of(other, claim)
            evidence = (
                f"negation '{cue.text}' on one side only: the {'rendition' if where == 'rendition' else 'source'} "
                "negates a claim the other side affirms"
            )
            if where == "rendition":
                f = Finding("", "contradicted", "high", 0.75, claim_span, cue_span, [f"negator: {cue.cue}"], evidence, "negation")
            else:
                f = Finding("", "contradicted", "high", 0.75, cue_span, claim_span, [f"negator: {cue.cue}"], evidence, "negation")
            findings.append(f)
    return findings
