"""Sentence and word segmentation with character offsets.

Tokens come first and sentences are decided on tokens, so an abbreviation such as
``U.S.`` or ``É.-U.`` (one token, dot included) can never end a sentence, and the two
stages can never disagree about offsets. Numbers keep their locale form as one token
(``10 000``, ``10,000``, ``3,5``) because the difference finder compares them as
quantities. French elisions (``l'``, ``qu'``) and English clitics (``n't``) become
tokens of their own so that each carries its own alignment.

Page debris (share buttons, "Leave a Reply", bare URLs, datelines) is kept in the
text, with offsets, but marked ``boilerplate`` so it never becomes a finding.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from ..config import language_resources
from ..structures import Sentence, Token

_SPACE_GROUP = "[ \u00a0\u202f\u2009]"
_TOKEN_RE = regex.compile(
    r"""
    (?P<url>(?:https?://|www\.)[^\s<>"«»“”]+)
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<abbr>\p{L}{1,2}\.(?:-?\p{L}{1,2}\.)+)
  | (?P<number>\d{1,3}(?:""" + _SPACE_GROUP + r"""\d{3})+(?:[.,]\d+)?(?![\d\p{L}])
              | \d++(?:[.,:/\-\u066B\u066C]\d++)*+(?:(?:er|re|e|ème|st|nd|rd|th)(?!\p{L}))?)
  | (?P<word>[\p{L}\p{M}\p{N}_\uFFFD]+(?:(?:['’\-‐.](?=[\p{L}\p{N}])|\p{Cf}+(?=[\p{L}\p{M}\p{N}]))[\p{L}\p{M}\p{N}_\uFFFD]+)*)
  | (?P<ellipsis>\.{2,}|…)
  | (?P<other>\X)
    """,
    regex.VERBOSE,
)
_TERMINAL = frozenset({".", "!", "?", "…", "...", "؟", "۔", "。", "！", "？"})
_CLOSERS = frozenset({")", "]", "}", "»", "”", '"', "’", "'", "›"})
_OPENERS = frozenset({"(", "[", "«", "“", '"', "‘", "'", "‹", "¿", "¡", "—", "-", "–"})
_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "ʼ": "'"})


def fold_apostrophes(text: str) -> str:
    """Typographic and ASCII apostrophes compare equal everywhere in the tool."""
    return text.translate(_APOSTROPHES)


def norm_form(text: str) -> str:
    """The comparison form of a token: NFC, lower case, ASCII apostrophes.

    NFC makes an ``é`` typed as one code point equal to ``e`` + combining accent."""
    return fold_apostrophes(unicodedata.normalize("NFC", text)).lower()


@lru_cache(maxsize=16)
def _resources(lang: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    res = language_resources(lang)
    abbreviations = frozenset(norm_form(a) for a in res.get("abbreviations", []))
    elisions = tuple(sorted((norm_form(e) for e in res.get("elisions", [])), key=len, reverse=True))
    clitics = tuple(sorted((norm_form(c) for c in res.get("clitics", [])), key=len, reverse=True))
    raw_stop = res.get("stopwords", [])
    if isinstance(raw_stop, str):  # a whitespace-separated block is easier to maintain
        raw_stop = raw_stop.split()
    stopwords = frozenset(norm_form(s) for s in raw_stop)
    return abbreviations, elisions, clitics, stopwords


@dataclass(frozen=True)
class _WordRules:
    """How a language's words are cut beyond the regular expression: a dictionary
    segmenter for scripts written without spaces, ordinal dots, numeral characters."""

    segmenter: str | None
    ordinal_dot: bool
    numeral_chars: frozenset[str]
    magnitudes: frozenset[str]
    percent_prefixes: tuple[str, ...]
    # Function words the segmenter glues to an unknown name after them (jieba reads
    # 据 + 澜桥 "according to Lanqiao" as one new word): split off words it does not know.
    unknown_word_prefixes: tuple[str, ...] = ()


@lru_cache(maxsize=16)
def _word_rules(lang: str) -> _WordRules:
    res = language_resources(lang)
    numbers = res.get("numbers", {})
    cjk = {*numbers.get("cjk_digits", {}), *numbers.get("cjk_units", {}), *numbers.get("cjk_magnitudes", {})}
    if numbers.get("cjk_decimal"):
        cjk.add(numbers["cjk_decimal"])
    return _WordRules(
        segmenter=res.get("segmenter"),
        ordinal_dot=bool(res.get("ordinal_dot", False)),
        numeral_chars=frozenset(cjk),
        magnitudes=frozenset(numbers.get("cjk_magnitudes", {})),
        percent_prefixes=tuple(numbers.get("percent_prefixes", [])),
        unknown_word_prefixes=tuple(res.get("unknown_word_prefixes", [])),
    )


def stopwords(lang: str) -> frozenset[str]:
    return _resources(lang)[3]


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """One jieba tokenizer, built on first use (its dictionary loads in about a second)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


_HAN = regex.compile(r"\p{Han}")
_LEADING_NUMBER = regex.compile(r"^\d+(?:\.\d+)?")


def _dictionary_words(piece: str, start: int, rules: _WordRules) -> list[tuple[int, int]]:
    """Words of an unspaced run (Chinese) from the segmenter, with numbers kept whole:
    digits split from a following sign (3月 -> 3 | 月), a magnitude split from what
    follows it (亿元 -> 亿 | 元, so "8.6 亿 元" reads as 860 million yuan), 百分之
    split from its number, and numeral pieces joined (三点 + 五 -> 三点五)."""
    spans: list[tuple[int, int]] = []
    segmenter = _jieba()
    for word, ws, we in segmenter.tokenize(piece):
        if not word.strip():
            continue
        pos = ws
        if not segmenter.FREQ.get(word):  # a word jieba guessed, not one of its dictionary
            for prefix in rules.unknown_word_prefixes:
                if word.startswith(prefix) and len(word) > len(prefix):
                    spans.append((ws, ws + len(prefix)))
                    pos = ws + len(prefix)
                    break
        for prefix in rules.percent_prefixes:
            if word.startswith(prefix) and len(word) > len(prefix):
                spans.append((ws, ws + len(prefix)))
                pos = ws + len(prefix)
                break
        m = _LEADING_NUMBER.match(piece, pos, we)
        if m and m.end() < we:
            spans.append((pos, m.end()))
            pos = m.end()
        if spans and pos < we and piece[pos] in rules.magnitudes and pos + 1 < we and _is_number(piece[spans[-1][0] : spans[-1][1]], rules):
            spans.append((pos, pos + 1))
            pos += 1
        spans.append((pos, we))
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and _all_numeral(piece[merged[-1][0] : merged[-1][1]], rules) and _all_numeral(piece[a:b], rules):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return [(start + a, start + b) for a, b in merged]


def _all_numeral(text: str, rules: _WordRules) -> bool:
    return bool(text) and all(c in rules.numeral_chars for c in text)


def _is_number(text: str, rules: _WordRules) -> bool:
    return bool(_LEADING_NUMBER.fullmatch(text)) or _all_numeral(text, rules)


def _ordinal_dot(text: str, e: int, end: int, stop: frozenset[str]) -> bool:
    """Whether the dot after a number at ``e`` marks an ordinal ("am 5. März",
    "1. Bundesliga") rather than the end of a sentence ("stieg auf 12. Die ...")."""
    if e + 2 >= end or text[e] != "." or not text[e + 1].isspace():
        return False
    m = regex.match(r"\s+(\p{L}+)", text, pos=e + 1, endpos=end)
    return m is not None and norm_form(m.group(1)) not in stop


def _kind(text: str) -> str:
    ch = text[0]
    if ch.isdigit():
        return "number"
    cat = unicodedata.category(ch)
    if cat[0] in "LM" or ch == "\ufffd":
        return "word"
    if cat[0] == "P":
        return "punct"
    return "symbol"


def _split_word(text: str, start: int, elisions: Sequence[str], clitics: Sequence[str]) -> Iterable[tuple[int, int]]:
    """Split elided prefixes (``l'armée``) and clitic suffixes (``didn't``) off a word."""
    folded = fold_apostrophes(text).lower()
    pos = 0
    for el in elisions:
        if folded.startswith(el) and len(folded) > len(el) and folded[len(el)].isalpha():
            yield start, start + len(el)
            pos = len(el)
            break
    end = len(text)
    for cl in clitics:
        if folded.endswith(cl) and end - len(cl) > pos:
            yield start + pos, start + end - len(cl)
            yield start + end - len(cl), start + end
            return
    yield start + pos, start + end


def tokenize(text: str, start: int, end: int, lang: str, sentence: int = 0) -> list[Token]:
    """Word tokens of ``text[start:end]`` with absolute offsets."""
    abbreviations, elisions, clitics, stop = _resources(lang)
    rules = _word_rules(lang)
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text, start, end):
        group = m.lastgroup
        s, e = m.span()
        piece = m.group()
        if group == "other":
            if piece.isspace() or all(unicodedata.category(c) in ("Cf", "Cc", "Zs", "Zl", "Zp") for c in piece):
                continue
            tokens.append(Token(s, e, piece, sentence, _kind(piece)))
        elif group == "url":
            while e > s and text[e - 1] in ".,;:!?)]'\"’”»":
                e -= 1
            tokens.append(Token(s, e, text[s:e], sentence, "symbol", boilerplate=True))
            for rest in range(e, m.end()):
                tokens.append(Token(rest, rest + 1, text[rest], sentence, "punct"))
        elif group == "email":
            tokens.append(Token(s, e, piece, sentence, "symbol", boilerplate=True))
        elif group == "number" and rules.ordinal_dot and regex.fullmatch(r"\d{1,3}", piece) and _ordinal_dot(text, e, end, stop):
            tokens.append(Token(s, e + 1, text[s : e + 1], sentence, "number"))  # "5." is one ordinal
        elif group in ("number", "abbr", "ellipsis"):
            kind = {"number": "number", "abbr": "word", "ellipsis": "punct"}[group]
            tokens.append(Token(s, e, piece, sentence, kind))
        elif rules.segmenter == "jieba" and _HAN.search(piece):
            for ws, we in _dictionary_words(piece, s, rules):
                tokens.append(Token(ws, we, text[ws:we], sentence, _kind(text[ws:we])))
        else:  # word
            # A word followed by "." that is a known abbreviation keeps its dot.
            if e < end and text[e] == "." and norm_form(piece + ".") in abbreviations:
                tokens.append(Token(s, e + 1, text[s : e + 1], sentence, "word"))
                continue
            for ws, we in _split_word(piece, s, elisions, clitics):
                tokens.append(Token(ws, we, text[ws:we], sentence, _kind(text[ws:we])))
    # Abbreviation tokens consumed a dot that the regex would otherwise have matched
    # as punctuation; drop the duplicate.
    out: list[Token] = []
    for tok in tokens:
        if out and tok.start < out[-1].end:
            continue
        out.append(tok)
    return out


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Paragraph-aware line spans: a single line break inside a sentence that was
    hard-wrapped (previous line without final punctuation, next line starting in
    lower case) does not split it."""
    spans: list[tuple[int, int]] = []
    for m in regex.finditer(r"[^\r\n]+", text):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if spans:
            ps, pe = spans[-1]
            gap = text[pe:s]
            single_break = gap.count("\n") + gap.count("\r") - gap.count("\r\n") <= 1
            prev_last = text[pe - 1]
            wrapped = pe - ps >= 40  # hard-wrapped prose, not a list of short items
            if single_break and wrapped and prev_last not in ".!?…:;»\"”)" and text[s].islower():
                spans[-1] = (ps, e)
                continue
        spans.append((s, e))
    return spans


def _sentence_breaks(tokens: list[Token], abbreviations: frozenset[str]) -> list[int]:
    """Indices (exclusive) after which a sentence ends, within one line."""
    breaks: list[int] = []
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        if tok.text in _TERMINAL:
            j = i + 1
            while j < n and tokens[j].text in _CLOSERS and tokens[j].start == tokens[j - 1].end:
                j += 1
            while j < n and tokens[j].text in _TERMINAL:
                j += 1
            if j >= n:
                break
            nxt = tokens[j].text
            # Scripts without case (Arabic, Persian, CJK) start a sentence with any letter.
            starts_new = (
                nxt[0].isupper()
                or nxt[0].isdigit()
                or nxt in _OPENERS
                or tokens[j].kind == "symbol"
                or (nxt[0].isalpha() and not nxt[0].islower())
            )
            prev = tokens[i - 1].text if i > 0 else ""
            initial = len(prev) == 1 and prev.isupper() and tok.text == "."
            if starts_new and not initial and norm_form(prev + ".") not in abbreviations:
                breaks.append(j)
            i = j
            continue
        i += 1
    return breaks


def segment(text: str, lang: str) -> tuple[list[Sentence], list[Token]]:
    """Sentences and tokens of a whole text; boilerplate is marked by :func:`mark_boilerplate`."""
    abbreviations = _resources(lang)[0]
    sentences: list[Sentence] = []
    tokens: list[Token] = []
    for ls, le in _line_spans(text):
        line_tokens = tokenize(text, ls, le, lang)
        if not line_tokens:
            continue
        bounds = [0, *_sentence_breaks(line_tokens, abbreviations), len(line_tokens)]
        for a, b in itertools.pairwise(bounds):
            if a >= b:
                continue
            sid = len(sentences)
            chunk = line_tokens[a:b]
            for tok in chunk:
                tok.sentence = sid
            s, e = chunk[0].start, chunk[-1].end
            sentences.append(Sentence(sid, s, e, text[s:e], len(tokens), len(tokens) + len(chunk)))
            tokens.extend(chunk)
    return sentences, tokens


def _standalone(text: str | None, sentences: list[Sentence], i: int) -> bool:
    """Whether sentence ``i`` is a line of its own in ``text``: a line break between
    it and each neighbouring sentence (the gaps hold only spaces, so this costs the
    length of the gaps, never of the line)."""
    if text is None:
        return True
    s = sentences[i]
    before = text[sentences[i - 1].end : s.start] if i > 0 else "\n"
    after = text[s.end : sentences[i + 1].start] if i + 1 < len(sentences) else "\n"
    return ("\n" in before or "\r" in before) and ("\n" in after or "\r" in after)


def mark_boilerplate(
    sentences: list[Sentence],
    tokens: list[Token],
    lang: str,
    patterns: Sequence[str],
    footer_markers: Sequence[str] = (),
    *,
    text: str | None = None,
    max_words: int = 16,
    sentence_min_words: int = 5,
) -> None:
    """Mark page debris in place.

    A sentence is debris when it has no word that is not a stopword, consists of URLs
    only, or is a short standalone line that matches a configured pattern. After a
    footer marker ("Leave a Reply", "Comments") in the last third of a page, short
    lines are debris too: that is where scraped pages keep related-article links.

    Patterns and footer markers only apply to a short standalone line (a line of its
    own in ``text``, at most ``max_words`` words) that is not a full sentence (final
    ``. ! ?`` and at least ``sentence_min_words`` words): a menu entry or a byline, never
    "Related work included the characterization of materials ..." or "By 2020 the
    province had doubled its population."
    """
    stop = stopwords(lang)
    compiled = [regex.compile(p, regex.I) for p in patterns]
    footers = [regex.compile(p, regex.I) for p in footer_markers]
    in_footer = False
    n = len(sentences)
    for i, sent in enumerate(sentences):
        toks = tokens[sent.token_start : sent.token_end]
        words = [t for t in toks if t.kind in ("word", "number") and not t.boilerplate]
        content = [t for t in words if norm_form(t.text) not in stop]
        stripped = sent.text.strip()
        ends_sentence = any(t.text in _TERMINAL for t in toks[-3:])
        full_sentence = ends_sentence and len(words) >= sentence_min_words
        line_like = len(words) <= max_words and not full_sentence and _standalone(text, sentences, i)
        debris = (
            not content
            or (line_like and any(p.search(stripped) for p in compiled))
            or (in_footer and len(words) < 15)
        )
        if line_like and footers and sent.id >= n * 2 // 3 and any(p.search(stripped) for p in footers):
            in_footer = True
            debris = True
        if debris:
            sent.boilerplate = True
            for t in toks:
                t.boilerplate = True
