"""The source's claims: the rows of a trace matrix.

A claim is a clause with content of a non-debris source sentence. Sentences are split
at clause punctuation (configured in ``[trace] clause_marks``) when both pieces have
enough content words, so that a detail a rendition drops ("près de la ville de X")
is a claim of its own instead of a small part of a long sentence."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..structures import Document, Span
from ..text.segmentation import norm_form, stopwords


@dataclass(frozen=True, slots=True)
class TraceParams:
    """The ``[trace]`` thresholds (configs/default.toml)."""

    clause_marks: frozenset[str] = frozenset({",", ";", ":"})
    min_clause_words: int = 3
    dropped_share: float = 0.5
    shared_similarity: float = 0.9

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TraceParams:
        cfg = config.get("trace", {})
        d = cls()
        return cls(
            frozenset(cfg.get("clause_marks", sorted(d.clause_marks))),
            int(cfg.get("min_clause_words", d.min_clause_words)),
            float(cfg.get("dropped_share", d.dropped_share)),
            float(cfg.get("shared_similarity", d.shared_similarity)),
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """One row: a clause of source sentence ``sentence`` covering tokens
    ``token_start:token_end`` and the characters of ``span``."""

    id: int
    sentence: int
    token_start: int
    token_end: int
    span: Span
    content: tuple[int, ...]  # token indices of its content words

    @property
    def token_range(self) -> range:
        return range(self.token_start, self.token_end)


def content_tokens(doc: Document, tokens: range, stop: frozenset[str]) -> tuple[int, ...]:
    """Words and numbers that are not stopwords: what a claim asserts."""
    return tuple(
        k for k in tokens
        if doc.tokens[k].kind in ("word", "number") and norm_form(doc.tokens[k].text) not in stop
    )


def _pieces(doc: Document, first: int, last: int, params: TraceParams, stop: frozenset[str]) -> list[tuple[int, int]]:
    """Token ranges of a sentence's clauses; a piece with too few content words
    joins the one before it (or, at the start, the one after)."""
    cuts = [k + 1 for k in range(first, last - 1) if doc.tokens[k].kind != "word" and doc.tokens[k].text in params.clause_marks]
    bounds = [first, *cuts, last]
    pieces: list[tuple[int, int]] = []
    for a, b in pairwise(bounds):
        short_before = bool(pieces) and len(content_tokens(doc, range(*pieces[-1]), stop)) < params.min_clause_words
        short_last = bool(pieces) and b == last and len(content_tokens(doc, range(a, b), stop)) < params.min_clause_words
        if short_before or short_last:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    return pieces


def _trimmed_span(doc: Document, a: int, b: int) -> Span | None:
    """The characters from the first to the last word or number of tokens a..b."""
    inner = [k for k in range(a, b) if doc.tokens[k].kind in ("word", "number")]
    if not inner:
        return None
    return doc.token_span(inner[0], inner[-1])


def source_claims(doc: Document, params: TraceParams) -> list[Claim]:
    """The claims of a segmented source, in text order."""
    stop = stopwords(doc.lang)
    claims: list[Claim] = []
    for s in doc.sentences:
        if s.boilerplate or s.token_end <= s.token_start:
            continue
        for a, b in _pieces(doc, s.token_start, s.token_end, params, stop):
            span = _trimmed_span(doc, a, b)
            content = content_tokens(doc, range(a, b), stop)
            if span is None or not content:
                continue
            claims.append(Claim(len(claims), s.id, a, b, span, content))
    return claims
