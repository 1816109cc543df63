"""Claim-level differences inside aligned sentence beads.

Word alignment says which words correspond; this module says what the
correspondence means for the claim:

- ``softened`` / ``strengthened``: a hedge, attribution, downtoner or French
  reporting conditional governs an aligned claim on one side only (or a booster does,
  the other way round), or aligned modals differ in strength (will -> could);
- ``changed``: aligned dates or quantities that disagree after normalisation
  (« 3 février » vs "April 3"; 10 000 = 10,000 is no change), and aligned names that
  are not spelling variants of one entity;
- ``contradicted``: a negation governs an aligned claim on one side only, or aligned
  words are antonyms.

A cue counts only when it governs the aligned claim: its scope (its clause and the
complement clause it introduces) must be linked, through the word alignment, to
the other side, and the other side's cues are looked for in the linked part only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..structures import Bead, Document, Finding, Link
from ..text.locale_data import is_calendar_word
from ..text.normalization import (
    dates_agree,
    extract_dates,
    extract_quantities,
    quantities_agree,
    same_entity,
)
from ..text.segmentation import norm_form, stopwords
from .cues import are_antonyms, find_cues, has_lexicon, scope_of
from .differences import _overlap
from .opposites import are_opposed

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
MODAL_HEDGE = frozenset({"epistemic"})


@dataclass(frozen=True, slots=True)
class ClaimParams:
    """Thresholds of the claim checks (``[claims]`` in configs/default.toml)."""

    # Modal strengths must differ by at least this much ("will" 0.9 vs "could" 0.4).
    modal_gap: float = 0.3
    # A lexical cue linked at this similarity or more to a word of the other side has
    # been translated there, so it is no difference.
    cue_counterpart_sim: float = 0.55
    # The word a negator governs must be linked at least this well for a polarity flip
    # to be judged (a paraphrase by negation, "maintien des effectifs" / "no job cuts",
    # links its words loosely).
    negated_head_sim: float = 0.5
    # A modal this weak ("könnte", "could" 0.4) is an epistemic hedge: it balances a
    # hedge such as "could" or "may" that the other language lists as one.
    epistemic_modal_max: float = 0.4
    # Two names are one entity when their spelling similarity reaches this
    # ("Nouri"/"Nuri" 0.95), or when the names embedded alone reach same_name_sim
    # (exonyms: "Londres"/"London" 0.97; changed names: "Valbrune"/"Valgrane" 0.90).
    name_variant_ratio: float = 0.85
    same_name_sim: float = 0.93
    name_min_resemblance: float = 0.4
    # Letters a romanised name's skeleton ignores, and consonants it treats as one.
    vowels: str = "aeiouy"
    consonant_classes: tuple[str, ...] = ("kqc",)

    @classmethod
    def from_config(cls, section: dict) -> ClaimParams:
        fields = cls.__dataclass_fields__
        out = {}
        for k, v in section.items():
            if k in ("vowels",):
                out[k] = str(v)
            elif k == "consonant_classes":
                out[k] = tuple(str(x) for x in v)
            elif k in fields:
                out[k] = float(v)
        return cls(**out)


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


def _sentence_tokens(doc: Document, sid: int) -> tuple[int, list[str]]:
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
    out: list[DocCue] = []
    for sid in sids:
        if doc.sentences[sid].boilerplate:
            continue
        base, toks = _sentence_tokens(doc, sid)
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


def _mapped(scope: tuple[int, int], cue: DocCue, mapping: dict[int, set[int]], doc: Document) -> set[int]:
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


def _cue_linked(cue: DocCue, mapping: dict[int, set[int]]) -> set[int]:
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


def _span_of(doc: Document, tokens: set[int]):
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


def _translated(cue: DocCue, mapping: dict[int, set[int]], scores: dict[tuple[int, int], float], min_sim: float) -> bool:
    """A lexical cue whose own words are confidently linked to words of the other side
    has been translated ("dénonce" / "denounce", "selon" / "according to"), whatever
    the other language's lexicon lists. Grammatical cues (modals, the reporting
    conditional) are excluded: their link goes to the content verb ("aurait ignoré" /
    "ran"), so their difference is judged by family and strength instead."""
    # A discontinuous cue ("soll ... haben") spans the claim's own words: only its
    # edge words are the cue.
    return any(scores.get((k, o), 0.0) >= min_sim for k in {cue.start, cue.end - 1} for o in mapping.get(k, ()))


def _cue_findings(
    src: Document,
    tgt: Document,
    src_cues: list[DocCue],
    tgt_cues: list[DocCue],
    s2t: dict[int, set[int]],
    t2s: dict[int, set[int]],
    scores: tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]],
    params: ClaimParams,
) -> list[Finding]:
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
            if len(claim) < 2:
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


def _modal_findings(src: Document, tgt: Document, src_cues, tgt_cues, t2s, params: ClaimParams) -> list[Finding]:
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


def _negation_findings(src: Document, tgt: Document, src_cues, tgt_cues, s2t, t2s, scores, params: ClaimParams) -> list[Finding]:
    findings: list[Finding] = []
    for side_cues, other_cues, doc, other, mapping, where, sc in (
        (tgt_cues, src_cues, tgt, src, t2s, "rendition", scores[1]),
        (src_cues, tgt_cues, src, tgt, s2t, "source", scores[0]),
    ):
        for cue in side_cues:
            if cue.category not in _NEGATORS:
                continue
            claim = _mapped(cue.scope, cue, mapping, doc)
            if len(claim) < 2:
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


def _linked_between(a: tuple[int, int], b: tuple[int, int], s2t: dict[int, set[int]]) -> bool:
    return any(t in range(*b) for k in range(*a) for t in s2t.get(k, ()))


def _same_dimension(a, b) -> bool:
    """Quantities compare in the same unit, or in two units of one dimension that
    convert (420 km vs 420 miles is a change; "18 h" and "6 p.m." are clock times,
    not the numbers 18 and 6)."""
    if a.unit == b.unit:
        return True
    return a.unit is not None and b.unit is not None and quantities_agree(a, b) is not None


def _day_month(d) -> tuple[int | None, int | None, int | None]:
    return getattr(d, "year", None), getattr(d, "month", None), getattr(d, "day", None)


def _coordinated_days(doc: Document, sids: Sequence[int], items: list) -> set[tuple[int | None, int | None, int | None]]:
    """(month, day) of every date of a bead side, including days coordinated with a
    date ("9 et 10 octobre", "from April 4 to 6", "4-6 avril"): a bare day number
    within a few tokens of a dated day shares its month."""
    out: set[tuple[int | None, int | None, int | None]] = set()
    for kind, item, rng in items:
        if kind != "date" or item.month is None:
            continue
        out.add((item.year, item.month, item.day))
        sentence = doc.sentences[doc.tokens[rng[0]].sentence]
        for k in range(max(sentence.token_start, rng[0] - 4), min(sentence.token_end, rng[1] + 4)):
            text = doc.tokens[k].text
            if text.isdigit() and 1 <= int(text) <= 31 and not rng[0] <= k < rng[1]:
                out.add((item.year, item.month, int(text)))
    return out


def _fact_findings(src: Document, tgt: Document, bead: Bead, s2t) -> list[Finding]:
    """Dates and quantities that disagree, paired by alignment (or by being alone)."""
    findings: list[Finding] = []
    src_items = []
    tgt_items = []
    for doc, sids, out in ((src, bead.source, src_items), (tgt, bead.rendition, tgt_items)):
        for sid in sids:
            if doc.sentences[sid].boilerplate:
                continue
            base, toks = _sentence_tokens(doc, sid)
            for d in extract_dates(toks, doc.lang):
                out.append(("date", d, (base + d.start, base + d.end)))
            for q in extract_quantities(toks, doc.lang):
                out.append(("quantity", q, (base + q.start, base + q.end)))
    coordinated = (_coordinated_days(src, bead.source, src_items), _coordinated_days(tgt, bead.rendition, tgt_items))
    used: set[int] = set()
    for kind, item, rng in src_items:
        # Quantities compare only in the same unit family: "18 h" (a clock time) and
        # "6 p.m." are not the numbers 18 and 6.
        candidates = [
            (j, t)
            for j, t in enumerate(tgt_items)
            if t[0] == kind and j not in used and (kind == "date" or _same_dimension(item, t[1]))
        ]
        if not candidates:
            continue
        linked = [(j, t) for j, t in candidates if _linked_between(rng, t[2], s2t)]
        if linked:
            j, t = linked[0]
        elif len(candidates) == 1 and sum(1 for s in src_items if s[0] == kind) == 1:
            j, t = candidates[0]
        else:
            continue
        agree = dates_agree(item, t[1]) if kind == "date" else quantities_agree(item, t[1])
        if agree is None:
            continue
        used.add(j)
        if agree:
            continue
        if kind == "date" and _day_month(item) in coordinated[1] and _day_month(t[1]) in coordinated[0]:
            continue  # "les 9 et 10 octobre" / "October 9 and 10": paired in another order
        s_span = src.token_span(rng[0], rng[1] - 1)
        t_span = tgt.token_span(t[2][0], t[2][1] - 1)
        findings.append(
            Finding(
                "", "changed", "high", 0.9 if linked else 0.75, s_span, t_span, [],
                f"{kind} '{s_span.text}' in the source does not match '{t_span.text}' in the rendition after normalisation",
                kind,
            )
        )
    return findings


def _is_name(doc: Document, k: int) -> bool:
    tok = doc.tokens[k]
    first = k == doc.sentences[tok.sentence].token_start
    return (
        tok.kind == "word" and tok.text[:1].isupper() and not first and len(tok.text) > 1
        and not is_calendar_word(tok.text, doc.lang)
    )


def _in_multiword_name(doc: Document, k: int) -> bool:
    """Part of "United States", "Foreign Policy": compared as a whole elsewhere."""
    s = doc.sentences[doc.tokens[k].sentence]
    for j in (k - 1, k + 1):
        if s.token_start <= j < s.token_end and doc.tokens[j].kind == "word" and doc.tokens[j].text[:1].isupper():
            return True
    return False


def _skeleton(name: str, params: ClaimParams) -> str:
    """A name's consonant skeleton: romanised, vowels dropped, doubled letters
    collapsed, interchangeable consonants merged. Transliterations of one name agree
    on it ("Tell"/"Tal", "Kassem"/"Qassem", "Omar"/"Umar"); a changed name does not
    ("Valbrune"/"Valgrane")."""
    from anyascii import anyascii

    letters = [ch for ch in anyascii(name).lower() if ch.isalpha()]
    merged = [next((cls[0] for cls in params.consonant_classes if ch in cls), ch) for ch in letters]
    out: list[str] = []
    for ch in merged:
        if ch in params.vowels or (out and out[-1] == ch):
            continue
        out.append(ch)
    return "".join(out)


def _resemblance(why: str) -> float:
    """The spelling similarity in a :func:`same_entity` verdict ("different 0.49")."""
    try:
        return float(why.rsplit(" ", 1)[1])
    except (IndexError, ValueError):
        return 0.0


def _parallel_name(src: Document, tgt: Document, lk: Link, s2t: dict[int, set[int]]) -> bool:
    """Two multiword names that run in parallel ("Tamsin Reyes" / "Tamsin Reed"): a
    neighbouring capitalised word is the same or linked on both sides, so the names
    can be compared word by word."""
    ss = src.sentences[src.tokens[lk.source].sentence]
    ts = tgt.sentences[tgt.tokens[lk.rendition].sentence]
    for d in (-1, 1):
        sj, tj = lk.source + d, lk.rendition + d
        if not (ss.token_start <= sj < ss.token_end and ts.token_start <= tj < ts.token_end):
            continue
        a, b = src.tokens[sj], tgt.tokens[tj]
        capitalised = a.kind == "word" and b.kind == "word" and a.text[:1].isupper() and b.text[:1].isupper()
        names = norm_form(a.text) not in stopwords(src.lang) and norm_form(b.text) not in stopwords(tgt.lang)
        if capitalised and names and (norm_form(a.text) == norm_form(b.text) or tj in s2t.get(sj, ())):
            return True
    return False


NameSimilarity = Callable[[Sequence[tuple[str, str]]], Sequence[float]]


def _name_findings(
    src: Document,
    tgt: Document,
    links: Sequence[Link],
    s2t: dict[int, set[int]],
    variants: list[str],
    params: ClaimParams,
    name_similarity: NameSimilarity | None,
) -> list[Finding]:
    """Aligned names that are different entities ("Valbrune" / "Valgrane").

    Spelling rules alone cannot tell a changed invented name from an exonym
    ("Valbrune"/"Valgrane" look as alike as "Bruxelles"/"Brussels"), but the encoder
    knows the names it has seen: a real place and its exonym embed almost identically
    on their own, two different names do not. So a pair counts as one entity when it
    is an exact, alias or close spelling match, or when ``name_similarity`` (the
    cosine of the two names embedded alone) reaches ``same_name_sim``. Without that
    function, only same-language pairs are judged, by spelling."""
    candidates: list[tuple[Link, str, str, str]] = []
    for lk in links:
        if not (_is_name(src, lk.source) and _is_name(tgt, lk.rendition)):
            continue
        if (_in_multiword_name(src, lk.source) or _in_multiword_name(tgt, lk.rendition)) and not _parallel_name(src, tgt, lk, s2t):
            continue
        a, b = src.tokens[lk.source].text, tgt.tokens[lk.rendition].text
        same, why = same_entity(a, b)
        close = why.startswith("variant") and float(why.split()[1]) >= params.name_variant_ratio
        if not same and why.startswith(("different", "variant")) and _skeleton(a, params) == _skeleton(b, params) and len(_skeleton(a, params)) >= 2:
            same, why, close = True, "transliteration", True
        if same and (why in ("exact", "alias", "transliteration") or close):
            if why != "exact" and norm_form(a) != norm_form(b):
                variants.append(f"{a} / {b}: same entity ({why})")
            continue
        if why != "alias-conflict" and _resemblance(why) < params.name_min_resemblance and (src.lang != tgt.lang or lk.score < 0.8):
            # Unlike names in loosely aligned sentences ("Anbar" / "Baghdad") are other
            # entities, not a changed one; a changed name keeps a likeness
            # ("Immoval" / "Promoval") or, within one language, a confident link.
            continue
        candidates.append((lk, a, b, why))
    sims = list(name_similarity([(a, b) for _, a, b, _ in candidates])) if name_similarity and candidates else [None] * len(candidates)
    findings: list[Finding] = []
    for (lk, a, b, why), sim in zip(candidates, sims, strict=True):
        if why != "alias-conflict" and sim is not None and sim >= params.same_name_sim:
            variants.append(f"{a} / {b}: same entity (names embed alike, {sim:.2f})")
            continue
        if sim is None and why.startswith("variant"):
            continue
        evidence = f"aligned names differ: '{a}' vs '{b}' ({why}" + (f", names embed at {sim:.2f})" if sim is not None else ")")
        findings.append(
            Finding(
                "", "changed", "high", 0.7, src.token_span(lk.source, lk.source), tgt.token_span(lk.rendition, lk.rendition),
                [], evidence, "name",
            )
        )
    return findings


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


def _antonym_findings(src: Document, tgt: Document, links: Sequence[Link]) -> list[Finding]:
    """Aligned words that are antonyms: within one language from its antonym pairs,
    across languages (and within one) from the concepts all cue files share."""
    findings = []
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


def claim_findings(
    src: Document,
    tgt: Document,
    beads: Sequence[Bead],
    links: Sequence[Link],
    notes: list[str] | None = None,
    params: ClaimParams | None = None,
    name_similarity: NameSimilarity | None = None,
) -> list[Finding]:
    """All claim-level findings for aligned beads."""
    params = params or ClaimParams()
    for doc in (src, tgt):
        if not has_lexicon(doc.lang) and notes is not None:
            notes.append(f"no cue lexicon for language {doc.lang!r}: softened/strengthened/contradicted checks are limited")
    s2t: dict[int, set[int]] = defaultdict(set)
    t2s: dict[int, set[int]] = defaultdict(set)
    s_scores: dict[tuple[int, int], float] = {}
    t_scores: dict[tuple[int, int], float] = {}
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
        findings += _cue_findings(src, tgt, src_cues, tgt_cues, s2t, t2s, (s_scores, t_scores), params)
        findings += _modal_findings(src, tgt, src_cues, tgt_cues, t2s, params)
        findings += _negation_findings(src, tgt, src_cues, tgt_cues, s2t, t2s, (s_scores, t_scores), params)
        findings += _fact_findings(src, tgt, bead, s2t)
        bead_links = [lk for sid in bead.source for lk in links_by_sentence.get(sid, [])]
        findings += _name_findings(src, tgt, bead_links, s2t, variants, params, name_similarity)
        findings += _antonym_findings(src, tgt, bead_links)
    if notes is not None and variants:
        notes.append("name variants treated as the same entity: " + "; ".join(sorted(set(variants))))
    return _merge_overlapping(src, tgt, findings)


def _union(doc: Document, a, b):
    if a is None:
        return b
    if b is None:
        return a
    return doc.span(min(a.start, b.start), max(a.end, b.end))


def _merge_overlapping(src: Document, tgt: Document, findings: list[Finding]) -> list[Finding]:
    """Two cues of one type that touch the same claim ("Kridel wrote" and "may" both
    soften one sentence) become one finding listing both cues, so findings of a type
    never overlap."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.type, f.source_span.start if f.source_span else -1)):
        for g in out:
            if g.type == f.type and (_overlap(g.source_span, f.source_span) or _overlap(g.rendition_span, f.rendition_span)):
                g.source_span = _union(src, g.source_span, f.source_span)
                g.rendition_span = _union(tgt, g.rendition_span, f.rendition_span)
                g.cues = [*g.cues, *(c for c in f.cues if c not in g.cues)]
                g.evidence = f"{g.evidence}; {f.evidence}"
                g.confidence = max(g.confidence, f.confidence)
                g.severity = min(g.severity, f.severity, key=["high", "medium", "low"].index)
                break
        else:
            out.append(f)
    # A merge can make a finding overlap one it did not overlap before: repeat.
    return out if len(out) == len(findings) else _merge_overlapping(src, tgt, out)
