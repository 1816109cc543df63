"""Finding-level precision, recall and F1 on labelled translation-audit cases.

    python benchmarks/findings_f1.py                                  # ../shared/bench/findings/cases.jsonl
    python benchmarks/findings_f1.py CASES.jsonl [CASES2.jsonl ...] --langs fr,en --errors
    python benchmarks/findings_f1.py --json results.json --predictions preds.jsonl
    python benchmarks/findings_f1.py --reliability                    # confidence calibration table

Runs the library (models loaded once, no machine translation unless ``--translate``) over
every case of one or more cases files in the format of ``shared/bench/findings`` and scores
the findings with that set's rules (its README): a prediction matches a gold finding of the
same type when their character spans overlap on a side where both are given (``added``
only on the rendition side, ``dropped`` only on the source side); a maximum one-to-one
matching per case; micro P/R/F1 over all findings; the false-alarm rate is the share of
faithful cases (no gold finding) with any predicted finding.

Prints per type, micro, per source language, the false-alarm rate, and with ``--errors``
every case with a missed or extra finding. ``--json`` writes all numbers for tracking;
``--predictions`` writes JSONL that ``check.py --score`` reads too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TYPES = ("added", "dropped", "softened", "strengthened", "changed", "contradicted")
DEFAULT_CASES = ROOT.parent / "shared" / "bench" / "findings" / "cases.jsonl"
Interval = tuple[int, int] | None


@dataclass(slots=True)
class Item:
    """One finding reduced to what scoring needs: type and the two character intervals."""

    type: str
    source: Interval
    rendition: Interval
    confidence: float = 1.0
    text: str = ""
    basis: str = ""


@dataclass(slots=True)
class CaseResult:
    id: str
    lang: str
    gold: list[Item]
    pred: list[Item]
    owner: list[int] = field(default_factory=list)  # per prediction: matched gold index or -1
    relation: str = ""
    seconds: float = 0.0


def locate(text: str, span) -> Interval:
    """A span as the cases file or a report gives it: null, {"start","end"}, [s, e] or a string."""
    if span is None:
        return None
    if isinstance(span, dict):
        return int(span["start"]), int(span["end"])
    if isinstance(span, list | tuple):
        return int(span[0]), int(span[1])
    i = text.find(span)
    return (i, i + len(span)) if i >= 0 else None


def _overlap(a: Interval, b: Interval) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def matches(gold: Item, pred: Item) -> bool:
    """The set's matching rule: same type, overlap on a side both give. ``added`` is
    judged on the rendition side only, ``dropped`` on the source side only."""
    if gold.type != pred.type:
        return False
    sides = ("rendition",) if gold.type == "added" else ("source",) if gold.type == "dropped" else ("source", "rendition")
    return any(_overlap(getattr(gold, s), getattr(pred, s)) for s in sides)


def max_matching(gold: Sequence[Item], pred: Sequence[Item]) -> list[int]:
    """Maximum one-to-one matching by augmenting paths; per prediction the gold index or -1."""
    owner = [-1] * len(pred)

    def augment(gi: int, seen: set[int]) -> bool:
        for pj in range(len(pred)):
            if pj not in seen and matches(gold[gi], pred[pj]):
                seen.add(pj)
                if owner[pj] < 0 or augment(owner[pj], seen):
                    owner[pj] = gi
                    return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    return owner


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(results: Iterable[CaseResult], min_confidence: float = 0.0) -> dict:
    """Per-type, micro, per-language scores and the false-alarm rate."""
    tp, fp, fn = Counter(), Counter(), Counter()
    by_lang: dict[str, Counter] = defaultdict(Counter)
    faithful = alarms = 0
    faithful_by_lang: Counter = Counter()
    alarms_by_lang: Counter = Counter()
    for res in results:
        pred = [p for p in res.pred if p.confidence >= min_confidence]
        owner = max_matching(res.gold, pred)
        hit = {o for o in owner if o >= 0}
        lang = by_lang[res.lang]
        for gi, g in enumerate(res.gold):
            (tp if gi in hit else fn)[g.type] += 1
            lang["tp" if gi in hit else "fn"] += 1
        for pj, p in enumerate(pred):
            if owner[pj] < 0:
                fp[p.type] += 1
                lang["fp"] += 1
        if not res.gold:
            faithful += 1
            faithful_by_lang[res.lang] += 1
            alarms += bool(pred)
            alarms_by_lang[res.lang] += bool(pred)
    out: dict = {"types": {}, "languages": {}}
    for t in TYPES:
        p, r, f = prf(tp[t], fp[t], fn[t])
        out["types"][t] = {"tp": tp[t], "fp": fp[t], "fn": fn[t], "precision": p, "recall": r, "f1": f}
    T, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r, f = prf(T, FP, FN)
    out["micro"] = {"tp": T, "fp": FP, "fn": FN, "precision": p, "recall": r, "f1": f}
    out["false_alarms"] = {"faithful": faithful, "with_findings": alarms, "rate": alarms / faithful if faithful else 0.0}
    for lang, c in sorted(by_lang.items()):
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        nf = faithful_by_lang[lang]
        out["languages"][lang] = {
            "tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "precision": p, "recall": r, "f1": f,
            "faithful": nf, "false_alarms": alarms_by_lang[lang],
        }
    return out


def reliability(results: Sequence[CaseResult], edges: Sequence[float] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)) -> list[dict]:
    """Share of predictions that match a gold finding, per confidence bin: what a
    finding's ``confidence`` is worth."""
    bins: list[dict] = []
    pairs = []
    for res in results:
        owner = max_matching(res.gold, res.pred)
        pairs += [(p.confidence, owner[j] >= 0) for j, p in enumerate(res.pred)]
    for lo, hi in pairwise(edges):
        inside = [ok for c, ok in pairs if lo <= c < hi]
        mean_conf = [c for c, _ in pairs if lo <= c < hi]
        bins.append({
            "from": lo, "to": min(hi, 1.0), "findings": len(inside),
            "correct": sum(inside),
            "precision": (sum(inside) / len(inside)) if inside else None,
            "mean_confidence": (sum(mean_conf) / len(mean_conf)) if mean_conf else None,
        })
    return bins


def calibration(results: Sequence[CaseResult]) -> dict[str, dict]:
    """Precision of every check (finding basis and type) over the cases, smoothed
    towards 1/2 with one pseudo-hit and one pseudo-miss so that a rare check is not
    given 0 or 1: the ``[confidence]`` table of configs/default.toml."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for res in results:
        for j, p in enumerate(res.pred):
            groups[f"{p.basis}:{p.type}"].append(res.owner[j] >= 0)
    return {
        key: {"findings": len(hits), "correct": sum(hits), "confidence": round((sum(hits) + 1) / (len(hits) + 2), 2)}
        for key, hits in sorted(groups.items())
    }


def read_cases(paths: Sequence[Path], langs: set[str] | None) -> list[dict]:
    cases: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for ln, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    case = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{ln}: not JSON ({exc})") from None
                if langs is None or case["source_lang"] in langs:
                    cases.append(case)
    return cases


def gold_items(case: dict) -> list[Item]:
    return [
        Item(f["type"], locate(case["source"], f["source_span"]), locate(case["rendition"], f["rendition_span"]))
        for f in case["findings"]
    ]


def run_cases(cases: Sequence[dict], models, translate: bool = False, progress: bool = True) -> list[CaseResult]:
    """Compare every case with the library; models are loaded once by the caller."""
    from aligner.io.reading import ReadText
    from aligner.pipeline import CompareOptions, compare_texts

    results: list[CaseResult] = []
    for n, case in enumerate(cases, 1):
        t0 = time.perf_counter()
        src = ReadText(case["source"], f"{case['id']}:source", "utf-8", "")
        tgt = ReadText(case["rendition"], f"{case['id']}:rendition", "utf-8", "")
        opts = CompareOptions(source_lang=case["source_lang"], rendition_lang=case["rendition_lang"], translate=translate)
        comp = compare_texts(src, tgt, models, opts)
        pred = [
            Item(
                f.type,
                (f.source_span.start, f.source_span.end) if f.source_span else None,
                (f.rendition_span.start, f.rendition_span.end) if f.rendition_span else None,
                float(f.confidence),
                (f.source_span.text if f.source_span else "") + " => " + (f.rendition_span.text if f.rendition_span else ""),
                f.basis,
            )
            for f in comp.findings
        ]
        res = CaseResult(case["id"], case["source_lang"], gold_items(case), pred,
                         relation=comp.summary["relation"], seconds=time.perf_counter() - t0)
        res.owner = max_matching(res.gold, res.pred)
        results.append(res)
        if progress and sys.stderr.isatty():
            print(f"\r{n}/{len(cases)} cases", end="", file=sys.stderr, flush=True)
    if progress and sys.stderr.isatty():
        print(file=sys.stderr)
    return results


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def table(rows: list[list], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r: list) -> str:
        return "  ".join(str(v).rjust(w) if i else str(v).ljust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True)))

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)])


def render(scores: dict, results: Sequence[CaseResult], show_errors: bool, cases_by_id: dict[str, dict]) -> str:
    lines: list[str] = []
    rows = [[t, v["tp"], v["fp"], v["fn"], _fmt(v["precision"]), _fmt(v["recall"]), _fmt(v["f1"])]
            for t, v in scores["types"].items()]
    m = scores["micro"]
    rows.append(["micro", m["tp"], m["fp"], m["fn"], _fmt(m["precision"]), _fmt(m["recall"]), _fmt(m["f1"])])
    lines.append(table(rows, ["type", "tp", "fp", "fn", "P", "R", "F1"]))
    fa = scores["false_alarms"]
    lines.append(f"false-alarm rate: {fa['with_findings']}/{fa['faithful']} = {fa['rate']:.3f} (faithful cases with any finding)")
    lines.append("")
    rows = [[lang, v["tp"], v["fp"], v["fn"], _fmt(v["precision"]), _fmt(v["recall"]), _fmt(v["f1"]),
             f"{v['false_alarms']}/{v['faithful']}"] for lang, v in scores["languages"].items()]
    lines.append(table(rows, ["source lang", "tp", "fp", "fn", "P", "R", "F1", "false alarms"]))
    rel = Counter(r.relation for r in results)
    lines.append("relations: " + ", ".join(f"{k} {v}" for k, v in sorted(rel.items())))
    if show_errors:
        lines.append("")
        lines.append("errors (- missed gold, + extra prediction):")
        for res in results:
            hit = {o for o in res.owner if o >= 0}
            missed = [g for gi, g in enumerate(res.gold) if gi not in hit]
            extra = [p for pj, p in enumerate(res.pred) if res.owner[pj] < 0]
            if not missed and not extra and res.relation == "rendition":
                continue
            case = cases_by_id[res.id]
            lines.append(f"{res.id} ({res.lang}, {res.relation})")
            for g in missed:
                s = case["source"][g.source[0]:g.source[1]] if g.source else ""
                r = case["rendition"][g.rendition[0]:g.rendition[1]] if g.rendition else ""
                lines.append(f"   - {g.type}: «{s}» => «{r}»")
            for p in extra:
                lines.append(f"   + {p.type} ({p.confidence:.2f}): {p.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*", type=Path, help=f"cases files (default {DEFAULT_CASES})")
    ap.add_argument("--langs", help="only these source languages, comma-separated (e.g. fr,en)")
    ap.add_argument("--errors", action="store_true", help="list every case with a missed or extra finding")
    ap.add_argument("--json", type=Path, help="write all numbers here")
    ap.add_argument("--predictions", type=Path, help="write predictions as JSONL (check.py --score format)")
    ap.add_argument("--min-confidence", type=float, default=0.0, help="score only findings at least this confident")
    ap.add_argument("--reliability", action="store_true", help="print the confidence reliability table")
    ap.add_argument("--calibrate", action="store_true", help="print the [confidence] table measured on these cases")
    ap.add_argument("--translate", action="store_true", help="use the MT path when a Marian model resolves")
    ap.add_argument("--config", type=Path, help="a TOML merged over the defaults (as compare --config)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from aligner.config import load_config
    from aligner.pipeline import load_models

    paths = args.cases or [DEFAULT_CASES]
    langs = set(args.langs.split(",")) if args.langs else None
    cases = read_cases(paths, langs)
    if not cases:
        raise SystemExit("no cases selected")
    config = load_config(str(args.config)) if args.config else load_config()
    t0 = time.perf_counter()
    models = load_models(config)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = run_cases(cases, models, translate=args.translate)
    run_s = time.perf_counter() - t0
    scores = score(results, args.min_confidence)
    by_id = {c["id"]: c for c in cases}
    print(f"{len(cases)} cases from {', '.join(str(p) for p in paths)}"
          f"{' (source languages ' + args.langs + ')' if args.langs else ''}; "
          f"models loaded in {load_s:.1f} s, cases run in {run_s:.1f} s")
    print(render(scores, results, args.errors, by_id))
    rel = reliability(results)
    if args.reliability:
        print()
        print("confidence reliability (share of findings in each bin that match a gold finding):")
        rows = [[f"[{b['from']:.2f}, {b['to']:.2f})", b["findings"], b["correct"], _fmt(b["precision"]),
                 _fmt(b["mean_confidence"])] for b in rel]
        print(table(rows, ["confidence", "findings", "correct", "precision", "mean conf"]))
    cal = calibration(results)
    if args.calibrate:
        print()
        print("# [confidence] measured on these cases: precision of each check, (correct + 1) / (findings + 2)")
        print("[confidence]")
        for key, v in cal.items():
            print(f'"{key}" = {v["confidence"]:.2f}  # {v["correct"]}/{v["findings"]}')
    if args.json:
        args.json.write_text(json.dumps({
            "cases": [str(p) for p in paths], "langs": args.langs, "n_cases": len(cases),
            "min_confidence": args.min_confidence, "scores": scores, "reliability": rel, "calibration": cal,
            "signature": getattr(models.encoder, "name", ""),
        }, indent=1), encoding="utf-8")
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as fh:
            for res in results:
                fh.write(json.dumps({"id": res.id, "findings": [
                    {"type": p.type, "source_span": list(p.source) if p.source else None,
                     "rendition_span": list(p.rendition) if p.rendition else None, "confidence": p.confidence}
                    for p in res.pred]}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
