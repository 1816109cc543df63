"""Cutting an over-long sentence into clauses the MT model can take whole.

Marian models have 512 positions and translate worse near the limit; truncating would
silently drop the end of a sentence from the gloss and from the evidence. So a sentence
over ``[translation] max_input_tokens`` is cut at the strongest boundary available
(semicolon, colon or dash; then comma; then before a conjunction; then between words;
as a last resort between characters), and neighbouring pieces are merged back while
they fit so each keeps as much context as possible. The conjunctions are the
``clause_conjunctions`` of the language packs (``configs/languages/XX.toml``).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

from ..config import known_languages, language_resources

__all__ = ["split_spans"]


@functools.lru_cache(maxsize=1)
def _levels() -> list[tuple[str, re.Pattern[str]]]:
    """Cut levels for an over-long sentence, strongest first. Each pattern's match
    *end* is a place where a new clause may start; the conjunctions are the
    ``clause_conjunctions`` of every language pack (configs/languages/XX.toml)."""
    words = sorted(
        {
            w
            for code in known_languages()
            for w in language_resources(code).get("clause_conjunctions", [])
        },
        key=lambda w: (-len(w), w),
    )
    levels = [
        ("semicolon/colon/dash", re.compile(r"[;:](?=\s)\s*|[；：。！？]\s*|\s[—–-]{1,2}\s+")),
        ("comma", re.compile(r",(?=\s)\s*|[，、]\s*")),
    ]
    if words:
        alternatives = "|".join(map(re.escape, words))
        levels.append(("conjunction", re.compile(rf"\s+(?=(?:{alternatives})\s)", re.IGNORECASE)))
    levels.append(("word", re.compile(r"\s+")))
    return levels


def split_spans(
    text: str,
    start: int,
    end: int,
    fits: Callable[[int, int], bool],
    level: int,
    used: list[str],
) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into contiguous spans that each ``fit``, preferring the
    strongest boundary available and merging neighbours back greedily so pieces stay as
    long (as much context) as the limit allows.

    ``level`` is the first cut level to try (0 at the top; recursion goes deeper) and
    ``used`` collects the names of the levels that cut, for the note to the reader."""
    if fits(start, end):
        return [(start, end)]
    levels = _levels()
    for index in range(level, len(levels)):
        name, pattern = levels[index]
        cuts = [m.end() for m in pattern.finditer(text, start, end) if start < m.end() < end]
        if not cuts:
            continue
        used.append(name)
        bounds = [start, *cuts, end]
        spans: list[tuple[int, int]] = []
        for a, b in itertools.pairwise(bounds):
            if text[a:b].strip():
                spans.extend(split_spans(text, a, b, fits, index + 1, used))
        return _merge_spans(spans, fits)
    # A single "word" longer than the limit (a URL, unspaced script): cut by characters.
    used.append("character")
    spans = []
    a = start
    while a < end:
        b = a + 1
        step = 64
        while b < end:
            nxt = min(end, b + step)
            if fits(a, nxt):
                b = nxt
            elif step > 1:
                step //= 2
            else:
                break
        spans.append((a, b))
        a = b
    return spans


def _merge_spans(
    spans: list[tuple[int, int]], fits: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and fits(merged[-1][0], span[1]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged
