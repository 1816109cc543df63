"""Memory of the moved-sentence pass: linear in the number of leftover sentences.

16,000 unaligned lines a side made the old pass build full float64 lonely x lonely
matrices (2 GB each, 5.9 GB peak). The pass now works in float32 blocks of rows."""

from __future__ import annotations

import tracemalloc

import numpy as np

from aligner.alignment.sentence_alignment import IDENTITY_MAP, _find_moved
from aligner.config import default_settings


def test_moved_pass_never_holds_the_quadratic_matrix():
    n = 3000
    rng = np.random.default_rng(0)
    src = rng.normal(size=(n, 64))
    src /= np.linalg.norm(src, axis=1, keepdims=True)
    tgt = src[rng.permutation(n)] + 0.05 * rng.normal(size=(n, 64))
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    # Every sentence left without counterpart by the monotone pass: all are candidates.
    beads = [(i, i + 1, 0, 0, 0.0) for i in range(n)] + [(n, n, j, j + 1, 0.0) for j in range(n)]
    skip_s, skip_t = np.zeros(n, bool), np.zeros(n, bool)
    tracemalloc.start()
    try:
        pairs, moved_s, moved_t = _find_moved(beads, src, tgt, skip_s, skip_t, default_settings().sentence_alignment, IDENTITY_MAP, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # One float64 n x n matrix alone is 72 MB; the blocked pass needs a few 16 MB blocks.
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MB"
    # And it still finds the shuffled copies: each source sentence pairs with its copy.
    assert len(pairs) == n and len(moved_s) == n and len(moved_t) == n


def test_blocked_mutual_best_equals_the_dense_computation(monkeypatch):
    """Blocks of a few rows give the same best matches as the whole matrix at once."""
    import aligner.alignment.sentence_matching as sm

    rng = np.random.default_rng(1)
    s = rng.normal(size=(57, 32))
    t = rng.normal(size=(43, 32))
    s /= np.linalg.norm(s, axis=1, keepdims=True)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    ns, nt = rng.uniform(0.5, 1.5, 57), rng.uniform(0.5, 1.5, 43)
    dense = (1.0 - s @ t.T) / (0.5 * (ns[:, None] + nt[None, :]))
    monkeypatch.setattr(sm, "_MOVED_BLOCK_CELLS", 5 * 43)  # 5 rows a block
    best_t, best_t_cost, best_s, best_s_cost = sm.mutual_best(s, t, ns, nt)
    assert (best_t == dense.argmin(axis=1)).all()
    assert (best_s == dense.argmin(axis=0)).all()
    np.testing.assert_allclose(best_t_cost, dense.min(axis=1), rtol=1e-5)
    np.testing.assert_allclose(best_s_cost, dense.min(axis=0), rtol=1e-5)
