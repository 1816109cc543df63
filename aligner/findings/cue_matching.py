"""Finding the cues of a lexicon in one sentence.

The difference finder needs the cues that set how strongly a sentence asserts its
claim (hedges, attributions, boosters, modals, negators, downtoners, the French
reporting conditional), with their token spans, on both sides of an aligned sentence
pair. :mod:`.lexicon` compiles the word lists; this module only matches them.

Matching is on one sentence's word tokens, as the segmenter makes them (punctuation
and French elisions split off), in :func:`~.lexicon.cue_form`. A discontinuous entry
("ne ... pas") takes the nearest next word for its gap, never across clause
punctuation; open classes are recognised by their endings or prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .lexicon import (
    NUM,
    NUM_KEY,
    ConditionalRule,
    Cue,
    CueLexicon,
    Parts,
    Pattern,
    cue_form,
    lexicon,
)

__all__ = ["find_cues"]

# A gap never runs across these: "ne" in one clause, "pas" in the next, is no negation.
_GAP_BLOCKERS = frozenset({",", ";", ":", ".", "!", "?", "(", ")", "«", "»", '"', "“", "”", "—", "–"})
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles|ce|je|tu|nous|vous)$")


def _slot_ok(slot: frozenset[str], tok: str) -> bool:
    if tok in slot or (NUM in slot and any(c.isdigit() for c in tok)):
        return True
    # "stem*" (not in a first slot) matches any word starting so: Arabic « قد ي* »
    return any(s.endswith("*") and len(s) > 1 and tok.startswith(s[:-1]) and len(tok) >= len(s) for s in slot)


def _match(pattern: Pattern, norm: Sequence[str], i: int, gap: int) -> Parts | None:
    """Token ranges of ``pattern`` matched from ``i``; a gap takes the nearest next
    word, never across clause punctuation."""
    first = pattern[0]
    if first is None or not _slot_ok(first, norm[i]):
        return None
    n = len(norm)
    parts: list[tuple[int, int]] = []
    run_start, pos, k = i, i + 1, 1
    while k < len(pattern):
        slot = pattern[k]
        if slot is None:
            nxt = pattern[k + 1]
            assert nxt is not None
            found = None
            for j in range(pos, min(n, pos + gap + 1)):
                if _slot_ok(nxt, norm[j]):
                    found = j
                    break
                if norm[j] in _GAP_BLOCKERS:
                    break
            if found is None:
                return None
            if found > pos:
                parts.append((run_start, pos))
                run_start = found
            pos, k = found + 1, k + 2
        elif pos < n and _slot_ok(slot, norm[pos]):
            pos, k = pos + 1, k + 1
        else:
            return None
    parts.append((run_start, pos))
    return tuple(parts)


@dataclass(frozen=True)
class _Candidate:
    category: str
    cue: str
    strength: float | None
    parts: Parts

    @property
    def indices(self) -> frozenset[int]:
        return frozenset(i for s, e in self.parts for i in range(s, e))


def _strip_inversion(tok: str) -> str:
    return _INVERSION.sub("", tok)


def _conditional_at(rule: ConditionalRule, tokens: Sequence[str], norm: Sequence[str], i: int) -> _Candidate | None:
    if _strip_inversion(norm[i]) not in rule.auxiliaries:
        return None
    last = None
    k = i + 1
    while k < len(norm) and k <= i + rule.reach + (0 if last is None else 2):
        tok = norm[k]
        if tok in rule.skip:
            k += 1
            continue
        if (
            tok not in rule.not_participles
            and tok.isalpha()
            and len(tok) >= 2
            and not tokens[k][:1].isupper()  # « serait Paris »: a name, not a participle
            and tok.endswith(rule.participle_endings)
        ):
            last = k  # keep going: « aurait été tué »
            k += 1
            continue
        break
    if last is None:
        return None
    return _Candidate(rule.category, rule.cue, rule.strength, ((i, last + 1),))


def _resolve(cands: Iterable[_Candidate]) -> list[_Candidate]:
    """Within a category, longer matches win ("it is possible that" over "possible",
    « n' ... pas » over a lone « pas »); categories may overlap each other."""
    by_cat: dict[str, list[_Candidate]] = {}
    for c in dict.fromkeys(cands):
        by_cat.setdefault(c.category, []).append(c)
    kept: list[_Candidate] = []
    for group in by_cat.values():
        group.sort(key=lambda c: (-len(c.indices), c.parts[-1][1] - c.parts[0][0], c.parts[0][0]))
        taken: set[int] = set()
        for c in group:
            if taken.isdisjoint(c.indices):
                kept.append(c)
                taken |= c.indices
    return kept


def find_cues(tokens: Sequence[str], lang: str, categories: Iterable[str] | None = None) -> list[Cue]:
    """All cues of one sentence, sorted by position; ``categories`` restricts the search.

    Spans are token indices ``[start, end)`` into ``tokens``. The same words may give
    cues in several categories ("might": modal 0.3 and hedge), never two overlapping
    cues of one category."""
    lex = lexicon(lang)
    if not tokens or lex.is_empty:
        return []
    wanted = None if categories is None else frozenset(categories)
    norm = [cue_form(t) for t in tokens]
    cands: list[_Candidate] = []
    for i, tok in enumerate(norm):
        keys = (tok, NUM_KEY) if any(c.isdigit() for c in tok) else (tok,)
        for key in keys:
            for entry, pattern in lex.index.get(key, ()):
                parts = _match(pattern, norm, i, entry.gap)
                if parts is not None:
                    cands.append(_Candidate(entry.category, entry.cue, entry.strength, parts))
        if tok.replace("'", "").replace("-", "").isalpha():
            stem = _strip_inversion(tok)
            for end in lex.endings:
                if stem.endswith(end.ending) and len(stem) >= end.min_length:
                    cands.append(_Candidate(end.category, end.cue, end.strength, ((i, i + 1),)))
        for pre in lex.prefixes:
            if tok.startswith(pre.ending) and len(tok) >= pre.min_length:
                cands.append(_Candidate(pre.category, pre.cue, pre.strength, ((i, i + 1),)))
        if lex.conditional is not None:
            cand = _conditional_at(lex.conditional, tokens, norm, i)
            if cand is not None:
                cands.append(cand)
    if wanted is not None:
        cands = [c for c in cands if c.category in wanted]
    cands = _drop_excluded(cands, lex, norm)
    cands = [_extend(c, lex.extend_left.get(c.category), norm) for c in cands]
    found = [
        Cue(c.category, c.cue, c.strength, c.parts[0][0], c.parts[-1][1], c.parts) for c in _resolve(cands)
    ]
    return sorted(found, key=lambda c: (c.start, c.end, c.category, c.cue))


def _drop_excluded(cands: list[_Candidate], lex: CueLexicon, norm: Sequence[str]) -> list[_Candidate]:
    """Drop a cue that lies inside an excluded phrase of its category ("no" in
    "no doubt", « sans » in « sans doute », "may" before a number (a date), « portrait »)."""
    if not lex.excludes:
        return cands
    spans: dict[str, list[tuple[int, int]]] = {}
    for category in {c.category for c in cands}:
        patterns = lex.excludes.get(category, ())
        if not patterns:
            continue
        # An excluded phrase must start at or before a cue and reach over it: only the
        # few positions just before each cue can hold one.
        longest = max(sum(slot is not None for slot in p) for p in patterns)
        starts = sorted(
            {i for c in cands if c.category == category for i in range(max(0, c.parts[0][0] - longest + 1), c.parts[0][0] + 1)}
        )
        for i in starts:
            for pattern in patterns:
                parts = _match(pattern, norm, i, lex.max_gap)
                if parts is not None:
                    spans.setdefault(category, []).append((parts[0][0], parts[-1][1]))
    return [
        c
        for c in cands
        if not any(s <= c.parts[0][0] and c.parts[-1][1] <= e for s, e in spans.get(c.category, ()))
    ]


def _extend(c: _Candidate, left: frozenset[str] | None, norm: Sequence[str]) -> _Candidate:
    """Take auxiliaries into the cue ("a déclaré", "has been reported")."""
    if not left:
        return c
    s = c.parts[0][0]
    while s > 0 and norm[s - 1] in left:
        s -= 1
    if s == c.parts[0][0]:
        return c
    return _Candidate(c.category, c.cue, c.strength, ((s, c.parts[0][1]), *c.parts[1:]))
