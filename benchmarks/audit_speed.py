"""Speed of ``aligner audit``: segments per second and peak memory on a 2,000-segment
XLIFF 2.1 file, with the time split between loading, embedding and finding.

The file is built from real sentences: the French-English pairs of the development
cases (``../shared/bench/findings/cases.jsonl``, one paragraph per unit, as a
paragraph-segmented export has them) and the line-aligned French-English samples
(``samples/*-fr_*en/``, one sentence per unit), repeated in order until there are
enough units. Each repetition gets a reference number (" (ref. 1234)") on both sides
so that every unit is distinct and is embedded (``--repeat`` keeps the repetitions,
which the audit embeds once each, as a translation memory with repeated segments
would be). One process, models loaded once, then audits of the first 500, 1,000
and 2,000 units, so linearity shows as a flat segments-per-second column.

    python benchmarks/audit_speed.py [--threads 2] [--sizes 500,1000,2000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CASES = REPO.parent / "shared" / "bench" / "findings" / "cases.jsonl"


def sentence_pairs() -> list[tuple[str, str]]:
    """French-English segment pairs from the development cases and the samples."""
    pairs: list[tuple[str, str]] = []
    if CASES.exists():
        for line in CASES.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if (case["source_lang"], case["rendition_lang"]) == ("fr", "en"):
                pairs.append((case["source"], case["rendition"]))
    for folder in sorted((REPO / "samples").glob("*-fr_*en")):
        fr = (folder / "fr.txt").read_text(encoding="utf-8").splitlines()
        en = (folder / "en.txt").read_text(encoding="utf-8").splitlines()
        if len(fr) == len(en):
            pairs.extend((a, b) for a, b in zip(fr, en, strict=True) if a.strip() and b.strip())
    return pairs


def build_xliff(pairs: list[tuple[str, str]], n: int, repeat: bool = False) -> str:
    units = []
    for k in range(n):
        src, tgt = pairs[k % len(pairs)]
        if not repeat and k >= len(pairs):
            src, tgt = f"{src} (ref. {k + 1})", f"{tgt} (ref. {k + 1})"
        units.append(
            f'    <unit id="u{k + 1}">\n      <segment id="s{k + 1}" state="translated">\n'
            f"        <source>{escape(src)}</source>\n        <target>{escape(tgt)}</target>\n"
            "      </segment>\n    </unit>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="fr" trgLang="en">\n'
        '  <file id="f1">\n' + "".join(units) + "  </file>\n</xliff>\n"
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sizes", default="500,1000,2000")
    ap.add_argument("--json", help="Also write the results here.")
    ap.add_argument("--repeat", action="store_true", help="Keep repeated segments identical (embedded once each).")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    from aligner.bilingual import read_bilingual
    from aligner.bilingual.audit import AuditOptions, audit_file
    from aligner.pipeline import load_models

    sizes = [int(s) for s in args.sizes.split(",")]
    pairs = sentence_pairs()
    t = time.perf_counter()
    models = load_models()
    models.sentence_background()
    load_s = time.perf_counter() - t
    print(f"{len(pairs)} distinct segment pairs; models loaded in {load_s:.1f} s; peak RSS {peak_mb():.0f} MB")
    print(f"{'segments':>8} {'read':>6} {'segment':>7} {'embed':>6} {'compare':>7} {'cross':>6} {'total':>6} {'seg/s':>6} {'peak MB':>8}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"bench-{n}.xlf"
            path.write_text(build_xliff(pairs, n, args.repeat), encoding="utf-8")
            t = time.perf_counter()
            bf = read_bilingual(str(path))
            read_s = time.perf_counter() - t
            result = audit_file(bf, models, AuditOptions(translate=False))
            total = time.perf_counter() - t
            tm = result.timings
            row = {
                "segments": n,
                "read_s": round(read_s, 2),
                **{k: round(tm.get(k, 0.0), 2) for k in ("segment", "embed", "compare", "crosscheck")},
                "total_s": round(total, 2),
                "segments_per_s": round(n / total, 1),
                "peak_rss_mb": round(peak_mb()),
                "findings": sum(result.counts().values()),
                "cross_segment": len(result.cross),
            }
            rows.append(row)
            print(
                f"{n:>8} {row['read_s']:>6} {row['segment']:>7} {row['embed']:>6} {row['compare']:>7} {row['crosscheck']:>6} "
                f"{row['total_s']:>6} {row['segments_per_s']:>6} {row['peak_rss_mb']:>8}"
            )
    out = {"threads": args.threads, "repeat": args.repeat, "load_s": round(load_s, 2), "loadavg": os.getloadavg(), "runs": rows}
    print("load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
