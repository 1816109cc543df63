"""Reading input files into text, with the offsets every later stage relies on.

Decoding order: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); otherwise strict UTF-8;
otherwise Windows-1252, then Latin-1, each with a warning, since a wrongly guessed
8-bit encoding silently changes names and numbers. The BOM is not part of the text.
HTML is reduced to its visible text (scripts and styles dropped, block elements become
line breaks) so that tags are never echoed and never count as words; offsets then
refer to that extracted text, which the JSON report carries.
"""

from __future__ import annotations

import codecs
import html
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .cache import sha256_bytes
from .errors import InputError

MAX_BYTES = 64 * 1024 * 1024

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a zip archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"RIFF", "a RIFF media file"),
    (b"ID3", "an MP3 file"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x01\x00", "an icon file"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class ReadText:
    """Decoded text of one input with how it was obtained."""

    text: str
    path: str
    encoding: str
    sha256: str
    format: str = "text"
    warnings: list[str] = field(default_factory=list)


def _describe(path: str) -> str:
    return "standard input" if path == "-" else path


def _read_bytes(path: str) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, not a text file")
        try:
            with open(p, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except PermissionError:
            raise InputError(f"{path}: permission denied") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{_describe(path)}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def _binary_kind(data: bytes) -> str | None:
    """Name what kind of binary file this is, or None for text."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if not head:
        return None
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    if b"\x00" in head:
        # UTF-16/32 without a BOM is rare in practice; NUL bytes in 8-bit text never are.
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def decode(data: bytes, path: str = "-") -> tuple[str, str, list[str]]:
    """Decode bytes to text; returns (text, encoding, warnings)."""
    warnings: list[str] = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), enc, warnings
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{_describe(path)}: starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason})"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        enc = "windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        enc = "latin-1"
    warnings.append(
        f"{_describe(path)}: not valid UTF-8; read as {enc} (check accented letters and quotes)"
    )
    return text, enc, warnings


class _TextExtractor(HTMLParser):
    """Collects visible text; block-level tags become line breaks."""

    _BLOCK = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer "
        "blockquote pre hr title dt dd figcaption nav aside main form".split()
    )
    _SKIP = frozenset(["script", "style", "noscript", "template", "svg", "head"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)


def looks_like_html(text: str, path: str) -> bool:
    return path.lower().endswith((".html", ".htm", ".xhtml")) or bool(_HTML_SNIFF.match(text[:1000]))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block per line, whitespace tidied."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    raw = html.unescape("".join(parser.parts))
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in raw.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def read_text(path: str) -> ReadText:
    """Read and decode one input (``-`` is standard input); raise InputError on bad input."""
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(f"{_describe(path)}: empty file")
    kind = _binary_kind(data)
    if kind:
        raise InputError(f"{_describe(path)}: looks like {kind}, not text")
    text, encoding, warnings = decode(data, path)
    fmt = "text"
    if looks_like_html(text, path):
        text = html_to_text(text)
        fmt = "html"
    elif path.lower().endswith((".md", ".markdown")):
        fmt = "markdown"
    if not text.strip():
        raise InputError(f"{_describe(path)}: contains no text")
    return ReadText(text=text, path=path, encoding=encoding, sha256=sha256_bytes(data), format=fmt, warnings=warnings)
