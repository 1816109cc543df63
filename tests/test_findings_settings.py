"""The findings stage: its settings come from configs/default.toml alone, its steps
return new values, and one test decides which words may be names."""

from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from aligner.config import (
    ClaimsSettings,
    FindingsSettings,
    configs_root,
    default_settings,
    load_settings,
)
from aligner.errors import InputError
from aligner.findings.merging import calibrated, number_findings
from aligner.findings.name_words import (
    is_name_word,
    mid_sentence_names,
    name_chunks,
    name_or_number,
)
from aligner.structures import Document, Finding, Span
from aligner.text.segmentation import segment

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cls", [FindingsSettings, ClaimsSettings])
def test_every_setting_is_a_documented_key_of_the_default_toml(cls) -> None:
    """One source of defaults: every field is required and set in the TOML, with a
    comment above it, and the TOML has no key the stage does not read."""
    with open(configs_root() / "default.toml", "rb") as fh:
        table = tomllib.load(fh)[cls.section]
    names = {f.name for f in fields(cls)}
    assert names == set(table)
    assert all(f.default is MISSING and f.default_factory is MISSING for f in fields(cls))  # no default in Python
    text = (configs_root() / "default.toml").read_text(encoding="utf-8")
    section = text.split(f"[{cls.section}]\n", 1)[1].split("\n[", 1)[0]
    lines = section.splitlines()
    for name in names:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        above = lines[:at]
        # the key's own comment, or the comment of the group of keys it belongs to
        while above and not above[-1].startswith("#"):
            assert above[-1].strip() and "=" in above[-1], f"[{cls.section}] {name} is not documented"
            above.pop()
        assert above, f"[{cls.section}] {name} is not documented"


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[findings]\nexplained_sim = \"high\"\n", "[findings] explained_sim"),
        ("[findings]\ncounterpart_sim = 2\n", "[findings] counterpart_sim"),
        ("[findings]\nunrelated_coverage = -0.1\n", "[findings] unrelated_coverage"),
        ("[findings]\nno_counterpart_sim = 0.9\n", "counterpart_sim"),
        ("[claims]\nmin_claim_words = 0\n", "[claims] min_claim_words"),
        ("[claims]\nname_link_sim = true\n", "[claims] name_link_sim"),
        ("[claims]\nconsonant_classes = \"kqc\"\n", "[claims] consonant_classes"),
    ],
)
def test_a_wrong_value_names_its_key(tmp_path: Path, toml: str, named: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(named)):
        load_settings(path)


def test_a_user_value_reaches_the_typed_settings(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[findings]\nexplained_sim = 0.5\n[claims]\nname_link_sim = 0.9\n", encoding="utf-8")
    settings = load_settings(path)
    assert settings.findings.explained_sim == 0.5 and settings.claims.name_link_sim == 0.9
    assert settings.findings.counterpart_sim == default_settings().findings.counterpart_sim


def _finding(start: int, basis: str = "span", ftype: str = "added") -> Finding:
    return Finding("", ftype, "low", 0.5, None, Span(start, start + 1, "x"), [], "", basis)


def test_calibration_and_numbering_leave_their_input_alone() -> None:
    given = [_finding(9), _finding(2, "cue", "softened")]
    before = [(f.id, f.confidence) for f in given]
    out = number_findings(calibrated(given, {"cue:softened": 0.8}))
    assert [(f.id, f.confidence, f.rendition_span.start) for f in out] == [("f1", 0.8, 2), ("f2", 0.5, 9)]
    assert [(f.id, f.confidence) for f in given] == before


def _doc(text: str, lang: str = "en") -> Document:
    sentences, tokens = segment(text, lang)
    return Document(text, lang, sentences=sentences, tokens=tokens)


def test_one_name_test_with_the_options_each_check_needs() -> None:
    doc = _doc("Kridel wrote on Sunday that X and Al-Tanf saw 3, mail Me@x.org. Kridel left.")
    k = {t.text: i for i, t in reversed(list(enumerate(doc.tokens)))}
    assert not is_name_word(doc, k["Kridel"])  # first word of its sentence
    assert is_name_word(doc, k["Kridel"], sentence_start=True)
    assert is_name_word(doc, k["Sunday"]) and not is_name_word(doc, k["Sunday"], calendar=False)
    assert is_name_word(doc, k["X"]) and not is_name_word(doc, k["X"], min_length=2)
    assert name_or_number(doc, k["3"]) and name_or_number(doc, k["Al-Tanf"])
    assert not name_or_number(doc, k["wrote"])
    assert "Kridel" not in mid_sentence_names(doc) and "Al-Tanf" in mid_sentence_names(doc)
    # An e-mail address is no word, but a capitalised one makes a whole sentence severe.
    mail = k["Me@x.org"]
    assert doc.tokens[mail].kind == "symbol" and not is_name_word(doc, mail) and name_or_number(doc, mail)
    assert name_chunks(doc, range(len(doc.tokens)))[:1] == ["Kridel"]


def test_no_month_name_in_the_code() -> None:
    """Month names are language data (CLDR, configs/languages), not code."""
    months = re.compile(
        r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|january|"
        r"february|march|april|june|july|august|september|october|november|december",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(REPO)}:{n}"
        for path in sorted((REPO / "aligner").rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if months.search(line)
    ]
    assert not found
