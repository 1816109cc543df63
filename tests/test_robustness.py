"""Robustness: bad input, encodings, size, languages, hostile text, output files,
interrupted runs and a damaged model cache.

Most command-line cases run ``cli.run()`` in process with the session's models
(``cli_inproc``); a handful run ``python cli.py`` in subprocesses, concurrently, where
the process contract itself (exit status, the whole of stderr, signals) is tested.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from conftest import REPO, cli_command, cli_env

from aligner.errors import InputError
from aligner.io.reading import ReadText, read_text
from aligner.pipeline import CompareOptions, compare_documents, compare_files, prepare_document
from aligner.reports.json_report import to_json_dict
from aligner.text.segmentation import segment

FR = (
    "L'armée irakienne a repris la ville de Rutba samedi. "
    "Le général a déclaré que 25 combattants avaient été tués. "
    "Les habitants sont rentrés chez eux dimanche.\n"
)
EN = (
    "The Iraqi army retook the town of Rutba on Saturday. "
    "The general said 25 fighters had been killed. "
    "Residents returned home on Sunday.\n"
)
EN_OTHER_WORDING = (
    "On Saturday Iraqi troops took back Rutba. "
    "According to the general, 25 fighters died. "
    "People went back to their homes on Sunday.\n"
)
DE = (
    "Die irakische Armee hat am Samstag die Stadt Rutba zurückerobert. "
    "Der General sagte, 25 Kämpfer seien getötet worden. "
    "Die Bewohner kehrten am Sonntag nach Hause zurück.\n"
)
IT = (
    "L'esercito iracheno ha ripreso sabato la città di Rutba. "
    "Il generale ha detto che 25 combattenti sono stati uccisi. "
    "Gli abitanti sono tornati a casa domenica.\n"
)
AR = (
    "استعاد الجيش العراقي مدينة الرطبة يوم السبت. "
    "وقال الجنرال إن 25 مقاتلا قتلوا. "
    "عاد السكان إلى منازلهم يوم الأحد.\n"
)
FA = (
    "ارتش عراق روز شنبه شهر رطبه را پس گرفت. "
    "ژنرال گفت ۲۵ جنگجو کشته شدند. "
    "ساکنان روز یکشنبه به خانه‌های خود بازگشتند.\n"
)

# Characters that must never reach a terminal raw from the input: C0/C1 controls
# (ESC, BEL, CR, CSI ...) and bidi overrides/isolates that reorder what is shown.
TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def check_offsets(text: str, sentences, tokens) -> None:
    """Every sentence and token slices the text to its own text, in order."""
    prev_end = 0
    for s in sentences:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.start >= prev_end
        prev_end = s.end
        for k in range(s.token_start, s.token_end):
            t = tokens[k]
            assert s.start <= t.start < t.end <= s.end
            assert text[t.start : t.end] == t.text
    assert sum(s.token_end - s.token_start for s in sentences) == len(tokens)


def check_report_offsets(report: dict) -> None:
    for side in ("source", "rendition"):
        doc = report[side]
        text = doc["text"]
        for s in doc["sentences"]:
            assert text[s["start"] : s["end"]] == s["text"]
        for t in doc["tokens"]:
            assert text[t["start"] : t["end"]] == t["text"]
    for f in report["findings"]:
        for side, key in (("source", "source_span"), ("rendition", "rendition_span")):
            span = f[key]
            if span is not None:
                assert report[side]["text"][span["start"] : span["end"]] == span["text"]


def doc_of(text: str, lang: str | None, config: dict, role: str = "source"):
    return prepare_document(ReadText(text, role, "utf-8", "0" * 64), lang, config, role)


# --------------------------------------------------------------------------- bad input


def _zip_bytes(tmp_path: Path) -> bytes:
    z = tmp_path / "x.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("article.txt", EN)
    return z.read_bytes()


BAD_INPUTS = {
    "missing": None,
    "directory": "DIR",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "zip": "ZIP",
    "empty": b"",
    "whitespace": b"  \n\t\r\n \x0c  \n",
    "debris": b"Leave a Reply\nShare this\nhttps://x.org\n",
    "bom-only": codecs.BOM_UTF8,
    "utf16-bad": codecs.BOM_UTF16_LE + b"a\x00b",  # odd length after the BOM
}


def make_bad_input(tmp_path: Path, kind: str) -> str:
    spec = BAD_INPUTS[kind]
    path = tmp_path / f"bad-{kind}.txt"
    if spec is None:
        return str(path)
    if spec == "DIR":
        path.mkdir()
        return str(path)
    if spec == "ZIP":
        spec = _zip_bytes(tmp_path)
    write(path, spec)
    return str(path)


def assert_error(rc: int, out: str, err: str) -> None:
    """Exit 2 with one error line (warnings from work already done may precede it)."""
    assert rc == 2, (rc, err)
    assert "Traceback" not in err
    assert "internal error" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("aligner: error: ")]
    assert len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    assert out == ""


def assert_one_line_error(rc: int, out: str, err: str) -> None:
    assert rc == 2, (rc, err)
    assert "Traceback" not in err
    assert "internal error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr should be exactly one line, got: {err!r}"
    assert lines[0].startswith("aligner: error: ")
    assert out == ""


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
@pytest.mark.parametrize("side", ["source", "rendition"])
def test_bad_input_is_one_line_and_exit_2(cli_inproc, tmp_path, kind, side):
    bad = make_bad_input(tmp_path, kind)
    good = str(write(tmp_path / "good.txt", EN))
    args = ("compare", bad, good) if side == "source" else ("compare", good, bad)
    assert_one_line_error(*cli_inproc(*args))


def test_unreadable_file(cli_inproc, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    p = write(tmp_path / "secret.txt", EN)
    p.chmod(0)
    try:
        rc, out, err = cli_inproc("compare", str(p), str(p))
    finally:
        p.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert_one_line_error(rc, out, err)
    assert "permission denied" in err


@pytest.mark.parametrize(
    "args",
    [
        ("--source-lang", "zz"),
        ("--rendition-lang", "zz"),
        ("--fail-on", "everything"),
    ],
    ids=["source-lang-zz", "rendition-lang-zz", "fail-on-unknown"],
)
def test_bad_options_are_one_line_and_exit_2(cli_inproc, tmp_path, args):
    src = write(tmp_path / "fr.txt", FR)
    ren = write(tmp_path / "en.txt", EN)
    assert_one_line_error(*cli_inproc("compare", str(src), str(ren), *args))


def test_both_sides_from_stdin_and_empty_stdin(cli_inproc, tmp_path):
    ren = write(tmp_path / "en.txt", EN)
    assert_one_line_error(*cli_inproc("compare", "-", "-", input=EN))
    rc, out, err = cli_inproc("compare", "-", str(ren), input=b"")
    assert_one_line_error(rc, out, err)
    assert "standard input" in err


def test_pathological_file_names(cli_inproc, tmp_path):
    good = str(write(tmp_path / "en.txt", EN))
    for name in ("x" * 5000, str(tmp_path / "en.txt" / "child"), "bad\x1b[2Jname"):
        rc, out, err = cli_inproc("compare", name, good)
        assert_one_line_error(rc, out, err)
        assert "\x1b" not in err  # a hostile file name is not echoed raw either


@pytest.mark.parametrize(
    "markup",
    ["<![foo[ x ]]>", "<![if !IE]>", "<!-- never closed", "<script>never closed", "&#xdddd;&#0;", "<p <p>"],
)
def test_malformed_html_is_read_not_a_crash(cli_inproc, tmp_path, markup):
    page = write(
        tmp_path / "page.html",
        f"<!DOCTYPE html><html><body><p>{EN.strip()}</p>{markup}<p>Residents fled again.</p></body></html>",
    )
    r = read_text(str(page))
    assert r.format == "html"
    assert "Rutba" in r.text and "<p>" not in r.text and "<script" not in r.text
    rc, out, err = cli_inproc("compare", str(write(tmp_path / "en.txt", EN)), str(page), "-f", "json")
    assert rc == 0, err
    check_report_offsets(json.loads(out))


def test_bad_input_fails_before_the_model_is_loaded(cli_inproc, tmp_path):
    """A missing file, an unknown language or an output over an input is known
    before the 470 MB encoder loads (7 s): the user should hear at once."""

    def no_load(*args, **kwargs):
        raise AssertionError("the model was loaded before the input was checked")

    good = str(write(tmp_path / "en.txt", EN))
    fr = str(write(tmp_path / "fr.txt", FR))
    cases = [
        ("compare", str(tmp_path / "missing.txt"), good),
        ("compare", fr, good, "--source-lang", "zz"),
        ("compare", fr, good, "-o", fr, "--force"),
        ("sentences", str(tmp_path / "missing.txt"), good),
    ]
    for args in cases:
        rc, out, err = cli_inproc(*args, loader=no_load)
        assert "the model was loaded" not in err, f"{args}: model loaded before input checks"
        assert_one_line_error(rc, out, err)


@pytest.fixture(scope="module")
def subprocess_errors(tmp_path_factory, built_cache):
    """Two bad-input runs of the real ``python cli.py``, started together (each may
    load the model before failing, so running them in parallel saves wall time)."""
    tmp = tmp_path_factory.mktemp("cli-errors")
    good = str(write(tmp / "en.txt", EN))
    cases = {
        "png": ("compare", make_bad_input(tmp, "png"), good),
        "debug": ("--debug", "compare", make_bad_input(tmp, "missing"), good),
    }
    pipes = {"stdin": subprocess.DEVNULL, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    procs = {
        name: subprocess.Popen(cli_command(*args), cwd=REPO, env=cli_env(), **pipes)
        for name, args in cases.items()
    }
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        results[name] = (proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))
    return results


@pytest.mark.slow
def test_bad_input_subprocess_contract(subprocess_errors):
    """The whole of stderr of the real process: one line (no progress bars, no
    library warnings), exit 2."""
    assert_one_line_error(*subprocess_errors["png"])


@pytest.mark.slow
def test_debug_shows_the_traceback(subprocess_errors):
    rc, _, err = subprocess_errors["debug"]
    assert rc != 0
    assert "Traceback" in err
    assert "InputError" in err
    assert "no such file" in err


def test_debug_reraises_in_process(cli_inproc, tmp_path):
    import cli

    good = str(write(tmp_path / "en.txt", EN))
    argv = ["aligner", "--debug", "compare", str(tmp_path / "no.txt"), good]
    with (
        mock.patch.object(cli, "_load_models", lambda *a, **k: None),
        mock.patch.object(sys, "argv", argv),
        mock.patch.object(cli._State, "debug", False),
        pytest.raises(InputError),
    ):
        cli.run()


# --------------------------------------------------------------------------- encodings

LATIN1_TEXT = "L'armée de l'État a frappé Rutba à 5 h. Le préfet n'a rien dit.\n"
CP1252_TEXT = "L’armée a « frappé » Rutba – 5 000 €. Œuvre « déjà » vue… Le préfet n’a rien dit.\n"


@pytest.mark.parametrize(
    ("data", "encoding", "text", "warns"),
    [
        (FR.encode("utf-8"), "utf-8", FR, False),
        (codecs.BOM_UTF8 + FR.encode("utf-8"), "utf-8", FR, False),
        (codecs.BOM_UTF16_LE + FR.encode("utf-16-le"), "utf-16-le", FR, False),
        (codecs.BOM_UTF16_BE + FR.encode("utf-16-be"), "utf-16-be", FR, False),
        (codecs.BOM_UTF32_LE + FR.encode("utf-32-le"), "utf-32-le", FR, False),
        (LATIN1_TEXT.encode("latin-1"), None, LATIN1_TEXT, True),
        (CP1252_TEXT.encode("cp1252"), "windows-1252", CP1252_TEXT, True),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "latin1", "cp1252"],
)
def test_encodings_read_and_segment(tmp_path, data, encoding, text, warns):
    p = write(tmp_path / "in.txt", data)
    r = read_text(str(p))
    assert r.text == text
    assert not r.text.startswith("\ufeff")
    if encoding:
        assert r.encoding == encoding
    assert bool(r.warnings) == warns
    if warns:
        assert "not valid UTF-8" in r.warnings[0]
    sents, toks = segment(r.text, "fr")
    check_offsets(r.text, sents, toks)
    assert len(sents) in (2, 3)
    assert any(t.text in ("armée", "l'", "L'", "L’") for t in toks)


def test_mixed_line_endings_keep_offsets(tmp_path):
    text = "Première ligne de texte.\r\nDeuxième ligne.\rTroisième ligne.\nQuatrième ligne.\r\n\r\nFin."
    p = write(tmp_path / "in.txt", text.encode("utf-8"))
    r = read_text(str(p))
    assert r.text == text  # line endings are kept: offsets refer to the file as read
    sents, toks = segment(r.text, "fr")
    check_offsets(r.text, sents, toks)
    assert [s.text for s in sents] == [
        "Première ligne de texte.", "Deuxième ligne.", "Troisième ligne.", "Quatrième ligne.", "Fin.",
    ]  # fmt: skip
    assert not any("\r" in s.text or "\n" in s.text for s in sents)


def test_replacement_character_in_valid_utf8(tmp_path):
    """A scraped page often carries U+FFFD where a quote was lost ("Al-Tanf\ufffds")."""
    text = "The U.S. uses Al-Tanf\ufffds base. It has 85 targets \ufffd in Syria.\n"
    r = read_text(str(write(tmp_path / "in.txt", text)))
    assert r.text == text and r.encoding == "utf-8" and r.warnings == []
    sents, toks = segment(r.text, "en")
    check_offsets(r.text, sents, toks)
    assert "Al-Tanf\ufffds" in [t.text for t in toks]


def test_broken_bytes_in_utf8_do_not_turn_the_file_into_mojibake(tmp_path):
    """One damaged byte in a UTF-8 article: read as UTF-8 with one U+FFFD and a
    warning; decoding the whole file as Windows-1252 would mangle every accent and
    curly quote (and every name and number next to them)."""
    good = (REPO / "samples/anbar-fr_strikes-en/en.txt").read_bytes()
    cut = good.index(b"\xe2\x80\x9c")  # an opening curly quote
    damaged = good[:cut] + b"\xff" + good[cut:]
    r = read_text(str(write(tmp_path / "en.txt", damaged)))
    assert r.encoding == "utf-8"
    assert r.text.count("\ufffd") == 1
    assert r.text.replace("\ufffd", "") == good.decode("utf-8")
    assert "â€" not in r.text
    assert len(r.warnings) == 1 and "not valid UTF-8" in r.warnings[0]
    sents, toks = segment(r.text, "en")
    check_offsets(r.text, sents, toks)


def test_zero_width_and_bidi_controls_keep_offsets():
    text = (
        "Le\u200b ministre\u200d a dit\u00ad : « la \u2066Rutba\u2069 est libre ».\u200f "
        "Puis\ufeff il est parti\u202e. Fin\u200e.\n"
    )
    sents, toks = segment(text, "fr")
    check_offsets(text, sents, toks)
    for t in toks:
        assert not all(unicodedata.category(c) == "Cf" for c in t.text), t
    words = [t.text for t in toks if t.kind == "word"]
    assert "ministre" in [w.strip("\u200b\u200d") for w in words]


def test_nfc_and_nfd_tokenise_alike_with_correct_offsets():
    nfc = "Le café a été fermé à Montréal. L'élève s'est levé."
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd and len(nfd) > len(nfc)
    s1, t1 = segment(nfc, "fr")
    s2, t2 = segment(nfd, "fr")
    check_offsets(nfc, s1, t1)
    check_offsets(nfd, s2, t2)
    assert len(s1) == len(s2) == 2
    assert [unicodedata.normalize("NFC", t.text) for t in t2] == [t.text for t in t1]


@pytest.mark.slow
def test_french_text_against_its_own_nfd_form_has_no_findings(models, tmp_path):
    text = (REPO / "samples/anbar-fr_ava-en/fr.txt").read_text(encoding="utf-8")
    text = text[: text.index("\n", 600) + 1]
    a = write(tmp_path / "nfc.txt", unicodedata.normalize("NFC", text))
    b = write(tmp_path / "nfd.txt", unicodedata.normalize("NFD", text))
    c = compare_files(str(a), str(b), models, CompareOptions("fr", "fr"))
    assert c.findings == []
    assert c.summary["relation"] == "rendition"
    check_report_offsets(to_json_dict(c))


@pytest.mark.slow
def test_utf16_crlf_source_end_to_end(cli_inproc, tmp_path):
    fr_crlf = FR.replace(". ", ".\r\n")
    src = write(tmp_path / "fr.txt", codecs.BOM_UTF16_LE + fr_crlf.encode("utf-16-le"))
    ren = write(tmp_path / "en.txt", EN)
    rc, out, err = cli_inproc("compare", str(src), str(ren), "-f", "json")
    assert rc == 0, err
    report = json.loads(out)
    assert report["source"]["text"] == fr_crlf
    assert len(report["source"]["sentences"]) == 3
    check_report_offsets(report)


# --------------------------------------------------------------------------- size


@pytest.mark.slow
def test_five_megabyte_article_reads_and_segments(tmp_path):
    article = (REPO / "samples/anbar-fr_strikes-en/en.txt").read_text(encoding="utf-8")
    big = (article + "\n\n") * (5_000_000 // (len(article) + 2) + 1)
    p = write(tmp_path / "big.txt", big)
    t0 = time.perf_counter()
    r = read_text(str(p))
    t1 = time.perf_counter()
    sents, toks = segment(r.text, "en")
    t2 = time.perf_counter()
    assert r.text == big
    assert t1 - t0 < 3, f"reading 5 MB took {t1 - t0:.1f} s"
    assert t2 - t1 < 40, f"segmenting 5 MB took {t2 - t1:.1f} s"
    assert sents[-1].end <= len(big) and len(sents) > 20_000
    for s in sents[:: len(sents) // 50]:
        assert big[s.start : s.end] == s.text
    for t in toks[:: len(toks) // 500]:
        assert big[t.start : t.end] == t.text


def _long_sentence(n_chars: int = 20_000) -> str:
    rng = random.Random(20_000)
    vocab = [
        "la", "guerre", "armée", "ville", "frontière", "soldats", "attaque", "gouvernement",
        "province", "rapport", "milices", "habitants", "routes", "désert", "village", "colonne",
    ]  # fmt: skip
    words: list[str] = []
    size = 0
    while size < n_chars:
        w = rng.choice(vocab)
        words.append(w)
        size += len(w) + 1
    return " ".join(words)[:n_chars].rstrip()


@pytest.mark.slow
def test_a_20000_character_sentence_is_windowed_not_truncated(models):
    from aligner.encoder.embedding import Encoder

    long = _long_sentence()
    assert len(long) >= 19_990 and not re.search(r"[.!?]", long)
    captured: list[tuple[list, list]] = []
    original = Encoder.embed

    def spy(self, sentences, *args, **kwargs):
        out = original(self, sentences, *args, **kwargs)
        captured.append((list(sentences), out))
        return out

    src = doc_of(long + "\n", "fr", models.config)
    tgt = doc_of("The army attacked the town near the border.\n", "en", models.config, "rendition")
    assert len(src.sentences) == 1
    with mock.patch.object(Encoder, "embed", spy):
        c = compare_documents(src, tgt, models, CompareOptions("fr", "en", translate=False))
    assert any("window" in n for n in c.notes), c.notes
    # Every word of the long sentence got subword vectors: nothing was cut off.
    sentences, out = captured[0]
    assert len(sentences[0]) == len(src.tokens)
    assert set(out[0].pieces.word.tolist()) == set(range(len(sentences[0])))
    assert np.isfinite(out[0].pieces.vectors).all()
    report = to_json_dict(c)
    assert len(report["source"]["tokens"]) == len(long.split())
    check_report_offsets(report)


@pytest.mark.slow
def test_3000_sentences_align_in_bounded_memory():
    """Sentence alignment of 3,000 x 3,000 sentences (synthetic vectors) in a fresh
    process: peak memory grows by far less than one all-pairs matrix would take."""
    code = r"""
import resource, time, numpy as np
from aligner.alignment.sentence_alignment import align_sentences
rng = np.random.default_rng(3000)
n = 3000
src = rng.normal(size=(n, 64))
keep = np.ones(n, bool); keep[rng.choice(n, 50, replace=False)] = False
tgt = src[keep] + 0.3 * rng.normal(size=(int(keep.sum()), 64))
tgt = np.insert(tgt, np.sort(rng.choice(len(tgt), 30, replace=False)), rng.normal(size=(30, 64)), axis=0)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
beads = align_sentences(src, tgt)
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
s = sorted(i for b in beads for i in b.source)
r = sorted(j for b in beads for j in b.rendition)
print(dt, (peak - base) / 1024, s == list(range(n)), r == list(range(len(tgt))), len(beads))
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    seconds, grown_mb, src_ok, tgt_ok, n_beads = proc.stdout.split()
    assert src_ok == "True" and tgt_ok == "True"
    all_pairs_mb = 3000 * 3000 * 8 / 2**20  # one float64 matrix over all pairs: 69 MB
    assert float(grown_mb) < all_pairs_mb, f"peak memory grew by {grown_mb} MB"
    assert float(seconds) < 60, f"{seconds} s for 3000 sentences"
    assert int(n_beads) > 2000


# --------------------------------------------------------------------------- languages


def _summary_ok(report: dict) -> None:
    for key in ("schema", "source", "rendition", "sentence_alignment", "findings", "summary", "models", "timings"):
        assert key in report
    check_report_offsets(report)


def test_same_language_on_both_sides(cli_inproc, tmp_path):
    a = write(tmp_path / "a.txt", EN)
    b = write(tmp_path / "b.txt", EN_OTHER_WORDING)
    rc, out, err = cli_inproc("compare", str(a), str(b), "-f", "json")
    assert rc == 0, err
    report = json.loads(out)
    _summary_ok(report)
    assert report["source"]["lang"] == report["rendition"]["lang"] == "en"
    assert report["summary"]["relation"] == "rendition"
    assert "Traceback" not in err


@pytest.mark.parametrize(("text", "lang"), [(DE, "de"), (IT, "it")], ids=["german", "italian"])
def test_language_without_cue_lexicon_or_marian_model(cli_inproc, tmp_path, text, lang):
    src = write(tmp_path / f"{lang}.txt", text)
    ren = write(tmp_path / "en.txt", EN)
    rc, out, err = cli_inproc("compare", str(src), str(ren), "-f", "json")
    assert rc == 0, err
    report = json.loads(out)
    _summary_ok(report)
    assert report["source"]["lang"] == lang
    assert report["summary"]["relation"] != "unrelated"
    said = err + "\n".join(report["notes"]) + "\n".join(report["source"]["warnings"])
    # The missing cue lexicon (and Marian model) is said, not silently skipped.
    assert re.search(rf"'{lang}'|-{lang}-|\b{lang}\b", said), said


def test_mixed_language_text(models, tmp_path):
    src = write(tmp_path / "mixed.txt", FR + "\n" + EN + "\nUnd dann kam die Armee zurück.\n")
    ren = write(tmp_path / "en.txt", EN)
    c = compare_files(str(src), str(ren), models, CompareOptions(translate=False))
    report = to_json_dict(c)
    _summary_ok(report)
    # The English half of the source matches the rendition; the French half is
    # either aligned (it says the same) or reported, never a crash.
    assert report["summary"]["coverage"]["rendition"] > 0.5


@pytest.mark.parametrize(("text", "lang"), [(AR, "ar"), (FA, "fa")], ids=["arabic", "persian"])
def test_right_to_left_scripts_segment_into_sentences(text, lang):
    sents, toks = segment(text, lang)
    check_offsets(text, sents, toks)
    assert len(sents) == 3, [s.text for s in sents]
    assert all(t.text.strip() for t in toks)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "lang"), [(AR, "ar"), (FA, "fa")], ids=["arabic", "persian"])
def test_right_to_left_scripts_end_to_end(models, tmp_path, text, lang):
    src = write(tmp_path / f"{lang}.txt", text)
    ren = write(tmp_path / "en.txt", EN)
    c = compare_files(str(src), str(ren), models, CompareOptions(translate=False))
    report = to_json_dict(c)
    _summary_ok(report)
    assert report["source"]["lang"] == lang
    # A faithful three-sentence translation is a rendition, not "unrelated".
    assert report["summary"]["relation"] != "unrelated", report["summary"]


# --------------------------------------------------------------------------- hostile text

HOSTILE = (
    EN
    + "<script>alert('x')</script><img src=x onerror=alert(1)> \x1b[2J\x1b[31mEvil Corp\x07 "
    "paid\t5000 dollars\x9b to \u202egnp.exe the mayor of Rutba. \x1b]0;pwned\x07 "
    "Then \x08\x08\x08\x7f 40 more\u2066 people\u2069 fled.\n"
)


@pytest.fixture(scope="module")
def hostile(models, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    src = write(tmp / "en.txt", EN)
    ren = write(tmp / "hostile.txt", HOSTILE)
    return src, ren, compare_files(str(src), str(ren), models, CompareOptions("en", "en"))


def test_text_report_shows_no_raw_control_characters(cli_inproc, hostile):
    from aligner.reports import render

    src, ren, comparison = hostile
    rc, out, err = cli_inproc("compare", str(src), str(ren), "-f", "text")
    assert rc == 0, err
    assert "Evil Corp" in out  # the added sentence is reported...
    assert not TERMINAL_UNSAFE.search(out), repr(TERMINAL_UNSAFE.findall(out))  # ...defanged
    assert not TERMINAL_UNSAFE.search(err)
    for kwargs in ({"quiet": True}, {"color": True}):
        shown = render(comparison, "text", **kwargs)
        if kwargs.get("color"):  # the tool's own colour codes are fine, nothing else
            shown = re.sub(r"\x1b\[[0-9;]*m", "", shown)
        assert not TERMINAL_UNSAFE.search(shown), (kwargs, repr(TERMINAL_UNSAFE.findall(shown)))


def test_hostile_file_name_in_text_report(cli_inproc, tmp_path):
    name = tmp_path / "evil\x1b[31m\u202e.txt"
    write(name, EN)
    rc, out, err = cli_inproc("compare", str(write(tmp_path / "en.txt", EN)), str(name))
    assert rc == 0, err
    assert not TERMINAL_UNSAFE.search(out)
    assert not TERMINAL_UNSAFE.search(err)


def test_json_report_stays_valid_and_exact(hostile):
    from aligner.reports import render

    _, _, comparison = hostile
    out = render(comparison, "json")
    report = json.loads(out)
    assert report["rendition"]["text"] == HOSTILE
    assert report["summary"]["counts"]["added"] >= 1
    check_report_offsets(report)
    # Raw C0 controls never appear inside the JSON text (json escapes them).
    assert not re.search(r"[\x00-\x1f]", out.replace("\n", ""))


def test_json_keeps_unicode_line_separators_and_astral_characters(models):
    from aligner.reports import render

    text = "The army\u2028retook\u2029Rutba \ud7ff \U0001f4a3 on Saturday.\n"
    c = compare_documents(
        doc_of(EN, "en", models.config), doc_of(text, "en", models.config, "rendition"), models,
        CompareOptions("en", "en"),
    )  # fmt: skip
    report = json.loads(render(c, "json"))
    assert report["rendition"]["text"] == text
    check_report_offsets(report)


def _fake_report(texts: list[str]) -> dict:
    findings = []
    for k, t in enumerate(texts):
        findings.append(
            {
                "id": f"f{k + 1}", "type": "added", "severity": "high", "confidence": 0.9,
                "source_span": {"start": 0, "end": len(t), "text": t},
                "rendition_span": None, "cues": [t, "x"], "evidence": t,
            }
        )  # fmt: skip
    return {"findings": findings}


def _unescape_tsv(cell: str) -> str:
    """A cell's text: the formula guard (a leading apostrophe) dropped, escapes undone."""
    if cell.startswith("'") and cell[1:].startswith(("=", "+", "-", "@", "\\t", "\\r", "＝", "＋", "－", "＠")):
        cell = cell[1:]
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[m.group(1)], cell)


TSV_NASTY = [
    "tab\there",
    "new\nline",
    "cr\rlf\r\n",
    "back\\slash \\t not a tab",
    "\t\n\r\\",
    "quote \" and ' and =cmd|' /C calc'!A0",
]


def test_tsv_cells_escape_tabs_newlines_and_backslashes():
    from aligner.reports.tsv_report import COLUMNS, render_tsv

    out = render_tsv(_fake_report(TSV_NASTY))
    rows = out.split("\n")
    assert rows[-1] == ""
    rows = rows[:-1]
    assert len(rows) == len(TSV_NASTY) + 1
    assert "\r" not in out
    for k, row in enumerate(rows[1:]):
        cells = row.split("\t")
        assert len(cells) == len(COLUMNS)
        assert _unescape_tsv(cells[COLUMNS.index("source_text")]) == TSV_NASTY[k]
        assert _unescape_tsv(cells[COLUMNS.index("evidence")]) == TSV_NASTY[k]


def test_tsv_rows_survive_unicode_line_separators():
    """Readers that split on every Unicode line boundary (Python's str.splitlines,
    editors, many TSV loaders) must still see one row per finding: VT, FF, FS/GS/RS,
    NEL, U+2028 and U+2029 come from scraped pages and need escaping too."""
    from aligner.reports.tsv_report import render_tsv

    nasty = ["a\x0bb", "c\x0cd", "e\x1cf\x1dg\x1eh", "i\x85j", "k\u2028l", "m\u2029n"]
    out = render_tsv(_fake_report(nasty))
    assert len(out.splitlines()) == len(nasty) + 1


def test_tsv_report_of_hostile_text(hostile):
    from aligner.reports import render

    _, _, comparison = hostile
    out = render(comparison, "tsv")
    lines = out.split("\n")[:-1]
    assert len(lines) == len(comparison.findings) + 1 >= 2
    assert all(line.count("\t") == lines[0].count("\t") for line in lines)
    assert "\r" not in out


# --------------------------------------------------------------------------- output files


def _pair(tmp_path: Path) -> tuple[str, str]:
    return str(write(tmp_path / "fr.txt", FR)), str(write(tmp_path / "en.txt", EN))


def _leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def test_output_never_overwrites_an_input(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    for target, extra in ((src, ()), (ren, ("--force",))):
        rc, out, err = cli_inproc("compare", src, ren, "-o", target, *extra)
        assert_error(rc, out, err)
    link = tmp_path / "link.txt"
    link.symlink_to(src)
    assert_error(*cli_inproc("compare", src, ren, "-o", str(link), "--force"))
    assert Path(src).read_text(encoding="utf-8") == FR
    assert Path(ren).read_text(encoding="utf-8") == EN
    assert _leftovers(tmp_path, {"fr.txt", "en.txt", "link.txt"}) == []


def test_output_refuses_an_existing_file_without_force(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    out_file = write(tmp_path / "report.json", "precious\n")
    rc, out, err = cli_inproc("compare", src, ren, "-f", "json", "-o", str(out_file))
    assert_one_line_error(rc, out, err)
    assert "--force" in err
    assert out_file.read_text() == "precious\n"


def test_output_is_written_atomically_with_force(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    out_file = write(tmp_path / "report.json", "old report\n")
    rc, out, err = cli_inproc("compare", src, ren, "-f", "json", "-o", str(out_file), "--force")
    assert rc == 0, err
    assert out == ""
    json.loads(out_file.read_text(encoding="utf-8"))
    assert _leftovers(tmp_path, {"fr.txt", "en.txt", "report.json"}) == []
    fresh = tmp_path / "sub" / "new.json"
    rc, _, err = cli_inproc("compare", src, ren, "-f", "json", "-o", str(fresh))
    assert rc == 0, err
    assert json.loads(fresh.read_text(encoding="utf-8"))["schema"] == "aligner.report/1"
    assert _leftovers(fresh.parent, {"new.json"}) == []


def test_existing_report_untouched_when_the_run_fails(cli_inproc, tmp_path):
    src, _ = _pair(tmp_path)
    out_file = write(tmp_path / "report.json", "previous report\n")
    for bad in (str(tmp_path / "missing.txt"), make_bad_input(tmp_path, "png")):
        rc, out, err = cli_inproc("compare", src, bad, "-o", str(out_file), "--force")
        assert_one_line_error(rc, out, err)
        assert out_file.read_text() == "previous report\n"
    new_file = tmp_path / "never.json"
    assert_one_line_error(*cli_inproc("compare", src, str(tmp_path / "missing.txt"), "-o", str(new_file)))
    assert not new_file.exists()
    assert _leftovers(tmp_path, {"fr.txt", "en.txt", "report.json", "bad-png.txt"}) == []


def test_output_to_a_fifo_is_written_through_not_replaced(cli_inproc, tmp_path):
    """``-o /dev/stdout --force`` or a named pipe: the report goes into it. Renaming a
    temporary file over it would replace the pipe (as root, ``-o /dev/null --force``
    would replace the system's /dev/null with a regular file)."""
    src, ren = _pair(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        rc, _, err = cli_inproc("compare", src, ren, "-f", "json", "-o", str(fifo), "--force")
        assert rc == 0, err
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the named pipe was replaced by a regular file"
        data, _ = reader.communicate(timeout=10)
        assert json.loads(data)["schema"] == "aligner.report/1"
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()


# --------------------------------------------------------------------------- interrupts, cache

# Runs the real entry point, touching marker files when model loading and the
# comparison start, so a signal can be sent at a known stage.
STAGED_CLI = r"""
import os, pathlib, signal, sys
marker = pathlib.Path(sys.argv.pop(1))
import aligner.pipeline as p
_load, _compare = p.load_models, p.compare_documents
def load_models(*a, **k):
    marker.with_suffix(".loading").touch()
    return _load(*a, **k)
def compare_documents(*a, **k):
    marker.with_suffix(".running").touch()
    if os.environ.get("ALIGNER_TEST_SIGINT_IN_FINALIZER"):
        # Ctrl-C arriving while a finalizer runs (regex's Group.__del__ during a
        # garbage collection, say): Python prints "Exception ignored" and drops it.
        class Finalizer:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(10000):
                    pass
        Finalizer()
    return _compare(*a, **k)
p.load_models, p.compare_documents = load_models, compare_documents
sys.path.insert(0, REPO)
import cli
sys.argv[0] = "aligner"
cli.run()
""".replace("REPO", repr(str(REPO)))


def start_staged(marker: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", STAGED_CLI, str(marker), *args],
        cwd=REPO, env=cli_env(env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_until(condition, proc: subprocess.Popen, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended (rc {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"never reached: {what}")
        time.sleep(0.02)


def _copy_model_cache(built_cache: Path, dest: Path) -> Path:
    from aligner.encoder.offline_e5 import DEFAULT_DIR_NAME

    target = dest / "models" / DEFAULT_DIR_NAME
    shutil.copytree(built_cache / "models" / DEFAULT_DIR_NAME, target)
    return target


def _interrupt_problems(proc: subprocess.Popen, sig: signal.Signals, out_file: Path, what: str) -> tuple[list[str], str]:
    """What went wrong with an interrupted run (nothing, ideally), and its stderr."""
    _, err = proc.communicate(timeout=180)
    err = err.decode(errors="replace")
    problems = []
    if out_file.exists():
        problems.append(f"{what}: the run went on and wrote its report (exit {proc.returncode})")
    if sig == signal.SIGINT:
        if proc.returncode != 130:
            problems.append(f"{what}: exit {proc.returncode}, expected 130")
        if "interrupted" not in err:
            problems.append(f"{what}: no 'aligner: interrupted' on stderr")
        if "Traceback" in err:
            problems.append(f"{what}: a traceback on stderr")
    elif proc.returncode not in (-signal.SIGTERM, 128 + signal.SIGTERM):
        problems.append(f"{what}: exit {proc.returncode}, expected death by SIGTERM")
    if [p.name for p in out_file.parent.iterdir() if p.name.startswith(".")]:
        problems.append(f"{what}: temporary files left beside the report")
    return problems, err


@pytest.mark.slow
def test_damaged_cache_and_interrupted_runs(tmp_path, built_cache, run_cli):
    """A damaged model cache is detected (checksum, size), warned about and rebuilt;
    runs interrupted while rebuilding it and while comparing leave no report and no
    temp files; the next run works."""
    from aligner.encoder.offline_e5 import (
        DEFAULT_DIR_NAME,
        WEIGHTS_NAME,
        source_file,
        unusable_reason,
    )

    cache = tmp_path / "cache"
    target = _copy_model_cache(built_cache, cache)
    weights = target / WEIGHTS_NAME
    size = weights.stat().st_size
    assert unusable_reason(target, source_file()) is None
    # Same size, different bytes: the checksum catches it.
    with open(weights, "r+b") as fh:
        fh.seek(size // 2)
        chunk = fh.read(64)
        fh.seek(size // 2)
        fh.write(bytes(b ^ 0xFF for b in chunk))
    problem = unusable_reason(target, source_file())
    assert problem and "checksum" in problem
    # Truncated (an interrupted copy, a full disk): the size catches it.
    os.truncate(weights, size // 3)
    assert "truncated" in (unusable_reason(target, source_file()) or "")

    env = {"ALIGNER_CACHE": str(cache)}
    src, ren = _pair(tmp_path)
    builds = lambda: list(target.parent.glob(f".{DEFAULT_DIR_NAME}.build-*"))  # noqa: E731

    # 1. Ctrl-C while the damaged model is being rebuilt.
    out1 = tmp_path / "out1" / "out.json"
    out1.parent.mkdir()
    proc = start_staged(tmp_path / "m1", "compare", src, ren, "-f", "json", "-o", str(out1), env=env)
    wait_until(lambda: bool(builds()), proc, "the rebuild started")
    proc.send_signal(signal.SIGINT)
    problems, err = _interrupt_problems(proc, signal.SIGINT, out1, "SIGINT while rebuilding")
    assert problems == [], (problems, err)
    assert re.search(r"rebuild", err, re.I), err
    assert builds() == [], "an interrupted build left its temporary directory"

    # 2. Ctrl-C and SIGTERM while comparing (one of the runs rebuilds the model
    #    first), and a Ctrl-C that lands inside a finalizer, where Python drops the
    #    KeyboardInterrupt ("Exception ignored in __del__"): it must still stop the run.
    runs = []
    cases = [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)]
    for k, (sig, in_finalizer) in enumerate(cases, start=2):
        out = tmp_path / f"out{k}" / "out.json"
        out.parent.mkdir()
        marker = tmp_path / f"m{k}"
        run_env = {**env, "ALIGNER_TEST_SIGINT_IN_FINALIZER": "1"} if in_finalizer else env
        proc = start_staged(marker, "compare", src, ren, "-f", "json", "-o", str(out), env=run_env)
        runs.append((sig, in_finalizer, out, marker, proc))
    # Signal each run as soon as its comparison starts (not one after the other: a
    # run that started while we waited on another could finish before its signal).
    pending = [(sig, marker, proc) for sig, in_finalizer, _, marker, proc in runs if not in_finalizer]
    deadline = time.monotonic() + 180
    while pending:
        for item in list(pending):
            sig, marker, proc = item
            if marker.with_suffix(".running").exists():
                proc.send_signal(sig)
                pending.remove(item)
            elif proc.poll() is not None:
                raise AssertionError(f"the run ended (rc {proc.returncode}) before the comparison started")
        if time.monotonic() > deadline:
            raise AssertionError("never reached: the comparisons started")
        time.sleep(0.01)
    problems, errs = [], []
    for sig, in_finalizer, out, _, proc in runs:
        what = "SIGINT inside a finalizer" if in_finalizer else f"{sig.name} while comparing"
        found, err = _interrupt_problems(proc, sig, out, what)
        problems += found
        errs.append(err)
    assert problems == [], "\n".join([*problems, "--- stderr:", *errs])
    assert weights.stat().st_size == size
    assert unusable_reason(target, source_file()) is None

    # 3. The next run works, with no warning about the (now healthy) cache.
    rc, _, err = run_cli("compare", src, ren, "-f", "json", "-o", str(out1), env=env)
    assert rc == 0, err
    assert "rebuild" not in err
    assert json.loads(out1.read_text(encoding="utf-8"))["schema"] == "aligner.report/1"
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


# --------------------------------------------------------------------------- models command


def test_models_command_sees_the_built_offline_encoder(cli_inproc, built_cache):
    rc, out, err = cli_inproc("models", patch_models=False)
    assert rc == 0, err
    encoder_lines = out.split("translation")[0]
    assert "MISSING" not in encoder_lines, out
    assert "Traceback" not in err


def test_models_verify_rehashes_the_offline_encoder(cli_inproc, built_cache):
    rc, out, err = cli_inproc("models", "--verify", patch_models=False)
    assert rc == 0, err
    encoder_lines = out.split("translation")[0]
    assert "every checksum verified" in encoder_lines or "Hugging Face" in encoder_lines, out


# =========================================================================== round two
# One test per defect of issue 18 ("Reliability, round two"); each failed before.


def _no_load(*args, **kwargs):
    raise AssertionError("the model was loaded before the input was checked")


def test_input_read_through_stdin_is_never_overwritten(tmp_path):
    """``compare fr.txt - -o en.txt --force < en.txt`` used to replace en.txt."""
    src, ren = _pair(tmp_path)
    with open(ren, "rb") as stdin:
        proc = subprocess.run(
            cli_command("compare", src, "-", "-f", "json", "-o", ren, "--force"),
            cwd=REPO, env=cli_env(), stdin=stdin, capture_output=True, timeout=120,
        )  # fmt: skip
    assert_one_line_error(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    assert "standard input" in proc.stderr.decode()
    assert Path(ren).read_text(encoding="utf-8") == EN
    assert _leftovers(tmp_path, {"fr.txt", "en.txt"}) == []


def test_config_file_is_an_input_never_overwritten(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    config = write(tmp_path / "my.toml", "[findings]\nmin_span_confidence = 0.6\n")
    for command in (("compare", src, ren), ("sentences", src, ren)):
        rc, out, err = cli_inproc(*command, "--config", str(config), "-o", str(config), "--force", loader=_no_load)
        assert_one_line_error(rc, out, err)
        assert "my.toml" in err
    assert config.read_text() == "[findings]\nmin_span_confidence = 0.6\n"


REAL_SENTENCES = [
    "Related work included the characterization of materials for a Venus balloon envelope and its gondola.",
    "Comments from the residents of the province were collected by the commission over three months.",
    "Loading the trucks with food and medicine took the volunteers most of the night.",
    "Share prices fell sharply in Baghdad after the announcement of the new offensive.",
    "Subscribe to the service and you will be charged twice, the regulator warned on Monday.",
    "Advertisement revenue of the local newspapers collapsed during the war years.",
    "By 2020 the population of the province had doubled, according to the last census.",
    "Par ailleurs, le gouvernement a annoncé la reconstruction des routes de la province.",
]


@pytest.mark.parametrize("sentence", REAL_SENTENCES, ids=lambda s: s.split()[0])
def test_real_sentences_are_never_page_debris(sentence):
    from aligner.config import load_config

    config = load_config()
    lang = "fr" if sentence.startswith("Par") else "en"
    # Alone on its line, in a paragraph, and as the whole text.
    for text in (f"{sentence}\n", f"The army moved north. {sentence} The town fell.\n"):
        doc = doc_of(text, lang, config)
        flagged = [s.text for s in doc.sentences if s.boilerplate]
        assert flagged == [], flagged
    # A whole text of such sentences is a text, not "nothing besides page debris".
    doc = doc_of("\n".join(REAL_SENTENCES[:-1]) + "\n", "en", config, "rendition")
    assert not any(s.boilerplate for s in doc.sentences)


def test_short_standalone_debris_lines_are_still_debris():
    from aligner.config import load_config

    text = (
        "The Iraqi army retook the town of Rutba on Saturday after a week of fighting.\n"
        "By John Smith\nShare this article\nAdvertisement\nRelated posts\nLoading…\nSubscribe\n"
        "Comments (3)\nPar le comité de rédaction, le 3 février 2024\n"
    )
    doc = doc_of(text, "en", load_config())
    assert [s.boilerplate for s in doc.sentences] == [False] + [True] * 8


def test_tsv_cells_never_start_a_formula():
    from aligner.reports.tsv_report import COLUMNS, render_tsv, tsv_cell

    for bad in ("=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"):
        cell = tsv_cell(bad)
        assert cell.startswith("'"), cell
    assert tsv_cell("Rutba") == "Rutba" and tsv_cell(12) == "12" and tsv_cell(-3) == "-3"
    report = {
        "findings": [
            {
                "id": "f1", "type": "added", "severity": "high", "confidence": 0.9,
                "source_span": None,
                "rendition_span": {"start": 0, "end": 12, "text": "=cmd|'/C calc'!A0"},
                "cues": ["@cue"], "evidence": "-evidence",
            }
        ]
    }  # fmt: skip
    row = render_tsv(report).splitlines()[1].split("\t")
    assert row[COLUMNS.index("rendition_text")] == "'=cmd|'/C calc'!A0"
    assert row[COLUMNS.index("cues")] == "'@cue" and row[COLUMNS.index("evidence")] == "'-evidence"
    assert row[COLUMNS.index("rendition_start")] == "0"


def test_huge_input_is_refused_up_front_with_its_size(cli_inproc, tmp_path):
    big = tmp_path / "big.txt"
    sentence = "The Iraqi army retook the town of Rutba on Saturday after a week of fighting. "
    big.write_text(sentence * (20_000_000 // len(sentence)), encoding="utf-8")
    good = str(write(tmp_path / "en.txt", EN))
    for args in (("compare", str(big), good), ("sentences", "--presegmented", good, str(big)), ("words", str(big))):
        rc, out, err = cli_inproc(*args, loader=_no_load)
        assert_one_line_error(rc, out, err)
        assert "19,999," in err and "--max-chars" in err, err
    # The override is honoured: a small limit refuses a small file, 0 lifts it.
    rc, out, err = cli_inproc("compare", good, good, "--max-chars", "50", loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert f"{len(EN)} characters" in err


def test_a_megabyte_line_without_punctuation_is_refused(cli_inproc, tmp_path):
    line = tmp_path / "line.txt"
    line.write_text(("armée frontière soldats " * 45_000).strip() + "\n", encoding="utf-8")
    good = str(write(tmp_path / "en.txt", EN))
    rc, out, err = cli_inproc("compare", str(line), good, "--max-chars", "2000000", loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert "line 1" in err and "without a sentence end" in err


def test_progress_lines_when_stderr_is_not_a_terminal(cli_inproc, tmp_path):
    from aligner.progress import Heartbeat

    beat_config = write(tmp_path / "beat.toml", "[progress]\ninterval_seconds = 0.01\n")
    src, ren = _pair(tmp_path)

    def slow_loader(*args, **kwargs):
        time.sleep(0.2)
        return cli_loader_models()

    import cli

    with mock.patch.object(cli, "_heartbeat", lambda settings: Heartbeat(interval=settings.progress.interval_seconds)):
        rc, _, err = cli_inproc("sentences", src, ren, "--config", str(beat_config), loader=slow_loader)
    assert rc == 0, err
    assert "aligner: progress: loading models" in err
    assert re.search(r"aligner: progress: .*, \d+ s, peak memory \d+ MB", err)


@pytest.fixture(autouse=True)
def _no_progress_lines_in_process():
    """In-process runs write to a captured (non-terminal) stderr, where a slow machine
    would add progress lines before the one error line some tests expect exactly;
    the progress test turns them back on."""
    import cli
    from aligner.progress import Heartbeat

    with mock.patch.object(cli, "_heartbeat", lambda settings: Heartbeat(enabled=False)):
        yield


@pytest.fixture(autouse=True)
def _models_for_loaders(request):
    global _SESSION_MODELS
    if "cli_inproc" in request.fixturenames:
        _SESSION_MODELS = request.getfixturevalue("models")
    yield


_SESSION_MODELS = None


def cli_loader_models():
    return _SESSION_MODELS


def test_fifo_without_writer_and_devices_are_refused(run_cli, tmp_path):
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    good = str(write(tmp_path / "en.txt", EN))
    rc, out, err = run_cli("compare", str(fifo), good, timeout=60)
    assert_one_line_error(rc, out, err)
    assert "no program is writing" in err
    rc, out, err = run_cli("compare", "/dev/zero", good, timeout=60)
    assert_one_line_error(rc, out, err)
    assert "not a regular file" in err


def test_fifo_with_a_writer_is_read(tmp_path):
    from aligner.io.reading import read_text as read

    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"printf '%s' '{EN.strip()}' > '{fifo}'"])
    try:
        deadline = time.monotonic() + 10
        while True:  # wait until the writer has opened the pipe
            try:
                r = read(str(fifo))
                break
            except InputError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert r.text == EN.strip()
    finally:
        writer.wait(timeout=10)


# A run whose report write stops in fsync, so a signal lands during the write.
SLOW_WRITE_CLI = r"""
import os, pathlib, sys, time
marker = pathlib.Path(sys.argv.pop(1))
sys.path.insert(0, REPO)
import aligner.io.cache as cache
real_fsync = os.fsync
class _OS:
    def __getattr__(self, name):
        return getattr(os, name)
    def fsync(self, fd):
        marker.touch()
        time.sleep(60)
        real_fsync(fd)
cache.os = _OS()
import cli
sys.argv[0] = "aligner"
cli.run()
""".replace("REPO", repr(str(REPO)))


@pytest.mark.slow
def test_sigterm_and_sighup_during_the_report_write_leave_no_temp_file(tmp_path):
    src, ren = _pair(tmp_path)
    runs = []
    for sig in (signal.SIGTERM, signal.SIGHUP):
        out_dir = tmp_path / sig.name
        out_dir.mkdir()
        marker = tmp_path / f"{sig.name}.writing"
        proc = subprocess.Popen(
            [sys.executable, "-c", SLOW_WRITE_CLI, str(marker), "compare", src, ren, "-f", "json",
             "-o", str(out_dir / "out.json")],
            cwd=REPO, env=cli_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        runs.append((sig, out_dir, marker, proc))
    for sig, _, marker, proc in runs:
        wait_until(marker.exists, proc, "the report write")
        proc.send_signal(sig)
    for sig, out_dir, _, proc in runs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 128 + sig, (sig.name, proc.returncode, err)
        assert b"Traceback" not in err
        assert list(out_dir.iterdir()) == [], f"{sig.name}: {list(out_dir.iterdir())}"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[sentence_alignment]\ngap = -0.5\n", "[sentence_alignment] gap"),
        ("[sentence_alignment]\nsplit_cost = -1\n", "[sentence_alignment] split_cost"),
        ("[sentence_alignment]\nband = 0\n", "[sentence_alignment] band"),
        ("[sentence_alignment]\nband = \"wide\"\n", "[sentence_alignment] band"),
        ("[encoder]\nlayer = \"seven\"\n", "[encoder] layer"),
        ("[encoder]\nbatch_tokens = 1.5\n", "[encoder] batch_tokens"),
        ("[findings]\nmin_span_confidence = 2\n", "[findings] min_span_confidence"),
        ("[word_alignment]\nmethod = \"best\"\n", "[word_alignment] method"),
        ("[word_alignment]\ncenter = \"yes\"\n", "[word_alignment] center"),
        ("[boilerplate]\npatterns = [\"(unclosed\"]\n", "[boilerplate] patterns"),
        ("[limits]\nmax_chars = -1\n", "[limits] max_chars"),
        ("[translation]\nnum_beams = 0\n", "num_beams"),
        ("[sentence_alignment]\nband_source = \"diagonal\"\n", "[sentence_alignment] band_source"),
        ("[sentence_alignment.background]\nsentences = [1, 2]\n", "[sentence_alignment.background] sentences"),
        ("[findings]\nnearby_span_share = 1.5\n", "[findings] nearby_span_share"),
        ("[claims]\nmodal_gap = \"large\"\n", "[claims] modal_gap"),
        ("[confidence]\n\"cue:softened\" = 80\n", "[confidence] cue:softened"),
        ("[trace]\nmin_clause_words = 0\n", "[trace] min_clause_words"),
        ("[audit]\ncross_min_similarity = \"high\"\n", "[audit] cross_min_similarity"),
        ("sentence_alignment = 3\n", "[sentence_alignment]"),
    ],
)
def test_bad_config_values_stop_before_any_model_loads(cli_inproc, tmp_path, toml, key):
    config = write(tmp_path / "c.toml", toml)
    src, ren = _pair(tmp_path)
    for command in (("compare", src, ren), ("words", src), ("models",)):
        rc, out, err = cli_inproc(*command, "--config", str(config), loader=_no_load)
        assert_one_line_error(rc, out, err)
        assert key in err, err


def test_unknown_config_keys_are_warned_about(cli_inproc, tmp_path):
    config = write(tmp_path / "c.toml", "[sentence_alignment]\ngapp = 0.3\n[sentense_alignment]\ngap = 1\n")
    rc, _, err = cli_inproc("models", "--config", str(config), patch_models=False)
    assert rc == 0, err
    assert "aligner: warning: config file" in err
    assert "[sentence_alignment] gapp" in err and "[sentense_alignment]" in err


def test_every_stage_section_of_the_config_is_known(cli_inproc, tmp_path):
    """A user file setting keys of every stage (claims, confidence, findings, sentence
    alignment and its background sentences, audit, trace) is not warned about."""
    config = write(
        tmp_path / "c.toml",
        "[claims]\nmodal_gap = 0.4\nvowels = \"aeiou\"\n[confidence]\n\"cue:softened\" = 0.8\n"
        "[findings]\nmin_plain_span_words = 2\nnearby_window = 1\nnearby_span_share = 0.5\n"
        "nearby_sentence_share = 0.6\nmin_confidence = 0.3\n"
        "[sentence_alignment]\nbackground_weight = 1.0\nbackground_scale = 0.9\nlength_weight = 0.0\n"
        "band_source = \"anchors\"\n[sentence_alignment.background]\nsentences = [\"A plain sentence.\"]\n"
        "[audit]\ncross_min_similarity = 0.9\n[trace]\nclause_marks = [\",\"]\nmin_clause_words = 2\n"
        "dropped_share = 0.4\nshared_similarity = 0.8\n",
    )
    rc, _, err = cli_inproc("models", "--config", str(config), patch_models=False)
    assert rc == 0, err
    assert "warning: config file" not in err, err


def _copy_pair(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / "pairs" / name
    shutil.copytree(REPO / "samples" / "planted-fr_en", dest)
    return dest


def test_regress_reports_broken_pairs_and_goes_on(cli_inproc, tmp_path):
    _copy_pair(tmp_path, "b-good")
    (_copy_pair(tmp_path, "a-no-expected") / "expected.json").unlink()
    write(_copy_pair(tmp_path, "c-broken-manifest") / "manifest.toml", "source = 'fr.txt'\nrendition = [1\n")
    write(_copy_pair(tmp_path, "d-wrong-type") / "manifest.toml", "source = 'fr.txt'\nrendition = 'en.txt'\nmin_precision = 'high'\n")
    write(_copy_pair(tmp_path, "e-bad\x1b[2Jname") / "expected.json", "{not json")
    rc, out, err = cli_inproc("regress", str(tmp_path / "pairs"), "--no-translate")
    assert rc == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert re.search(r"^FAIL a-no-expected: not run\n .*a-no-expected/expected.json: missing", out, re.M), out
    assert re.search(r"^FAIL c-broken-manifest: not run\n .*c-broken-manifest/manifest.toml", out, re.M), out
    assert "min_precision" in out
    assert re.search(r"^ok   b-good: relation rendition", out, re.M), out
    assert "\x1b" not in out and "e-bad\\x1b[2Jname" in out
    assert out.rstrip().endswith("1 passed, 4 failed")


@pytest.mark.parametrize("line", ["a b ||| c d ||| e", "||| x |||", "a ||| b |||"])
def test_words_line_with_two_separators_is_refused_with_its_line_number(cli_inproc, tmp_path, line):
    f = write(tmp_path / "pairs.txt", f"the army ||| l' armée\n{line}\n")
    rc, out, err = cli_inproc("words", str(f), loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert "pairs.txt:2:" in err


def test_words_layer_is_its_own_and_leaves_the_shared_encoder_alone(cli_inproc, models, tmp_path):
    """`aligner words --layer` (and the config's pretokenized_layer) picks the word layer
    for its own run only: the models it is handed (shared, in a server or a test
    session) keep their layer for every later stage."""
    from aligner.io.pretokenized import align_pairs, parse_pairs, pharaoh

    text = "the army left the town ||| l' armée a quitté la ville\nthe town ||| la ville\n"
    f = write(tmp_path / "pairs.txt", text)
    before = models.encoder.layer
    rc, out, err = cli_inproc("words", str(f), "--layer", "2")
    assert rc == 0, err
    assert models.encoder.layer == before
    pairs = list(parse_pairs(text.splitlines()))
    # The library takes token type and centring from the configuration, as the command does.
    expected = [pharaoh(links) for links in align_pairs(models.encoder, pairs, "argmax", layer=2)]
    assert out.splitlines() == expected
    rc, out, err = cli_inproc("words", str(f))
    assert rc == 0, err
    assert models.encoder.layer == before


def test_html_entities_are_decoded_once(tmp_path):
    from aligner.io.reading import html_to_text

    page = "<html><body><p>Use &amp;lt;b&amp;gt; for bold &amp;amp; more, 5 &lt; 6.</p></body></html>"
    assert html_to_text(page).strip() == "Use &lt;b&gt; for bold &amp; more, 5 < 6."
    r = read_text(str(write(tmp_path / "p.html", page)))
    assert "<b>" not in r.text and "&lt;b&gt;" in r.text


def test_binary_content_is_detected_over_the_whole_input(tmp_path):
    text = (EN * 200).encode()
    assert len(text) > 8192
    for data in (text + b"\x00\x01\x02 end", text[:9000] + b"\x00" + text[9000:]):
        with pytest.raises(InputError, match="binary"):
            read_text(str(write(tmp_path / "nul.txt", data)))
    rng = random.Random(7)
    noise = bytes(rng.randint(0x20, 0xFF) for _ in range(4000))
    with pytest.raises(InputError, match="binary data"):
        read_text(str(write(tmp_path / "noise.txt", noise)))
    # 8-bit text with accents is still text.
    assert read_text(str(write(tmp_path / "l1.txt", LATIN1_TEXT.encode("latin-1")))).text == LATIN1_TEXT


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_read(tmp_path, encoding):
    r = read_text(str(write(tmp_path / "in.txt", FR.encode(encoding))))
    assert r.text == FR and r.encoding == encoding
    assert "byte-order mark" in r.warnings[0]


def test_bomless_utf16_that_cannot_be_recognised_says_so(tmp_path):
    with pytest.raises(InputError, match=r"UTF-16/32 (text )?without a byte-order mark"):
        read_text(str(write(tmp_path / "ar.txt", AR.replace(" ", "").replace("\n", "").encode("utf-16-le"))))


def test_read_only_output_directory_is_refused_before_the_comparison(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    if os.geteuid() == 0:  # permission bits do not stop root; sysfs refuses new files
        target = "/sys/aligner-report.json"
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        target = str(ro / "report.json")
    rc, out, err = cli_inproc("compare", src, ren, "-o", target, loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert "not writable" in err


def test_disk_full_long_name_and_empty_output_name_are_one_line(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    rc, out, err = cli_inproc("compare", src, ren, "-o", "/dev/full", "--force")
    assert_one_line_error(rc, out, err)
    assert "no space left" in err
    for target, message in ((str(tmp_path / ("n" * 300 + ".json")), "too long"), ("", "empty file name")):
        rc, out, err = cli_inproc("compare", src, ren, "-o", target, loader=_no_load)
        assert_one_line_error(rc, out, err)
        assert message in err
    assert _leftovers(tmp_path, {"fr.txt", "en.txt"}) == []


def test_unusable_cache_directory_is_one_line(run_cli, tmp_path):
    src, ren = _pair(tmp_path)
    not_a_dir = write(tmp_path / "cache-file", "x")
    rc, out, err = run_cli("compare", src, ren, env={"ALIGNER_CACHE": str(not_a_dir)})
    assert_error(rc, out, err)  # progress lines may precede it on a slow machine
    assert "cache directory" in err and "ALIGNER_CACHE" in err


@pytest.mark.parametrize("junk", ["bad-json", "random-weights", "empty"])
def test_encoder_directory_of_junk_files_is_one_line(cli_inproc, tmp_path, junk):
    d = tmp_path / "enc"
    d.mkdir()
    if junk == "bad-json":
        write(d / "config.json", "{x")
    elif junk == "random-weights":
        write(d / "config.json", '{"model_type": "bert"}')
        write(d / "tokenizer.json", "{}")
        write(d / "model.safetensors", random.Random(3).randbytes(1000))
    src, ren = _pair(tmp_path)
    rc, out, err = cli_inproc("compare", src, ren, "--encoder", str(d), patch_models=False)
    assert_one_line_error(rc, out, err)
    assert "enc" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--device", "mps", "compare"), "--device mps"),
        (("--device", "cuda:x", "compare"), "--device cuda:x"),
        (("compare", "--mt-model", "/no/such/path"), "--mt-model /no/such/path"),
        (("compare", "--encoder", "./no/such/dir"), "--encoder ./no/such/dir"),
    ],
)
def test_bad_device_and_missing_model_paths_are_errors(cli_inproc, tmp_path, args, message):
    src, ren = _pair(tmp_path)
    rc, out, err = cli_inproc(*args, src, ren, loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert message in err


def test_models_rejects_what_compare_rejects(cli_inproc):
    for args in (("--lang", "zz"), ("--mt-model", "/no/such/path")):
        rc, out, err = cli_inproc("models", *args, patch_models=False)
        assert_one_line_error(rc, out, err)


@pytest.mark.parametrize(
    "args",
    [("compare", "only-one.txt"), ("compare", "a", "b", "-f", "nope"), ("nosuchcommand",), ("compare", "a", "b", "--bogus")],
)
def test_usage_errors_are_one_line(cli_inproc, args):
    rc, out, err = cli_inproc(*args, loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert "--help" in err


def test_bare_command_still_shows_the_help(cli_inproc):
    rc, out, err = cli_inproc(loader=_no_load)
    assert rc == 2 and "Commands:" in out + err and "compare" in out + err


def test_python_warnings_are_one_line_messages(cli_inproc, tmp_path):
    """The cache-rebuild notice is a RuntimeWarning in the library: on the command
    line it is one ``aligner: warning:`` line, without the warning class or source line."""
    import warnings

    def rebuilding_loader(*args, **kwargs):
        warnings.warn("offline e5 model in /x is unusable (truncated); rebuilding it", RuntimeWarning, stacklevel=2)
        return cli_loader_models()

    src, ren = _pair(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        rc, _, err = cli_inproc("sentences", src, ren, loader=rebuilding_loader)
    assert rc == 0, err
    assert err.splitlines() == ["aligner: warning: offline e5 model in /x is unusable (truncated); rebuilding it"]


def test_file_names_in_messages_never_drive_the_terminal(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    hostile = write(tmp_path / "out\x1b[2J\x07.json", "old")
    rc, out, err = cli_inproc("compare", src, ren, "-o", str(hostile), loader=_no_load)
    assert_one_line_error(rc, out, err)
    assert "\x1b" not in err and "\x07" not in err and "\\x1b[2J" in err
    debris = write(tmp_path / "debris\x1b]0;pwned\x07.txt", "Share this\nhttps://x.org\n")
    rc, out, err = cli_inproc("compare", src, str(debris))
    assert_one_line_error(rc, out, err)
    assert "\x1b" not in err and "\x07" not in err


def test_reports_honour_the_umask_and_force_keeps_the_mode(cli_inproc, tmp_path):
    src, ren = _pair(tmp_path)
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        rc, _, err = cli_inproc("compare", src, ren, "-f", "json", "-o", str(fresh))
        assert rc == 0, err
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = write(tmp_path / "kept.json", "old")
        kept.chmod(0o640)
        rc, _, err = cli_inproc("compare", src, ren, "-f", "json", "-o", str(kept), "--force")
        assert rc == 0, err
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
        json.loads(kept.read_text(encoding="utf-8"))
    finally:
        os.umask(old)
