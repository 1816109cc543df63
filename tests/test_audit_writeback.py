"""XLIFF write-back: ITS 2.0 marks spliced into the original bytes. Findings are made
by hand here (the write-back is a pure function of the audit), so every span, code
boundary, CDATA section and overlap case is exercised exactly."""

from __future__ import annotations

import re
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

from aligner.bilingual import read_bilingual
from aligner.bilingual.audit import Audit, SegmentAudit
from aligner.bilingual.writeback import write_back
from aligner.structures import Finding, Span

DATA = Path(__file__).parent / "data" / "bilingual"
ITS = "{http://www.w3.org/2005/11/its}"

# Everything the write-back may add; removing it must give the input back byte for byte.
_ADDED = re.compile(
    r'<mrk (?:id="aligner\d+" type="its:generic"|mtype="x-its") its:[^>]*>|</mrk>'
    r'|<sm id="aligner\d+" type="its:generic" [^>]*/>|<em startRef="aligner\d+"/>'
    r'| xmlns:its="http://www.w3.org/2005/11/its"| its:version="2.0"|\]\]><!\[CDATA\['
)


def _strip_added(text: str) -> str:
    # A mark inside CDATA is "]]>" + mark + "<![CDATA[": strip the mark, then the seam.
    while True:
        stripped = _ADDED.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), part)


def _audit(path: Path, plan: dict[str, list[tuple[str, str | None, str | None]]]) -> Audit:
    """An audit of ``path`` with findings (type, source part, target part) per segment id."""
    bf = read_bilingual(str(path))
    segments = []
    for pair in bf.segments:
        findings = []
        for k, (ftype, src, tgt) in enumerate(plan.get(pair.id, []), 1):
            src_span = _span(pair.source, src) if src else None
            tgt_span = _span(pair.target, tgt) if tgt else None
            findings.append(Finding(f"f{k}", ftype, "high", 0.9, src_span, tgt_span, [], 'evidence with <markup> & "quotes"'))
        segments.append(SegmentAudit(pair, "translated", findings))
    return Audit(bf, "fr", "en", segments, [], {}, {}, [], "test")


PLAN_2 = {
    "s2": [("changed", "4 500", "6,500")],
    "s3": [("contradicted", "n'a pas signé", "signed")],
    "s4": [("dropped", ", construit en 1890", None)],
    "s5": [("added", None, "Save to keep"), ("changed", None, "Click Save")],  # across </pc>; overlapping
    "s6": [("added", None, "because of the heavy snow expected across the whole region")],
    "s9": [("changed", None, "tram line will"), ("added", None, "The tram")],  # inside and out of CDATA
}
PLAN_1 = {
    "2": [("changed", "12 millions", "21 million")],
    "4": [("changed", None, "Confirm then"), ("added", None, "Press Confirm")],  # across </g>, overlapping
    "5": [("dropped", "situé au bord du canal", None)],  # between <bx/> and <ex/>
    "6": [("added", None, ", and probably for the rest of the year as well")],
}


@pytest.mark.parametrize("name,plan", [("planted-2.1.xlf", PLAN_2), ("planted-1.2.xlf", PLAN_1)])
def test_round_trip_only_marks_differ(tmp_path, name, plan):
    original = (DATA / name).read_bytes()
    audit = _audit(DATA / name, plan)
    out = write_back(audit)
    assert _strip_added(out.decode("utf-8")).encode("utf-8") == original
    written = tmp_path / name
    written.write_bytes(out)
    before, after = read_bilingual(str(DATA / name)), read_bilingual(str(written))
    assert [(s.id, s.source, s.target, s.state, s.notes) for s in before.segments] == [
        (s.id, s.source, s.target, s.state, s.notes) for s in after.segments
    ]
    root = DET.fromstring(out)
    issues = [el for el in root.iter() if el.get(f"{ITS}locQualityIssueType")]
    assert len(issues) == sum(len(v) for v in plan.values())  # one ITS issue per finding
    assert root.get(f"{ITS}version") == "2.0"


def _marked(out: bytes) -> dict[str, str]:
    """Type -> text inside each <mrk> that carries an ITS issue (not sm/em ones)."""
    root = DET.fromstring(out)
    return {el.get(f"{ITS}locQualityIssueComment").split(" ")[0] + ":" + "".join(el.itertext()): el.get(f"{ITS}locQualityIssueType")
            for el in root.iter() if el.tag.endswith("}mrk") and el.get(f"{ITS}locQualityIssueType")}  # fmt: skip


def test_xliff2_marks_exact_spans_on_the_right_side():
    out = write_back(_audit(DATA / "planted-2.1.xlf", PLAN_2))
    marked = _marked(out)
    assert marked["changed:6,500"] == "mistranslation"
    assert marked["contradicted:signed"] == "mistranslation"
    assert marked["dropped:, construit en 1890"] == "omission"  # in the <source>
    assert marked["added:because of the heavy snow expected across the whole region"] == "addition"
    text = out.decode("utf-8")
    # "Save to keep" starts where <pc> opens: the mark goes around the whole code. The
    # overlapping "Click Save" can no longer nest, so it becomes an <sm/>/<em/> pair
    # on exactly its characters.
    assert re.search(
        r'<target><sm id="(aligner\d+)" type="its:generic"[^>]*/>Click <mrk id="aligner\d+"[^>]*><pc id="1"[^>]*>Save<em startRef="\1"/></pc> to keep</mrk> your',
        text,
    )
    assert 'its:locQualityIssueComment="added (high, confidence 0.90): evidence with &lt;markup&gt; &amp; &quot;quotes&quot;' in text


def test_xliff12_marks_use_mtype_x_its_and_nest_with_codes():
    out = write_back(_audit(DATA / "planted-1.2.xlf", PLAN_1))
    text = out.decode("utf-8")
    assert "<sm " not in text  # XLIFF 1.2 has no standalone markers: marks are widened instead
    marked = _marked(out)
    assert marked["changed:21 million"] == "mistranslation"
    assert marked["dropped:situé au bord du canal"] == "omission"
    assert '<source>Le nouveau parc, <bx id="3"/><mrk mtype="x-its"' in text


def test_existing_its_declaration_is_not_repeated(tmp_path):
    src = (DATA / "planted-2.1.xlf").read_text(encoding="utf-8").replace(
        'version="2.1"', 'version="2.1" xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0"', 1
    )
    path = tmp_path / "declared.xlf"
    path.write_text(src, encoding="utf-8")
    out = write_back(_audit(path, PLAN_2)).decode("utf-8")
    assert out.count('xmlns:its="http://www.w3.org/2005/11/its"') == 1 and out.count('its:version="2.0"') == 1


@pytest.mark.parametrize("encoding,declared", [("utf-16", "UTF-16"), ("iso-8859-1", "ISO-8859-1")])
def test_round_trip_in_other_encodings(tmp_path, encoding, declared):
    """Marks are spliced in the file's own encoding (UTF-16 tags are two bytes a character)."""
    text = (DATA / "planted-2.1.xlf").read_text(encoding="utf-8").replace('encoding="UTF-8"', f'encoding="{declared}"')
    path = tmp_path / "encoded.xlf"
    path.write_bytes(text.encode(encoding))
    out = write_back(_audit(path, PLAN_2))
    assert _strip_added(out.decode(encoding)) == text
    written = tmp_path / "out.xlf"
    written.write_bytes(out)
    assert [(s.source, s.target) for s in read_bilingual(str(written)).segments] == [
        (s.source, s.target) for s in read_bilingual(str(path)).segments
    ]
