"""The model every bilingual reader returns: a file of segment pairs.

Texts are plain text (what a reader sees); inline codes (XLIFF ``<g>``, ``<x/>``,
``<ph>``, ``<pc>``, TMX ``<bpt>`` ...) are kept out of the text and listed with the
offset where they stand, so findings have offsets into the text and can still be
placed back among the codes. For XML formats each side also keeps its
:class:`~aligner.bilingual.inline.Layout` (byte positions in the original file), which
the write-back uses to splice marks into the original bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .inline import Layout
    from .safexml import XmlDocument


@dataclass(frozen=True, slots=True)
class InlineCode:
    """An inline tag kept out of the text: it stands before character ``offset``."""

    offset: int
    tag: str


@dataclass(slots=True)
class SegmentPair:
    """One source segment and its target as the file has them.

    ``target`` is None when the file has no target for the segment (untranslated)."""

    id: str
    source: str
    target: str | None
    source_codes: list[InlineCode] = field(default_factory=list)
    target_codes: list[InlineCode] = field(default_factory=list)
    state: str = ""
    notes: list[str] = field(default_factory=list)
    line: int = 0
    source_layout: Layout | None = None
    target_layout: Layout | None = None


@dataclass(slots=True)
class BilingualFile:
    """A bilingual file: its segment pairs, languages (when the file says) and origin."""

    path: str
    format: str  # xliff1 | xliff2 | tmx | po | csv | tsv
    segments: list[SegmentPair]
    source_lang: str | None = None
    target_lang: str | None = None
    sha256: str = ""
    version: str = ""
    xml: XmlDocument | None = None
    warnings: list[str] = field(default_factory=list)
