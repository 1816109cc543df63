"""gettext PO files (parsed by polib): ``msgid`` is the source, ``msgstr`` the target.

Segment ids are ``msgctxt`` + ``msgid``'s line (``L12``, ``menu:L40``) since msgids
are long; plural entries are audited on their singular forms; obsolete entries are
skipped; ``fuzzy`` is the segment's state; translator and extracted comments are
notes. The catalogue's ``Language`` header is the target language (PO files do not
name the source language: it is detected)."""

from __future__ import annotations

from ..errors import InputError
from .model import BilingualFile, SegmentPair


def read_po(text: str, path: str) -> BilingualFile:
    import polib

    try:
        catalogue = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:  # polib reports syntax errors as OSError "(line N)"
        raise InputError(f"{path}: not a valid PO file: {exc}") from None
    segments: list[SegmentPair] = []
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        target = entry.msgstr
        if entry.msgid_plural and not target:
            target = entry.msgstr_plural.get(0, "") if entry.msgstr_plural else ""
        sid = f"{entry.msgctxt}:L{entry.linenum}" if entry.msgctxt else f"L{entry.linenum}"
        notes = [n for n in (entry.comment, entry.tcomment) if n]
        state = "fuzzy" if "fuzzy" in entry.flags else ("translated" if target else "")
        segments.append(SegmentPair(sid, entry.msgid, target if target else None, state=state, notes=notes, line=entry.linenum))
    lang = (catalogue.metadata.get("Language") or "").replace("_", "-") or None
    return BilingualFile(path, "po", segments, None, lang)
