"""Regression runs over sample pairs: compare every pair with its expected findings.

A pair folder holds the two texts, ``manifest.toml`` (which file is the source, the
languages, the expected relation, the precision threshold) and ``expected.json``,
the findings a careful human annotator expects, written by reading the texts:

    {"relation": "rendition",
     "findings": [{"type": "dropped", "severity": "high",
                   "source_text": "Rutba dans l'Anbar", "rendition_text": null,
                   "note": "..."},
                  {"type": "added", "optional": true, ...}]}

Matching is by type and span overlap: an expected finding is found when a reported
finding of the same type overlaps the expected text on each side the expectation
names (the expected text is located in the file; ``source_occurrence`` picks the
n-th occurrence when it repeats). ``optional`` expectations are differences a
reader may or may not want reported: matching one is not a false alarm, missing
one is not a miss. Every other reported finding counts against precision.

A pair fails when an expected high-severity finding is missed, when precision is
under the manifest's ``min_precision``, or when the relation differs. A pair that
cannot be run (no ``expected.json``, a broken manifest, a missing text) fails with a
line naming the file, and the run goes on with the next pair.
"""

from __future__ import annotations

import json
import tomllib
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, terminal_safe
from ..pipeline import CompareOptions, Comparison, Models, compare_files
from ..structures import FINDING_TYPES, Finding, Span


@dataclass
class Expectation:
    type: str
    severity: str
    source: list[Span] | None
    rendition: list[Span] | None
    optional: bool = False
    note: str = ""

    def label(self) -> str:
        parts = [self.type]
        if self.source:
            parts.append(f"source «{self.source[0].text}»")
        if self.rendition:
            parts.append(f"rendition «{self.rendition[0].text}»")
        return " ".join(parts)


@dataclass
class PairResult:
    name: str
    relation_expected: str | list[str]
    relation_found: str
    expected: list[Expectation]
    found: list[Finding]
    matched: dict[int, str] = field(default_factory=dict)  # expectation index -> finding id
    extra: list[Finding] = field(default_factory=list)
    min_precision: float = 0.0
    error: str = ""  # why the pair could not be run at all

    @property
    def required(self) -> list[int]:
        return [i for i, e in enumerate(self.expected) if not e.optional]

    @property
    def recall(self) -> float:
        req = self.required
        return sum(1 for i in req if i in self.matched) / len(req) if req else 1.0

    @property
    def precision(self) -> float:
        if not self.found:
            return 1.0
        return 1.0 - len(self.extra) / len(self.found)

    @property
    def missed(self) -> list[Expectation]:
        return [self.expected[i] for i in self.required if i not in self.matched]

    @property
    def relation_ok(self) -> bool:
        want = self.relation_expected
        return self.relation_found in want if isinstance(want, list) else self.relation_found == want

    @property
    def failures(self) -> list[str]:
        if self.error:
            return [self.error]
        out = []
        for e in self.missed:
            if e.severity == "high":
                out.append(f"missed high-severity finding: {e.label()}")
        if self.precision < self.min_precision:
            out.append(f"precision {self.precision:.2f} below the pair's minimum {self.min_precision:.2f}")
        if not self.relation_ok:
            out.append(f"relation is {self.relation_found!r}, expected {self.relation_expected!r}")
        return out


def _locate(text: str, needle: str | None, occurrence: int | str, where: str) -> list[Span] | None:
    """Spans of the expected text: the n-th occurrence, or every one with "any"."""
    if not needle:
        return None
    found: list[Span] = []
    pos = text.find(needle)
    while pos >= 0:
        found.append(Span(pos, pos + len(needle), needle))
        pos = text.find(needle, pos + 1)
    if not found:
        raise InputError(f"{where}: expected text not found in the file: {needle!r}")
    if occurrence == "any":
        return found
    n = int(occurrence)
    if n > len(found):
        raise InputError(f"{where}: {needle!r} occurs {len(found)} time(s), not {n}")
    return [found[n - 1]]


def load_pair(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pair's manifest and expected findings; InputError naming the file when
    either is missing or broken (a pair without ``expected.json`` would otherwise
    silently expect nothing)."""
    manifest_path = folder / "manifest.toml"
    expected_path = folder / "expected.json"
    try:
        with open(manifest_path, "rb") as fh:
            manifest = tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(f"{manifest_path}: missing") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{manifest_path}: not a valid manifest ({exc})") from None
    for key in ("source", "rendition"):
        if not isinstance(manifest.get(key), str) or not manifest[key]:
            raise InputError(f"{manifest_path}: {key!r} must name the {key} file")
    for key, types, what in (
        ("source_lang", str, "a language code"),
        ("rendition_lang", str, "a language code"),
        ("translate", bool, "true or false"),
        ("min_precision", (int, float), "a number"),
        ("relation", (str, list), "a relation or a list of them"),
    ):
        value = manifest.get(key)
        if value is not None and (not isinstance(value, types) or (key == "min_precision" and isinstance(value, bool))):
            raise InputError(f"{manifest_path}: {key!r} must be {what}, got {value!r}")
    try:
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{expected_path}: missing (every pair needs its expected findings)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{expected_path}: not valid JSON ({exc})") from None
    if not isinstance(expected, dict) or not isinstance(expected.get("findings", []), list):
        raise InputError(f"{expected_path}: must be an object with a list of findings")
    return manifest, expected


def expectations(folder: Path, manifest: dict, expected: dict, src_text: str, tgt_text: str) -> list[Expectation]:
    out = []
    for n, item in enumerate(expected.get("findings", []), 1):
        if not isinstance(item, dict):
            raise InputError(f"{folder}/expected.json: finding {n} is not an object")
        if item.get("type") not in FINDING_TYPES:
            raise InputError(f"{folder}/expected.json: finding {n} has unknown type {item.get('type')!r}")
        where = f"{folder}/expected.json finding {n}"
        out.append(
            Expectation(
                item["type"],
                item.get("severity", "low"),
                _locate(src_text, item.get("source_text"), item.get("source_occurrence", 1), where),
                _locate(tgt_text, item.get("rendition_text"), item.get("rendition_occurrence", 1), where),
                bool(item.get("optional", False)),
                item.get("note", ""),
            )
        )
    return out


def _overlaps(spans: list[Span] | None, b: Span | None) -> bool:
    return spans is not None and any(a.overlaps(b) for a in spans)


def _matches(e: Expectation, f: Finding) -> bool:
    if e.type != f.type:
        return False
    # For added/dropped the side that carries the difference must overlap; the other
    # side (the counterpart sentence) is context only.
    if e.type == "added" and e.rendition is not None:
        return _overlaps(e.rendition, f.rendition_span)
    if e.type == "dropped" and e.source is not None:
        return _overlaps(e.source, f.source_span)
    checks = []
    if e.source is not None:
        checks.append(_overlaps(e.source, f.source_span))
    if e.rendition is not None:
        checks.append(_overlaps(e.rendition, f.rendition_span))
    return bool(checks) and all(checks)


def score_pair(name: str, manifest: dict, exp: list[Expectation], relation_expected, comparison: Comparison) -> PairResult:
    res = PairResult(
        name,
        relation_expected,
        comparison.summary["relation"],
        exp,
        comparison.findings,
        min_precision=float(manifest.get("min_precision", 0.0)),
    )
    used: set[str] = set()
    for i, e in enumerate(exp):
        for f in comparison.findings:
            if _matches(e, f):
                res.matched.setdefault(i, f.id)
                used.add(f.id)
    res.extra = [f for f in comparison.findings if f.id not in used]
    return res


def run_pair(folder: Path, models: Models, translate: bool = True) -> PairResult:
    manifest, expected = load_pair(folder)
    src_path = folder / manifest["source"]
    tgt_path = folder / manifest["rendition"]
    options = CompareOptions(
        manifest.get("source_lang"), manifest.get("rendition_lang"), translate and bool(manifest.get("translate", True))
    )
    comparison = compare_files(str(src_path), str(tgt_path), models, options)
    exp = expectations(folder, manifest, expected, comparison.source.text, comparison.rendition.text)
    relation = expected.get("relation", manifest.get("relation", comparison.summary["relation"]))
    return score_pair(folder.name, manifest, exp, relation, comparison)


def run_pair_safely(folder: Path, models: Models, translate: bool = True) -> PairResult:
    """:func:`run_pair`, with a pair that cannot be run reported as failed (naming the
    file) instead of stopping the whole run."""
    try:
        return run_pair(folder, models, translate)
    except InputError as exc:
        return PairResult(folder.name, "-", "-", [], [], error=str(exc))


def run_pairs(folders: list[Path], models: Models, translate: bool = True, step: Any = None) -> list[PairResult]:
    """:func:`run_pair_safely` on each folder; ``step(name)`` (a context manager, e.g.
    a progress display's) wraps each pair. ``translate`` reaches each comparison
    through its options; ``models`` are left as they are."""
    results = []
    for folder in folders:
        with step(f"pair {folder.name}") if step is not None else nullcontext():
            results.append(run_pair_safely(folder, models, translate=translate))
    return results


def pair_folders(root: Path) -> list[Path]:
    if (root / "manifest.toml").is_file():
        return [root]
    if not root.is_dir():
        raise InputError(f"{root}: no such directory")
    folders = sorted(p.parent for p in root.glob("*/manifest.toml"))
    if not folders:
        raise InputError(f"{root}: no sample pairs (folders with manifest.toml)")
    return folders


def format_results(results: list[PairResult]) -> str:
    lines = []
    totals: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in FINDING_TYPES}  # matched, required, found, extra
    for r in results:
        status = "FAIL" if r.failures else "ok"
        if r.error:
            lines.append(f"FAIL {r.name}: not run")
            lines.append(f"     ! {r.error}")
            continue
        lines.append(
            f"{status:4s} {r.name}: relation {r.relation_found}, {len(r.found)} findings, "
            f"recall {r.recall:.2f}, precision {r.precision:.2f}"
        )
        for msg in r.failures:
            lines.append(f"     ! {msg}")
        for e in r.missed:
            if e.severity != "high":
                lines.append(f"     - missed: {e.label()}")
        for f in r.extra:
            span = f.rendition_span if f.type == "added" else f.source_span or f.rendition_span
            text = (span.text if span else "")[:80].replace("\n", " ")
            lines.append(f"     + extra: {f.id} {f.type} «{text}»")
        for i, e in enumerate(r.expected):
            t = totals[e.type]
            if not e.optional:
                t[1] += 1
                t[0] += i in r.matched
        for f in r.found:
            totals[f.type][2] += 1
            totals[f.type][3] += f in r.extra
    lines.append("")
    lines.append("per type: recall (matched/expected), precision (1 - extra/found)")
    for t, (m, req, found, extra) in totals.items():
        rec = f"{m}/{req}" if req else "-"
        prec = f"{1 - extra / found:.2f}" if found else "-"
        lines.append(f"  {t:13s} recall {rec:7s} precision {prec} ({found} found)")
    failed = sum(1 for r in results if r.failures)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    # Names and texts come from the files: never let them drive the terminal.
    return terminal_safe("\n".join(lines), keep_newlines=True) + "\n"
