"""The sentence-alignment benchmark: Vecalign's scoring arithmetic on a hand-made
example, and the checked-in dev set's gold beads cover every sentence exactly once."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def f1():
    spec = importlib.util.spec_from_file_location("bench_sentalign_f1", BENCH / "sentalign_f1.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_vecalign_strict_and_lax_scores(f1):
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((4,), (2,))]
    test = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), ()), ((4,), (3,)), ((), (2,))]
    s = f1.score([gold], [test])
    # Precision over all 6 predicted beads: strict hits (0)-(0) and (3)-(); lax also
    # (1)-(1) (overlaps the gold 2-1 on both sides). (2)-(), (4)-(3), ()-(2) are wrong.
    assert s["strict_p"] == pytest.approx(2 / 6)
    assert s["lax_p"] == pytest.approx(3 / 6)
    # Recall over the 3 non-null gold beads: strict only (0)-(0); lax also the 2-1
    # (the predicted (1)-(1) overlaps it); (4)-(2) is missed (predicted (4)-(3)).
    assert s["strict_r"] == pytest.approx(1 / 3)
    assert s["lax_r"] == pytest.approx(2 / 3)
    assert s["strict_f1"] == pytest.approx(2 * (1 / 3) * (1 / 3) / (2 / 3))


def test_dev_set_gold_uses_every_sentence_once():
    for path in sorted((BENCH / "data" / "sentalign").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            src = sorted(i for s, _ in doc["gold"] for i in s)
            tgt = sorted(j for _, t in doc["gold"] for j in t)
            assert src == list(range(len(doc["source"]))), (path.name, doc["id"])
            assert tgt == list(range(len(doc["rendition"]))), (path.name, doc["id"])
