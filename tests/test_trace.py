"""`aligner trace`: the claim x rendition matrix on the seed articles (exact
statuses and spans), its JSON/HTML/TSV outputs, and the status derivation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from aligner.io.reading import read_text
from aligner.structures import Bead, Document, Finding, Link, Span
from aligner.text.segmentation import segment
from aligner.trace.additions import Addition, group_additions
from aligner.trace.claims import TraceParams, source_claims
from aligner.trace.status import claim_status

REPO = Path(__file__).resolve().parents[1]
SEED_001 = REPO / "samples/anbar-fr_ava-en/fr.txt"
SEED_000 = REPO / "samples/anbar-fr_ava-en/en.txt"
SEED_002 = REPO / "samples/anbar-fr_strikes-en/en.txt"
SEED_004 = REPO / "samples/anbar-fr_syria2024-en/en.txt"
ALTANF = "Les États-Unis occupent depuis 2015 la base voisine d'Al-Tanf"
RUTBA = "près de la ville de Rutba dans l'Anbar"


@pytest.fixture(scope="module")
def seed_trace(models):
    """The seed trace, run once for the tests of this module."""
    from aligner.trace.matrix import trace_texts

    return trace_texts(read_text(str(SEED_001)), [read_text(str(p)) for p in (SEED_000, SEED_002, SEED_004)], models, "fr", "en")


def _claim(report: dict, text: str) -> dict:
    (claim,) = [c for c in report["claims"] if c["source_span"]["text"] == text]
    return claim


def test_seed_matrix_altanf_softened_and_rutba_dropped_in_000(seed_trace):
    from aligner.reports.trace_json import trace_to_dict

    report = trace_to_dict(seed_trace)
    source = SEED_001.read_text(encoding="utf-8")
    altanf = _claim(report, ALTANF)
    assert source[altanf["source_span"]["start"] : altanf["source_span"]["end"]] == ALTANF
    cell = altanf["cells"][0]
    assert cell["status"] == "softened"
    assert "attribution" in cell["evidence"]
    rendition = SEED_000.read_text(encoding="utf-8")
    span = cell["rendition_span"]
    assert span["text"] == 'The "Cridel" website wrote' == rendition[span["start"] : span["end"]]
    rutba = _claim(report, RUTBA)
    assert rutba["cells"][0]["status"] == "dropped"
    assert "'Rutba dans l'Anbar'" in rutba["cells"][0]["evidence"].replace('"', "'")
    # The later story (004) repeats the Al-Tanf claim without attribution.
    assert altanf["cells"][2]["status"] == "kept"
    # Every claim has one cell per rendition, in the order given; spans are exact.
    assert [r["path"] for r in report["renditions"]] == [str(SEED_000), str(SEED_002), str(SEED_004)]
    for c in report["claims"]:
        assert len(c["cells"]) == 3
        s = c["source_span"]
        assert source[s["start"] : s["end"]] == s["text"]
        for cell in c["cells"]:
            assert (cell["rendition_span"] is None) == (cell["status"] == "dropped" and not cell["findings"])


def test_seed_agency_paragraph_added_in_000_and_echoed_in_002(seed_trace):
    """000's AVA paragraph ("Afghan Voice Agency (AVA): Reports indicate that the ISIS
    terrorist group took advantage of ...") has no source sentence of its own: an
    addition of 000. 002 opens with the same report in the agency's words ("According
    to Iraqi media reports, the ISIS is taking advantage of US airstrikes ..."), so the
    addition is not unique to 000. In 002 that sentence renders the source's title
    ("ISIS profite des frappes américaines pour attaquer les forces irakiennes") and is
    aligned to it (samples/anbar-fr_strikes-en/expected.json lists no addition there),
    so it is no addition of 002 and no shared group holds the pair."""
    from aligner.trace.additions import added_sentences

    first = seed_trace.comparisons[0]
    agency = [a for a in added_sentences(0, first.rendition, first.beads) if a.span.text.startswith("Afghan Voice Agency (AVA)")]
    assert len(agency) == 1
    assert agency[0] not in seed_trace.unique[0]
    second = seed_trace.comparisons[1]
    echo = next(k for k, s in enumerate(second.rendition.sentences) if s.text.startswith("According to Iraqi media reports"))
    assert any(b.source and echo in b.rendition for b in second.beads)
    groups = [{a.rendition for a in g} for g in seed_trace.shared]
    assert not any(2 in g for g in groups)


def test_source_embedded_once(models, monkeypatch):
    from aligner.trace.matrix import trace_texts

    calls: list[int] = []
    real = type(models.encoder).embed

    def counting(self, sentences, *a, **k):
        calls.append(len(sentences))
        return real(self, sentences, *a, **k)

    monkeypatch.setattr(type(models.encoder), "embed", counting)
    src = read_text(str(REPO / "samples/planted-fr_en/fr.txt"))
    ren = read_text(str(REPO / "samples/planted-fr_en/en.txt"))
    trace_texts(src, [ren, ren, ren], models, "fr", "en", translate=False)
    assert len(calls) == 4  # the source once, each rendition once


def test_trace_cli_json_html_tsv(cli_inproc, tmp_path):
    src, ren = REPO / "samples/planted-fr_en/fr.txt", REPO / "samples/planted-fr_en/en.txt"
    rc, out, err = cli_inproc("trace", src, ren, ren, "--source-lang", "fr", "--rendition-lang", "en", "--no-translate", "-f", "json")
    assert rc == 0, err
    report = json.loads(out)
    assert report["schema"] == "aligner.trace/1"
    assert all(len(c["cells"]) == 2 and c["cells"][0] == c["cells"][1] for c in report["claims"])
    assert {cell["status"] for c in report["claims"] for cell in c["cells"]} <= {"kept", "softened", "strengthened", "changed", "contradicted", "dropped"}

    page = tmp_path / "trace.html"
    rc, _, err = cli_inproc("trace", src, ren, "--no-translate", "-f", "html", "-o", page)
    assert rc == 0, err
    html = page.read_text(encoding="utf-8")
    pair = tmp_path / "trace.pair1.html"
    assert pair.exists() and 'id="ss0"' in pair.read_text(encoding="utf-8")
    assert 'href="trace.pair1.html#ss0"' in html
    assert "default-src 'none'" in html and not re.search(r"https?://|src=", html)  # no network
    rc, _, err = cli_inproc("trace", src, ren, "--no-translate", "-f", "html", "-o", page)
    assert rc == 2 and "--force" in err  # never overwrites without --force
    rc, _, err = cli_inproc("trace", src, ren, "-f", "html")
    assert rc == 2 and "-o" in err

    rc, out, err = cli_inproc("trace", src, ren, "--no-translate", "-f", "tsv")
    assert rc == 0, err
    rows = out.splitlines()
    assert rows[0].split("\t")[:4] == ["claim", "source_start", "source_end", "source_text"]
    assert len(rows) == 1 + len(report["claims"]) and all(len(r.split("\t")) == 12 for r in rows)


def test_trace_html_escapes_hostile_input(cli_inproc, tmp_path):
    data = REPO / "tests/data/injection"
    page = tmp_path / "t.html"
    rc, _, err = cli_inproc("trace", data / "fr.txt", data / "en.txt", "--no-translate", "-f", "html", "-o", page)
    assert rc == 0, err
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "onerror=" not in html.lower().replace("onerror=&", "")


def test_trace_tsv_cells_formula_safe():
    from aligner.reports.tsv_report import safe_cell

    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("a\tb\nc") == "a\\tb\\nc"
    assert safe_cell(12) == "12"


# ---------------------------------------------------------------- status derivation


def _doc(text: str, lang: str = "en") -> Document:
    sentences, tokens = segment(text, lang)
    return Document(text, lang, "-", "", sentences, tokens)


def _span(doc: Document, text: str) -> Span:
    start = doc.text.index(text)
    return doc.span(start, start + len(text))


def _finding(kind: str, src: Document, s_text: str | None, tgt: Document, r_text: str | None, fid: str = "f1") -> Finding:
    return Finding(fid, kind, "high", 0.9, _span(src, s_text) if s_text else None, _span(tgt, r_text) if r_text else None, [], f"{kind} evidence")


SRC = "The army took the town of Rutba near the border, officials said."
TGT = "The army took the town, officials said."
PARAMS = TraceParams(frozenset({","}), 2, 0.5, 0.9)


@pytest.fixture()
def pair():
    src, tgt = _doc(SRC), _doc(TGT)
    links = [Link(0, 0, 0.9), Link(1, 1, 0.9), Link(2, 2, 0.9)]
    return src, tgt, [Bead((0,), (0,), 0.9)], links


def test_claims_are_content_clauses(pair):
    src = pair[0]
    claims = source_claims(src, PARAMS)
    assert [c.span.text for c in claims] == ["The army took the town of Rutba near the border", "officials said"]


def test_status_kept_with_linked_rendition_span(pair):
    src, tgt, beads, links = pair
    claim = source_claims(src, PARAMS)[0]
    cell = claim_status(claim, src, tgt, beads, links, [], PARAMS)
    assert cell.status == "kept" and cell.rendition_span.text == "The army took"


def test_status_dropped_without_counterpart(pair):
    src, tgt, _, links = pair
    claim = source_claims(src, PARAMS)[0]
    cell = claim_status(claim, src, tgt, [Bead((0,), (), 0.0)], links, [], PARAMS)
    assert (cell.status, cell.rendition_span) == ("dropped", None)


def test_status_dropped_share_decides_dropped_or_changed(pair):
    src, tgt, beads, links = pair
    claim = source_claims(src, PARAMS)[0]  # content: army took town Rutba near border
    big = _finding("dropped", src, "town of Rutba near the border", tgt, TGT)
    small = _finding("dropped", src, "Rutba", tgt, TGT)
    assert claim_status(claim, src, tgt, beads, links, [big, small], PARAMS).status == "dropped"  # most content words
    cell = claim_status(claim, src, tgt, beads, links, [small], PARAMS)
    assert cell.status == "changed" and "'Rutba'" in cell.evidence


def test_status_precedence(pair):
    src, tgt, beads, links = pair
    claim = source_claims(src, PARAMS)[0]
    soft = _finding("softened", src, "took", tgt, "officials said", "f1")
    strong = _finding("strengthened", src, "took", tgt, "took", "f2")
    changed = _finding("changed", src, "town", tgt, "town", "f3")
    contra = _finding("contradicted", src, "took", tgt, "took", "f4")
    added = _finding("added", src, SRC, tgt, "town", "f5")
    status = lambda fs: claim_status(claim, src, tgt, beads, links, fs, PARAMS)  # noqa: E731
    assert status([added]).status == "kept"  # additions never change a claim
    assert status([strong, soft]).status == "softened"
    assert status([soft, changed]).status == "changed"
    cell = status([soft, changed, contra, added])
    assert cell.status == "contradicted" and cell.findings == ["f1", "f3", "f4"]
    assert cell.rendition_span.text == "took"
    other = source_claims(src, PARAMS)[1]  # "officials said": untouched by findings on the first clause
    assert claim_status(other, src, tgt, beads, links, [changed], PARAMS).status == "kept"


def test_group_additions_unique_and_shared():
    e = np.eye(4, dtype=np.float32)
    vectors = [np.stack([e[0], e[1]]), np.stack([e[0] * 2, e[2]]), np.stack([e[3]])]
    content = [np.ones(2, np.float32), np.ones(2, np.float32), np.ones(1, np.float32)]
    span = Span(0, 1, "x")
    adds = [[Addition(0, 0, span), Addition(0, 1, span)], [Addition(1, 0, span)], [Addition(2, 0, span)]]
    unique, shared = group_additions(adds, vectors, content, 0.9)
    assert [[a.sentence for a in u] for u in unique] == [[1], [], [0]]
    assert [[(a.rendition, a.sentence) for a in g] for g in shared] == [[(0, 0), (1, 0)]]
