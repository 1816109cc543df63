"""AER, precision and recall of aligner's word alignment on gold-aligned pairs.

Usage:
    python benchmarks/wordalign_aer.py                  # baselines and the recommended setting
    python benchmarks/wordalign_aer.py --report         # every variant of benchmarks/README.md
    python benchmarks/wordalign_aer.py --layers 7,5+6+7 --methods argmax,softmax:0.02:0.3 \\
        --token-types word --prefixes "query:," --center none,lang --distortion 0,0.25
    python benchmarks/wordalign_aer.py --cli-check      # also run `aligner words` and score it
    options: --threads 2 --json out.json --data DIR --encoder ID|PATH

Data: ``enfr-dev.src-tgt`` (``English ||| French`` per line, tokenised) and
``enfr-dev.gold`` (1-indexed ``i-j`` sure and ``ipj`` possible links), by default from
``../shared/bench/wordalign`` beside the repository. AER = 1 - (|A∩S| + |A∩P|) / (|A| + |S|).

A variant is: prefix (text put before every sentence; E5 was trained with "query: "
and "passage: "), layer (one hidden layer, or ``5+6+7`` averaged), token type (``bpe``
matches subwords, ``word`` averages each word's subwords first), centring (``none``;
``lang``: subtract the mean piece vector of each language side of the batch before
the cosine; ``all``: one mean over both sides; ``sent``: each sentence's own mean;
``lang-z``: per-side mean and per-dimension scale), matching method (the library's argmax/itermax/mwmf and the research variants of
``benchmarks/alignment_variants.py``), SimAlign's distortion prior, and two script-only
options: ``sim=dot`` (softmax extraction on dot products, as awesome-align does) and
``punct=block`` (punctuation may only link to punctuation), and a null threshold
(``--null``: links whose similarity is below it are dropped). Variants with ``sim=cos``,
``punct=free``, no null threshold and centring none/lang/all/sent run through
``aligner.alignment.word_alignment.align_words`` itself (the library path, the method
passed as a callable); the others use this script's own matrix code.

Each row also shows AER on the odd and even lines separately: a choice that only wins
on one half is noise. All pairs are embedded in one batch per side, as ``aligner words``
does for files of up to 2000 lines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from alignment_variants import apply_distortion, match, matcher  # noqa: E402

Links = set[tuple[int, int]]


# -- scoring (pure; tested in tests/test_benchmarks_smoke.py) -----------------------------------
def parse_gold_line(line: str) -> tuple[Links, Links]:
    """(sure, possible) 0-indexed links of one gold line; possible includes sure."""
    sure, possible = set(), set()
    for item in line.split():
        if "p" in item:
            i, j = item.split("p")
            possible.add((int(i) - 1, int(j) - 1))
        else:
            i, j = item.split("-")
            sure.add((int(i) - 1, int(j) - 1))
    return sure, possible | sure


def read_gold(path: Path) -> list[tuple[Links, Links]]:
    return [parse_gold_line(line) for line in path.read_text(encoding="utf-8").splitlines()]


def parse_pharaoh(line: str) -> Links:
    """0-indexed ``i-j`` links of one Pharaoh line."""
    out = set()
    for item in line.split():
        i, j = item.split("-")
        out.add((int(i), int(j)))
    return out


def counts(predicted: Sequence[Links], gold: Sequence[tuple[Links, Links]]) -> np.ndarray:
    """Per pair: |A∩S|, |A∩P|, |A|, |S| (rows can be summed over any subset)."""
    return np.array(
        [
            (len(p & s), len(p & pp), len(p), len(s))
            for p, (s, pp) in zip(predicted, gold, strict=True)
        ],
        dtype=np.int64,
    ).reshape(-1, 4)


def score_counts(rows: np.ndarray) -> dict[str, float]:
    a_s, a_p, a, s = (int(x) for x in rows.sum(axis=0))
    return {
        "aer": 1 - (a_s + a_p) / (a + s) if a + s else 0.0,
        "precision": a_p / a if a else 0.0,
        "recall": a_s / s if s else 0.0,
    }


def score(predicted: Sequence[Links], gold: Sequence[tuple[Links, Links]]) -> dict[str, float]:
    return score_counts(counts(predicted, gold))


def is_punct(token: str) -> bool:
    return bool(token) and all(unicodedata.category(c)[0] in "PS" for c in token)


def fmt_table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(
            c.ljust(w) if k < 1 else c.rjust(w)
            for k, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- variants -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    prefix: str = "query:"
    layer: str = "7"
    token_type: str = "word"
    center: str = "lang"
    method: str = "argmax"
    distortion: float = 0.0
    sim: str = "cos"
    punct: str = "free"
    null: float = -1.0
    group: str = ""

    def label(self) -> str:
        extra = []
        if self.distortion:
            extra.append(f"dist {self.distortion:g}")
        if self.null > -1.0:
            extra.append(f"null<{self.null:g}")
        if self.sim != "cos":
            extra.append(f"sim {self.sim}")
        if self.punct != "free":
            extra.append(f"punct {self.punct}")
        return " ".join(extra)

    def layers(self) -> int | tuple[int, ...]:
        parts = tuple(int(x) for x in self.layer.split("+"))
        return parts[0] if len(parts) == 1 else parts


BASELINES = [
    Variant(
        prefix="",
        layer="8",
        token_type="bpe",
        center="none",
        group="baseline: SimAlign setting (layer 8, argmax, bpe)",
    ),
    Variant(
        prefix="query:",
        layer="5+6+7",
        token_type="word",
        center="none",
        group="baseline: previous default",
    ),
]
RECOMMENDED = Variant(
    prefix="query:",
    layer="7",
    token_type="word",
    center="lang",
    method="argmax",
    group="recommended",
)


def report_variants() -> list[Variant]:
    """Everything measured for benchmarks/README.md."""
    v: list[Variant] = [*BASELINES, RECOMMENDED]
    for prefix in ("query:", "", "passage:"):
        for layer in [
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
            "10",
            "5+6+7",
            "6+7",
            "6+7+8",
            "5+6+7+8",
            "4+5+6+7+8",
        ]:
            for tt in ("word", "bpe") if prefix == "query:" else ("word",):
                v.append(
                    Variant(
                        prefix,
                        layer,
                        tt,
                        "none",
                        group="layers x prefix x token type (argmax, no centring)",
                    )
                )
    for prefix in ("query:", "", "passage:"):
        for layer in ["6", "7", "8", "5+6+7", "6+7", "6+7+8"]:
            for center in ("lang", "all", "sent", "lang-z") if prefix == "query:" else ("lang",):
                v.append(Variant(prefix, layer, "word", center, group="centring (argmax, word)"))
    v.append(Variant("query:", "7", "bpe", "lang", group="centring (argmax, word)"))
    for layer, center in (("7", "lang"), ("5+6+7", "none"), ("5+6+7", "lang")):
        g = "matching methods (query:, word)"
        base = Variant("query:", layer, "word", center, group=g)
        for m in (
            "itermax",
            "mwmf",
            "growdiag",
            "growdiagfinal",
            "argmax+itermax:0.5",
            "argmax+itermax:0.6",
            "argmax+itermax:0.7",
        ):
            v.append(replace(base, method=m))
        for t in ("0.01", "0.02", "0.03"):
            for th in ("0.2", "0.3", "0.4"):
                v.append(replace(base, method=f"softmax:{t}:{th}"))
        v.append(replace(base, method="softmax:0.05:0.1"))
        for d in (0.1, 0.25, 0.5):
            v.append(replace(base, distortion=d))
        for th in (0.1, 0.2, 0.3):
            v.append(replace(base, null=th))
        v.append(replace(base, punct="block"))
        v.append(replace(base, punct="block", method="softmax:0.02:0.3"))
        v.append(replace(base, sim="dot", method="softmax:1:0.001"))
        v.append(replace(base, sim="dot", method="softmax:0.5:0.1"))
    seen: set[Variant] = set()
    out = []
    for x in v:
        key = replace(x, group="")
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


# -- running ----------------------------------------------------------------------------------------
class Runner:
    def __init__(self, encoder_spec: str | None, pairs, gold):
        from aligner.encoder.embedding import Encoder

        self.enc = Encoder.load(encoder_spec)  # prefix and layer: per variant, below
        self.pairs = pairs
        self.gold = gold
        self.cache: dict[tuple[str, str], list] = {}

    def embedded(self, prefix: str, layer: str):
        key = (prefix, layer)
        if key not in self.cache:
            enc = replace(self.enc, prefix=prefix)  # a copy: the loaded encoder stays as it is
            t = time.perf_counter()
            # pooled=False: stop at the word layer, as `aligner words` does (same vectors)
            emb = enc.embed(
                [p.source for p in self.pairs] + [p.target for p in self.pairs],
                pooled=False,
                layer=Variant(layer=layer).layers(),
            )
            self.cache[key] = [e.pieces for e in emb]
            print(
                f"  embedded prefix {prefix!r} layer {layer} in {time.perf_counter() - t:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        return self.cache[key]

    def predict(self, v: Variant) -> list[Links]:
        from aligner.alignment.word_alignment import (
            PieceVectors,
            align_words,
            cosine_matrix,
            mean_vector,
        )

        pieces = self.embedded(v.prefix, v.layer)
        n = len(self.pairs)
        src, tgt = pieces[:n], pieces[n:]
        library = (
            v.sim == "cos"
            and v.punct == "free"
            and v.null <= -1.0
            and v.center in ("none", "lang", "all", "sent")
        )
        ms = mt = scale_s = scale_t = None
        if v.center in ("lang", "lang-z"):
            ms, mt = mean_vector(src), mean_vector(tgt)
        elif v.center == "all":
            ms = mt = mean_vector(pieces)
        if v.center == "lang-z":
            scale_s = np.concatenate([p.vectors for p in src]).std(axis=0)
            scale_t = np.concatenate([p.vectors for p in tgt]).std(axis=0)
        out: list[Links] = []
        for k, pair in enumerate(self.pairs):
            s, t = src[k], tgt[k]
            if not len(s.word) or not len(t.word):
                out.append(set())
                continue
            if v.center == "sent":
                ms, mt = mean_vector([s]), mean_vector([t])
            if library:
                wa = align_words(
                    s,
                    t,
                    method=matcher(v.method, v.distortion),
                    token_type=v.token_type,
                    src_shift=ms,
                    tgt_shift=mt,
                )
                out.append({(a, b) for a, b, _ in wa.links})
                continue
            sv, tv = s.vectors.astype(np.float64), t.vectors.astype(np.float64)
            if ms is not None:
                sv, tv = sv - ms, tv - mt
            if scale_s is not None:
                sv, tv = sv / scale_s, tv / scale_t
            if v.token_type == "word":
                sv, sw = PieceVectors(sv, s.word).word_vectors()
                tv, tw = PieceVectors(tv, t.word).word_vectors()
            else:
                sw, tw = s.word, t.word
            sim = cosine_matrix(sv, tv) if v.sim == "cos" else sv @ tv.T
            if v.punct == "block":
                ps = np.array([is_punct(pair.source[w]) for w in sw])
                pt = np.array([is_punct(pair.target[w]) for w in tw])
                sim = np.where(ps[:, None] != pt[None, :], sim.min() - 1.0, sim)
            links = match(apply_distortion(sim, v.distortion), v.method)
            if v.null > -1.0:  # null threshold: drop links whose (matching) similarity is low
                links &= sim >= v.null
            out.append({(int(sw[i]), int(tw[j])) for i, j in zip(*np.nonzero(links), strict=True)})
        return out

    def evaluate(self, v: Variant) -> dict:
        rows = counts(self.predict(v), self.gold)
        r = score_counts(rows)
        return {
            **asdict(v),
            **{k: round(x, 4) for k, x in r.items()},
            "aer_odd_lines": round(score_counts(rows[0::2])["aer"], 4),
            "aer_even_lines": round(score_counts(rows[1::2])["aer"], 4),
        }


def cli_variant_from_config(cfg: dict) -> Variant:
    """The setting ``aligner words --method argmax`` uses with config ``cfg``: the
    encoder prefix, ``[word_alignment] pretokenized_layer``, token type and centring."""
    from aligner.config import EncoderSettings, WordAlignmentSettings, section_settings

    enc = section_settings(cfg, EncoderSettings)
    wa = section_settings(cfg, WordAlignmentSettings)
    return Variant(
        prefix=enc.prefix.strip(),
        layer=str(wa.pretokenized_layer),
        token_type=wa.token_type,
        center="lang" if wa.center else "none",
        method="argmax",
        group="cli",
    )


def cli_check(args, gold, lines_path: Path, variant: Variant) -> dict:
    """Run ``python cli.py words`` on the dev file and score its Pharaoh output."""
    cmd = [
        sys.executable,
        str(ROOT / "cli.py"),
        "--threads",
        str(args.threads),
        "words",
        str(lines_path),
        "--method",
        variant.method,
        "--token-type",
        variant.token_type,
    ]
    if args.cli_config:
        cmd += ["--config", str(args.cli_config)]
    if args.cli_args:
        cmd += args.cli_args.split()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.txt"
        cmd += ["-o", str(out)]
        t = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, cwd=ROOT
        )
        if proc.returncode != 0:
            raise SystemExit(f"aligner words failed ({proc.returncode}): {proc.stderr[-2000:]}")
        pred = [parse_pharaoh(line) for line in out.read_text(encoding="utf-8").splitlines()]
    r = score(pred, gold)
    return {
        "command": " ".join(cmd[1:-2]),
        "seconds": round(time.perf_counter() - t, 1),
        **{k: round(x, 4) for k, x in r.items()},
        "links": pred,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "wordalign")
    ap.add_argument("--prefix-name", default="enfr-dev")
    ap.add_argument(
        "--report", action="store_true", help="run every variant of benchmarks/README.md (~10 min)"
    )
    ap.add_argument("--layers", help="comma-separated layers, '+' averages (e.g. 7,5+6+7)")
    ap.add_argument("--methods", default="argmax")
    ap.add_argument("--token-types", default="word")
    ap.add_argument(
        "--prefixes", default=None, help="comma-separated prefixes, e.g. 'query:,,passage:'"
    )
    ap.add_argument("--prefix", default=None, help="one prefix (kept for older command lines)")
    ap.add_argument("--center", default="lang", help="comma-separated: none,lang,all,sent,lang-z")
    ap.add_argument("--distortion", default="0")
    ap.add_argument("--sim", default="cos", choices=["cos", "dot"])
    ap.add_argument("--punct", default="free", choices=["free", "block"])
    ap.add_argument(
        "--null",
        default="-1",
        help="comma-separated null thresholds: drop links with cosine below (script path)",
    )
    ap.add_argument("--encoder", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--cli-check",
        action="store_true",
        help="run `python cli.py words` (default config, or --cli-config) and check it reproduces the setting the config implies",
    )
    ap.add_argument("--cli-config", type=Path, help="--config FILE for the CLI check")
    ap.add_argument(
        "--cli-args",
        default="",
        help="extra arguments for `words` in the CLI check (ones that do not change the setting)",
    )
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    from aligner.io.pretokenized import parse_pairs

    lines_path = args.data / f"{args.prefix_name}.src-tgt"
    pairs = list(parse_pairs(lines_path.read_text(encoding="utf-8").splitlines()))
    gold = read_gold(args.data / f"{args.prefix_name}.gold")
    if args.report:
        variants = report_variants()
    elif args.layers:
        prefixes = (
            args.prefixes.split(",")
            if args.prefixes is not None
            else [args.prefix if args.prefix is not None else "query:"]
        )
        variants = [
            Variant(
                p, layer, tt, c, m, float(d), args.sim, args.punct, float(nl), group="command line"
            )
            for p in prefixes
            for layer in args.layers.split(",")
            for tt in args.token_types.split(",")
            for c in args.center.split(",")
            for m in args.methods.split(",")
            for d in args.distortion.split(",")
            for nl in args.null.split(",")
        ]
    else:
        variants = [*BASELINES, RECOMMENDED]

    runner = Runner(args.encoder, pairs, gold)
    rows = []
    group = None
    headers = [
        "prefix",
        "layer",
        "tok",
        "center",
        "method",
        "other",
        "AER",
        "P",
        "R",
        "AER odd",
        "AER even",
    ]
    table: list[list[object]] = []

    def flush_table() -> None:
        if table:
            print(fmt_table(headers, table), flush=True)
            table.clear()

    for v in variants:
        if v.group != group:
            flush_table()
            group = v.group
            print(f"\n## {group}", flush=True)
        r = runner.evaluate(v)
        rows.append(r)
        table.append(
            [
                repr(v.prefix) if v.prefix else "-",
                v.layer,
                v.token_type,
                v.center,
                v.method,
                v.label() or "-",
                f"{r['aer']:.4f}",
                f"{r['precision']:.4f}",
                f"{r['recall']:.4f}",
                f"{r['aer_odd_lines']:.4f}",
                f"{r['aer_even_lines']:.4f}",
            ]
        )
    flush_table()
    best = min(rows, key=lambda r: r["aer"])
    print(f"\nbest of {len(rows)}: {best}")
    result = {
        "encoder": runner.enc.name,
        "threads": args.threads,
        "pairs": len(pairs),
        "rows": rows,
        "best": best,
    }

    if args.cli_check:
        from aligner.config import load_config

        cfg = load_config(str(args.cli_config)) if args.cli_config else load_config()
        target = cli_variant_from_config(cfg)
        ref_pred = runner.predict(target)
        ref = score(ref_pred, gold)
        cli = cli_check(args, gold, lines_path, target)
        same = sum(a == b for a, b in zip(ref_pred, cli.pop("links"), strict=True))
        print(f"\nCLI check: {cli['command']}")
        print(
            f"  aligner words: AER {cli['aer']:.4f}  P {cli['precision']:.4f}  R {cli['recall']:.4f}  ({cli['seconds']} s)"
        )
        print(
            f"  this script, {target.prefix!r} layer {target.layer} {target.token_type} {target.center} {target.method}: AER {ref['aer']:.4f}"
        )
        print(f"  identical links on {same} of {len(pairs)} pairs")
        result["cli_check"] = {
            **cli,
            "script_aer": round(ref["aer"], 4),
            "identical_pairs": same,
            "variant": asdict(target),
        }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
