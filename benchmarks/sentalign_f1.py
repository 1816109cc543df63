"""Sentence alignment: strict and lax bead precision, recall and F1 on the dev set.

    python benchmarks/sentalign_f1.py                       # every variant, every data set
    python benchmarks/sentalign_f1.py --variants default,no-moved --json f1.json
    python benchmarks/sentalign_f1.py --calibrate           # the gap cost from the data (only)
    python benchmarks/sentalign_f1.py --band-only           # force the coarse-to-fine band

Data: ``benchmarks/data/sentalign/*.jsonl`` (``make_sentalign_data.py``: synthetic
documents with known merges, omissions, insertions and a moved paragraph, plus sample
pairs aligned by hand). Each sentence is embedded once with the default encoder (the
tool's tokenisation, presegmented input), then every variant aligns every document.

Scores are Vecalign's (``score.py`` of Thompson & Koehn 2019), summed over the
documents of a data set: precision over every predicted bead (1-0 and 0-1 included),
recall over the non-null gold beads (1-0/0-1 left out of both sides); strict counts
exact bead matches, lax counts a bead as right when it shares a source sentence with a
gold bead whose rendition sentences it also overlaps.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import math
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "data" / "sentalign"
DATASETS = ["clean", "merge10", "gap10", "mixed5", "mixed10", "mixed20", "moved", "long", "short", "real"]

Bead = tuple[tuple[int, ...], tuple[int, ...]]

# name -> [sentence_alignment] settings overrides (and "background": False to align without the
# encoder-level background). Each line is one idea measured on its own.
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "no-moved": {"moved_max_cost": -1.0},
    "no-split": {"split_cost": math.inf},
    "no-moved-no-split": {"moved_max_cost": -1.0, "split_cost": math.inf},
    "no-background": {"background": False},
    "no-length": {"length_weight": 0.0},
    "max-bead-2": {"max_bead": 2},
    "anchors": {"band_source": "anchors"},
}


def _precision(gold: list[Bead], test: list[Bead]) -> np.ndarray:
    """Vecalign's ``_precision``: [tp strict, fp strict, tp lax, fp lax]."""
    test_set = {(tuple(x), tuple(y)) for x, y in test if len(x) or len(y)}
    gold_set = {(tuple(x), tuple(y)) for x, y in gold if len(x) or len(y)}
    src_to_tgt: dict[int, set[int]] = defaultdict(set)
    for gs, gt in gold_set:
        for i in gs:
            src_to_tgt[i].update(gt)
    tps = fps = tpl = fpl = 0
    for ts, tt in test_set:
        if (ts, tt) in gold_set:
            tps += 1
            tpl += 1
            continue
        fps += 1
        targets = set().union(*(src_to_tgt[i] for i in ts)) if ts else set()
        if set(tt) & targets:
            tpl += 1
        else:
            fpl += 1
    return np.array([tps, fps, tpl, fpl])


def score(golds: list[list[Bead]], tests: list[list[Bead]]) -> dict[str, float]:
    """Vecalign's ``score_multiple``: counts summed over documents."""
    p = np.zeros(4, dtype=np.int64)
    r = np.zeros(4, dtype=np.int64)
    for gold, test in zip(golds, tests, strict=True):
        p += _precision(gold, test)
        r += _precision([b for b in test if b[0] and b[1]], [b for b in gold if b[0] and b[1]])

    def ratio(a: int, b: int) -> float:
        return a / (a + b) if a + b else 0.0

    def f1(x: float, y: float) -> float:
        return 2 * x * y / (x + y) if x + y else 0.0

    ps, pl, rs, rl = ratio(p[0], p[1]), ratio(p[2], p[3]), ratio(r[0], r[1]), ratio(r[2], r[3])
    return {"strict_p": ps, "strict_r": rs, "strict_f1": f1(ps, rs), "lax_p": pl, "lax_r": rl, "lax_f1": f1(pl, rl)}


def load_data(names: list[str]) -> dict[str, list[dict]]:
    out = {}
    for name in names:
        path = DATA / f"{name}.jsonl"
        out[name] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def embed_all(data: dict[str, list[dict]], threads: int) -> tuple[dict[tuple[str, str], np.ndarray], np.ndarray | None]:
    """One vector per distinct (language, sentence), and the background vectors."""
    import torch

    from aligner.pipeline import load_models
    from aligner.text.segmentation import tokenize

    torch.set_num_threads(threads)
    models = load_models()
    todo: dict[tuple[str, str], list[str]] = {}
    for docs in data.values():
        for d in docs:
            for lang, side in ((d["source_lang"], d["source"]), (d["rendition_lang"], d["rendition"])):
                for s in side:
                    if (lang, s) not in todo:
                        todo[(lang, s)] = [t.text for t in tokenize(s, 0, len(s), lang)] or [s]
    keys = list(todo)
    emb = models.encoder.embed([todo[k] for k in keys])
    vectors = {k: e.vector for k, e in zip(keys, emb, strict=True)}
    bg = models.sentence_background() if hasattr(models, "sentence_background") else None
    return vectors, bg


def run_variant(
    docs: list[dict], vectors: dict, background: np.ndarray | None, overrides: dict[str, Any]
) -> tuple[list[list[Bead]], float]:
    from aligner.alignment.sentence_alignment import align_sentences
    from aligner.config import SentenceAlignmentSettings, load_settings

    over = dict(overrides)
    use_bg = over.pop("background", True)
    fields = {f.name for f in dataclasses.fields(SentenceAlignmentSettings)}
    configured = load_settings().sentence_alignment
    params = dataclasses.replace(configured, **{k: v for k, v in over.items() if k in fields})
    takes_bg = "background" in inspect.signature(align_sentences).parameters
    out = []
    t0 = time.perf_counter()
    for d in docs:
        src = np.stack([vectors[(d["source_lang"], s)] for s in d["source"]])
        tgt = np.stack([vectors[(d["rendition_lang"], s)] for s in d["rendition"]])
        kwargs = {"background": background if use_bg else None} if takes_bg else {}
        if "lengths" in inspect.signature(align_sentences).parameters:
            kwargs["lengths"] = ([len(x) for x in d["source"]], [len(x) for x in d["rendition"]])
        beads = align_sentences(src, tgt, params, None, None, **kwargs)
        out.append([(tuple(b.source), tuple(b.rendition)) for b in beads])
    return out, time.perf_counter() - t0


GAP_GRID = (0.30, 0.34, 0.38, 0.42, 0.46, 0.50)


def calibrate(
    data: dict[str, list[dict]], vectors: dict, background: np.ndarray | None, base: dict[str, Any]
) -> dict[str, Any]:
    """The gap cost from the synthetic dev sets (``real`` left out): the value of
    ``GAP_GRID`` with the best mean strict F1 over them (end to end: the gap also
    decides between merged beads and a 1-1 bead plus a gap), and, for comparison, the
    pairwise estimate of :func:`pairwise_gap`. ``base``: overrides of every run."""
    synthetic = {k: v for k, v in data.items() if k != "real"}
    sweep = {}
    for gap in GAP_GRID:
        f1s = []
        for docs in synthetic.values():
            tests, _ = run_variant(docs, vectors, background, {**base, "gap": gap})
            f1s.append(score([[(tuple(s), tuple(t)) for s, t in d["gold"]] for d in docs], tests)["strict_f1"])
        sweep[gap] = float(np.mean(f1s))
        print(f"calibration: gap {gap:.2f}: mean strict F1 {sweep[gap]:.4f}", flush=True)
    best = max(sweep, key=lambda g: sweep[g])
    return {"gap": best, "sweep": sweep, "pairwise": pairwise_gap(synthetic, vectors, background)}


def pairwise_gap(data: dict[str, list[dict]], vectors: dict, background: np.ndarray | None) -> dict[str, float]:
    """The gap cost from pairs alone: a 1-1 bead beats leaving both sentences unaligned
    when its cost is under 2 x gap, so 2 x gap is the cost threshold that best separates
    gold 1-1 pairs from the best candidate of sentences that have no counterpart
    (gold 1-0 / 0-1) and from the neighbours of gold pairs (the near misses the DP must
    refuse). The threshold minimising the errors of both kinds, weighted equally per
    class, is returned with the class sizes."""
    from aligner.alignment.sentence_alignment import one_to_one_costs
    from aligner.config import default_settings

    params = default_settings().sentence_alignment
    pos: list[float] = []
    neg: list[float] = []
    for docs in data.values():
        for d in docs:
            src = np.stack([vectors[(d["source_lang"], s)] for s in d["source"]])
            tgt = np.stack([vectors[(d["rendition_lang"], s)] for s in d["rendition"]])
            n, m = len(src), len(tgt)
            ones = [(s[0], t[0]) for s, t in d["gold"] if len(s) == 1 and len(t) == 1]
            if ones:
                pos.extend(one_to_one_costs(src, tgt, np.array(ones), params, background))
                near = [(i, j + dj) for i, j in ones for dj in (-1, 1) if 0 <= j + dj < m]
                neg_near = one_to_one_costs(src, tgt, np.array(near), params, background)
                neg.extend(neg_near)
            every = np.array([(i, j) for i in range(n) for j in range(m)])
            cost = one_to_one_costs(src, tgt, every, params, background).reshape(n, m)
            for s, t in d["gold"]:
                if s and not t:
                    neg.append(float(cost[s[0]].min()))
                if t and not s:
                    neg.append(float(cost[:, t[0]].min()))
    pos_a, neg_a = np.sort(pos), np.sort(neg)
    grid = np.linspace(0.0, 2.0, 2001)
    err = np.searchsorted(neg_a, grid) / len(neg_a) + (1 - np.searchsorted(pos_a, grid, side="right") / len(pos_a))
    t = float(grid[int(np.argmin(err))])
    return {"threshold": t, "gap": t / 2, "positives": len(pos_a), "negatives": len(neg_a), "balanced_error": float(err.min() / 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--data", default=",".join(DATASETS))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--calibrate", action="store_true", help="calibrate the gap cost on the synthetic data (and stop)")
    ap.add_argument("--band-only", action="store_true", help="use the coarse-to-fine band for every document")
    ap.add_argument("--set", action="append", default=[], help="extra variant NAME:key=value,key=value")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    variants = {v: VARIANTS[v] for v in args.variants.split(",") if v}
    for spec in args.set:
        name, _, kv = spec.partition(":")
        variants[name] = {k: float(v) if k != "max_bead" else int(v) for k, v in (p.split("=") for p in kv.split(","))}
    # --band-only: no document is small enough for the exact DP, the band is used on every size.
    base: dict[str, Any] = {"full_dp_cells": 0} if args.band_only else {}
    data = load_data(args.data.split(","))
    vectors, background = embed_all(data, args.threads)
    result: dict[str, Any] = {"variants": {}, "band_only": args.band_only}
    if args.calibrate:
        result["calibration"] = calibrate(data, vectors, background, base)
        print("calibration:", json.dumps(result["calibration"]))
        return _write(result, args.json)
    for vname, over in variants.items():
        rows = {}
        total_time = 0.0
        for dname, docs in data.items():
            tests, secs = run_variant(docs, vectors, background, {**base, **over})
            total_time += secs
            rows[dname] = score([[(tuple(s), tuple(t)) for s, t in d["gold"]] for d in docs], tests)
        result["variants"][vname] = {"overrides": {k: str(v) for k, v in over.items()}, "scores": rows, "seconds": round(total_time, 3)}
    print_tables(result)
    _write(result, args.json)


def _write(result: dict[str, Any], path: Path | None) -> None:
    if path:
        path.write_text(json.dumps(result, indent=1), encoding="utf-8")


def print_tables(result: dict[str, Any]) -> None:
    for vname, v in result["variants"].items():
        print(f"\n## {vname}  {v['overrides'] or ''}  ({v['seconds']:.2f} s)")
        print("| data | strict P | strict R | strict F1 | lax P | lax R | lax F1 |")
        print("|---|---|---|---|---|---|---|")
        for dname, s in v["scores"].items():
            print(
                f"| {dname} | {s['strict_p']:.3f} | {s['strict_r']:.3f} | {s['strict_f1']:.3f} "
                f"| {s['lax_p']:.3f} | {s['lax_r']:.3f} | {s['lax_f1']:.3f} |"
            )
    names = list(result["variants"])
    if len(names) > 1:
        datasets = list(next(iter(result["variants"].values()))["scores"])
        print("\n## strict F1 / lax F1 by variant")
        print("| variant | " + " | ".join(datasets) + " |")
        print("|---|" + "---|" * len(datasets))
        for vname in names:
            sc = result["variants"][vname]["scores"]
            print(f"| {vname} | " + " | ".join(f"{sc[d]['strict_f1']:.3f} / {sc[d]['lax_f1']:.3f}" for d in datasets) + " |")


if __name__ == "__main__":
    main()
