"""AER, precision and recall of aligner's word alignment on gold-aligned pairs.

Usage: python benchmarks/wordalign_aer.py [--data DIR] [--layers 6,7,8] [--methods argmax,itermax]
           [--token-types bpe,word] [--prefix ""] [--threads 2] [--json out.json]

Data: ``enfr-dev.src-tgt`` (``English ||| French`` per line, tokenised) and
``enfr-dev.gold`` (1-indexed ``i-j`` sure and ``ipj`` possible links), by default from
``../shared/bench/wordalign`` beside the repository. AER = 1 - (|A∩S| + |A∩P|) / (|A| + |S|).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def read_gold(path: Path) -> list[tuple[set[tuple[int, int]], set[tuple[int, int]]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        sure, possible = set(), set()
        for item in line.split():
            if "p" in item:
                i, j = item.split("p")
                possible.add((int(i) - 1, int(j) - 1))
            else:
                i, j = item.split("-")
                sure.add((int(i) - 1, int(j) - 1))
        out.append((sure, possible | sure))
    return out


def score(predicted: list[set[tuple[int, int]]], gold) -> dict[str, float]:
    a_s = a_p = a = s = 0
    for pred, (sure, possible) in zip(predicted, gold, strict=True):
        a_s += len(pred & sure)
        a_p += len(pred & possible)
        a += len(pred)
        s += len(sure)
    return {
        "aer": 1 - (a_s + a_p) / (a + s),
        "precision": a_p / a if a else 0.0,
        "recall": a_s / s if s else 0.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "wordalign")
    ap.add_argument("--prefix-name", default="enfr-dev")
    ap.add_argument("--layers", default="8")
    ap.add_argument("--methods", default="argmax,itermax,mwmf")
    ap.add_argument("--token-types", default="bpe")
    ap.add_argument("--prefix", default="", help="text prepended to every sentence (e.g. 'query:')")
    ap.add_argument("--encoder", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    from aligner.embedding import Encoder
    from aligner.pretokenized import parse_pairs
    from aligner.word_alignment import align_words

    lines = (args.data / f"{args.prefix_name}.src-tgt").read_text(encoding="utf-8").splitlines()
    gold = read_gold(args.data / f"{args.prefix_name}.gold")
    pairs = list(parse_pairs(lines))
    enc = Encoder.load(args.encoder)
    enc.prefix = args.prefix
    rows = []
    for layer_spec in args.layers.split(","):
        layer = int(layer_spec) if "+" not in layer_spec else tuple(int(x) for x in layer_spec.split("+"))
        enc.layer = layer
        t = time.perf_counter()
        emb = enc.embed([p.source for p in pairs] + [p.target for p in pairs])
        n = len(pairs)
        for token_type in args.token_types.split(","):
            for method in args.methods.split(","):
                pred = []
                for k in range(n):
                    wa = align_words(emb[k].pieces, emb[n + k].pieces, method=method, token_type=token_type)
                    pred.append({(a, b) for a, b, _ in wa.links})
                r = score(pred, gold)
                rows.append({"layer": layer, "method": method, "token_type": token_type, "prefix": args.prefix, **{k: round(v, 4) for k, v in r.items()}})
                print(f"layer {layer_spec:>8s}  {method:8s} {token_type:4s}  AER {r['aer']:.4f}  P {r['precision']:.4f}  R {r['recall']:.4f}", flush=True)
        del t
    best = min(rows, key=lambda r: r["aer"])
    print(f"best: layer {best['layer']} {best['method']} {best['token_type']} AER {best['aer']:.4f}")
    if args.json:
        args.json.write_text(json.dumps({"encoder": enc.name, "rows": rows, "best": best}, indent=1))


if __name__ == "__main__":
    main()
