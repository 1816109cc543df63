"""End to end on the seed articles, with the real offline encoder: files in,
findings out, exact spans checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
PAIR = ROOT / "samples" / "anbar-fr_ava-en"


@pytest.fixture(scope="module")
def loaded_models():
    from aligner.pipeline import load_models

    return load_models()


@pytest.fixture(scope="module")
def report(loaded_models):
    from aligner.pipeline import CompareOptions, compare_files
    from aligner.reports.json_report import to_json_dict

    c = compare_files(str(PAIR / "fr.txt"), str(PAIR / "en.txt"), loaded_models, CompareOptions())
    return json.loads(json.dumps(to_json_dict(c)))


def test_report_follows_the_schema_with_exact_offsets(report):
    assert report["schema"] == "aligner.report/1"
    for side, name in (("source", "fr.txt"), ("rendition", "en.txt")):
        doc = report[side]
        text = (PAIR / name).read_text(encoding="utf-8")
        assert doc["path"].endswith(name)
        assert doc["lang"] == ("fr" if side == "source" else "en")
        assert len(doc["sha256"]) == 64
        for s in doc["sentences"]:
            assert text[s["start"] : s["end"]] == s["text"]
        for t in doc["tokens"]:
            assert text[t["start"] : t["end"]] == t["text"]
            assert 0.0 <= t["diff"] <= 1.0
    ids = {"source": set(), "rendition": set()}
    for bead in report["sentence_alignment"]:
        ids["source"].update(bead["source"])
        ids["rendition"].update(bead["rendition"])
    assert ids["source"] == set(range(len(report["source"]["sentences"])))
    assert ids["rendition"] == set(range(len(report["rendition"]["sentences"])))
    for f in report["findings"]:
        assert f["type"] in {"added", "dropped", "softened", "strengthened", "changed", "contradicted"}
        assert f["severity"] in {"high", "medium", "low"}
        assert 0.0 <= f["confidence"] <= 1.0
        for side, key in (("source", "source_span"), ("rendition", "rendition_span")):
            span = f[key]
            if span is not None:
                text = report[side]["text"]
                assert text[span["start"] : span["end"]] == span["text"]
    assert report["summary"]["relation"] == "rendition"


def _find(report, ftype, side, needle):
    key = f"{side}_span"
    return [f for f in report["findings"] if f["type"] == ftype and f[key] and needle in f[key]["text"]]


def test_dropped_place_and_added_speculation(report):
    dropped = _find(report, "dropped", "source", "Rutba")
    assert dropped, "the dropped place « près de la ville de Rutba dans l'Anbar » is reported"
    assert dropped[0]["source_span"]["text"] == "Rutba dans l'Anbar"
    added = _find(report, "added", "rendition", "some of these terrorists for his own purposes")
    assert added and added[0]["severity"] == "high"


def test_claim_level_findings_on_the_seed(report):
    changed = _find(report, "changed", "source", "3 février")
    assert changed and changed[0]["rendition_span"]["text"] == "Saturday (April 3)"
    softened = _find(report, "softened", "rendition", "Cridel")
    assert softened and softened[0]["rendition_span"]["text"] == 'The "Cridel" website wrote'
    # 10 000 = 10,000 and Al-Nujaba / Al-Najbai are no change.
    assert not _find(report, "changed", "source", "10 000")
    assert not [f for f in report["findings"] if f["type"] == "changed" and "Nujaba" in (f["source_span"] or {}).get("text", "")]


def test_token_diff_marks_unmatched_words(report):
    toks = {t["text"]: t["diff"] for t in report["source"]["tokens"]}
    assert toks["Rutba"] >= 0.5
    assert toks["Al-Sakkar"] < 0.5


def test_a_rendition_compared_with_itself_has_no_findings(loaded_models):
    from aligner.pipeline import CompareOptions, compare_files

    for path in (PAIR / "en.txt", PAIR / "fr.txt"):
        c = compare_files(str(path), str(path), loaded_models, CompareOptions(translate=False))
        assert c.findings == []
        assert c.summary["relation"] == "rendition"


def test_unrelated_story_is_said_plainly(loaded_models):
    from aligner.pipeline import CompareOptions, compare_files

    pair = ROOT / "samples" / "anbar-fr_provinces-en"
    c = compare_files(str(pair / "fr.txt"), str(pair / "en.txt"), loaded_models, CompareOptions(translate=False))
    assert c.summary["relation"] == "unrelated"
    assert c.findings == []
    assert "not appear to be a version" in c.summary["note"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_cli_json_fail_on_and_output_safety(tmp_path):
    out = tmp_path / "r.json"
    r = _cli("compare", str(PAIR / "fr.txt"), str(PAIR / "en.txt"), "-f", "json", "-o", str(out), "--fail-on", "changed")
    assert r.returncode == 1, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["counts"]["changed"] >= 1
    # Never over an existing report without --force, never over an input.
    r = _cli("compare", str(PAIR / "fr.txt"), str(PAIR / "en.txt"), "-o", str(out))
    assert r.returncode == 2 and "exists" in r.stderr and "Traceback" not in r.stderr
    r = _cli("compare", str(PAIR / "fr.txt"), str(PAIR / "en.txt"), "-o", str(PAIR / "en.txt"), "--force")
    assert r.returncode == 2 and "input" in r.stderr
    assert (PAIR / "en.txt").read_text(encoding="utf-8").startswith("QR code")


def test_moved_paragraph_is_moved_not_dropped_and_added(loaded_models):
    from aligner.pipeline import CompareOptions, compare_files

    pair = ROOT / "samples" / "reordered-fr_en"
    c = compare_files(str(pair / "fr.txt"), str(pair / "en.txt"), loaded_models, CompareOptions(translate=False))
    moved = [b for b in c.beads if b.moved]
    assert [(b.source, b.rendition) for b in moved] == [((6,), (0,))]
    assert c.findings == []


def test_planted_differences_each_type(loaded_models):
    from aligner.pipeline import CompareOptions, compare_files

    pair = ROOT / "samples" / "planted-fr_en"
    c = compare_files(str(pair / "fr.txt"), str(pair / "en.txt"), loaded_models, CompareOptions(translate=False))
    got = {(f.type, (f.source_span.text if f.source_span else None), (f.rendition_span.text if f.rendition_span else None)) for f in c.findings}
    types = {t for t, _, _ in got}
    assert {"added", "dropped", "softened", "strengthened", "changed", "contradicted"} <= types
    assert ("changed", "2 000", "3,000") in got
    assert any(t == "added" and r == "United Nations" for t, _, r in got)
    assert any(t == "strengthened" and s and s.startswith("Selon des responsables locaux") for t, s, _ in got)
    assert any(t == "contradicted" and s == "n'a pas" for t, s, _ in got)
