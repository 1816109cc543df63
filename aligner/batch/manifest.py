"""The batch manifest: CSV (with a header) or JSONL, one pair per row/line.

Fields: ``source``, ``rendition`` (paths relative to the manifest's folder, or
absolute), optional ``source_lang``, ``rendition_lang`` and ``id`` (default: the
pair's 1-based row number). A bad row stops the batch before any work, with one
error naming the manifest line."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..text.language import check_language

FIELDS = ("id", "source", "rendition", "source_lang", "rendition_lang")


@dataclass(frozen=True, slots=True)
class Pair:
    """One pair of the manifest, paths resolved."""

    id: str
    source: str
    rendition: str
    source_lang: str | None = None
    rendition_lang: str | None = None
    line: int = 0


def _rows(text: str, name: str) -> list[tuple[int, dict]]:
    """``(line number, fields)`` of each row, as JSONL when the first non-blank
    character is ``{``, else as CSV with a header."""
    if text.lstrip().startswith("{"):
        rows = []
        for n, raw in enumerate(text.splitlines(), 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}:{n}: not a JSON object ({exc.msg})") from None
            if not isinstance(item, dict):
                raise InputError(f"{name}:{n}: not a JSON object")
            rows.append((n, item))
        return rows
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [f for f in ("source", "rendition") if f not in header]
    if missing:
        raise InputError(f"{name}:1: the CSV header must name the columns source and rendition (missing: {', '.join(missing)})")
    rows = []
    for item in reader:
        if None in item:
            raise InputError(f"{name}:{reader.line_num}: more cells than header columns")
        if any((v or "").strip() for v in item.values()):
            rows.append((reader.line_num, item))
    return rows


def _text_field(item: dict, key: str, where: str, required: bool) -> str | None:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(f"{where}: missing {key!r}")
        return None
    if not isinstance(value, (str, int)):
        raise InputError(f"{where}: {key!r} must be a string")
    return str(value).strip()


def read_manifest(path: str | Path) -> list[Pair]:
    """The pairs of a manifest file (see the module docstring)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the manifest ({exc})") from None
    base = p.resolve().parent
    pairs: list[Pair] = []
    seen: dict[str, int] = {}
    for count, (n, item) in enumerate(_rows(text, str(path)), 1):
        where = f"{path}:{n}"
        unknown = sorted(set(item) - set(FIELDS))
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; fields are {', '.join(FIELDS)}")
        langs = []
        for key in ("source_lang", "rendition_lang"):
            lang = _text_field(item, key, where, False)
            try:
                langs.append(check_language(lang) if lang else None)
            except InputError as exc:
                raise InputError(f"{where}: {exc}") from None
        pair_id = _text_field(item, "id", where, False) or str(count)
        if pair_id in seen:
            raise InputError(f"{where}: id {pair_id!r} already used on line {seen[pair_id]}")
        seen[pair_id] = n
        src, ren = (_text_field(item, k, where, True) for k in ("source", "rendition"))
        pairs.append(Pair(pair_id, str(base / src), str(base / ren), langs[0], langs[1], n))
    if not pairs:
        raise InputError(f"{path}: the manifest lists no pair")
    return pairs
