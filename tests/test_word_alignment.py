"""The matching methods reproduce the ``simalign`` package's own functions."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.alignment.word_alignment import (
    PieceVectors,
    align_words,
    argmax_links,
    itermax_links,
    mwmf_links,
)

simalign = pytest.importorskip("simalign.simalign")
SA = simalign.SentenceAligner


def _random_sims(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    mats = []
    for _ in range(60):
        m, n = rng.integers(1, 25, size=2)
        mats.append(rng.random((m, n)))
    return mats


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_argmax_and_itermax_equal_simalign(seed):
    for sim in _random_sims(seed):
        fwd, bwd = SA.get_alignment_matrix(sim)
        assert np.array_equal(argmax_links(sim), (fwd * bwd) > 0)
        assert np.array_equal(itermax_links(sim), SA.iter_max(sim) > 0)


def test_mwmf_equals_networkx_matching_weight():
    for sim in _random_sims(3)[:30]:
        ours = mwmf_links(sim)
        theirs = SA.get_max_weight_match(sim) > 0
        # Ties aside, the matchings are the same; their weights always are.
        assert ours.sum() == theirs.sum() == min(sim.shape)
        assert np.isclose(sim[ours].sum(), sim[theirs].sum())


def test_distortion_equals_simalign():
    """SimAlign's distortion prior, measured by the benchmark (benchmarks/alignment_variants.py)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "alignment_variants.py"
    spec = importlib.util.spec_from_file_location("bench_alignment_variants", path)
    variants = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(variants)
    sim = np.random.default_rng(4).random((7, 9))
    assert np.allclose(variants.apply_distortion(sim, 0.5), SA.apply_distortion(sim, 0.5))


def test_bpe_links_map_to_words_and_keep_best_similarities():
    # Two words of two pieces each on the source side, three words on the target.
    src = PieceVectors(np.array([[1, 0, 0], [1, 0.1, 0], [0, 1, 0], [0, 1, 0.1]], float), np.array([10, 10, 11, 11]))
    tgt = PieceVectors(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], float), np.array([20, 21, 22]))
    wa = align_words(src, tgt, method="argmax", token_type="bpe")
    assert [(a, b) for a, b, _ in wa.links] == [(10, 21), (11, 20)]
    assert wa.tgt_best[22] < 0.2
    assert wa.src_best[10] == pytest.approx(1.0)


def test_defaults_are_the_configured_ones():
    """Called without a method or token type, ``align_words`` uses ``[word_alignment]``
    of configs/ (the one source of defaults), not values of its own."""
    from aligner.config import default_settings

    wa = default_settings().word_alignment
    rng = np.random.default_rng(7)
    src = PieceVectors(rng.random((6, 4)), np.array([0, 0, 1, 2, 2, 3]))
    tgt = PieceVectors(rng.random((5, 4)), np.array([0, 1, 1, 2, 3]))
    assert align_words(src, tgt) == align_words(src, tgt, wa.method, wa.token_type)
