"""Bilingual readers (XLIFF 1.2/2.1, TMX, PO, CSV/TSV, .docx) and the refusal of bad
or hostile files before any model loads. No model is needed here except for the
.docx compare test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import error_lines

from aligner.bilingual import read_bilingual
from aligner.errors import InputError

DATA = Path(__file__).parent / "data" / "bilingual"


def _no_models(*_a, **_k):
    raise AssertionError("models must not load for a refused file")


def test_xliff2_reader_keeps_ids_states_notes_and_inline_codes():
    bf = read_bilingual(str(DATA / "planted-2.1.xlf"))
    assert (bf.format, bf.version, bf.source_lang, bf.target_lang) == ("xliff2", "2.1", "fr-FR", "en-GB")
    seg = {s.id: s for s in bf.segments}
    assert list(seg) == ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]
    assert seg["s1"].notes == ["Faithful."] and seg["s3"].state == "reviewed"
    s5 = seg["s5"]
    assert s5.source == "Cliquez sur Enregistrer pour conserver vos modifications."
    assert s5.target == "Click Save to keep your changes."
    assert [(c.offset, c.tag) for c in s5.target_codes] == [(6, '<pc id="1" dataRefStart="d1" dataRefEnd="d2">'), (10, "</pc>")]
    assert seg["s7"].target is None and seg["s7"].state == "initial"
    assert seg["s8"].source == seg["s8"].target == "Bordeaux & Co"  # entity decoded
    s9 = seg["s9"]  # CDATA is text; <ph/> is a code at its offset
    assert s9.target == "The tram line will be extended to the airport in 2027."
    assert [(c.offset, c.tag) for c in s9.target_codes] == [(13, '<ph id="2" dataRef="d3"/>')]


def test_xliff12_reader_codes_groups_and_translate_no():
    bf = read_bilingual(str(DATA / "planted-1.2.xlf"))
    assert (bf.format, bf.source_lang, bf.target_lang) == ("xliff1", "fr", "en")
    seg = {s.id: s for s in bf.segments}
    assert list(seg) == ["1", "2", "3", "4", "5", "6", "7"]  # unit 8 is translate="no"
    assert seg["3"].state == "needs-review-translation"
    assert seg["4"].target == "Press Confirm then Quit."
    assert [c.offset for c in seg["4"].target_codes] == [6, 13, 19]
    assert seg["5"].source == "Le nouveau parc, situé au bord du canal, comptera trois cents arbres."
    assert [(c.offset, c.tag) for c in seg["5"].source_codes] == [(17, '<bx id="3"/>'), (39, '<ex id="3"/>')]
    # <ph> content is native markup, never text
    assert seg["6"].source == "Le stade sera fermé pendant l'été."
    assert seg["6"].source_codes[0].tag == '<ph id="4">&lt;br/&gt;</ph>'
    assert seg["7"].target is None


def test_xliff12_seg_source_gives_one_segment_per_mid():
    bf = read_bilingual(str(DATA / "segmented-1.2.xlf"))
    assert [(s.id, s.source, s.target) for s in bf.segments] == [
        ("p1#1", "Le guide est gratuit.", "The guide is free."),
        ("p1#2", "Il est disponible à l'accueil.", "It is available at reception."),
    ]


def test_tmx_reader_picks_source_by_srclang_and_keeps_codes_out():
    bf = read_bilingual(str(DATA / "memory.tmx"))
    assert (bf.format, bf.source_lang, bf.target_lang) == ("tmx", "fr-FR", "en-GB")
    seg = {s.id: s for s in bf.segments}
    assert seg["t2"].source == "Appuyez sur Enregistrer et fermez."  # French tuv second in the file
    assert seg["t2"].target == "Press Save & close."
    assert seg["t3"].target == "See the next page."
    assert [c.offset for c in seg["t3"].source_codes] == [8, 12, 21]
    assert seg["t1"].notes == ["Faithful."]


def test_po_reader():
    bf = read_bilingual(str(DATA / "messages.po"))
    assert (bf.format, bf.source_lang, bf.target_lang) == ("po", None, "fr")
    by_source = {s.source: s for s in bf.segments}
    assert by_source['Save "draft"'].state == "fuzzy" and by_source['Save "draft"'].id.startswith("menu:")
    assert by_source["One file was deleted."].target == "Un fichier a été supprimé."
    assert by_source["Close the window."].target is None
    assert "Obsolete entry." not in by_source


def test_csv_and_tsv_readers():
    csv_file = read_bilingual(str(DATA / "pairs.csv"))
    assert (csv_file.source_lang, csv_file.target_lang) == ("fr", "en")
    assert [(s.id, s.source, s.target) for s in csv_file.segments] == [
        ("c1", "Le train part à 8 h 15, quai 3.", "The train leaves at 8:15, platform 3."),
        ("c2", 'Il a dit : "non".', 'He said: "no".'),
        ("c3", "Bonjour", None),
    ]
    tsv_file = read_bilingual(str(DATA / "pairs.tsv"))
    assert tsv_file.format == "tsv" and tsv_file.segments[0].target == "The park closes at 6 pm."


def test_billion_laughs_refused_before_models(cli_inproc):
    code, out, err = cli_inproc("audit", DATA / "billion-laughs.xlf", loader=_no_models)
    assert code == 2 and out == ""
    assert len(error_lines(err)) == 1 and "refused" in err


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file://{path}">]>',
        '<!DOCTYPE xliff [<!ENTITY % remote SYSTEM "file://{path}"> %remote;]>',
    ],
)
def test_external_entity_never_read(tmp_path, cli_inproc, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711", encoding="utf-8")
    xlf = tmp_path / "hostile.xlf"
    xlf.write_text(
        '<?xml version="1.0"?>\n' + doctype.format(path=secret) + "\n"
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="fr" trgLang="en">'
        '<file id="f"><unit id="u"><segment><source>Bonjour.</source><target>&secret;</target></segment></unit></file></xliff>\n',
        encoding="utf-8",
    )
    out_file = tmp_path / "out.json"
    code, out, err = cli_inproc("audit", xlf, "-f", "json", "-o", out_file, loader=_no_models)
    assert code == 2
    assert "TOP-SECRET" not in out + err and not out_file.exists()
    with pytest.raises(InputError):
        read_bilingual(str(xlf))


def test_malformed_xml_names_the_line(cli_inproc):
    code, out, err = cli_inproc("audit", DATA / "malformed.xlf", loader=_no_models)
    assert code == 2 and out == ""
    assert error_lines(err) == [f"aligner: error: {DATA / 'malformed.xlf'}: not well-formed XML at line 7, column 25: mismatched tag"]


@pytest.mark.parametrize("name,content", [("e.xlf", b""), ("e.po", b"\n\n"), ("e.csv", b"  \n"), ("e.tmx", b"")])
def test_empty_files_refused(tmp_path, cli_inproc, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = cli_inproc("audit", path, loader=_no_models)
    assert code == 2 and "empty file" in err


def test_file_without_segments_refused(tmp_path, cli_inproc):
    path = tmp_path / "none.xlf"
    path.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="fr"><file id="f"/></xliff>', encoding="utf-8")
    code, _, err = cli_inproc("audit", path, loader=_no_models)
    assert code == 2 and "no segment pairs" in err


def test_write_back_needs_xliff(cli_inproc, tmp_path):
    code, _, err = cli_inproc("audit", DATA / "messages.po", "-o", tmp_path / "out.xlf", loader=_no_models)
    assert code == 2 and "XLIFF input" in err


def _docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(str(path))


def test_docx_compare(tmp_path, cli_inproc):
    fr = ["Le conseil municipal a voté le budget mardi soir.", "La nouvelle bibliothèque accueillera 4 500 lecteurs par jour."]
    en = ["The city council voted on the budget on Tuesday evening.", "The new library will welcome 6,500 readers a day."]
    _docx(tmp_path / "fr.docx", fr)
    _docx(tmp_path / "en.docx", en)
    from aligner.io.reading import read_text

    read = read_text(str(tmp_path / "fr.docx"))
    assert read.format == "docx" and read.text == "\n".join(fr) + "\n"
    code, out, err = cli_inproc("compare", tmp_path / "fr.docx", tmp_path / "en.docx", "-f", "json", "--no-translate")
    assert code == 0, err
    report = json.loads(out)
    assert report["source"]["text"] == "\n".join(fr) + "\n"
    assert report["rendition"]["text"] == "\n".join(en) + "\n"
    changed = [f for f in report["findings"] if f["type"] == "changed"]
    assert changed and changed[0]["source_span"]["text"] == "4 500" and changed[0]["rendition_span"]["text"] == "6,500"


def test_broken_docx_refused(tmp_path):
    from aligner.io.reading import read_text

    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InputError, match="not a valid Word document"):
        read_text(str(bad))


def test_binary_file_refused(tmp_path, cli_inproc):
    path = tmp_path / "doc.docx"
    _docx(path, ["Bonjour."])
    code, _, err = cli_inproc("audit", path, loader=_no_models)
    assert code == 2 and "aligner compare" in err


def test_benchmark_file_builder(tmp_path):
    """benchmarks/audit_speed.py's XLIFF: escaped text, distinct units unless --repeat."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from audit_speed import build_xliff

    pairs = [("L'État & « moi » <b>", "The State & me <b>"), ("Deux.", "Two.")]
    path = tmp_path / "bench.xlf"
    path.write_text(build_xliff(pairs, 5), encoding="utf-8")
    segs = read_bilingual(str(path)).segments
    assert [s.source for s in segs[:2]] == [p[0] for p in pairs]
    assert len({s.source for s in segs}) == 5 and segs[4].target == "The State & me <b> (ref. 5)"
    path.write_text(build_xliff(pairs, 5, repeat=True), encoding="utf-8")
    assert len({s.source for s in read_bilingual(str(path)).segments}) == 2
