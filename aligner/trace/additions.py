"""What the renditions added: per rendition, the additions no other text has, and
the additions several renditions share (a sign of a common intermediate version).

An added sentence is a non-debris rendition sentence in a bead without source side.
Two added sentences of different renditions are the same addition when the cosine
of their sentence vectors reaches ``shared_similarity``; groups are the connected
components of that relation (union-find), kept when they span two renditions or more.
An addition is unique to its rendition when no sentence of any other rendition is
that similar to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..structures import Bead, Document, Span


@dataclass(frozen=True, slots=True)
class Addition:
    rendition: int  # index of the rendition (order given)
    sentence: int
    span: Span


def added_sentences(index: int, tgt: Document, beads: Sequence[Bead]) -> list[Addition]:
    """Rendition sentences with no source counterpart (debris excluded)."""
    out: list[Addition] = []
    for b in beads:
        if b.source:
            continue
        for sid in b.rendition:
            s = tgt.sentences[sid]
            if not s.boilerplate and s.text.strip():
                out.append(Addition(index, sid, tgt.span(s.start, s.end)))
    return sorted(out, key=lambda a: a.sentence)


def _unit(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


def group_additions(
    additions: Sequence[Sequence[Addition]],
    vectors: Sequence[np.ndarray],
    content: Sequence[np.ndarray],
    threshold: float,
) -> tuple[list[list[Addition]], list[list[Addition]]]:
    """``(unique, shared)``: ``unique[r]`` lists rendition r's additions that have no
    similar sentence in any other rendition; ``shared`` lists groups of additions of
    two renditions or more. ``vectors[r]`` holds one sentence vector per sentence of
    rendition r; ``content[r]`` marks its non-debris sentences."""
    units = [_unit(np.asarray(v, dtype=np.float32)) for v in vectors]
    flat = [a for adds in additions for a in adds]
    parent = list(range(len(flat)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    unique: list[list[Addition]] = [[] for _ in additions]
    for i, a in enumerate(flat):
        v = units[a.rendition][a.sentence]
        alone = True
        for r, u in enumerate(units):
            if r == a.rendition or not len(u):
                continue
            sims = (u @ v) * content[r]
            if sims.max(initial=-1.0) >= threshold:
                alone = False
        if alone:
            unique[a.rendition].append(a)
        for j in range(i):
            b = flat[j]
            if b.rendition != a.rendition and float(units[b.rendition][b.sentence] @ v) >= threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[Addition]] = {}
    for i, a in enumerate(flat):
        groups.setdefault(find(i), []).append(a)
    shared = [g for g in groups.values() if len({a.rendition for a in g}) > 1]
    shared.sort(key=lambda g: (g[0].rendition, g[0].sentence))
    return unique, shared
