"""Save what the tool outputs on fixed inputs, to prove a refactoring changed nothing.

    python benchmarks/behaviour_snapshot.py OUTDIR            # take a snapshot
    python benchmarks/behaviour_snapshot.py OUTDIR --diff OLD # take one and compare with OLD

It drives only the command line (``aligner batch`` and ``aligner words``), never the
library's internals, so the same script works before and after modules move. A snapshot
holds:

- ``reports/ID.json``: the full ``aligner.report/1`` JSON of every sample pair
  (``samples/*/manifest.toml``) and of every development case
  (``../shared/bench/findings/cases.jsonl``), without timings and with the version
  left out of the signature;
- ``words.jsonl``: ``aligner words -f json`` on the gold word-alignment dev pairs.

``--diff`` lists every file that differs and exits 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES = SHARED / "bench" / "findings" / "cases.jsonl"
WORDS = SHARED / "bench" / "wordalign" / "enfr-dev.src-tgt"


def _aligner(*args: str) -> None:
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "--threads", "2", *args], check=True, env=env)


def _manifest(work: Path) -> Path:
    rows = []
    for manifest in sorted((ROOT / "samples").glob("*/manifest.toml")):
        m = tomllib.loads(manifest.read_text(encoding="utf-8"))
        rows.append({
            "id": f"sample-{manifest.parent.name}",
            "source": str(manifest.parent / m["source"]),
            "rendition": str(manifest.parent / m["rendition"]),
            "source_lang": m.get("source_lang"),
            "rendition_lang": m.get("rendition_lang"),
        })  # fmt: skip
    texts = work / "cases"
    texts.mkdir(parents=True, exist_ok=True)
    for line in CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        src, ren = texts / f"{case['id']}.src.txt", texts / f"{case['id']}.ren.txt"
        src.write_text(case["source"], encoding="utf-8")
        ren.write_text(case["rendition"], encoding="utf-8")
        rows.append({"id": case["id"], "source": str(src), "rendition": str(ren),
                     "source_lang": case["source_lang"], "rendition_lang": case["rendition_lang"]})  # fmt: skip
    path = work / "pairs.jsonl"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v}) + "\n" for r in rows), encoding="utf-8")
    return path


def _normalise(report: dict) -> dict:
    report.pop("timings", None)
    sig = report.get("signature")
    if isinstance(sig, str):  # "aligner 0.1.0|enc:...": the version is the first part
        report["signature"] = "|".join(["aligner", *sig.split("|")[1:]])
    for side in ("source", "rendition"):  # the snapshot's own folder is in the paths
        if isinstance(report.get(side), dict) and report[side].get("path"):
            report[side]["path"] = Path(report[side]["path"]).name
    return report


def snapshot(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    work = out / "_work"
    manifest = _manifest(work)
    _aligner("batch", str(manifest), "-o", str(work / "batch"), "--full-reports")
    reports = out / "reports"
    reports.mkdir(exist_ok=True)
    for path in sorted((work / "batch" / "reports").glob("*.json")):
        data = _normalise(json.loads(path.read_text(encoding="utf-8")))
        (reports / path.name).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _aligner("words", str(WORDS), "-f", "json", "-o", str(out / "words.jsonl"), "--force")


def diff(new: Path, old: Path) -> int:
    names = {p.relative_to(old) for p in old.rglob("*") if p.is_file() and "_work" not in p.parts}
    names |= {p.relative_to(new) for p in new.rglob("*") if p.is_file() and "_work" not in p.parts}
    bad = [n for n in sorted(names) if not (old / n).exists() or not (new / n).exists()
           or (old / n).read_bytes() != (new / n).read_bytes()]  # fmt: skip
    for n in bad:
        print(f"differs: {n}")
    print(f"{len(names) - len(bad)} of {len(names)} files identical")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--diff", type=Path, help="an earlier snapshot to compare with")
    args = ap.parse_args()
    snapshot(args.out)
    return diff(args.out, args.diff) if args.diff else 0


if __name__ == "__main__":
    sys.exit(main())
