"""Pairs per hour for many pairs: one `aligner compare` process per pair against
`aligner batch` with local workers and `aligner batch --ray` on a local Ray
instance with the same number of workers; peak memory per worker.

Usage: python benchmarks/batch_speed.py [--pairs 500] [--workers 2] [--subset 10]
       [--skip-ray] [--no-cache-run] [--json out.json]

The pairs are the sample pairs (samples/*/manifest.toml) and the development cases
(../shared/bench/findings/cases.jsonl, each side written to a file), repeated in
turn until --pairs (each repeat its own manifest id). (a) is measured on --subset
pairs spread evenly over the manifest (the same mix of long and short pairs), one
process after the other, and extrapolated to pairs per hour (it grows linearly:
every process pays the same start and model load). (b) and (c) run every pair. Machine translation is off everywhere (--no-translate) so the three
do the same work. Not a test: timings on shared machines vary; compare the ratios of
one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT.parent / "shared" / "bench" / "findings" / "cases.jsonl"


def build_pairs(folder: Path, n_pairs: int) -> Path:
    """Write the pair files and a JSONL manifest of ``n_pairs`` pairs; return it."""
    base: list[dict] = []
    for manifest in sorted((ROOT / "samples").glob("*/manifest.toml")):
        m = tomllib.loads(manifest.read_text(encoding="utf-8"))
        d = manifest.parent
        base.append({"source": str(d / m["source"]), "rendition": str(d / m["rendition"]),
                     "source_lang": m.get("source_lang"), "rendition_lang": m.get("rendition_lang")})
    texts = folder / "cases"
    texts.mkdir()
    if CASES.exists():
        for line in CASES.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            src, ren = texts / f"{case['id']}.src.txt", texts / f"{case['id']}.ren.txt"
            src.write_text(case["source"], encoding="utf-8")
            ren.write_text(case["rendition"], encoding="utf-8")
            base.append({"source": str(src), "rendition": str(ren),
                         "source_lang": case.get("source_lang"), "rendition_lang": case.get("rendition_lang")})
    rows = []
    for i in range(n_pairs):
        row = {k: v for k, v in base[i % len(base)].items() if v}
        rows.append(json.dumps({"id": f"pair{i:05d}", **row}, ensure_ascii=False))
    manifest = folder / "pairs.jsonl"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{n_pairs} pairs from {len(base)} distinct ones", file=sys.stderr)
    return manifest


def per_process(manifest: Path, subset: int, threads: int, env: dict) -> dict:
    """(a): one `aligner compare` process per pair, one after the other, on
    ``subset`` pairs spread evenly over the manifest (the same mix of long sample
    articles and short cases as the whole)."""
    lines = manifest.read_text(encoding="utf-8").splitlines()
    step = max(1, len(lines) // max(1, subset))
    rows = [json.loads(x) for x in lines[::step][:subset]]
    t = time.perf_counter()
    for row in rows:
        cmd = [sys.executable, str(ROOT / "cli.py"), "--threads", str(threads), "compare", row["source"], row["rendition"],
               "-f", "json", "-o", os.devnull, "--force", "--no-translate"]
        for key in ("source_lang", "rendition_lang"):
            if row.get(key):
                cmd += [f"--{key.replace('_', '-')}", row[key]]
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"compare failed: {proc.stderr[-2000:]}")
    seconds = time.perf_counter() - t
    return {"pairs": len(rows), "seconds": round(seconds, 2), "pairs_per_hour": round(len(rows) / seconds * 3600, 1), "extrapolated": True}


def batch(manifest: Path, outdir: Path, workers: int, env: dict, extra: list[str]) -> dict:
    """(b)/(c): one `aligner batch` run over every pair (wall time of the process)."""
    cmd = [sys.executable, str(ROOT / "cli.py"), "batch", str(manifest), "-o", str(outdir),
           "--workers", str(workers), "--no-translate", *extra]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"batch failed: {proc.stderr[-2000:]}")
    run = json.loads((outdir / "run.json").read_text(encoding="utf-8"))
    lines = (outdir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return {
        "pairs": run["ran"], "errors": run["errors"], "seconds": round(seconds, 2),
        "pairs_per_hour": round(run["ran"] / seconds * 3600, 1),
        "workers": run["workers"], "threads_per_worker": run["threads_per_worker"],
        "peak_rss_mb_per_worker": sorted(run["peak_rss_mb"].values()),
        "results": len(lines),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--subset", type=int, default=10, help="pairs timed for (a), then extrapolated")
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--no-cache-run", action="store_true", help="also run (b) with the embedding cache off")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out: dict = {"cpus": os.cpu_count(), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = build_pairs(folder, args.pairs)
        out["a_per_process"] = per_process(manifest, args.subset, os.cpu_count() or 1, env)
        print("(a)", out["a_per_process"], file=sys.stderr)
        out["b_local"] = batch(manifest, folder / "local", args.workers, env, [])
        print("(b)", out["b_local"], file=sys.stderr)
        if args.no_cache_run:
            out["b_local_no_cache"] = batch(manifest, folder / "nocache", args.workers, env, ["--cache-sentences", "0"])
            print("(b, no cache)", out["b_local_no_cache"], file=sys.stderr)
        if not args.skip_ray:
            out["c_ray"] = batch(manifest, folder / "ray", args.workers, env, ["--ray", "local"])
            print("(c)", out["c_ray"], file=sys.stderr)
            same = (folder / "ray" / "results.jsonl").read_bytes() == (folder / "local" / "results.jsonl").read_bytes()
            out["c_results_identical_to_b"] = same
    a = out["a_per_process"]["pairs_per_hour"]
    out["b_over_a"] = round(out["b_local"]["pairs_per_hour"] / a, 1)
    if "c_ray" in out:
        out["c_over_b"] = round(out["c_ray"]["pairs_per_hour"] / out["b_local"]["pairs_per_hour"], 2)
    out["load_after"] = os.getloadavg()
    text = json.dumps(out, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
