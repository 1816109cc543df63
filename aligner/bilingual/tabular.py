"""CSV and TSV files of segment pairs, as spreadsheets and TM exports have them.

With a header row, columns are found by name: ``id``/``key``/``segment``/``unit`` for
the id, ``source``/``src``/``original`` and ``target``/``tgt``/``translation`` for
the texts, or two language codes (``fr``, ``en-GB``: the first is the source, and the
codes become the languages). Without a header the first column is the source, the
second the target, and ids are row numbers. The delimiter is a tab for ``.tsv`` (or
when the first line has tabs and no commas), else a comma (RFC 4180 quoting)."""

from __future__ import annotations

import csv
import io
import re

from ..errors import InputError
from .model import BilingualFile, SegmentPair

ID_NAMES = frozenset({"id", "key", "segment", "segment id", "unit", "uid", "#"})
SOURCE_NAMES = frozenset({"source", "src", "original", "source text", "source segment"})
TARGET_NAMES = frozenset({"target", "tgt", "translation", "target text", "target segment"})
_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def _columns(header: list[str]) -> tuple[int | None, int, int, str | None, str | None] | None:
    names = [h.strip().lower() for h in header]
    idc = next((k for k, h in enumerate(names) if h in ID_NAMES), None)
    src = next((k for k, h in enumerate(names) if h in SOURCE_NAMES), None)
    tgt = next((k for k, h in enumerate(names) if h in TARGET_NAMES), None)
    if src is not None and tgt is not None:
        return idc, src, tgt, None, None
    langs = [k for k, h in enumerate(header) if _LANG_CODE.match(h.strip()) and k != idc]
    if len(langs) >= 2:
        a, b = langs[:2]
        return idc, a, b, header[a].strip().replace("_", "-"), header[b].strip().replace("_", "-")
    return None


def read_tabular(text: str, path: str) -> BilingualFile:
    first = text.split("\n", 1)[0]
    tab = path.lower().endswith((".tsv", ".tab")) or ("\t" in first and "," not in first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tab else ",", quoting=csv.QUOTE_NONE if tab else csv.QUOTE_MINIMAL)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"{path}: not a valid {'TSV' if tab else 'CSV'} file at line {reader.line_num}: {exc}") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{path}: empty file")
    cols = _columns(rows[0])
    src_lang = tgt_lang = None
    if cols:
        idc, sc, tc, src_lang, tgt_lang = cols
        body, first_row = rows[1:], 2
    else:
        idc, sc, tc = None, 0, 1
        body, first_row = rows, 1
    if max(len(r) for r in rows) < 2:
        raise InputError(f"{path}: needs two columns (source and target); found one")
    segments = []
    for n, row in enumerate(body, first_row):
        sid = row[idc].strip() if idc is not None and idc < len(row) and row[idc].strip() else str(n)
        source = row[sc] if sc < len(row) else ""
        target = row[tc] if tc < len(row) else ""
        segments.append(SegmentPair(sid, source, target or None, line=n))
    return BilingualFile(path, "tsv" if tab else "csv", segments, src_lang, tgt_lang)
