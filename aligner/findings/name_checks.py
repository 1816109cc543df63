"""Name checks: aligned names that are different entities are ``changed``.

Spelling rules alone cannot tell a changed invented name from an exonym
("Valbrune"/"Valgrane" look as alike as "Bruxelles"/"Brussels"), but the encoder knows
the names it has seen: a real place and its exonym embed almost identically on their
own, two different names do not. Thresholds: ``[claims]`` in configs/default.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..config import ClaimsSettings
from ..structures import Document, Finding, Link
from ..text.names import EntityMatch, same_entity
from ..text.segmentation import norm_form, stopwords
from .cue_checks import LinkMap
from .name_words import is_name_word

__all__ = ["NameSimilarity", "name_findings"]

# The cosine of each pair of names embedded on their own (pipeline.name_similarity).
NameSimilarity = Callable[[Sequence[tuple[str, str]]], Sequence[float]]


def _in_multiword_name(doc: Document, k: int) -> bool:
    """Part of "United States", "Foreign Policy": compared as a whole elsewhere."""
    s = doc.sentences[doc.tokens[k].sentence]
    return any(s.token_start <= j < s.token_end and is_name_word(doc, j, sentence_start=True) for j in (k - 1, k + 1))


def _skeleton(name: str, params: ClaimsSettings) -> str:
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


def _parallel_name(src: Document, tgt: Document, lk: Link, s2t: LinkMap) -> bool:
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
        capitalised = is_name_word(src, sj, sentence_start=True) and is_name_word(tgt, tj, sentence_start=True)
        names = norm_form(a.text) not in stopwords(src.lang) and norm_form(b.text) not in stopwords(tgt.lang)
        if capitalised and names and (norm_form(a.text) == norm_form(b.text) or tj in s2t.get(sj, ())):
            return True
    return False


def _one_entity(a: str, b: str, match: EntityMatch, params: ClaimsSettings) -> str | None:
    """Why two names are one entity by their spelling ("exact", "alias", "variant
    0.95", "transliteration"), or None."""
    if match.reason in ("exact", "alias"):
        return str(match)
    if match.reason == "variant" and match.score >= params.name_variant_ratio:
        return str(match)
    if not match.same and match.reason in ("different", "different acronym"):
        skeleton = _skeleton(a, params)
        if skeleton == _skeleton(b, params) and len(skeleton) >= 2:
            return "transliteration"
    return None


def name_findings(
    src: Document,
    tgt: Document,
    links: Sequence[Link],
    s2t: LinkMap,
    params: ClaimsSettings,
    name_similarity: NameSimilarity | None,
) -> tuple[list[Finding], list[str]]:
    """Aligned names that are different entities ("Valbrune" / "Valgrane"), and the
    notes on aligned names taken for one entity under two spellings.

    A pair counts as one entity when it is an exact, alias or close spelling match, or
    when ``name_similarity`` (the cosine of the two names embedded alone) reaches
    ``same_name_sim``. Without that function, only same-language pairs are judged, by
    spelling."""
    variants: list[str] = []
    candidates: list[tuple[Link, str, str, EntityMatch]] = []
    for lk in links:
        if not (
            is_name_word(src, lk.source, min_length=2, calendar=False)
            and is_name_word(tgt, lk.rendition, min_length=2, calendar=False)
        ):
            continue
        if (_in_multiword_name(src, lk.source) or _in_multiword_name(tgt, lk.rendition)) and not _parallel_name(src, tgt, lk, s2t):
            continue
        a, b = src.tokens[lk.source].text, tgt.tokens[lk.rendition].text
        match = same_entity(a, b)
        why = _one_entity(a, b, match, params)
        if why is not None:
            if why != "exact" and norm_form(a) != norm_form(b):
                variants.append(f"{a} / {b}: same entity ({why})")
            continue
        if match.reason != "alias-conflict" and match.score < params.name_min_resemblance and (
            src.lang != tgt.lang or lk.score < params.name_link_sim
        ):
            # Unlike names in loosely aligned sentences ("Anbar" / "Baghdad") are other
            # entities, not a changed one; a changed name keeps a likeness
            # ("Immoval" / "Promoval") or, within one language, a confident link.
            continue
        candidates.append((lk, a, b, match))
    sims = list(name_similarity([(a, b) for _, a, b, _ in candidates])) if name_similarity and candidates else [None] * len(candidates)
    findings: list[Finding] = []
    for (lk, a, b, match), sim in zip(candidates, sims, strict=True):
        if match.reason != "alias-conflict" and sim is not None and sim >= params.same_name_sim:
            variants.append(f"{a} / {b}: same entity (names embed alike, {sim:.2f})")
            continue
        if sim is None and match.reason == "variant":
            continue
        evidence = f"aligned names differ: '{a}' vs '{b}' ({match}" + (f", names embed at {sim:.2f})" if sim is not None else ")")
        findings.append(
            Finding(
                "", "changed", "high", 0.7, src.token_span(lk.source, lk.source), tgt.token_span(lk.rendition, lk.rendition),
                [], evidence, "name",
            )
        )
    return findings, variants
