"""Difference finding: from alignments to findings a reader can act on.

This module is pure: it takes two segmented documents, their sentence beads and
per-token alignment evidence (:class:`TokenEvidence`), and returns findings and
token difference scores. Claim-level comparisons (cues, numbers, names, polarity)
live in :mod:`aligner.findings.claims` and are called from :func:`find_differences`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..structures import Bead, Document, Finding, Span, Token
from ..text.segmentation import norm_form, stopwords

# Similarity calibration (e5-small, layers 5-7, "query: " prefix; measured on the
# seed pairs): a best cosine at or above HIGH means "clearly has a counterpart", at
# or below LOW "clearly has none". A token without an argmax link whose best
# similarity stays under EXPLAINED has no counterpart.
SIM_HIGH = 0.72
SIM_LOW = 0.35
EXPLAINED = 0.6


@dataclass(slots=True)
class TokenEvidence:
    """Alignment evidence per document token (arrays indexed by token).

    ``aligned``: the token has at least one word-alignment link;
    ``best``: the best similarity it reached with any token on the other side of its
    bead (NaN where it had no bead counterpart at all);
    ``extra``: evidence strings from other paths (MT surprise), per token."""

    aligned: np.ndarray
    best: np.ndarray
    extra: dict[int, str] = field(default_factory=dict)
    # Best similarity to any word of the other side's sentences near the bead (NaN
    # where not measured): content moved across a sentence boundary has one.
    near: np.ndarray | None = None

    @classmethod
    def empty(cls, n: int) -> TokenEvidence:
        return cls(np.zeros(n, bool), np.full(n, np.nan), {}, np.full(n, np.nan))

    @property
    def explained(self) -> np.ndarray:
        """Linked, or similar enough to something on the other side to have a
        counterpart (argmax alone leaves many true counterparts unlinked)."""
        return self.aligned | (np.nan_to_num(self.best, nan=0.0) >= EXPLAINED)


def diff_scores(doc: Document, ev: TokenEvidence) -> np.ndarray:
    """Graded "has no counterpart" score per token, in [0, 1].

    Aligned tokens get [0, 0.5) by how well they matched; unaligned ones [0.5, 1] by
    how far their best match was from a real counterpart; tokens in sentences with no
    counterpart get 1. Punctuation in aligned sentences gets 0: it carries no claim."""
    scale = np.clip((SIM_HIGH - np.nan_to_num(ev.best, nan=SIM_LOW)) / (SIM_HIGH - SIM_LOW), 0.0, 1.0)
    explained = ev.explained
    out = np.where(explained, 0.5 * scale, 0.5 + 0.5 * scale)
    for k, tok in enumerate(doc.tokens):
        if np.isnan(ev.best[k]):
            out[k] = 1.0
        elif tok.kind in ("punct", "symbol"):
            out[k] = 0.0
    return np.round(out, 3)


def _is_name_or_number(tok: Token, first_in_sentence: bool) -> bool:
    if tok.kind == "number":
        return True
    return tok.text[:1].isupper() and not first_in_sentence


def _content(tok: Token, stop: frozenset[str]) -> bool:
    return tok.kind in ("word", "number") and not tok.boilerplate and norm_form(tok.text) not in stop



@dataclass(slots=True)
class SpanCandidate:
    first: int
    last: int
    content: list[int]


def unaligned_spans(
    doc: Document,
    ev: TokenEvidence,
    token_ids: Sequence[int],
) -> list[SpanCandidate]:
    """Runs of unaligned content tokens, bridged over function words and commas.

    A run stops at an aligned content word or at sentence-final punctuation, and is
    trimmed of function words at both ends, so "de Rutba dans l'Anbar" is reported
    as "Rutba dans l'Anbar"."""
    stop = stopwords(doc.lang)
    explained = ev.explained
    spans: list[SpanCandidate] = []
    run: list[int] = []

    def close() -> None:
        content = [k for k in run if _content(doc.tokens[k], stop) and not explained[k]]
        if content:
            first, last = content[0], content[-1]
            spans.append(SpanCandidate(first, last, content))
        run.clear()

    prev_sentence = None
    for k in token_ids:
        tok = doc.tokens[k]
        if prev_sentence is not None and tok.sentence != prev_sentence:
            close()
        prev_sentence = tok.sentence
        if tok.boilerplate:
            close()
            continue
        if tok.kind in ("word", "number"):
            if _content(tok, stop):
                if explained[k] or _restated_acronym(doc, k):
                    close()
                else:
                    run.append(k)
            else:
                if run:
                    run.append(k)
        else:
            if tok.text in {".", "!", "?", ";", ":", "…"}:
                close()
            elif run:
                run.append(k)
    close()
    return spans


def _restated_acronym(doc: Document, k: int) -> bool:
    """An acronym in parentheses, "(PMU)", restates the words before it."""
    tok = doc.tokens[k]
    if not (2 <= len(tok.text) <= 6 and tok.text.isupper()):
        return False
    before = doc.tokens[k - 1].text if k > 0 else ""
    after = doc.tokens[k + 1].text if k + 1 < len(doc.tokens) else ""
    return before == "(" and after == ")"


def _caseless(word: str) -> bool:
    """Written in a script without capitals (Chinese, Arabic, Persian ...), where any
    word may be a name."""
    first = word[:1]
    return first.isalpha() and first.lower() == first.upper()


def _name_chunks(doc: Document, tokens: Sequence[int]) -> list[str]:
    """Runs of capitalised words (and acronyms) in a token list: candidate names. In
    a script without capitals every run of words is a candidate: "Lanqiao" is checked
    against the transliteration of each of them."""
    chunks: list[str] = []
    run: list[int] = []
    for k in [*tokens, -1]:
        text = doc.tokens[k].text if k >= 0 else ""
        if k >= 0 and doc.tokens[k].kind == "word" and (text[:1].isupper() or _caseless(text)):
            run.append(k)
            continue
        if run:
            for i in range(len(run)):
                for j in range(i, min(len(run), i + 4)):
                    chunks.append(doc.text[doc.tokens[run[i]].start : doc.tokens[run[j]].end])
            run = []
    return chunks


def _entity_counterpart(span_text: str, other: Document, other_tokens: Sequence[int]) -> str | None:
    """A name on the other side that is the same entity (alias, acronym, spelling
    variant): 'l'UGP' and 'Popular Mobilization Forces' are no added/dropped pair."""
    from ..text.normalization import same_entity

    for chunk in _name_chunks(other, other_tokens):
        same, why = same_entity(span_text, chunk)
        if same:
            return f"{chunk} ({why})"
    return None


def _inside_linked_name(doc: Document, ev: TokenEvidence, k: int) -> bool:
    """A capitalised word next to capitalised words or numbers that have counterparts
    is one word of a name rendered word by word ("Intermediate People's Court",
    "No. 3 Middle School"): the name is there, the word is only harder to link."""
    explained = ev.explained
    sentence = doc.tokens[k].sentence
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(doc.tokens) and doc.tokens[j].sentence == sentence and doc.tokens[j].kind not in ("word", "number"):
            if doc.tokens[j].text.lstrip("'’") not in {"", "s", "-", "."}:  # "People's", "al-"
                break
            j += step
        if not (0 <= j < len(doc.tokens)) or doc.tokens[j].sentence != sentence:
            continue
        tok = doc.tokens[j]
        if (tok.kind == "number" or (tok.kind == "word" and tok.text[:1].isupper())) and explained[j]:
            return True
    return False


def _span_confidence(scores: np.ndarray, content: list[int]) -> float:
    return float(np.mean([scores[k] for k in content]))


def _finding_sort_key(f: Finding) -> tuple:
    s = f.source_span.start if f.source_span else -1
    r = f.rendition_span.start if f.rendition_span else -1
    return (s if s >= 0 else r, r, f.type)


_DIGITS = re.compile(r"\d+")


_INCISE_OPEN = frozenset({",", "(", "—", "–"})
_INCISE_CLOSE = frozenset({",", ")", "—", "–", ".", ";"})


def _is_incise(doc: Document, content: Sequence[int]) -> bool:
    """The span makes up most of a short parenthetical (", situé au bord du canal,"):
    a unit of content of its own, not a word or two of a freely rendered phrase."""
    first, last = content[0], content[-1]
    sentence = doc.sentences[doc.tokens[first].sentence]
    k = first - 1
    while k >= sentence.token_start and doc.tokens[k].kind in ("word", "number"):
        k -= 1
    j = last + 1
    while j < sentence.token_end and doc.tokens[j].kind in ("word", "number"):
        j += 1
    before = doc.tokens[k].text if k >= sentence.token_start else ""
    after = doc.tokens[j].text if j < sentence.token_end else "."
    if before not in _INCISE_OPEN or after not in _INCISE_CLOSE:
        return False
    stop = stopwords(doc.lang)
    inside = [i for i in range(k + 1, j) if _content(doc.tokens[i], stop)]
    return len(inside) <= 4 and 2 * len(content) >= len(inside)


def _numbers_restated(doc: Document, content: Sequence[int], other: Document, other_tokens: Sequence[int]) -> bool:
    """A span of numbers and unit abbreviations ("min 41 s") whose every number also
    appears on the other side (as "2:09:41"): a format difference, not content."""
    numbers: list[str] = []
    for k in content:
        text = doc.tokens[k].text
        if any(ch.isdigit() for ch in text):
            numbers += [n.lstrip("0") or "0" for n in _DIGITS.findall(text)]
        elif len(text) > 3:
            return False
    if not numbers:
        return False
    theirs = {n.lstrip("0") or "0" for k in other_tokens for n in _DIGITS.findall(other.tokens[k].text)}
    return all(n in theirs for n in numbers)


def _content_share(doc: Document, tokens: Iterable[int], has: np.ndarray) -> float:
    """Share of the content words among ``tokens`` whose flag in ``has`` is set (0 when
    there are none): coverage, and the nearby-counterpart test of a span."""
    stop = stopwords(doc.lang)
    content = [k for k in tokens if _content(doc.tokens[k], stop)]
    if not content:
        return 0.0
    return float(np.mean([bool(has[k]) for k in content]))


def _nearby_share(doc: Document, ev: TokenEvidence, tokens: Sequence[int]) -> float:
    """Share of the content words among ``tokens`` that have a counterpart in the
    other side's sentences near their bead."""
    if ev.near is None:
        return 0.0
    return _content_share(doc, tokens, np.nan_to_num(ev.near, nan=0.0) >= EXPLAINED)


@dataclass(frozen=True, slots=True)
class FindingParams:
    min_span_confidence: float = 0.55
    single_word_confidence: float = 0.8
    nearby_span_share: float = 0.6
    nearby_sentence_share: float = 0.7
    min_plain_span_words: float = 3
    min_plain_span_words_monolingual: float = 2
    new_claim_words: float = 3

    @classmethod
    def from_config(cls, section: dict) -> FindingParams:
        fields = cls.__dataclass_fields__
        return cls(**{k: float(v) for k, v in section.items() if k in fields})


def _sentence_span(doc: Document, sid: int) -> Span:
    s = doc.sentences[sid]
    return doc.span(s.start, s.end)


def _has_content(doc: Document, sid: int) -> bool:
    stop = stopwords(doc.lang)
    s = doc.sentences[sid]
    return not s.boilerplate and any(_content(doc.tokens[k], stop) for k in s.token_range)


def _mid_sentence_names(doc: Document) -> frozenset[str]:
    """Capitalised words seen inside a sentence somewhere in the document: the same
    word capitalised at a sentence start ("Kridel wrote") is a name too."""
    return frozenset(
        t.text for k, t in enumerate(doc.tokens)
        if t.kind == "word" and t.text[:1].isupper() and k != doc.sentences[t.sentence].token_start
    )


def _carries_name_or_number(doc: Document, tokens: Sequence[int], names: frozenset[str] = frozenset()) -> bool:
    for k in tokens:
        first = k == doc.sentences[doc.tokens[k].sentence].token_start
        if _is_name_or_number(doc.tokens[k], first) or (first and doc.tokens[k].text in names):
            return True
    return False


def added_dropped(
    src: Document,
    tgt: Document,
    beads: Sequence[Bead],
    src_ev: TokenEvidence,
    tgt_ev: TokenEvidence,
    src_scores: np.ndarray,
    tgt_scores: np.ndarray,
    params: FindingParams,
) -> list[Finding]:
    """Whole sentences without counterpart, and unaligned spans inside beads."""
    findings: list[Finding] = []
    names = {"dropped": _mid_sentence_names(src), "added": _mid_sentence_names(tgt)}
    # Within one language the alignment of plain words is near exact, so a short
    # unaligned run means more than across languages, where idioms are rendered freely.
    min_plain = params.min_plain_span_words if src.lang != tgt.lang else params.min_plain_span_words_monolingual
    for bead in beads:
        if not bead.rendition:
            for sid in bead.source:
                if _has_content(src, sid) and _nearby_share(src, src_ev, src.sentences[sid].token_range) < params.nearby_sentence_share:
                    toks = list(src.sentences[sid].token_range)
                    findings.append(
                        Finding(
                            "", "dropped", "high" if _carries_name_or_number(src, toks) else "low", 0.85,
                            _sentence_span(src, sid), None, [],
                            "the whole sentence has no counterpart in the rendition", "sentence",
                        )
                    )
            continue
        if not bead.source:
            for sid in bead.rendition:
                if _has_content(tgt, sid) and _nearby_share(tgt, tgt_ev, tgt.sentences[sid].token_range) < params.nearby_sentence_share:
                    toks = list(tgt.sentences[sid].token_range)
                    findings.append(
                        Finding(
                            "", "added", "high" if _carries_name_or_number(tgt, toks) else "low", 0.85,
                            None, _sentence_span(tgt, sid), [],
                            "the whole sentence has no counterpart in the source", "sentence",
                        )
                    )
            continue
        src_tokens = [k for sid in bead.source for k in src.sentences[sid].token_range]
        tgt_tokens = [k for sid in bead.rendition for k in tgt.sentences[sid].token_range]
        counterpart_src = src.span(src.sentences[bead.source[0]].start, src.sentences[bead.source[-1]].end)
        counterpart_tgt = tgt.span(tgt.sentences[bead.rendition[0]].start, tgt.sentences[bead.rendition[-1]].end)
        for doc, ev, scores, toks, kind in (
            (src, src_ev, src_scores, src_tokens, "dropped"),
            (tgt, tgt_ev, tgt_scores, tgt_tokens, "added"),
        ):
            for cand in unaligned_spans(doc, ev, toks):
                if _nearby_share(doc, ev, cand.content) >= params.nearby_span_share:
                    continue  # its content is in a neighbouring sentence of the other side
                other_doc, other_tokens = (tgt, tgt_tokens) if kind == "dropped" else (src, src_tokens)
                if _numbers_restated(doc, cand.content, other_doc, other_tokens):
                    continue  # "2 h 09 min 41 s" / "2:09:41": the same numbers in another format
                conf = _span_confidence(scores, cand.content)
                if (
                    len(cand.content) < min_plain
                    and not _carries_name_or_number(doc, cand.content, names[kind])
                    and not _is_incise(doc, cand.content)
                ):
                    # Two loosely linked plain words inside an aligned sentence are
                    # mostly an idiom rendered freely ("premier coup de pioche" /
                    # "work gets under way"), not missing content.
                    continue
                if len(cand.content) == 1:
                    # One stray word is usually an alignment miss; only a name or a
                    # number that nothing on the other side resembles is worth a finding.
                    k = cand.content[0]
                    first = k == doc.sentences[doc.tokens[k].sentence].token_start
                    if not _is_name_or_number(doc.tokens[k], first) or conf < params.single_word_confidence:
                        continue
                    if _inside_linked_name(doc, ev, k):
                        continue
                elif conf < params.min_span_confidence:
                    continue
                span = doc.token_span(cand.first, cand.last)
                names_only = len(cand.content) <= 4 and all(doc.tokens[k].text[:1].isupper() for k in cand.content)
                if names_only and _entity_counterpart(span.text, other_doc, other_tokens):
                    continue
                evidence_bits = [
                    f"{len(cand.content)} content word(s) without an aligned counterpart in the {'rendition' if kind == 'dropped' else 'source'} sentence"
                ]
                evidence_bits.extend(ev.extra[k] for k in cand.content if k in ev.extra)
                severity = "high" if _carries_name_or_number(doc, cand.content) else "low"
                if kind == "dropped":
                    f = Finding("", kind, severity, conf, span, counterpart_tgt, [], "; ".join(evidence_bits), "span")
                else:
                    f = Finding("", kind, severity, conf, counterpart_src, span, [], "; ".join(evidence_bits), "span")
                findings.append(f)
    return findings


def coverage(doc: Document, ev: TokenEvidence) -> float:
    """Share of content tokens (outside page debris) that have a counterpart."""
    return _content_share(doc, range(len(doc.tokens)), ev.explained)


def relation(src_cov: float, tgt_cov: float, all_paired: bool = False) -> str:
    """``rendition`` when most of both sides correspond, ``unrelated`` when almost
    nothing does, ``partial`` in between.

    ``all_paired``: every sentence with content on both sides has a counterpart. Such a
    pair is a rendition whatever it left out inside its sentences (a headline that drops
    half its words is a version of it, with a dropped finding); partial overlap means
    whole sentences on one side that the other does not have."""
    if max(src_cov, tgt_cov) < 0.3:
        return "unrelated"
    if min(src_cov, tgt_cov) >= 0.55 or all_paired:
        return "rendition"
    return "partial"


def all_sentences_paired(src: Document, tgt: Document, beads: Sequence[Bead]) -> bool:
    """No sentence with content sits in a bead without counterpart."""
    for bead in beads:
        if bead.source and bead.rendition:
            continue
        if any(_has_content(src, sid) for sid in bead.source) or any(_has_content(tgt, sid) for sid in bead.rendition):
            return False
    return True


def calibrated(findings: list[Finding], table: dict[str, float]) -> list[Finding]:
    """Each finding's confidence set to the precision its check (``basis``, with the
    finding type: "cue:softened") showed on the labelled development cases, so 0.8
    means "about four in five such findings are right". ``benchmarks/findings_f1.py
    --calibrate`` measures the table. Checks the table does not list keep the
    confidence they computed."""
    for f in findings:
        key = f"{f.basis}:{f.type}"
        if key in table:
            f.confidence = float(table[key])
        elif f.basis in table:
            f.confidence = float(table[f.basis])
    return findings


def number_findings(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=_finding_sort_key)
    for k, f in enumerate(findings, 1):
        f.id = f"f{k}"
    return findings


def _overlap(a: Span | None, b: Span | None) -> bool:
    return a is not None and a.overlaps(b)


def _inside(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and b.start <= a.start and a.end <= b.end


# Claim findings that explain any added/dropped span they touch: a changed number, a
# hedge or attribution gained or lost ("semble-t-il", "Officials believe").
_EXPLAINING = frozenset({"changed", "softened", "strengthened"})


_WORD = re.compile(r"\w{4,}")


def _new_claims_win(claims: list[Finding], spans: list[Finding], new_claim_words: float) -> list[Finding]:
    """A hedge inside a whole new clause is part of an added claim, not a softening of
    an existing one ("apparently angry over a rejected building permit" is added; a
    bare "apparently" is softened): a softened/strengthened finding whose cue lies in
    an added/dropped span with ``new_claim_words`` or more other words (of four letters
    or more) of its own gives way to it."""
    out = []
    for c in claims:
        if c.type in ("softened", "strengthened"):
            beaten = False
            for f in spans:
                mine = f.rendition_span if f.type == "added" else f.source_span
                cue = c.rendition_span if f.type == "added" else c.source_span
                if _inside(cue, mine) and len(_WORD.findall(mine.text.replace(cue.text, " "))) >= new_claim_words:
                    beaten = True
                    break
            if beaten:
                continue
        out.append(c)
    return out


def merge_findings(claims: list[Finding], spans: list[Finding], params: FindingParams | None = None) -> list[Finding]:
    """Claim findings win over the added/dropped span they explain: "Kridel wrote" is
    an attribution (softened), not an added span. Duplicate claims are dropped."""
    claims = _new_claims_win(claims, spans, (params or FindingParams()).new_claim_words)
    out: list[Finding] = []
    seen: set[tuple] = set()
    for f in claims:
        key = (f.type, f.source_span.start if f.source_span else None, f.rendition_span.start if f.rendition_span else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    # Claim spans per side, sorted, so each added/dropped span is checked against the
    # few claims near it rather than all of them (long documents).
    index: dict[str, tuple[list[int], list[Finding], int]] = {}
    for side in ("rendition_span", "source_span"):
        keyed = sorted((getattr(c, side).start, i) for i, c in enumerate(claims) if getattr(c, side) is not None)
        longest = max((len(getattr(c, side).text) for c in claims if getattr(c, side) is not None), default=0)
        index[side] = ([k for k, _ in keyed], [claims[i] for _, i in keyed], longest)
    for f in spans:
        mine = f.rendition_span if f.type == "added" else f.source_span
        side = "rendition_span" if f.type == "added" else "source_span"
        starts, ordered, longest = index[side]
        if mine is not None:
            # Only claims starting at most `longest` characters before this span can
            # reach it.
            near = ordered[bisect.bisect_left(starts, mine.start - longest) : bisect.bisect_left(starts, mine.end)]
            if any(_inside(mine, getattr(c, side)) or (_overlap(mine, getattr(c, side)) and c.type in _EXPLAINING) for c in near):
                continue
        out.append(f)
    return out
