"""Reading input files into text, with the offsets every later stage relies on.

Decoding order: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); otherwise strict UTF-8;
otherwise, when the bytes are UTF-8 apart from a few broken sequences (a truncated
download, one mangled character), UTF-8 with those bytes replaced by U+FFFD; otherwise
Windows-1252, then Latin-1. Every fallback comes with a warning, since a wrongly
guessed 8-bit encoding silently changes names and numbers. The BOM is not part of the
text. UTF-16/32 without a BOM is recognised by its pattern of zero bytes when the text
has enough ASCII (spaces, digits, Latin letters); otherwise the error says what to do.
Binary content is looked for over the whole input, not only its first bytes: a NUL
byte anywhere, many control bytes, or bytes that are mostly non-ASCII and not UTF-8.
Only regular files and standard input are read: a FIFO nobody writes to would wait
forever, a device never ends.
HTML is reduced to its visible text (scripts and styles dropped, block elements become
line breaks) so that tags are never echoed and never count as words; offsets then
refer to that extracted text, which the JSON report carries.
"""

from __future__ import annotations

import codecs
import html
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..config import LimitsSettings
from ..errors import InputError, terminal_safe
from .cache import sha256_bytes

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
    """The input's name for messages; control characters in a file name are shown as
    escapes so that an error line stays one harmless line on a terminal."""
    if path == "-":
        return "standard input"
    return terminal_safe(path)


def _read_fifo(path: str, name: str) -> bytes:
    """Read a named pipe or an anonymous one (``<(command)``) that has a writer;
    refuse one without a writer at once instead of waiting forever for it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        try:
            first = os.read(fd, 65536)
        except BlockingIOError:  # a writer is there, with nothing written yet
            first = None
        if first == b"":
            raise InputError(f"{name}: a named pipe that no program is writing to")
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as fh:
            rest = fh.read(MAX_BYTES + 1 - len(first or b""))
        return (first or b"") + rest
    finally:
        os.close(fd)


def _read_bytes(path: str) -> bytes:
    name = _describe(path)
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
        if stream is None:
            raise InputError("standard input is not available (closed)")
        try:
            data = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(f"standard input cannot be read ({exc.strerror or exc})") from None
    else:
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            raise InputError(f"{name}: no such file") from None
        except PermissionError:
            raise InputError(f"{name}: permission denied") from None
        except ValueError:  # a NUL byte in the name
            raise InputError(f"{name}: not a valid file name") from None
        except OSError as exc:  # name too long, symlink loop, ...
            raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name}: is a directory, not a text file")
        if stat.S_ISFIFO(info.st_mode):
            data = _read_fifo(path, name)
            if len(data) > MAX_BYTES:
                raise InputError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
            return data
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: not a regular file (a device or socket); give a file, or '-' for standard input")
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except PermissionError:
            raise InputError(f"{name}: permission denied") from None
        except IsADirectoryError:
            raise InputError(f"{name}: is a directory, not a text file") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{_describe(path)}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_HIGH_BYTES = bytes(range(128, 256))
_LOW_BYTES = bytes(range(128))


def _binary_kind(data: bytes) -> str | None:
    """Name what kind of binary file this is, or None for text. The whole input is
    looked at: binary data often starts with a text header."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    if not data:
        return None
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    if b"\x00" in data:
        if _bomless_unicode(data) is not None:
            return None
        return "binary data (NUL bytes; for UTF-16/32 text without a byte-order mark, add one or convert it to UTF-8)"
    controls = len(data.translate(None, _NOT_CONTROL))
    if controls / len(data) > 0.05:
        return "binary data (control bytes)"
    return None


def _bomless_unicode(data: bytes) -> str | None:
    """The UTF-16/32 variant of BOM-less ``data``, recognised by where its zero bytes
    fall (every ASCII character has them in fixed places), or None."""
    n = len(data)
    if n < 4 or n % 2:
        return None
    zeros = [data[k::4].count(0) for k in range(4)]
    quarter, half = n // 4, n // 2
    candidates = []
    if n % 4 == 0 and quarter:
        if zeros[3] == quarter and zeros[2] >= 0.9 * quarter:
            candidates.append("utf-32-le")
        if zeros[0] == quarter and zeros[1] >= 0.9 * quarter:
            candidates.append("utf-32-be")
    odd, even = zeros[1] + zeros[3], zeros[0] + zeros[2]
    if odd >= 0.2 * half and even <= 0.01 * half:
        candidates.append("utf-16-le")
    if even >= 0.2 * half and odd <= 0.01 * half:
        candidates.append("utf-16-be")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for ch in text if not ch.isprintable() and ch not in "\t\n\r\f")
        if "\x00" not in text and bad <= 0.01 * len(text):
            return enc
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
    if b"\x00" in data:
        enc = _bomless_unicode(data)
        if enc is not None:
            warnings.append(f"{_describe(path)}: no byte-order mark; read as {enc.upper()} from its zero bytes")
            return data.decode(enc), enc, warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    repaired = _mostly_utf8(data)
    if repaired is not None:
        text, bad = repaired
        warnings.append(
            f"{_describe(path)}: not valid UTF-8 at {bad} place(s) (first at byte {first_bad}); "
            "read as UTF-8 with those bytes replaced by U+FFFD"
        )
        return text, "utf-8", warnings
    high = len(data.translate(None, _LOW_BYTES))
    if high > 0.3 * len(data):
        # 8-bit text in a Latin script is mostly ASCII; random bytes, compressed data
        # and text in another script (Cyrillic, Greek, BOM-less UTF-16) are not.
        raise InputError(
            f"{_describe(path)}: not UTF-8 and {high / len(data):.0%} of its bytes are non-ASCII: binary data, "
            "or text in an encoding the tool cannot guess (an 8-bit code page of a non-Latin script, "
            "UTF-16/32 without a byte-order mark); convert it to UTF-8"
        )
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


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """UTF-8 with U+FFFD for the broken sequences, and how many there were, when the
    bytes are clearly UTF-8 apart from those; None when an 8-bit code page fits better.

    Text in an 8-bit code page almost never contains a valid multi-byte UTF-8 sequence
    (it would take "Ã©"-like letter pairs), while a UTF-8 file with a damaged byte has
    many valid ones around it. Decoding that file as Windows-1252 would turn every
    accented letter and curly quote into mojibake to save one broken character."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # literal U+FFFD stays
    valid_multibyte = sum(1 for ch in text if ord(ch) >= 0x80) - bad
    if bad and valid_multibyte >= bad:
        return text, bad
    return None


class _TextExtractor(HTMLParser):
    """Collects visible text; block-level tags become line breaks."""

    _BLOCK = frozenset(
        {
            "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
            "table", "section", "article", "header", "footer", "blockquote", "pre", "hr",
            "title", "dt", "dd", "figcaption", "nav", "aside", "main", "form",
        }
    )  # fmt: skip
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

    def close(self) -> None:
        # Markup left unfinished at the end (a comment, a tag with an open quote, a
        # CDATA section never closed) would be flushed as text, tags and all; a
        # browser hides it (the comment or attribute runs to the end), so do we.
        if self.rawdata.lstrip().startswith("<"):
            self.rawdata = ""
        super().close()


_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I)


def looks_like_html(text: str, path: str) -> bool:
    return path.lower().endswith((".html", ".htm", ".xhtml")) or bool(_HTML_SNIFF.match(text[:1000]))


_FALLBACK_SKIP = re.compile(r"<(script|style|noscript|template|svg|head)\b.*?(?:</\1\s*>|\Z)", re.I | re.S)
_FALLBACK_BLOCK = re.compile(
    r"</?(?:" + "|".join(sorted(_TextExtractor._BLOCK)) + r")\b[^>]*>", re.I
)
_FALLBACK_TAG = re.compile(r"<!--.*?(?:-->|\Z)|<[!?/]?[A-Za-z][^>]*>|<!\[.*?(?:\]\]>|\Z)", re.S)


def _html_parts(markup: str) -> str:
    """Visible text with tags removed and character references decoded, by the HTML
    parser; a page the parser gives up
    on (it raises on some malformed markup, e.g. an unknown ``<![...[`` section) is
    stripped with regular expressions instead, so a bad page is never a crash."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
        return "".join(parser.parts)
    except Exception:  # html.parser raises AssertionError and others on bad markup
        text = _FALLBACK_SKIP.sub(" ", markup)
        text = _FALLBACK_BLOCK.sub("\n", text)
        return html.unescape(_FALLBACK_TAG.sub(" ", text))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block per line, whitespace tidied."""
    # Character references are decoded once, by the parser (``&amp;lt;`` is the text
    # ``&lt;``, not a tag).
    raw = _html_parts(markup)
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
    from ..bilingual.docx import docx_text, is_docx

    if is_docx(data, path):  # Word: paragraph text (aligner/bilingual/docx.py)
        text = docx_text(data, _describe(path))
        if not text.strip():
            raise InputError(f"{_describe(path)}: contains no text")
        return ReadText(text=text, path=path, encoding="docx", sha256=sha256_bytes(data), format="docx")
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


_SENTENCE_END = re.compile(r"[.!?…。！？؟۔]")


def longest_unbroken(text: str) -> tuple[int, int]:
    """(length, line number) of the longest stretch without a sentence end: no
    ``. ! ?`` and no line break, except the break of a hard-wrapped paragraph (a long
    line without final punctuation followed by one in lower case), which the
    segmenter joins into one sentence too."""
    best = (0, 0)
    run = 0
    prev = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            run, prev = 0, ""
            continue
        wrapped = run and len(prev) >= 40 and not _SENTENCE_END.match(prev[-1]) and line[0].islower()
        if not wrapped:
            run = 0
        pieces = _SENTENCE_END.split(line)
        run += len(pieces[0])
        best = max(best, (run, number))
        for piece in pieces[1:]:
            run = len(piece)
            best = max(best, (run, number))
        prev = line
    return best


def check_one_stdin(paths: list[str], message: str) -> None:
    """Standard input (``-``) can be read once: ``message`` when it is named twice."""
    if paths.count("-") > 1:
        raise InputError(message)


def read_within_limits(path: str, limits: LimitsSettings, max_chars: int | None = None, *, sentences: bool = False) -> ReadText:
    """Read one input and refuse it up front when it is far too large: more than
    ``max_chars`` characters (None: ``limits.max_chars`` of ``[limits]``, or
    ``limits.sentences_max_chars`` for the ``sentences`` command, which aligns
    sentences only and takes longer texts), or an unbroken run longer than
    ``limits.max_sentence_chars`` (checked only where there is a length limit)."""
    key = "sentences_max_chars" if sentences else "max_chars"
    read = read_text(path)
    limit = getattr(limits, key) if max_chars is None else max_chars
    check_size(read, limit, limits.max_sentence_chars if limit else 0, key)
    return read


def check_size(read: ReadText, max_chars: int, max_sentence_chars: int, key: str = "max_chars") -> None:
    """Refuse, before any model loads, an input far beyond what a comparison finishes
    in reasonable time and memory (0 = no limit). The message gives the size and the
    ``--max-chars`` override."""
    name = _describe(read.path)
    size = len(read.text)
    if max_chars and size > max_chars:
        raise InputError(
            f"{name}: {size:,} characters, more than the limit of {max_chars:,} ([limits] {key}); "
            f"a comparison this long would run for hours: split the text, or pass --max-chars {size} to try anyway"
        )
    if max_sentence_chars and size > max_sentence_chars:
        length, line = longest_unbroken(read.text)
        if length > max_sentence_chars:
            raise InputError(
                f"{name}: line {line} runs {length:,} characters without a sentence end (limit "
                f"{max_sentence_chars:,}, [limits] max_sentence_chars); a sentence that long cannot be "
                "word-aligned in bounded memory: add punctuation or line breaks"
            )
