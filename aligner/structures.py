"""The data that flows between pipeline stages.

Every object keeps character offsets into the text *as read* (after decoding), so
that any finding can be traced back to exact spans of both input files. Offsets are
Python string indices; ``text[start:end]`` is always the object's ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .errors import InputError

FindingType = Literal["added", "dropped", "softened", "strengthened", "changed", "contradicted"]
FINDING_TYPES: tuple[str, ...] = (
    "added",
    "dropped",
    "softened",
    "strengthened",
    "changed",
    "contradicted",
)


def fail_on_types(spec: str) -> set[str]:
    """The finding types of a ``--fail-on`` value (comma-separated types, or ``any``
    for all of them); an unknown type is an :class:`InputError`."""
    types = {t.strip() for t in spec.split(",") if t.strip()}
    if "any" in types:
        types = set(FINDING_TYPES)
    unknown = types - set(FINDING_TYPES)
    if unknown:
        raise InputError(f"--fail-on: unknown finding type(s) {', '.join(sorted(unknown))}; choose from {', '.join(FINDING_TYPES)}")
    return types


Severity = Literal["high", "medium", "low"]
TokenKind = Literal["word", "number", "punct", "symbol"]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` and the text it covers."""

    start: int
    end: int
    text: str

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}

    def overlaps(self, other: Span | None) -> bool:
        return other is not None and self.start < other.end and other.start < self.end


@dataclass(slots=True)
class Token:
    """A word token. ``kind`` separates words, numbers and punctuation so that later
    stages can ignore punctuation without re-parsing the text."""

    start: int
    end: int
    text: str
    sentence: int
    kind: TokenKind = "word"
    boilerplate: bool = False

    @property
    def is_content_candidate(self) -> bool:
        return self.kind in ("word", "number") and not self.boilerplate


@dataclass(slots=True)
class Sentence:
    """A sentence with the range of its tokens in the document's token list."""

    id: int
    start: int
    end: int
    text: str
    token_start: int
    token_end: int
    boilerplate: bool = False
    translation: str | None = None

    @property
    def token_range(self) -> range:
        return range(self.token_start, self.token_end)


@dataclass(slots=True)
class Document:
    """One side of a comparison: the decoded text and its segmentation."""

    text: str
    lang: str
    path: str = "-"
    sha256: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def token_span(self, first: int, last: int) -> Span:
        """The character span from token ``first`` to token ``last`` inclusive."""
        return self.span(self.tokens[first].start, self.tokens[last].end)


@dataclass(slots=True)
class Bead:
    """A sentence-alignment bead: source sentence ids paired with rendition sentence ids.

    Either side may be empty (1-0 is a source sentence with no counterpart). ``moved``
    marks a bead found by the reordering pass rather than by the monotone DP.
    """

    source: tuple[int, ...]
    rendition: tuple[int, ...]
    score: float
    moved: bool = False

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.rendition)}"


@dataclass(frozen=True, slots=True)
class Link:
    """A word-alignment link between document token indices, with its similarity."""

    source: int
    rendition: int
    score: float


@dataclass(slots=True)
class Finding:
    """One reported difference between source and rendition."""

    id: str
    type: str
    severity: str
    confidence: float
    source_span: Span | None
    rendition_span: Span | None
    cues: list[str] = field(default_factory=list)
    evidence: str = ""
    # Which check made the finding ("cue", "modal", "negation", "antonym", "date",
    # "quantity", "name", "span", "sentence"): its confidence is that check's precision
    # measured on labelled cases ([confidence] in configs/default.toml).
    basis: str = ""

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "severity": self.severity,
            "confidence": round(float(self.confidence), 3),
            "source_span": self.source_span.to_json() if self.source_span else None,
            "rendition_span": self.rendition_span.to_json() if self.rendition_span else None,
            "cues": list(self.cues),
            "evidence": self.evidence,
        }
