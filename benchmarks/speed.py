"""Speed: batched word alignment against the ``simalign`` package, and ``compare`` scaling.

    python benchmarks/speed.py                    # everything (about 10 minutes on 2 cores)
    python benchmarks/speed.py --quick            # a small subset, for a smoke run
    python benchmarks/speed.py --threads 2 --repeat 2 --rounds 3 --json speed.json
    python benchmarks/speed.py --skip-compare     # word alignment only
    python benchmarks/speed.py --skip-words --sizes 1000 --profile 1000

1. Word alignment, in one process, on the same pairs, for each pair set of
   ``--pair-sets`` (``dev``: the 200 Hansard dev pairs of ``shared/bench/wordalign``,
   15-17 words a side; ``news``: the 52 one-to-one sentence pairs of the French and
   English sample articles in ``benchmarks/data/news-fr-en.pairs``, 28-30 words a side;
   each ``--repeat N`` times), the same encoder (the offline e5 build, layer 8, no
   prefix) and the same CPU thread count (``--threads``, ``torch.set_num_threads``)
   for both sides:

   a. simalign: ``SentenceAligner(model=<offline e5 dir>, token_type="bpe",
      matching_methods="mai", layer=8).get_word_aligns(src, tgt)`` pair by pair (its
      default: every pair is one model call and all three matchings are computed);
      also with ``matching_methods="a"`` (argmax only), which isolates the model cost;
   b. aligner: ``aligner.io.pretokenized.align_pairs(encoder, pairs, "argmax", "bpe",
      center=False, layer=8)``
      (what ``aligner words`` runs): batched forward passes that stop at the word
      layer (no sentence vector is needed), then matching.

   Both are warmed up first; then ``--rounds`` interleaved rounds are timed and the
   fastest round of each is reported (the machine is shared; the minimum is the
   least disturbed). The argmax links of the two (simalign's ``inter``) are compared
   pair by pair.

2. ``compare`` (``load_models()`` then ``compare_files(..., CompareOptions(translate=False))``)
   on documents of ``--sizes`` source sentences built from the sample texts
   (``samples/*/fr.txt`` as source, the same sample's ``en*.txt`` as rendition;
   sample blocks in a seeded random order, repeated until the size is reached), each
   size in a fresh subprocess: seconds, seconds per 100 sentences, stage timings,
   peak resident memory (the child's own high-water mark, ``VmHWM``).

3. Second start: ``load_models()`` in a fresh process once the model cache is warm.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "bench" / "wordalign"


# -- helpers (pure; tested in tests/test_benchmarks_smoke.py) ---------------------------
def read_pairs(path: Path) -> list[tuple[list[str], list[str]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        left, _, right = line.partition("|||")
        out.append((left.split(), right.split()))
    return out


def link_differences(
    ours: list[set[tuple[int, int]]], theirs: list[set[tuple[int, int]]]
) -> list[int]:
    """Indices of pairs whose link sets differ."""
    return [k for k, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]


def sample_blocks(samples_dir: Path) -> list[tuple[str, str, str]]:
    """(name, French source text, English rendition text) for every sample whose
    source is ``fr.txt``, one entry per English rendition file."""
    blocks = []
    for d in sorted(p for p in samples_dir.iterdir() if p.is_dir()):
        fr = d / "fr.txt"
        if not fr.is_file():
            continue
        for en in sorted(d.glob("en*.txt")):
            blocks.append((d.name, fr.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")))
    return blocks


def build_documents(
    blocks: list[tuple[str, str, str]], n_sentences: int, count, seed: int = 0
) -> tuple[str, str, int]:
    """Source and rendition documents of about ``n_sentences`` source sentences.

    Sample blocks are drawn in a seeded random order (each block a whole sample: its
    French text on the source side, its English text on the rendition side, so the two
    documents stay roughly parallel) and repeated until ``count(source_text)`` reaches
    ``n_sentences``; the last block is cut at a paragraph (line) so that the source has
    no more than ``n_sentences``. Returns (source, rendition, source sentence count)."""
    rng = random.Random(seed)
    src_parts: list[str] = []
    tgt_parts: list[str] = []
    have = 0
    while have < n_sentences:
        _, fr, en = rng.choice(blocks)
        fr_lines = [x for x in fr.splitlines() if x.strip()]
        en_lines = [x for x in en.splitlines() if x.strip()]
        n_fr = count("\n\n".join(fr_lines))
        if have + n_fr > n_sentences:  # partial block: the first lines, same share of the rendition
            keep: list[str] = []
            for line in fr_lines:
                if have + count("\n\n".join([*keep, line])) > n_sentences:
                    break
                keep.append(line)
            if not keep:
                break
            share = len(keep) / len(fr_lines)
            fr_lines = keep
            en_lines = en_lines[: max(1, round(share * len(en_lines)))]
            n_fr = count("\n\n".join(fr_lines))
        src_parts.append("\n\n".join(fr_lines))
        tgt_parts.append("\n\n".join(en_lines))
        have += n_fr
    return "\n\n".join(src_parts) + "\n", "\n\n".join(tgt_parts) + "\n", have


def per_100(seconds: float, sentences: int) -> float:
    return 100.0 * seconds / sentences if sentences else float("nan")


def fmt_table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(
            c.rjust(w) if k else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def encoder_gflop(lengths: list[int], layers: int, hidden: int, intermediate: int) -> float:
    """Floating-point work (GFLOP, multiply and add counted apart) of running
    ``layers`` BERT-style layers over sentences of ``lengths`` tokens, unpadded: the
    four hidden x hidden projections, the two feed-forward products, and attention's
    two length x length products. Everything else (GELU, LayerNorm, softmax) is a
    few percent and not counted, so this is a lower bound."""
    dense = 2 * (4 * hidden * hidden + 2 * hidden * intermediate)
    total = sum(n * layers * (dense + 2 * 2 * n * hidden) for n in lengths)
    return total / 1e9


def sgemm_gflops(rows: int, hidden: int, intermediate: int, repeat: int = 30) -> float:
    """Best measured fp32 matrix-product rate (GFLOP/s) at the encoder's own shape,
    into a preallocated output (so no page faults are timed): the machine's peak."""
    import torch

    a = torch.randn(rows, hidden)
    b = torch.randn(hidden, intermediate)
    c = torch.empty(rows, intermediate)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        torch.mm(a, b, out=c)
        best = min(best, time.perf_counter() - t)
    return 2 * rows * hidden * intermediate / best / 1e9


def _setup(threads: int) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    torch.set_num_threads(threads)


def _maxrss_mb() -> float:
    """Peak resident memory of this process, in MiB.

    ``VmHWM`` of /proc/self/status is this process's own high-water mark. ``ru_maxrss``
    is not usable in a child: Linux carries the parent's peak over fork+exec, so every
    child of a parent that holds two models would report the parent's ~1.7 GB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


# -- 1. word alignment ------------------------------------------------------------------------
NEWS = ROOT / "benchmarks" / "data" / "news-fr-en.pairs"


def pair_sets(args) -> dict[str, Path]:
    """The word-alignment pair sets to time: ``dev`` (the 200 Hansard dev pairs, short
    sentences) and ``news`` (52 one-to-one sentence pairs of the French and English
    sample articles, ``make_news_pairs.py``; about twice as long)."""
    known = {"dev": args.data / "enfr-dev.src-tgt", "news": NEWS}
    chosen = [x for x in str(args.pair_sets).split(",") if x]
    unknown = [x for x in chosen if x not in known]
    if unknown:
        raise SystemExit(f"unknown pair set(s) {unknown}; known: {sorted(known)}")
    return {x: known[x] for x in chosen}


@dataclass
class WordAligners:
    """Both sides of the word-alignment comparison, loaded once for every pair set."""

    model_dir: str
    encoder: Any  # aligner.encoder.embedding.Encoder at layer 8, no prefix
    simalign_mai: Any  # simalign.SentenceAligner, matching_methods="mai"
    simalign_a: Any  # the same, matching_methods="a"


def load_word_aligners() -> WordAligners:
    import logging

    logging.getLogger("simalign").setLevel(logging.WARNING)
    from simalign import SentenceAligner

    from aligner.encoder.embedding import Encoder
    from aligner.encoder.offline_e5 import ensure_offline_e5

    model_dir = str(ensure_offline_e5())
    enc = Encoder.load(None, layer=8, prefix="")
    return WordAligners(
        model_dir,
        enc,
        SentenceAligner(model=model_dir, token_type="bpe", matching_methods="mai", layer=8),
        SentenceAligner(model=model_dir, token_type="bpe", matching_methods="a", layer=8),
    )


def bench_words(args, path: Path, aligners: WordAligners) -> dict[str, Any]:
    import torch

    from aligner.io.pretokenized import Pair, align_pairs

    raw = read_pairs(path)
    if args.pairs:
        raw = raw[: args.pairs]
    raw = raw * args.repeat
    pairs = [Pair(k + 1, s, t) for k, (s, t) in enumerate(raw)]
    model_dir = aligners.model_dir
    enc = aligners.encoder
    sa_mai, sa_a = aligners.simalign_mai, aligners.simalign_a

    def run_simalign(sa) -> list[set[tuple[int, int]]]:
        return [set(sa.get_word_aligns(s, t)["inter"]) for s, t in raw]

    def run_ours() -> list[set[tuple[int, int]]]:
        return [set(links) for links in align_pairs(enc, pairs, "argmax", "bpe", center=False, layer=8)]

    # warm-up: first calls allocate, tokenizers build caches
    warm = raw[:8]
    for s, t in warm:
        sa_mai.get_word_aligns(s, t)
        sa_a.get_word_aligns(s, t)
    list(align_pairs(enc, pairs[:8], "argmax", "bpe", center=False, layer=8))

    times: dict[str, list[float]] = {"simalign (mai)": [], "simalign (a)": [], "aligner": []}
    cpu: dict[str, list[float]] = {k: [] for k in times}
    results: dict[str, list[set[tuple[int, int]]]] = {}
    for r in range(args.rounds):
        for name, fn in (
            ("simalign (mai)", lambda: run_simalign(sa_mai)),
            ("aligner", run_ours),
            ("simalign (a)", lambda: run_simalign(sa_a)),
        ):
            if name == "simalign (a)" and args.quick:
                continue
            c = time.process_time()
            t = time.perf_counter()
            res = fn()
            times[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
            results.setdefault(name, res)
            print(
                f"  round {r + 1}: {name:15s} {times[name][-1]:7.2f} s wall, {cpu[name][-1]:7.2f} s CPU",
                file=sys.stderr,
                flush=True,
            )
    ours, theirs = results["aligner"], results["simalign (mai)"]
    diff = link_differences(ours, theirs)
    example = None
    if diff:
        k = diff[0]
        example = {
            "pair": k,
            "source": " ".join(raw[k][0]),
            "target": " ".join(raw[k][1]),
            "only_aligner": sorted(ours[k] - theirs[k]),
            "only_simalign": sorted(theirs[k] - ours[k]),
        }
    # The arithmetic floor: what the aligner's forward pass costs at the measured peak
    # matrix-product rate of this machine, with no overhead at all.
    cfg = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    hidden, inner = int(cfg["hidden_size"]), int(cfg["intermediate_size"])
    lengths = [len(enc._piece_ids(w)[0]) + 2 for s, t in raw for w in (s, t)]
    gflop = encoder_gflop(lengths, 8, hidden, inner)
    peak = sgemm_gflops(enc.batch_tokens, hidden, inner)
    n = len(raw)
    rows = {
        name: {
            "best_s": min(ts),
            "median_s": statistics.median(ts),
            "pairs_per_s": n / min(ts),
            "best_cpu_s": min(cpu[name]),
            "pairs_per_cpu_s": n / min(cpu[name]),
        }
        for name, ts in times.items()
        if ts
    }
    out = {
        "pairs": n,
        "threads": torch.get_num_threads(),
        "rounds": args.rounds,
        "timings": rows,
        "ratio_vs_simalign_mai": rows["aligner"]["pairs_per_s"]
        / rows["simalign (mai)"]["pairs_per_s"],
        "cpu_ratio_vs_simalign_mai": rows["aligner"]["pairs_per_cpu_s"]
        / rows["simalign (mai)"]["pairs_per_cpu_s"],
        "floor": {
            "tokens": sum(lengths),
            "gflop": gflop,
            "sgemm_gflops": peak,
            "seconds": gflop / peak,
            "highest_ratio_vs_simalign_mai": min(times["simalign (mai)"]) / (gflop / peak),
        },
        "argmax_pairs_differing": len(diff),
        "differing_pairs": diff,
        "example_difference": example,
    }
    if "simalign (a)" in rows:
        out["ratio_vs_simalign_argmax_only"] = (
            rows["aligner"]["pairs_per_s"] / rows["simalign (a)"]["pairs_per_s"]
        )
        out["cpu_ratio_vs_simalign_argmax_only"] = (
            rows["aligner"]["pairs_per_cpu_s"] / rows["simalign (a)"]["pairs_per_cpu_s"]
        )
    return out


# -- 2. compare scaling (child process) ---------------------------------------------------------
def compare_child(args) -> None:
    """Run in a fresh process: build the documents, load models, compare once."""
    t0 = time.perf_counter()
    _setup(args.threads)
    from aligner.pipeline import CompareOptions, compare_files, load_models
    from aligner.text.segmentation import segment

    def count(text: str) -> int:
        return len(segment(text, "fr")[0])

    src, tgt, n = build_documents(
        sample_blocks(ROOT / "samples"), args.child_compare, count, seed=args.seed
    )
    with tempfile.TemporaryDirectory() as tmp:
        sp, tp = Path(tmp) / "source.txt", Path(tmp) / "rendition.txt"
        sp.write_text(src, encoding="utf-8")
        tp.write_text(tgt, encoding="utf-8")
        t1 = time.perf_counter()
        models = load_models()
        t2 = time.perf_counter()
        opts = CompareOptions(source_lang="fr", rendition_lang="en", translate=False)
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
        c2 = time.process_time()
        result = compare_files(str(sp), str(tp), models, opts)
        t3 = time.perf_counter()
        c3 = time.process_time()
        if args.profile:
            prof.disable()
            st = pstats.Stats(prof, stream=sys.stderr)
            st.sort_stats("cumulative").print_stats(25)
            st.sort_stats("tottime").print_stats(15)
    print(
        json.dumps(
            {
                "sentences": n,
                "source_sentences": len(result.source.sentences),
                "rendition_sentences": len(result.rendition.sentences),
                "source_tokens": len(result.source.tokens),
                "rendition_tokens": len(result.rendition.tokens),
                "findings": len(result.findings),
                "load_s": t2 - t1,
                "compare_s": t3 - t2,
                "compare_cpu_s": c3 - c2,
                "process_s": t3 - t0,
                "stages": result.timings,
                "peak_rss_mb": _maxrss_mb(),
            }
        )
    )


def load_child(args) -> None:
    t0 = time.perf_counter()
    _setup(args.threads)
    from aligner.pipeline import load_models

    t1 = time.perf_counter()
    c1 = time.process_time()
    load_models()
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "import_s": t1 - t0,
                "load_models_s": t2 - t1,
                "load_models_cpu_s": time.process_time() - c1,
                "peak_rss_mb": _maxrss_mb(),
            }
        )
    )


def _child(args, *extra: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--threads",
        str(args.threads),
        "--seed",
        str(args.seed),
        *extra,
    ]
    t = time.perf_counter()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"child {' '.join(extra)} failed:\n{proc.stderr[-3000:]}")
    if args.profile:
        sys.stderr.write(proc.stderr)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    return res


def bench_compare(args) -> list[dict[str, Any]]:
    rows = []
    for size in args.sizes:
        extra = ["--child-compare", str(size)]
        if args.profile and size in args.profile:
            extra += ["--profile", str(size)]
        r = _child(args, *extra)
        r["size"] = size
        r["per_100_s"] = per_100(r["compare_s"], r["sentences"])
        rows.append(r)
        print(
            f"  compare {size}: {r['compare_s']:.2f} s, {r['peak_rss_mb']:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="repeat the dev pairs N times")
    ap.add_argument("--pairs", type=int, default=0, help="use only the first N pairs of each set")
    ap.add_argument(
        "--pair-sets", default="dev,news", help="word-alignment pair sets: dev (Hansard), news (samples)"
    )
    ap.add_argument(
        "--rounds", type=int, default=2, help="interleaved timing rounds (best is reported)"
    )
    ap.add_argument("--sizes", default="50,200,1000,3000")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--skip-words", action="store_true")
    ap.add_argument("--skip-compare", action="store_true")
    ap.add_argument(
        "--profile",
        default="",
        help="comma-separated compare sizes to run under cProfile (stats on stderr)",
    )
    ap.add_argument("--quick", action="store_true", help="20 pairs, 1 round, sizes 50 and 200")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child-compare", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--child-load", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.profile = {int(x) for x in str(args.profile).split(",") if x}
    if args.child_compare:
        compare_child(args)
        return
    if args.child_load:
        load_child(args)
        return
    if args.quick:
        args.pairs, args.rounds, args.repeat = args.pairs or 20, 1, 1
        args.sizes = "50,200"
    args.sizes = [int(x) for x in str(args.sizes).split(",") if x]
    _setup(args.threads)
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "threads": args.threads,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_at_start": os.getloadavg(),
        },
    }
    sets = {} if args.skip_words else pair_sets(args)
    aligners = load_word_aligners() if sets else None
    for set_name, set_path in sets.items():
        w = bench_words(args, set_path, aligners)
        w["pair_set"] = set_name
        report.setdefault("word_alignment", {})[set_name] = w
        print(
            f"\nWord alignment, {set_name} pairs ({set_path.name}): {w['pairs']} pairs, "
            f"{w['threads']} threads, best of {w['rounds']} round(s)"
        )
        print(
            fmt_table(
                [
                    "path",
                    "wall s",
                    "pairs/s",
                    "aligner speed-up",
                    "CPU s",
                    "pairs/CPU s",
                    "speed-up (CPU)",
                ],
                [
                    [
                        name,
                        f"{r['best_s']:.2f}",
                        f"{r['pairs_per_s']:.1f}",
                        f"{w['timings']['aligner']['pairs_per_s'] / r['pairs_per_s']:.1f}x",
                        f"{r['best_cpu_s']:.2f}",
                        f"{r['pairs_per_cpu_s']:.1f}",
                        f"{w['timings']['aligner']['pairs_per_cpu_s'] / r['pairs_per_cpu_s']:.1f}x",
                    ]
                    for name, r in w["timings"].items()
                ],
            )
        )
        print(
            f"argmax links differing from simalign's 'inter': {w['argmax_pairs_differing']} of {w['pairs']} pairs"
        )
        f = w["floor"]
        print(
            f"fp32 floor of the aligner's forward pass: {f['gflop']:.0f} GFLOP over {f['tokens']} tokens "
            f"at {f['sgemm_gflops']:.0f} GFLOP/s (this machine's measured matrix-product peak) = "
            f"{f['seconds']:.2f} s, so no fp32 implementation can beat simalign (mai) by more than "
            f"{f['highest_ratio_vs_simalign_mai']:.1f}x here"
        )
        if w["example_difference"]:
            print(f"  example: {json.dumps(w['example_difference'], ensure_ascii=False)}")
    if not args.skip_compare:
        load = [_child(args, "--child-load") for _ in range(2)]  # the first warms the disk cache
        report["second_start"] = load[-1]
        rows = bench_compare(args)
        report["compare"] = rows
        print(f"\ncompare (no translation), {args.threads} threads, each size in a fresh process")
        print(
            fmt_table(
                [
                    "source sents",
                    "rendition sents",
                    "tokens (src+ren)",
                    "compare s",
                    "s / 100 sents",
                    "CPU s",
                    "CPU s / 100",
                    "embed s",
                    "align s",
                    "peak RSS MB",
                ],
                [
                    [
                        r["sentences"],
                        r["rendition_sentences"],
                        r["source_tokens"] + r["rendition_tokens"],
                        f"{r['compare_s']:.2f}",
                        f"{r['per_100_s']:.2f}",
                        f"{r['compare_cpu_s']:.1f}",
                        f"{per_100(r['compare_cpu_s'], r['sentences']):.2f}",
                        f"{r['stages'].get('embed', 0):.2f}",
                        f"{r['stages'].get('align_sentences', 0) + r['stages'].get('align_words', 0):.2f}",
                        f"{r['peak_rss_mb']:.0f}",
                    ]
                    for r in rows
                ],
            )
        )
        ld = report["second_start"]
        print(
            f"\nsecond start (fresh process, cache warm): import {ld['import_s']:.2f} s + load_models {ld['load_models_s']:.2f} s"
            f" (process wall {ld['wall_s']:.2f} s)"
        )
    report["machine"]["load_average_at_end"] = os.getloadavg()
    print(
        f"\nload average (1, 5, 15 min) at start {report['machine']['load_average_at_start']}, at end {report['machine']['load_average_at_end']}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
