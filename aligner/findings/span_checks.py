"""Added and dropped content: whole sentences without counterpart, and unaligned
spans inside aligned sentences.

A span is reported only when nothing explains its missing counterpart: not the same
content in a neighbouring sentence of the other side, not the same numbers in another
format, not the same entity under another name, not a freely rendered idiom of a word
or two (``[findings]`` thresholds in configs/default.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..config import FindingsSettings
from ..structures import Bead, Document, Finding, Span
from ..text.names import same_entity
from ..text.segmentation import stopwords
from .name_words import is_name_word, mid_sentence_names, name_chunks, name_or_number
from .token_evidence import TokenEvidence, content_share, has_content, is_content

__all__ = ["SpanCandidate", "added_dropped", "unaligned_spans"]


@dataclass(slots=True)
class SpanCandidate:
    """A run of unaligned content: its first and last token, and its content words."""

    first: int
    last: int
    content: list[int]


def unaligned_spans(
    doc: Document,
    ev: TokenEvidence,
    token_ids: Sequence[int],
    params: FindingsSettings,
) -> list[SpanCandidate]:
    """Runs of unaligned content tokens, bridged over function words and commas.

    A run stops at an aligned content word or at sentence-final punctuation, and is
    trimmed of function words at both ends, so "de Rutba dans l'Anbar" is reported
    as "Rutba dans l'Anbar"."""
    stop = stopwords(doc.lang)
    explained = ev.explained(params.explained_sim)
    spans: list[SpanCandidate] = []
    run: list[int] = []

    def close() -> None:
        content = [k for k in run if is_content(doc.tokens[k], stop) and not explained[k]]
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
            if is_content(tok, stop):
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


def _entity_counterpart(span_text: str, other: Document, other_tokens: Sequence[int]) -> str | None:
    """A name on the other side that is the same entity (alias, acronym, spelling
    variant): 'l'UGP' and 'Popular Mobilization Forces' are no added/dropped pair."""
    for chunk in name_chunks(other, other_tokens):
        match = same_entity(span_text, chunk)
        if match.same:
            return f"{chunk} ({match})"
    return None


def _inside_linked_name(doc: Document, ev: TokenEvidence, k: int, params: FindingsSettings) -> bool:
    """A capitalised word next to capitalised words or numbers that have counterparts
    is one word of a name rendered word by word ("Intermediate People's Court",
    "No. 3 Middle School"): the name is there, the word is only harder to link."""
    explained = ev.explained(params.explained_sim)
    sentence = doc.tokens[k].sentence
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(doc.tokens) and doc.tokens[j].sentence == sentence and doc.tokens[j].kind not in ("word", "number"):
            if doc.tokens[j].text.lstrip("'’") not in {"", "s", "-", "."}:  # "People's", "al-"
                break
            j += step
        if not (0 <= j < len(doc.tokens)) or doc.tokens[j].sentence != sentence:
            continue
        if (doc.tokens[j].kind == "number" or is_name_word(doc, j, sentence_start=True)) and explained[j]:
            return True
    return False


def _span_confidence(scores: np.ndarray, content: list[int]) -> float:
    return float(np.mean([scores[k] for k in content]))


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
    inside = [i for i in range(k + 1, j) if is_content(doc.tokens[i], stop)]
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


def _nearby_share(doc: Document, ev: TokenEvidence, tokens: Sequence[int], params: FindingsSettings) -> float:
    """Share of the content words among ``tokens`` that have a counterpart in the
    other side's sentences near their bead."""
    if ev.near is None:
        return 0.0
    return content_share(doc, tokens, np.nan_to_num(ev.near, nan=0.0) >= params.explained_sim)


def _sentence_span(doc: Document, sid: int) -> Span:
    s = doc.sentences[sid]
    return doc.span(s.start, s.end)


def _carries_name_or_number(doc: Document, tokens: Sequence[int], names: frozenset[str] = frozenset()) -> bool:
    return any(name_or_number(doc, k, names) for k in tokens)


def added_dropped(
    src: Document,
    tgt: Document,
    beads: Sequence[Bead],
    src_ev: TokenEvidence,
    tgt_ev: TokenEvidence,
    src_scores: np.ndarray,
    tgt_scores: np.ndarray,
    params: FindingsSettings,
) -> list[Finding]:
    """Whole sentences without counterpart, and unaligned spans inside beads."""
    findings: list[Finding] = []
    names = {"dropped": mid_sentence_names(src), "added": mid_sentence_names(tgt)}
    # Within one language the alignment of plain words is near exact, so a short
    # unaligned run means more than across languages, where idioms are rendered freely.
    min_plain = params.min_plain_span_words if src.lang != tgt.lang else params.min_plain_span_words_monolingual
    for bead in beads:
        if not bead.rendition:
            for sid in bead.source:
                if has_content(src, sid) and _nearby_share(src, src_ev, src.sentences[sid].token_range, params) < params.nearby_sentence_share:
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
                if has_content(tgt, sid) and _nearby_share(tgt, tgt_ev, tgt.sentences[sid].token_range, params) < params.nearby_sentence_share:
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
            for cand in unaligned_spans(doc, ev, toks, params):
                if _nearby_share(doc, ev, cand.content, params) >= params.nearby_span_share:
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
                    if not name_or_number(doc, k) or conf < params.single_word_confidence:
                        continue
                    if _inside_linked_name(doc, ev, k, params):
                        continue
                elif conf < params.min_span_confidence:
                    continue
                span = doc.token_span(cand.first, cand.last)
                names_only = len(cand.content) <= 4 and all(is_name_word(doc, k, sentence_start=True) for k in cand.content)
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
