"""Reading: encodings, binary detection, HTML extraction, clear errors."""

from __future__ import annotations

import codecs

import pytest

from aligner.errors import InputError
from aligner.io.reading import html_to_text, read_text

TEXT = "L'armée irakienne a affronté « ISIS » le 3 février.\n"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings_decode_to_the_same_text(tmp_path, encoded, encoding):
    p = tmp_path / "a.txt"
    p.write_bytes(encoded)
    r = read_text(str(p))
    assert r.text == TEXT
    assert r.encoding == encoding
    assert r.warnings == []


def test_latin1_and_cp1252_fall_back_with_a_warning(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("Les “États-Unis” – déjà".encode("cp1252"))
    r = read_text(str(p))
    assert r.text == "Les “États-Unis” – déjà"
    assert r.encoding == "windows-1252"
    assert "not valid UTF-8" in r.warnings[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"PK\x03\x04\x14\x00\x00", "zip"),
        (b"abc\x00\x00\x00def" * 10, "binary"),
    ],
)
def test_bad_files_are_one_clear_error(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_text(str(p))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="directory"):
        read_text(str(tmp_path))


def test_html_is_reduced_to_visible_text_without_tags():
    page = "<html><head><title>T</title><script>alert(1)</script></head><body><p>Hello &amp; <b>bye</b></p><div>Next</div></body></html>"
    text = html_to_text(page)
    assert "alert" not in text
    assert "<" not in text
    assert "Hello & bye" in text
    assert "Next" in text
