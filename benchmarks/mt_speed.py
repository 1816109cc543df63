"""Translation throughput: transformers vs CTranslate2 on the same MarianMT model.

    python benchmarks/mt_speed.py                       # tiny random model, 200 sentences
    python benchmarks/mt_speed.py --model DIR --beams 4 --max-length 256 --json out.json

Both backends translate the same sentences with the same settings (beam size, length
cap, batch size, CPU threads: ``torch.set_num_threads(k)`` and CTranslate2
``intra_threads=k``) after a warm-up, with the translation cache off, so the numbers
compare decoding only. With the default tiny random model most outputs run to the
length cap (random weights seldom emit ``</s>``), so the run measures full-length
decoding; that is why the cap defaults to 64 and the search to greedy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from marian_fixture import FRENCH_SENTENCES, build_tiny_marian  # noqa: E402

from aligner.translation import load_translator  # noqa: E402

_OPENERS = ["", "Selon l'AFP, ", "Par ailleurs, ", "Hier soir, ", "D'après nos informations, "]
_CLOSERS = [
    "",
    " a indiqué un porte-parole.",
    " selon plusieurs témoins.",
    " d'après un communiqué publié lundi.",
]


def news_sentences(n: int) -> list[str]:
    """``n`` distinct French news-like sentences (so no backend benefits from
    duplicates), of varied length, built from the fixture's 40 sentences."""
    out: list[str] = []
    k = 0
    while len(out) < n:
        base = FRENCH_SENTENCES[k % len(FRENCH_SENTENCES)]
        opener = _OPENERS[(k // len(FRENCH_SENTENCES)) % len(_OPENERS)]
        closer = _CLOSERS[(k // (len(FRENCH_SENTENCES) * len(_OPENERS))) % len(_CLOSERS)]
        sentence = opener + (base[0].lower() + base[1:] if opener else base)
        if closer:
            sentence = sentence.rstrip(".") + "," + closer
        out.append(sentence)
        k += 1
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mt-speed-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_dir = Path(args.model) if args.model else build_tiny_marian(workdir / "tiny-marian")
    cache = Path(args.cache) if args.cache else workdir / "cache"
    config = {
        "translation": {
            "num_beams": args.beams,
            "max_length": args.max_length,
            "batch_size": args.batch_size,
        }
    }
    sentences = news_sentences(args.n)
    warmup = sentences[: min(len(sentences), args.batch_size)]
    rows: list[dict[str, Any]] = []
    outputs: dict[str, list[str]] = {}
    for backend in ("transformers", "ctranslate2"):
        started = time.perf_counter()
        translator = load_translator(
            str(model_dir),
            backend=backend,
            cache=cache,
            config=config,
            threads=args.threads,
            use_cache=False,
        )
        load_s = time.perf_counter() - started
        translator.translate(warmup)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            outputs[backend] = translator.translate(sentences)
            times.append(time.perf_counter() - started)
        best = min(times)
        rows.append(
            {
                "backend": backend,
                "sentences": len(sentences),
                "seconds_best": round(best, 4),
                "seconds_median": round(statistics.median(times), 4),
                "sentences_per_s": round(len(sentences) / best, 2),
                "load_s": round(load_s, 2),
            }
        )
    base = rows[0]["sentences_per_s"]
    for row in rows:
        row["ratio"] = round(row["sentences_per_s"] / base, 2)
    same = sum(a == b for a, b in zip(outputs["transformers"], outputs["ctranslate2"], strict=True))
    return {
        "model": args.model or "tiny random model (built in a temp dir)",
        "tiny_random_model": not args.model,
        "threads": args.threads,
        "num_beams": args.beams,
        "max_length": args.max_length,
        "batch_size": args.batch_size,
        "repeat": args.repeat,
        "identical_outputs": f"{same}/{len(sentences)}",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "results": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="MarianMT directory (default: build the tiny random one)")
    parser.add_argument("-n", type=int, default=200, help="sentences to translate (200)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for both (2)")
    parser.add_argument("--beams", type=int, default=1, help="beam size for both (1 = greedy)")
    parser.add_argument("--max-length", type=int, default=64, help="generation cap (64)")
    parser.add_argument("--batch-size", type=int, default=16, help="sentences per call (16)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; best is reported (3)")
    parser.add_argument("--cache", help="aligner cache root for the CT2 conversion (temp dir)")
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    report = run(args)
    print(
        f"{args.n} sentences, {args.threads} threads, "
        f"beams={args.beams}, max_length={args.max_length}, batch={args.batch_size}, "
        f"best of {args.repeat}; identical outputs: {report['identical_outputs']}"
    )
    print(f"{'backend':<14}{'sent/s':>10}{'seconds':>10}{'ratio':>8}")
    for row in report["results"]:
        print(
            f"{row['backend']:<14}{row['sentences_per_s']:>10.1f}"
            f"{row['seconds_best']:>10.3f}{row['ratio']:>8.2f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
