"""The MT path end to end with a tiny random Marian model (no real weights can be
downloaded here): every source sentence gets a gloss, the MT evidence reaches the
findings, and a model that cannot be resolved degrades to direct alignment."""

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
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="module")
def marian_dir(tmp_path_factory) -> Path:
    from marian_fixture import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("marian") / "tiny")


@pytest.fixture(scope="module")
def mt_models(marian_dir):
    from aligner.config import load_config
    from aligner.pipeline import load_models

    config = load_config()
    # Random weights babble to the length cap; a short cap keeps the test quick.
    config["translation"].update({"max_length": 24, "num_beams": 1})
    return load_models(config, mt_model=str(marian_dir))


def test_every_source_sentence_gets_a_translation(mt_models):
    from aligner.pipeline import CompareOptions, compare_files
    from aligner.reports import render
    from aligner.reports.json_report import to_json_dict

    c = compare_files(str(PAIR / "fr.txt"), str(PAIR / "en.txt"), mt_models, CompareOptions())
    report = to_json_dict(c)
    assert report["models"]["translation"]["used"] is True
    assert all(s.get("translation") for s in report["source"]["sentences"])
    assert "mt_alignment" in report["timings"] and "mt_scoring" in report["timings"]
    # The combination only ever removes findings: the key ones are still there.
    assert any(f["type"] == "changed" and "3 février" in f["source_span"]["text"] for f in report["findings"])
    assert any(f["type"] == "dropped" and "Rutba" in f["source_span"]["text"] for f in report["findings"])
    # The gloss is shown in the terminal report too.
    assert "gloss" in render(c, "text")
    json.dumps(report)


def test_unresolvable_mt_model_warns_once_and_still_reports(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    r = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "compare", str(PAIR / "fr.txt"), str(PAIR / "en.txt"),
         "--mt-model", "Helsinki-NLP/opus-mt-xx-en", "-f", "json"],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if "opus-mt-xx-en" in line]
    assert len(warnings) == 1 and "--mt-model PATH" in warnings[0]
    report = json.loads(r.stdout)
    assert report["models"]["translation"]["used"] is False
    assert report["summary"]["counts"]["changed"] >= 1


def test_translate_file_gives_one_line_per_sentence(mt_models):
    from aligner.translation.translate_file import translate_file

    lines = translate_file(str(PAIR / "fr.txt"), mt_models.config, "fr", mt_models.mt_model, "transformers", "cpu", False, False)
    assert len(lines) == 14 and all(lines)
