"""Wall time of the quick-start comparison (seed 001 vs 000) as a user runs it: a
fresh process, model loading included, no translation model available.

Usage: python benchmarks/quickstart_time.py [--threads 2] [--runs 3]

Prints each run's wall seconds and peak memory, and the per-stage timings of the last
report. Not a test: timings on shared machines vary; compare runs made together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIR = ROOT / "samples" / "anbar-fr_ava-en"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        for k in range(1, args.runs + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, str(ROOT / "cli.py"), "--threads", str(args.threads), "compare",
                 str(PAIR / "fr.txt"), str(PAIR / "en.txt"), "-f", "json", "-o", str(out), "--force"],
                check=True, env=env, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            wall = time.perf_counter() - t
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            note = "" if peak > before else " (peak not above an earlier run's)"
            print(f"run {k}: {wall:.1f} s wall, model loading included; peak {peak / 1024:.0f} MB{note}")
        timings = json.loads(out.read_text(encoding="utf-8"))["timings"]
        print("stages of the last run (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))


if __name__ == "__main__":
    main()
