"""Best matches between two sets of sentence vectors, in linear memory.

Used by sentence alignment for the moved-sentence pass (mutual best pairs among the
sentences the monotone pass left alone) and for Bertalign-style anchors (mutual best
1-1 matches as the band of a long document).
"""

from __future__ import annotations

import itertools

import numpy as np

_MOVED_BLOCK_CELLS = 1 << 22


def mutual_best(
    s: np.ndarray, t: np.ndarray, ns: np.ndarray, nt: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best column of each row and best row of each column of the normalised cost
    ``(1 - s t^T) / mean(ns_i, nt_j)``, computed in float32 blocks of rows so memory
    stays linear in the number of sentences (16,000 lonely sentences a side would
    need a 2 GB matrix at once)."""
    s32, t32 = s.astype(np.float32), t.astype(np.float32)
    ns32, nt32 = (0.5 * ns).astype(np.float32), (0.5 * nt).astype(np.float32)
    best_t = np.zeros(len(s), dtype=np.int64)
    best_t_cost = np.zeros(len(s), dtype=np.float32)
    best_s = np.zeros(len(t), dtype=np.int64)
    best_s_cost = np.full(len(t), np.inf, dtype=np.float32)
    rows = max(1, _MOVED_BLOCK_CELLS // max(1, len(t)))
    cols = np.arange(len(t))
    for r0 in range(0, len(s), rows):
        block = s32[r0 : r0 + rows] @ t32.T
        np.subtract(1.0, block, out=block)
        block /= ns32[r0 : r0 + rows, None] + nt32[None, :]
        arg = block.argmin(axis=1)
        best_t[r0 : r0 + rows] = arg
        best_t_cost[r0 : r0 + rows] = block[np.arange(len(arg)), arg]
        col_arg = block.argmin(axis=0)
        col_cost = block[col_arg, cols]
        better = col_cost < best_s_cost
        best_s[better] = col_arg[better] + r0
        best_s_cost[better] = col_cost[better]
    return best_t, best_t_cost, best_s, best_s_cost


def band_from_anchors(src: np.ndarray, tgt: np.ndarray, band: int) -> tuple[np.ndarray, np.ndarray]:
    """Bertalign's first step as a band: mutual best 1-1 matches, the longest chain of
    them monotone in both documents, and each window between consecutive anchors
    allowed in full (widened by ``band``)."""
    n, m = len(src), len(tgt)
    best_t, _, best_s, _ = mutual_best(src, tgt, np.ones(n), np.ones(m))
    mutual = [(i, int(j)) for i, j in enumerate(best_t) if best_s[j] == i]
    # Longest increasing chain in j (pairs are already in i order): patience sorting.
    tails: list[int] = []
    tail_idx: list[int] = []
    prev = [-1] * len(mutual)
    for k, (_, j) in enumerate(mutual):
        pos = int(np.searchsorted(tails, j))
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
        prev[k] = tail_idx[pos - 1] if pos else -1
    chain: list[tuple[int, int]] = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(mutual[k])
        k = prev[k]
    points = [(0, 0), *[(i + 1, j + 1) for i, j in reversed(chain)], (n, m)]
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (i0, j0), (i1, j1) in itertools.pairwise(points):
        lo[i0 : i1 + 1] = np.minimum(lo[i0 : i1 + 1], j0)
        hi[i0 : i1 + 1] = np.maximum(hi[i0 : i1 + 1], j1)
    return widened_band(lo, hi, band, m)


def widened_band(lo: np.ndarray, hi: np.ndarray, band: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The band ``lo[i] <= j <= hi[i]`` widened by ``band`` on both sides and made
    monotone, so every cell has predecessors and the DP runs from (0, 0) to (n, m)."""
    lo = np.maximum(0, lo - band)
    hi = np.minimum(m, hi + band)
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[-1] = 0, m
    return lo, hi
