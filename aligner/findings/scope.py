"""Clauses and cue scope: what part of a sentence a cue governs.

A cue counts only when it governs the aligned claim ("Reports indicate [that ISIS
attacked]"), so the difference finder needs the clause around a cue and the complement
clauses it introduces. Clause boundaries are punctuation, a comma before a
conjunction, and complementisers; the clause words of every cue file
(``[clauses]`` in ``configs/cues/XX.toml``) are used together, since a boundary is a
property of the sentence's words whatever their language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import Cue, cue_form, cues_dir, entry_tokens

__all__ = ["clause_of", "scope_of"]


_HARD_BOUNDARIES = frozenset({";", ":", ".", "!", "?", "(", ")", "[", "]", "—", "–", "…", "...", "；", "：", "。", "！", "？", "؟", "؛"})
_COMMAS = frozenset({",", "，", "،", "、"})


@dataclass(frozen=True)
class _ClauseWords:
    """Clause words of every cue file together (``[clauses]``): a clause boundary is
    a property of the sentence's words whatever their language."""

    after_comma: frozenset[str]
    complementisers: frozenset[str]
    multi: frozenset[tuple[str, str]]
    not_before: frozenset[str]


@lru_cache(maxsize=1)
def _clause_words() -> _ClauseWords:
    after: set[str] = set()
    comps: set[str] = set()
    multi: set[tuple[str, str]] = set()
    not_before: set[str] = set()
    for path in sorted(cues_dir().glob("*.toml")):
        with open(path, "rb") as fh:
            table = tomllib.load(fh).get("clauses", {})
        after.update(cue_form(w) for w in table.get("after_comma", []))
        comps.update(cue_form(w) for w in table.get("complementisers", []))
        for phrase in table.get("conjunctions", []):
            toks = [t for chunk in phrase.split() for t in entry_tokens(chunk)]
            if len(toks) == 2:
                multi.add((toks[0], toks[1]))
        not_before.update(cue_form(w) for w in table.get("not_before_complementiser", []))
    return _ClauseWords(frozenset(after), frozenset(comps), frozenset(multi), frozenset(not_before))


def _clause_starts(norm: Sequence[str]) -> tuple[set[int], set[int]]:
    """(indices that start a clause, boundary tokens that belong to no clause)."""
    words = _clause_words()
    starts: set[int] = {0}
    breaks: set[int] = set()
    n = len(norm)
    for k, tok in enumerate(norm):
        if tok in _HARD_BOUNDARIES or (tok in _COMMAS and k + 1 < n and norm[k + 1] in words.after_comma):
            breaks.add(k)
            starts.add(k + 1)
        elif k > 0 and (norm[k - 1], tok) in words.multi:
            starts.add(k - 1)
        elif tok in words.complementisers and k > 0 and norm[k - 1] not in words.not_before:
            starts.add(k)
    return starts, breaks


def clause_of(tokens: Sequence[str], index: int) -> tuple[int, int]:
    """The rough clause ``[start, end)`` around token ``index``.

    Clauses end at ; : . ! ? ( ) and dashes, at a comma followed by a conjunction or
    relative pronoun, and before a complementiser ("that", « que »), so "Reports
    indicate | that ISIS attacked" are two clauses: use :func:`scope_of` for what a
    cue governs. A boundary token is its own one-token clause. Commas alone do not
    split ("According to X, the US ..." stays one clause)."""
    n = len(tokens)
    if not 0 <= index < n:
        raise IndexError(f"token index {index} out of range for {n} tokens")
    norm = [cue_form(t) for t in tokens]
    starts, breaks = _clause_starts(norm)
    if index in breaks:
        return index, index + 1
    start = max(s for s in starts if s <= index)
    end = n
    for k in range(index + 1, n):
        if k in breaks or k in starts:
            end = k
            break
    return start, end


_GOVERNING = frozenset({"attribution", "hedge", "booster", "conditional"})


def scope_of(tokens: Sequence[str], cue: Cue) -> tuple[int, int]:
    """The token range a cue plausibly governs: its clause, and for attribution,
    hedge, booster and conditional cues also the complement clauses that follow
    ("Reports indicate [that ISIS ...]", "wrote: [...]"). Negators, modals and
    downtoners govern their own clause only."""
    norm = [cue_form(t) for t in tokens]
    start, end = clause_of(tokens, cue.start)
    end = max(end, clause_of(tokens, cue.end - 1)[1])
    if cue.category not in _GOVERNING:
        return start, end
    n = len(tokens)
    comps = _clause_words().complementisers
    while end < n:
        tok = norm[end]
        if tok in comps or (tok == ":" and cue.category == "attribution"):
            nxt = end + 1 if tok == ":" else end
            if nxt >= n:
                break
            end = clause_of(tokens, nxt)[1]
            continue
        if tok in _COMMAS and end + 1 < n and norm[end + 1] in _clause_words().after_comma and end + 2 < n and norm[end + 2] in comps:
            end = clause_of(tokens, end + 2)[1]  # "said that A, and that B"
            continue
        break
    return start, end
