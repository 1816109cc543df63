"""``aligner audit`` end to end with the session's models: planted differences found
on the right unit and nothing on the faithful ones, statuses for untranslated and
identical targets, content moved across units, reports and the XLIFF write-back."""

from __future__ import annotations

import json
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

from aligner.bilingual import read_bilingual
from aligner.bilingual.audit import AuditOptions, audit_file

DATA = Path(__file__).parent / "data" / "bilingual"
ITS = "{http://www.w3.org/2005/11/its}"


@pytest.fixture(scope="module")
def audit_json(cli_inproc):
    def run(name: str, *extra: str) -> dict:
        code, out, err = cli_inproc("audit", DATA / name, "-f", "json", "--no-translate", *extra)
        assert code == 0, err
        return json.loads(out)

    return run


def _by_id(report: dict) -> dict[str, dict]:
    return {s["id"]: s for s in report["segments"]}


def test_planted_xliff21(audit_json):
    report = audit_json("planted-2.1.xlf")
    assert report["schema"] == "aligner.audit/1"
    assert (report["file"]["source_lang"], report["file"]["target_lang"]) == ("fr", "en")
    seg = _by_id(report)
    assert list(seg) == ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]
    for faithful in ("s1", "s5", "s9"):
        assert seg[faithful]["status"] == "translated" and seg[faithful]["findings"] == [], faithful
    changed = seg["s2"]["findings"]
    assert [f["type"] for f in changed] == ["changed"]
    assert changed[0]["source_span"] == {"start": 37, "end": 42, "text": "4 500"}
    assert changed[0]["rendition_span"] == {"start": 29, "end": 34, "text": "6,500"}
    assert "contradicted" in {f["type"] for f in seg["s3"]["findings"]}
    dropped = [f for f in seg["s4"]["findings"] if f["type"] == "dropped"]
    assert dropped and dropped[0]["source_span"]["text"] in seg["s4"]["source"] and "1890" in dropped[0]["source_span"]["text"]
    added = [f for f in seg["s6"]["findings"] if f["type"] == "added"]
    target = seg["s6"]["target"]
    assert added and "heavy snow" in added[0]["rendition_span"]["text"]
    assert target[added[0]["rendition_span"]["start"] : added[0]["rendition_span"]["end"]] == added[0]["rendition_span"]["text"]
    assert (seg["s7"]["status"], seg["s7"]["target"], seg["s7"]["findings"]) == ("untranslated", None, [])
    assert (seg["s8"]["status"], seg["s8"]["findings"]) == ("identical", [])
    assert report["summary"]["statuses"]["untranslated"] == 1


def test_planted_xliff12(audit_json):
    seg = _by_id(audit_json("planted-1.2.xlf"))
    for faithful in ("1", "4"):
        assert seg[faithful]["findings"] == [], faithful
    assert [f["type"] for f in seg["2"]["findings"]] == ["changed"]
    assert "21" in seg["2"]["findings"][0]["rendition_span"]["text"]
    assert "contradicted" in {f["type"] for f in seg["3"]["findings"]}
    dropped = [f for f in seg["5"]["findings"] if f["type"] == "dropped"]
    assert dropped and "canal" in dropped[0]["source_span"]["text"]
    added = [f for f in seg["6"]["findings"] if f["type"] == "added"]
    assert added and "rest of the year" in added[0]["rendition_span"]["text"]
    assert seg["7"]["status"] == "untranslated"


def test_content_across_units_is_not_dropped_and_added(models):
    result = audit_file(read_bilingual(str(DATA / "across-2.1.xlf")), models, AuditOptions(translate=False))
    cross = {(x.kind, x.source_segment, x.rendition_segment) for x in result.cross}
    assert ("split", "2", "1") in cross  # unit 2's words ended up in unit 1's target
    assert ("moved", "3", "5") in cross  # a sentence of unit 3 is rendered in unit 5
    by_id = {s.pair.id: s for s in result.segments}
    assert not [f for f in by_id["3"].findings if f.type == "dropped"]
    assert not [f for f in by_id["5"].findings if f.type == "added"]
    assert not [f for f in by_id["1"].findings if f.type == "added"]
    assert not [f for f in by_id["4"].findings]
    moved = next(x for x in result.cross if x.kind == "moved")
    assert moved.source_span.text == "La circulation sera déviée par la rue du Port."
    assert moved.rendition_span.text == "Traffic will be diverted via the Rue du Port."


def test_write_back_parses_has_one_issue_per_finding_and_keeps_texts(cli_inproc, tmp_path):
    src = DATA / "planted-2.1.xlf"
    before = src.read_bytes()
    out = tmp_path / "annotated.xlf"
    code, _, err = cli_inproc("audit", src, "-o", out, "--no-translate")
    assert code == 0, err
    assert src.read_bytes() == before
    _, js, _ = cli_inproc("audit", src, "-f", "json", "--no-translate")
    n_findings = sum(len(s["findings"]) for s in json.loads(js)["segments"])
    root = DET.fromstring(out.read_bytes())
    issues = [el for el in root.iter() if el.get(f"{ITS}locQualityIssueType")]
    assert n_findings >= 4 and len(issues) == n_findings
    a, b = read_bilingual(str(src)), read_bilingual(str(out))
    assert [(s.id, s.source, s.target) for s in a.segments] == [(s.id, s.source, s.target) for s in b.segments]
    code, _, err = cli_inproc("audit", src, "-o", src, "--no-translate")
    assert code == 2 and "over the input" in err and src.read_bytes() == before


def test_fail_on_and_text_report(cli_inproc):
    code, out, _ = cli_inproc("audit", DATA / "planted-1.2.xlf", "--no-translate", "--fail-on", "untranslated")
    assert code == 1
    assert "[7] UNTRANSLATED" in out and "[2] " in out and "CHANGED" in out
    code, _, _ = cli_inproc("audit", DATA / "memory.tmx", "--no-translate", "--fail-on", "any")
    assert code == 0
    code, _, err = cli_inproc("audit", DATA / "memory.tmx", "--fail-on", "bogus")
    assert code == 2 and "bogus" in err


def test_tsv_cells_formula_safe_and_html_escaped(cli_inproc, tmp_path):
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        'source,target\n"=HYPERLINK(""http://x"")","<script>alert(1)</script> @SUM(A1)"\n"Bonjour, \x1b[31mle monde.","Hello, world."\n',
        encoding="utf-8",
    )
    code, out, err = cli_inproc("audit", hostile, "-f", "tsv", "--no-translate", "--source-lang", "fr", "--rendition-lang", "en")
    assert code == 0, err
    for line in out.splitlines()[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in line.split("\t"))
    assert "'=HYPERLINK" in out
    code, page, _ = cli_inproc("audit", hostile, "-f", "html", "--no-translate", "--source-lang", "fr", "--rendition-lang", "en")
    assert code == 0
    assert "<script" not in page and "</script" not in page and "\x1b" not in page
    assert "&lt;" in page and "alert(1)" in page and "⟨ESC⟩" in page
    code, text, _ = cli_inproc("audit", hostile, "--no-translate", "--source-lang", "fr", "--rendition-lang", "en")
    assert "\x1b" not in text


def test_all_segments_embedded_in_one_call_per_side(models):
    """The batched path: one embed call for every source sentence, one for every
    target sentence (plus one for the cross-unit leftovers), whatever the unit count.
    The names check of the claims embeds a unit's aligned names on their own (one
    small call per unit that has names, "Quitter"/"Quit" here); it is counted apart."""
    from unittest import mock

    import aligner.pipeline

    bf = read_bilingual(str(DATA / "planted-1.2.xlf"))
    models.sentence_background()  # loaded once per session; not part of this count
    cls = type(models.encoder)
    real = cls.embed
    real_names = aligner.pipeline.name_similarity
    sizes: list[int] = []
    name_calls: list[int] = []

    def spy(self, sentences, *args, **kwargs):
        sizes.append(len(sentences))
        return real(self, sentences, *args, **kwargs)

    def names_spy(encoder, pairs):
        before = len(sizes)
        out = real_names(encoder, pairs)
        name_calls.extend(sizes[before:])  # the embed calls made for names
        return out

    with mock.patch.object(cls, "embed", spy), mock.patch.object(aligner.pipeline, "name_similarity", names_spy):
        result = audit_file(bf, models, AuditOptions(translate=False))
    compared = [s for s in result.segments if s.comparison is not None]
    assert len(compared) == 6
    assert sizes[:2] == [sum(len(s.comparison.source.sentences) for s in compared), sum(len(s.comparison.rendition.sentences) for s in compared)]
    assert len(name_calls) <= len(compared)
    assert len(sizes) - len(name_calls) <= 3
