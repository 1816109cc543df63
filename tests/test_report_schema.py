"""The shipped JSON Schema of ``aligner.report/1``: every sample pair's report
validates against it, and reports with real mistakes do not."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from aligner.reports.model import SCHEMA, schema_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p.parent for p in (ROOT / "samples").glob("*/manifest.toml"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["title"] == SCHEMA
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def sample_reports(models) -> dict[str, dict]:
    """``aligner compare -f json`` of every sample pair, through the Python API."""
    import aligner

    out = {}
    for pair in SAMPLES:
        m = tomllib.loads((pair / "manifest.toml").read_text(encoding="utf-8"))
        result = aligner.compare(
            pair / m["source"], pair / m["rendition"],
            source_lang=m.get("source_lang"), rendition_lang=m.get("rendition_lang"), models=models,
        )  # fmt: skip
        out[pair.name] = json.loads(result.to_json())
    return out


def _errors(validator: Draft202012Validator, report: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(report)]


@pytest.mark.slow
def test_every_sample_report_follows_the_schema(validator, sample_reports):
    assert len(sample_reports) == len(SAMPLES) >= 10
    for name, report in sample_reports.items():
        assert _errors(validator, report) == [], name
        # Batch's saved reports leave out the timings; they still follow the schema.
        assert _errors(validator, {k: v for k, v in report.items() if k != "timings"}) == [], name
    # The reports exercise the optional parts: translations aside, debris, moved beads, links.
    reports = list(sample_reports.values())
    assert any(s.get("boilerplate") for r in reports for s in r["source"]["sentences"] + r["rendition"]["sentences"])
    assert any(b.get("moved") for r in reports for b in r["sentence_alignment"])
    assert {f["type"] for r in reports for f in r["findings"]} == {"added", "dropped", "softened", "strengthened", "changed", "contradicted"}


def _set(path: str, value):
    def change(r: dict) -> None:
        *parents, last = path.split("/")
        for key in parents:
            r = r[int(key)] if isinstance(r, list) else r[key]
        if value is _DELETE:
            del r[int(last) if isinstance(r, list) else last]
        elif isinstance(r, list):
            r[int(last)] = value
        else:
            r[last] = value

    return change


_DELETE = object()
BROKEN = {
    "no findings key": _set("findings", _DELETE),
    "unknown top-level key": _set("finding", []),
    "other schema version": _set("schema", "aligner.report/2"),
    "unknown finding type": _set("findings/0/type", "deleted"),
    "unknown severity": _set("findings/0/severity", "critical"),
    "confidence above 1": _set("findings/0/confidence", 1.5),
    "finding id not fN": _set("findings/0/id", "1"),
    "span without end": _set("findings/0/source_span/end", _DELETE),
    "span offset as text": _set("findings/0/source_span/start", "26"),
    "negative offset": _set("findings/0/rendition_span/start", -1),
    "span with an extra key": _set("findings/0/source_span/length", 5),
    "finding without spans": lambda r: r["findings"][0].update(source_span=None, rendition_span=None),
    "cues as one string": _set("findings/0/cues", "likely"),
    "unknown relation": _set("summary/relation", "similar"),
    "coverage as percent": _set("summary/coverage/source", 79.6),
    "count of an unknown type": _set("summary/counts/deleted", 1),
    "missing count": _set("summary/counts/added", _DELETE),
    "token without diff": _set("source/tokens/0/diff", _DELETE),
    "diff above 1": _set("rendition/tokens/0/diff", 2.0),
    "sentence id as text": _set("source/sentences/0/id", "0"),
    "boilerplate false written out": _set("source/sentences/0/boilerplate", False),
    "language name instead of code": _set("source/lang", "French"),
    "short sha256": _set("rendition/sha256", "abc"),
    "side without text": _set("rendition/text", _DELETE),
    "bead without score": _set("sentence_alignment/0/score", _DELETE),
    "moved false written out": _set("sentence_alignment/0/moved", False),
    "link of two items": _set("word_alignment/0", [0, 1]),
    "link of four items": _set("word_alignment/0", [0, 1, 0.5, 0.5]),
    "unknown word method": _set("models/word_alignment/method", "greedy"),
    "translation used without model": _set("models/translation", {"used": True}),
    "timing as text": _set("timings/embed", "fast"),
}


@pytest.mark.slow
@pytest.mark.parametrize("mistake", sorted(BROKEN))
def test_a_broken_report_fails_validation(validator, sample_reports, mistake):
    report = copy.deepcopy(sample_reports["planted-fr_en"])
    assert _errors(validator, report) == []
    BROKEN[mistake](report)
    assert _errors(validator, report), mistake
