"""Research variants of word matching, measured by ``benchmarks/wordalign_aer.py``.

The library (:mod:`aligner.alignment.word_alignment`) knows SimAlign's three methods
(argmax, itermax, mwmf). The variants below were measured against them on the gold
dev pairs (benchmarks/README.md) and none was adopted, so they live here, beside the
benchmark; the library runs any of them through its extension point, a callable
``method`` of :func:`~aligner.alignment.word_alignment.align_words` (see
:func:`matcher`).

- ``softmax:T:TH``: awesome-align's extraction on cosine similarities (both
  directional softmaxes at temperature T give the pair more than TH);
- ``growdiag`` / ``growdiagfinal``: the forward and backward argmax links
  symmetrised with Koehn's grow-diag(-final) heuristic;
- ``argmax+itermax:TH``: argmax links plus IterMax's extra links whose similarity
  is at least TH;
- SimAlign's distortion prior (:func:`apply_distortion`), on top of any method.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aligner.alignment.word_alignment import METHODS, argmax_links, itermax_links
from aligner.alignment.word_alignment import match as library_match

EXTRA_METHODS = ("softmax:T:TH", "growdiag", "growdiagfinal", "argmax+itermax:TH")
"""Method names :func:`match` accepts besides the library's (T, TH numbers)."""

# awesome-align's extraction defaults, for a bare "softmax".
SOFTMAX_TEMPERATURE = 0.05
SOFTMAX_THRESHOLD = 0.1


def apply_distortion(sim: np.ndarray, ratio: float) -> np.ndarray:
    """Down-weight links far from the diagonal (SimAlign's distortion prior)."""
    m, n = sim.shape
    if m < 2 or n < 2 or ratio == 0.0:
        return sim
    px = np.arange(n)[None, :] / (n - 1)
    py = np.arange(m)[:, None] / (m - 1)
    return sim * (1.0 - (px - py) ** 2 * ratio)


def softmax_links(sim: np.ndarray, temperature: float = SOFTMAX_TEMPERATURE, threshold: float = SOFTMAX_THRESHOLD) -> np.ndarray:
    """Links where both directional softmax distributions (awesome-align's extraction,
    on cosine similarities) give the pair more than ``threshold`` probability."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return np.zeros((m, n), dtype=bool)
    z = sim / temperature
    fwd = np.exp(z - z.max(axis=1, keepdims=True))
    fwd /= fwd.sum(axis=1, keepdims=True)
    bwd = np.exp(z - z.max(axis=0, keepdims=True))
    bwd /= bwd.sum(axis=0, keepdims=True)
    return (fwd > threshold) & (bwd > threshold)


def grow_diag_links(sim: np.ndarray, final: bool = False) -> np.ndarray:
    """Koehn's grow-diag(-final) symmetrisation of the forward (row -> best column)
    and backward (column -> best row) argmax alignments."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return np.zeros((m, n), dtype=bool)
    fwd = np.zeros((m, n), dtype=bool)
    fwd[np.arange(m), sim.argmax(axis=1)] = True
    bwd = np.zeros((m, n), dtype=bool)
    bwd[sim.argmax(axis=0), np.arange(n)] = True
    links = fwd & bwd
    union = fwd | bwd
    row_done = links.any(axis=1)
    col_done = links.any(axis=0)
    neighbours = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    added = True
    while added:
        added = False
        for i, j in zip(*np.nonzero(links), strict=True):
            for di, dj in neighbours:
                a, b = i + di, j + dj
                if 0 <= a < m and 0 <= b < n and union[a, b] and not links[a, b] and (not row_done[a] or not col_done[b]):
                    links[a, b] = row_done[a] = col_done[b] = added = True
    if final:
        for a, b in zip(*np.nonzero(union), strict=True):
            if not row_done[a] or not col_done[b]:
                links[a, b] = row_done[a] = col_done[b] = True
    return links


def match(sim: np.ndarray, method: str) -> np.ndarray:
    """Boolean link matrix of ``method`` (one of the library's METHODS or of
    :data:`EXTRA_METHODS`) on ``sim``."""
    if method.startswith("argmax+itermax"):
        parts = method.split(":")
        th = float(parts[1]) if len(parts) > 1 else 0.0
        return argmax_links(sim) | (itermax_links(sim) & (sim >= th))
    if method in ("growdiag", "growdiagfinal"):
        return grow_diag_links(sim, final=method == "growdiagfinal")
    if method.startswith("softmax"):
        parts = method.split(":")
        t = float(parts[1]) if len(parts) > 1 else SOFTMAX_TEMPERATURE
        th = float(parts[2]) if len(parts) > 2 else SOFTMAX_THRESHOLD
        return softmax_links(sim, t, th)
    if method in METHODS:
        return library_match(sim, method)
    raise ValueError(f"unknown alignment method {method!r} (choose from {', '.join(METHODS + EXTRA_METHODS)})")


def matcher(method: str, distortion: float = 0.0) -> Callable[[np.ndarray], np.ndarray]:
    """``method`` (and the distortion prior) as the callable ``align_words`` takes in
    place of a method name."""
    return lambda sim: match(apply_distortion(sim, distortion), method)
