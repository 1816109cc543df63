"""The Python API (``import aligner``): instant import, the input rule, the result's
renderings, the command line built on it, and the README's "Use from Python" example
run as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANTED = ROOT / "samples" / "planted-fr_en"


def test_import_is_instant_and_lazy():
    code = (
        "import sys, aligner\n"
        "assert 'torch' not in sys.modules and 'numpy' not in sys.modules, sorted(sys.modules)\n"
        "assert callable(aligner.compare) and callable(aligner.load_models)\n"
        "assert 'torch' not in sys.modules\n"
        "from aligner import Comparison, Finding, Report\n"
        "assert {'compare', 'load_models', 'Comparison'} <= set(dir(aligner))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with pytest.raises(AttributeError):
        import aligner

        _ = aligner.no_such_name


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Use from Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


@pytest.mark.slow
def test_readme_example_runs_as_written(models, tmp_path, monkeypatch, capsys):
    import aligner

    # Run where the example's relative paths resolve, writing its files to tmp_path;
    # the session's models stand in for the example's own load (same defaults).
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(aligner, "load_models", lambda *a, **k: models)
    namespace: dict = {}
    exec(compile(_readme_example(), "README.md", "exec"), namespace)

    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "f1 changed high Span(start=26, end=31, text='2 000') Span(start=28, end=33, text='3,000')"
    assert printed[1].startswith("rendition {'added': 1, 'dropped': 1, 'softened': 2, 'strengthened': 2, 'changed': 1, 'contradicted': 1}")
    result = namespace["result"]
    spans = {(f.type, f.source_span and (f.source_span.start, f.source_span.end, f.source_span.text),
              f.rendition_span and (f.rendition_span.start, f.rendition_span.end, f.rendition_span.text)) for f in result.findings}  # fmt: skip
    assert ("changed", (256, 261, "2 000"), (210, 215, "3,000")) in spans
    assert ("contradicted", (189, 196, "n'a pas"), (136, 198, "government authorised the construction of the dam on the river")) in spans
    assert ("dropped", (396, 443, "Mossoul, déjà endommagé par les combats de 2017"), (348, 382, "The hospital has closed its doors.")) in spans
    assert any(t == "added" and r == (332, 346, "United Nations") for t, _, r in spans)
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == result.to_json()
    assert json.loads(result.to_json()) == namespace["report"] == result.to_dict()
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Mossoul" in page


@pytest.mark.slow
def test_cli_json_is_the_api_json(models, cli_inproc, monkeypatch):
    import aligner

    monkeypatch.chdir(ROOT)
    src, ren = "samples/planted-fr_en/fr.txt", "samples/planted-fr_en/en.txt"
    rc, out, err = cli_inproc("compare", src, ren, "--source-lang", "fr", "--rendition-lang", "en", "-f", "json")
    assert rc == 0, err
    result = aligner.compare(Path(src), Path(ren), source_lang="fr", rendition_lang="en", models=models)
    cli, api = json.loads(out), json.loads(result.to_json())
    assert cli.pop("timings").keys() >= {"segment", "embed", "align_words", "differences"}
    api.pop("timings")
    assert cli == api
    assert result.render("tsv").count("\n") == len(result.findings) + 1
    assert result.to_text(quiet=True).startswith("findings:")


@pytest.mark.slow
def test_a_str_is_text_and_a_path_is_a_file(models, tmp_path):
    import aligner
    from aligner.errors import InputError

    # A str naming an existing file is still the text itself.
    name = str(PLANTED / "fr.txt")
    result = aligner.compare(name, PLANTED / "en.txt", source_lang="fr", models=models)
    assert result.source.text == name and result.source.path == "<source>"
    assert result.rendition.path == str(PLANTED / "en.txt")
    assert result.rendition.text == (PLANTED / "en.txt").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        aligner.compare("  \n", "Some text.", models=models)
    with pytest.raises(InputError, match=r"missing\.txt"):
        aligner.compare(tmp_path / "missing.txt", "Some text.", models=models)
    with pytest.raises(TypeError):
        aligner.compare(b"bytes", "Some text.", models=models)
    with pytest.raises(ValueError, match="not both"):
        aligner.compare("Un texte.", "A text.", models=models, encoder="x")


def test_load_models_config_forms(monkeypatch, tmp_path):
    """config: None, a TOML path, a dict merged over the defaults, or Settings."""
    import aligner.api as api
    from aligner.config import load_settings
    from aligner.errors import InputError

    seen = []
    monkeypatch.setattr(api, "_load_models", lambda config, **kw: seen.append((config, kw)))
    api.load_models()
    assert seen[-1][0] == load_settings().raw
    api.load_models({"findings": {"min_confidence": 0.5}}, device="cpu")
    assert seen[-1][0]["findings"]["min_confidence"] == 0.5
    assert seen[-1][0]["encoder"] == load_settings().raw["encoder"]  # the rest stays the default
    toml = tmp_path / "c.toml"
    toml.write_text("[findings]\nmin_confidence = 0.25\n", encoding="utf-8")
    api.load_models(toml)
    assert seen[-1][0]["findings"]["min_confidence"] == 0.25
    api.load_models(load_settings(str(toml)))
    assert seen[-1][0]["findings"]["min_confidence"] == 0.25
    with pytest.raises(InputError):
        api.load_models({"findings": {"min_confidence": "high"}})
    with pytest.raises(TypeError):
        api.load_models(42)

