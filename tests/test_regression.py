"""`aligner regress samples/` passes: every seed pair meets its expected findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parent.parent


def test_regress_over_samples_exits_zero():
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["regress", str(ROOT / "samples")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


def test_regress_reports_a_missed_high_severity_finding(tmp_path):
    from aligner.pipeline import load_models
    from aligner.regression.samples import format_results, run_pair

    pair = tmp_path / "pair"
    pair.mkdir()
    src = ROOT / "samples" / "anbar-fr_ava-en"
    for name in ("fr.txt", "en.txt", "manifest.toml"):
        (pair / name).write_bytes((src / name).read_bytes())
    # An expectation the texts do not support: the tool must not find it.
    (pair / "expected.json").write_text(
        json.dumps({"relation": "rendition", "findings": [
            {"type": "contradicted", "severity": "high", "source_text": "Charles Lister", "rendition_text": "Charles Lister"}
        ]}),
        encoding="utf-8",
    )
    result = run_pair(pair, load_models(), translate=False)
    assert result.failures and "missed high-severity" in result.failures[0]
    assert "FAIL" in format_results([result])
