"""Smoke tests of the benchmark scripts' pure functions (no model is loaded)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from aligner.alignment.word_alignment import PieceVectors, align_words, mean_vector

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def aer():
    return _load("wordalign_aer")


@pytest.fixture(scope="module")
def speed():
    return _load("speed")


def test_gold_parsing_is_zero_indexed_and_possible_includes_sure(aer):
    sure, possible = aer.parse_gold_line("1-1 2p3 3-2")
    assert sure == {(0, 0), (2, 1)}
    assert possible == {(0, 0), (1, 2), (2, 1)}
    assert aer.parse_pharaoh("0-0 2-1") == {(0, 0), (2, 1)}
    assert aer.parse_pharaoh("") == set()


def test_aer_on_a_hand_made_example(aer):
    gold = [aer.parse_gold_line("1-1 2-2 3p3"), aer.parse_gold_line("1-2")]
    # pair 1: one sure hit, one possible hit, one wrong link; pair 2: the sure link
    pred = [{(0, 0), (2, 2), (1, 0)}, {(0, 1)}]
    r = aer.score(pred, gold)
    # |A∩S| = 2, |A∩P| = 3, |A| = 4, |S| = 3  ->  AER = 1 - 5/7
    assert r["aer"] == pytest.approx(1 - 5 / 7)
    assert r["precision"] == pytest.approx(3 / 4)
    assert r["recall"] == pytest.approx(2 / 3)
    # the gold itself scores 0; nothing predicted scores 1
    assert aer.score([g[0] for g in gold], gold)["aer"] == pytest.approx(0.0)
    assert aer.score([set(), set()], gold)["aer"] == pytest.approx(1.0)
    rows = aer.counts(pred, gold)
    assert rows.tolist() == [[1, 2, 3, 2], [1, 1, 1, 1]]
    assert aer.score_counts(rows[:1])["aer"] == pytest.approx(1 - 3 / 5)


def test_punctuation_and_tables(aer, speed):
    assert aer.is_punct(",") and aer.is_punct("--") and aer.is_punct("%")
    assert not aer.is_punct("l'") and not aer.is_punct("2")
    text = aer.fmt_table(["a", "bb"], [["x", 1.5]])
    assert text.splitlines()[1].startswith("-")
    assert "1.5" in speed.fmt_table(["a"], [[1.5]])


def test_report_variants_are_unique_and_contain_baselines(aer):
    vs = aer.report_variants()
    keys = [
        (v.prefix, v.layer, v.token_type, v.center, v.method, v.distortion, v.sim, v.punct, v.null)
        for v in vs
    ]
    assert len(keys) == len(set(keys))
    assert aer.RECOMMENDED in vs
    assert aer.Variant(layer="5+6+7").layers() == (5, 6, 7)
    assert aer.Variant(layer="7").layers() == 7


def test_speed_helpers(speed):
    assert speed.link_differences([{(0, 0)}, {(1, 1)}], [{(0, 0)}, {(1, 2)}]) == [1]
    assert speed.per_100(3.0, 200) == pytest.approx(1.5)
    blocks = [("a", "Un. Deux.\nTrois.", "One. Two.\nThree."), ("b", "Quatre.", "Four.")]

    def count(text: str) -> int:
        return text.count(".")

    src, tgt, n = speed.build_documents(blocks, 7, count, seed=1)
    assert n == count(src) == 7
    assert tgt.strip()
    again = speed.build_documents(blocks, 7, count, seed=1)
    assert again == (src, tgt, n)


def test_centring_changes_matching_but_not_reported_similarities():
    rng = np.random.default_rng(0)
    common = rng.normal(size=8) * 5  # a shared direction dominates every raw cosine
    src = PieceVectors((rng.normal(size=(4, 8)) + common).astype(np.float32), np.arange(4))
    tgt = PieceVectors((rng.normal(size=(5, 8)) + common).astype(np.float32), np.arange(5))
    plain = align_words(src, tgt, "argmax", "word")
    shifted = align_words(src, tgt, "argmax", "word", src_shift=common, tgt_shift=common)
    assert plain.src_best == shifted.src_best and plain.tgt_best == shifted.tgt_best
    raw = {(a, b): s for a, b, s in plain.links}
    for a, b, s in shifted.links:
        assert s == pytest.approx(
            float(
                np.dot(src.vectors[a], tgt.vectors[b])
                / np.linalg.norm(src.vectors[a])
                / np.linalg.norm(tgt.vectors[b])
            ),
            abs=1e-6,
        )
        if (a, b) in raw:
            assert raw[(a, b)] == pytest.approx(s)
    no_shift = align_words(src, tgt, "argmax", "word", src_shift=None, tgt_shift=None)
    assert no_shift == plain
    m = mean_vector([src, tgt])
    assert m.shape == (8,)
    assert np.allclose(m, np.concatenate([src.vectors, tgt.vectors]).mean(0), atol=1e-5)
    assert mean_vector([PieceVectors(np.zeros((0, 8), np.float32), np.zeros(0, np.int64))]) is None


@pytest.fixture(scope="module")
def variants():
    return _load("alignment_variants")


def test_extra_methods(variants):
    grow_diag_links, match = variants.grow_diag_links, variants.match
    sim = np.array([[0.9, 0.1, 0.0], [0.2, 0.8, 0.7], [0.0, 0.3, 0.2]])
    # mutual best: (0,0), (1,1); forward-only (2,1), backward-only (1,2), both next
    # to (1,1) and each covering a word not yet aligned, so grow-diag adds both
    gd = grow_diag_links(sim)
    assert {tuple(x) for x in np.argwhere(gd)} == {(0, 0), (1, 1), (2, 1), (1, 2)}
    assert np.array_equal(grow_diag_links(sim, final=True), gd)
    both = match(sim, "argmax+itermax:0.5")
    assert both[0, 0] and both[1, 1]
    assert match(sim, "argmax+itermax:0.99").sum() == match(sim, "argmax").sum()
    assert match(np.zeros((0, 2)), "growdiag").shape == (0, 2)


def test_encoder_flop_count_of_the_speed_floor(speed):
    # one 10-token sentence, one layer, hidden 4, intermediate 8:
    # dense 2 * (4*4*4 + 2*4*8) = 256 per token; attention 2 * 2 * 10 * 4 = 160 per token
    assert speed.encoder_gflop([10], 1, 4, 8) == pytest.approx(10 * (256 + 160) / 1e9)
    # linear in the number of layers and of sentences
    assert speed.encoder_gflop([10, 10], 3, 4, 8) == pytest.approx(6 * speed.encoder_gflop([10], 1, 4, 8))


def test_news_pair_set_is_checked_in_and_parses(speed):
    pairs = speed.read_pairs(speed.NEWS)
    assert len(pairs) >= 40
    assert all(src and tgt for src, tgt in pairs)
    # news sentences are the long ones: about twice the Hansard dev length
    assert sum(len(s) for s, _ in pairs) / len(pairs) > 20


def test_pair_sets_are_chosen_by_name(speed, tmp_path):
    class Args:
        data = tmp_path
        pair_sets = "news,dev"

    sets = speed.pair_sets(Args)
    assert list(sets) == ["news", "dev"]
    assert sets["dev"] == tmp_path / "enfr-dev.src-tgt"
    Args.pair_sets = "dev,wikipedia"
    with pytest.raises(SystemExit, match="wikipedia"):
        speed.pair_sets(Args)


# ------------------------------------------------------------------ findings_f1


def _findings_f1():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "findings_f1.py"
    spec = importlib.util.spec_from_file_location("findings_f1", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["findings_f1"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_findings_scoring_follows_the_set_rules():
    f1 = _findings_f1()
    Item, CaseResult = f1.Item, f1.CaseResult
    gold = [Item("added", None, (10, 20)), Item("changed", (0, 5), (30, 35))]
    pred = [
        Item("added", (0, 5), (40, 50)),  # added is judged on the rendition side only: no match
        Item("added", None, (15, 18)),  # overlaps the gold added span
        Item("contradicted", (0, 5), (30, 35)),  # right spans, wrong type: one FP and one FN
    ]
    faithful = CaseResult("c2", "fr", [], [Item("dropped", (0, 3), None)])
    scores = f1.score([CaseResult("c1", "fr", gold, pred), faithful])
    assert scores["types"]["added"] == {"tp": 1, "fp": 1, "fn": 0, "precision": 0.5, "recall": 1.0, "f1": 2 / 3}
    assert (scores["types"]["changed"]["fn"], scores["types"]["contradicted"]["fp"]) == (1, 1)
    assert scores["micro"]["tp"] == 1 and scores["micro"]["fp"] == 3 and scores["micro"]["fn"] == 1
    assert scores["false_alarms"] == {"faithful": 1, "with_findings": 1, "rate": 1.0}
    # One gold finding matches at most one prediction.
    assert f1.max_matching([Item("added", None, (0, 9))], [Item("added", None, (0, 3)), Item("added", None, (4, 9))]) == [0, -1]


@pytest.mark.slow
def test_one_sentence_versions_are_renditions(models):
    """Every one-sentence pair of the project's own labelled set (faithful or not) is
    judged a rendition, and each case's findings are scored."""
    import json

    f1 = _findings_f1()
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "findings-own.jsonl"
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    single = [c for c in cases if c["source"].count(". ") == 0 and c["rendition"].count(". ") == 0]
    assert len(single) >= 40
    results = f1.run_cases(single, models, progress=False)
    assert {r.relation for r in results} == {"rendition"}, [r.id for r in results if r.relation != "rendition"]
