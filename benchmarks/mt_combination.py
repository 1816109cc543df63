"""Does the MT path help? Regression recall/precision over samples/ with direct
alignment only and with the MT-English path combined, in one run.

Usage: python benchmarks/mt_combination.py --mt-model DIR_OR_ID [--samples samples] [--json out.json]

Without real opus-mt weights (none can be downloaded on the project's machines) pass
the tiny random model the tests build (``python tests/marian_fixture.py /tmp/tiny``):
it proves the combination cannot make results worse (it can only remove findings
whose words one path explains), not that it improves them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mt-model", required=True)
    ap.add_argument("--samples", type=Path, default=ROOT / "samples")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    torch.set_num_threads(args.threads)
    from aligner.pipeline import load_models
    from aligner.regression.samples import pair_folders, run_pair

    rows = []
    for label, mt in (("direct only", None), ("direct + MT path", args.mt_model)):
        models = load_models(mt_model=mt)
        for folder in pair_folders(args.samples):
            r = run_pair(folder, models, translate=mt is not None)
            rows.append({"setting": label, "pair": r.name, "findings": len(r.found), "recall": round(r.recall, 3),
                         "precision": round(r.precision, 3), "failures": len(r.failures)})
    print(f"{'setting':18s} {'pair':24s} {'findings':>8s} {'recall':>7s} {'precision':>9s} {'fails':>5s}")
    for row in rows:
        print(f"{row['setting']:18s} {row['pair']:24s} {row['findings']:8d} {row['recall']:7.2f} {row['precision']:9.2f} {row['failures']:5d}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
