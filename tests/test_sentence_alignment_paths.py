"""Sentence alignment search paths and cost terms (pure functions, random vectors)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from aligner.alignment.sentence_alignment import align_sentences, one_to_one_costs
from aligner.config import default_settings

CONFIGURED = default_settings().sentence_alignment


def _document(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sentence-like vectors (a shared component, as real encoders have) and a noisy
    rendition with a few sentences dropped."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=128)
    src = common + 0.7 * rng.normal(size=(n, 128))
    tgt = np.delete(src, [7, n // 2, n - 5], axis=0) + 0.25 * rng.normal(size=(n - 3, 128))
    return src, tgt


def test_bertalign_anchor_band_finds_the_same_path_as_halving():
    src, tgt = _document(0, 520)  # (n+1)(m+1) above the full-DP size: the band is used
    halving = align_sentences(src, tgt, replace(CONFIGURED, band_source="halving"))
    anchors = align_sentences(src, tgt, replace(CONFIGURED, band_source="anchors"))
    assert [(b.source, b.rendition) for b in anchors] == [(b.source, b.rendition) for b in halving]
    assert sum(b.kind == "1-0" for b in halving) == 3


def test_length_term_recovers_a_one_to_three_bead():
    """One source sentence rendered as three: its vector is (noisily) their mean, and
    its length their sum. On vectors alone this noisy merge is split into 1-2 plus an
    insertion; the lengths make the 1-3 bead the cheaper one."""
    rng = np.random.default_rng(10)
    common = rng.normal(size=128)
    tgt = common + 0.7 * rng.normal(size=(30, 128))
    src = np.vstack([tgt[:10], tgt[10:13].mean(axis=0, keepdims=True), tgt[13:]]) + 0.6 * rng.normal(size=(28, 128))
    lt = rng.integers(60, 140, size=30)
    ls = np.concatenate([lt[:10], [lt[10:13].sum()], lt[13:]])
    merged = ((10,), (10, 11, 12))
    without = align_sentences(src, tgt, replace(CONFIGURED, length_weight=0.0), lengths=(ls, lt))
    assert merged not in [(b.source, b.rendition) for b in without]
    beads = align_sentences(src, tgt, replace(CONFIGURED, length_weight=0.1), lengths=(ls, lt))
    assert merged in [(b.source, b.rendition) for b in beads]


def test_one_to_one_costs_separate_pairs_from_neighbours():
    src, tgt = _document(1, 40)
    pairs = np.array([(i, i) for i in range(7)])
    neighbours = np.array([(i, i + 1) for i in range(7)])
    assert one_to_one_costs(src, tgt, pairs).max() < one_to_one_costs(src, tgt, neighbours).min()
