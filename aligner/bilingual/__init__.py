"""Bilingual files translators work with: XLIFF 1.2, XLIFF 2.x, TMX 1.4, PO, CSV/TSV.

:func:`read_bilingual` reads any of them into a :class:`~aligner.bilingual.model.BilingualFile`
(segment pairs with plain text, inline codes set aside, offsets into each segment's
text). XML is parsed safely (:mod:`aligner.bilingual.safexml`). Everything here runs
before any model loads, so a bad or hostile file is refused in well under a second.
"""

from __future__ import annotations

from ..errors import InputError
from ..io.cache import sha256_bytes
from ..io.reading import _binary_kind, _describe, _read_bytes, decode
from .model import BilingualFile, InlineCode, SegmentPair

__all__ = ["FORMATS", "BilingualFile", "InlineCode", "SegmentPair", "read_bilingual"]

FORMATS = ("xliff1", "xliff2", "tmx", "po", "csv", "tsv")
_XML_EXT = (".xlf", ".xliff", ".sdlxliff", ".mqxliff", ".xlz", ".tmx", ".xml")


def _read_xml(data: bytes, path: str) -> BilingualFile:
    from .safexml import parse_xml

    doc = parse_xml(data, _describe(path))
    root = doc.root
    if root.name == "xliff":
        version = root.attrs.get("version", "")
        if root.ns.startswith("urn:oasis:names:tc:xliff:document:2") or version.startswith("2"):
            from .xliff2 import read_xliff2

            result = read_xliff2(doc)
        else:
            from .xliff1 import read_xliff1

            result = read_xliff1(doc)
    elif root.name == "tmx":
        from .tmx import read_tmx

        result = read_tmx(doc)
    else:
        raise InputError(f"{_describe(path)}: an XML file whose root is <{root.name}>, not XLIFF or TMX")
    return result


def read_bilingual(path: str) -> BilingualFile:
    """Read a bilingual file; InputError (one line) for anything unusable."""
    name = _describe(path)
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(f"{name}: empty file")
    lower = path.lower()
    head = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if lower.endswith(_XML_EXT) or head.startswith(b"<"):
        result = _read_xml(data, path)
    else:
        kind = _binary_kind(data)
        if kind:
            hint = " (Word documents are monolingual: compare two of them with `aligner compare`)" if data.startswith(b"PK") else ""
            raise InputError(f"{name}: looks like {kind}, not a bilingual file{hint}")
        text, _, warnings = decode(data, path)
        if lower.endswith((".po", ".pot")) or text.lstrip().startswith(("msgid", "#")):
            from .po import read_po

            result = read_po(text, name)
        else:
            from .tabular import read_tabular

            result = read_tabular(text, name)
        result.warnings.extend(warnings)
    if not result.segments:
        raise InputError(f"{name}: no segment pairs found (nothing to audit)")
    result.sha256 = sha256_bytes(data)
    return result
