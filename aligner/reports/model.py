"""The report of one comparison as typed data: schema ``aligner.report/1``.

The report is built once from a :class:`~aligner.pipeline.Comparison`
(:meth:`Report.from_comparison`) and every compare writer (JSON, text, HTML, XLIFF,
TSV) renders from it, so the writers agree on what a report holds and the JSON is
simply :meth:`Report.to_dict`. The JSON Schema of this shape ships with the package
(:func:`schema_path`).

Writers also accept report dictionaries made by hand or by other tools;
:meth:`Report.from_dict` reads those leniently (a missing or mistyped field becomes a
neutral value, an unusable entry is skipped), so a partial report still renders
instead of failing as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from ..structures import Bead, Finding
from .values import as_float, as_int

SCHEMA = "aligner.report/1"
SCHEMA_FILE = "aligner.report-1.schema.json"


def schema_path() -> Any:
    """The shipped JSON Schema (draft 2020-12) of ``aligner.report/1``, as an
    :mod:`importlib.resources` traversable (``.read_text()`` gives the schema)."""
    return files(__package__).joinpath("schema", SCHEMA_FILE)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list:
    return value if isinstance(value, list | tuple) else []


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _plain(value: Any) -> Any:
    """Nested data as JSON reads it back (tuples become lists), so that
    ``to_dict() == json.loads(to_json())``."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class SpanView:
    """A character span ``[start, end)`` of one side's text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: Any, doc_text: str) -> SpanView | None:
        """A span with integer offsets, else None; a missing text is the document's."""
        if not isinstance(data, Mapping):
            return None
        start, end = as_int(data.get("start")), as_int(data.get("end"))
        if start is None or end is None:
            return None
        text = data.get("text")
        return cls(start, end, text if isinstance(text, str) else doc_text[start:end])


@dataclass(frozen=True, slots=True)
class SentenceEntry:
    id: int
    start: int
    end: int
    text: str
    translation: str | None = None  # the English gloss, when the source was translated
    boilerplate: bool = False  # page debris (share buttons, bylines ...)

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"id": self.id, "start": self.start, "end": self.end, "text": self.text}
        if self.translation is not None:
            item["translation"] = self.translation
        if self.boilerplate:
            item["boilerplate"] = True
        return item


@dataclass(frozen=True, slots=True)
class TokenEntry:
    start: int
    end: int
    text: str
    diff: float  # 0: matched, 1: no counterpart

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "diff": self.diff}


def _rebuilt_text(sentences: tuple[SentenceEntry, ...]) -> str:
    """A document text with each sentence at its offsets (for reports without one)."""
    size = max((s.end for s in sentences), default=0)
    buf = [" "] * size
    for s in sentences:
        for i, ch in enumerate(s.text):
            if 0 <= s.start + i < size:
                buf[s.start + i] = ch
    return "".join(buf)


@dataclass(frozen=True, slots=True)
class Side:
    """One document of the pair: the text as read, its sentences and tokens."""

    path: str
    lang: str
    sha256: str
    text: str
    sentences: tuple[SentenceEntry, ...]
    tokens: tuple[TokenEntry, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "lang": self.lang,
            "sha256": self.sha256,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "tokens": [t.to_dict() for t in self.tokens],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_document(cls, doc: Any, diff: Any) -> Side:
        """From a :class:`~aligner.structures.Document` and its token difference scores."""
        return cls(
            path=doc.path,
            lang=doc.lang,
            sha256=doc.sha256,
            text=doc.text,
            sentences=tuple(
                SentenceEntry(s.id, s.start, s.end, s.text, s.translation, bool(s.boilerplate)) for s in doc.sentences
            ),
            tokens=tuple(TokenEntry(t.start, t.end, t.text, float(diff[k])) for k, t in enumerate(doc.tokens)),
            warnings=tuple(doc.warnings),
        )

    @classmethod
    def from_dict(cls, data: Any) -> Side:
        data = _dict(data)
        sentences = []
        for s in _list(data.get("sentences")):
            if not isinstance(s, Mapping):
                continue
            sid, start, end = as_int(s.get("id")), as_int(s.get("start")), as_int(s.get("end"))
            if sid is None or start is None or end is None:
                continue
            tr = s.get("translation")
            sentences.append(
                SentenceEntry(sid, start, end, _text(s.get("text")), tr if isinstance(tr, str) else None, bool(s.get("boilerplate")))
            )
        # Tokens keep their positions (word-alignment links name them by index); an
        # unusable one becomes empty.
        tokens = []
        for t in _list(data.get("tokens")):
            t = _dict(t)
            start, end = as_int(t.get("start")), as_int(t.get("end"))
            ok = start is not None and end is not None
            tokens.append(TokenEntry(start if ok else 0, end if ok else 0, _text(t.get("text")), as_float(t.get("diff"))))
        text = data.get("text")
        return cls(
            path=_text(data.get("path", "-")),
            lang=_text(data.get("lang")),
            sha256=_text(data.get("sha256")),
            text=text if isinstance(text, str) and text else _rebuilt_text(tuple(sentences)),
            sentences=tuple(sentences),
            tokens=tuple(tokens),
            warnings=tuple(_text(w) for w in _list(data.get("warnings"))),
        )


@dataclass(frozen=True, slots=True)
class BeadEntry:
    """A sentence-alignment bead: source sentence ids with rendition sentence ids."""

    source: tuple[int, ...]
    rendition: tuple[int, ...]
    score: float
    moved: bool = False  # found by the reordering pass, out of document order

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {"source": list(self.source), "rendition": list(self.rendition), "score": self.score}
        if self.moved:
            item["moved"] = True
        return item

    @classmethod
    def from_bead(cls, b: Bead) -> BeadEntry:
        return cls(tuple(b.source), tuple(b.rendition), round(float(b.score), 4), bool(b.moved))


@dataclass(frozen=True, slots=True)
class WordLink:
    """A word-alignment link between token indices of the two sides."""

    source: int
    rendition: int
    score: float

    def to_list(self) -> list[Any]:
        return [self.source, self.rendition, self.score]


@dataclass(frozen=True, slots=True)
class FindingView:
    """One finding as reported (see :class:`~aligner.structures.Finding`)."""

    id: str
    type: str
    severity: str
    confidence: float
    source_span: SpanView | None
    rendition_span: SpanView | None
    cues: tuple[str, ...]
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "severity": self.severity,
            "confidence": self.confidence,
            "source_span": self.source_span.to_dict() if self.source_span else None,
            "rendition_span": self.rendition_span.to_dict() if self.rendition_span else None,
            "cues": list(self.cues),
            "evidence": self.evidence,
        }

    @classmethod
    def from_finding(cls, f: Finding) -> FindingView:
        # Through Finding.to_json, the one place that rounds a finding for reports.
        data = f.to_json()
        span = {key: SpanView(**data[key]) if data[key] else None for key in ("source_span", "rendition_span")}
        return cls(data["id"], data["type"], data["severity"], data["confidence"], span["source_span"],
                   span["rendition_span"], tuple(data["cues"]), data["evidence"])  # fmt: skip

    @classmethod
    def from_dict(cls, data: Any, source_text: str, rendition_text: str) -> FindingView:
        data = _dict(data)
        cues = data.get("cues") or []
        return cls(
            id=_text(data.get("id")),
            type=_text(data.get("type")),
            severity=_text(data.get("severity")),
            confidence=as_float(data.get("confidence")),
            source_span=SpanView.from_dict(data.get("source_span"), source_text),
            rendition_span=SpanView.from_dict(data.get("rendition_span"), rendition_text),
            cues=tuple(_text(c) for c in (cues if isinstance(cues, list | tuple) else [cues])),
            evidence=_text(data.get("evidence")),
        )


@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of each side's content words that have a counterpart (None: not a number)."""

    source: float | None
    rendition: float | None


@dataclass(frozen=True, slots=True)
class Summary:
    counts: dict[str, int]  # findings per type
    coverage: Coverage
    relation: str  # rendition, partial or unrelated
    note: str | None = None  # why there are no findings (an unrelated pair)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "counts": dict(self.counts),
            "coverage": {"source": self.coverage.source, "rendition": self.coverage.rendition},
            "relation": self.relation,
        }
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Summary:
        data = _dict(data)
        counts = {str(k): n for k, n in ((k, as_int(v)) for k, v in _dict(data.get("counts")).items()) if n is not None}
        cov = _dict(data.get("coverage"))
        shares = [as_float(cov.get(key), float("nan")) for key in ("source", "rendition")]
        note = data.get("note")
        return cls(
            counts,
            Coverage(*(None if x != x else x for x in shares)),
            _text(data.get("relation")),
            _text(note) if note else None,
        )


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the reports show about one source/rendition pair."""

    signature: str  # names everything that determines the result
    source: Side
    rendition: Side
    sentence_alignment: tuple[BeadEntry, ...]
    word_alignment: tuple[WordLink, ...]
    findings: tuple[FindingView, ...]
    summary: Summary
    notes: tuple[str, ...]
    models: dict[str, Any]
    timings: dict[str, Any]
    schema: str = SCHEMA

    def to_dict(self, *, timings: bool = True) -> dict[str, Any]:
        """The JSON report as plain data, keys in the documented order (``timings``
        False leaves the one run-dependent key out)."""
        out = {
            "schema": self.schema,
            "signature": self.signature,
            "source": self.source.to_dict(),
            "rendition": self.rendition.to_dict(),
            "sentence_alignment": [b.to_dict() for b in self.sentence_alignment],
            "word_alignment": [lk.to_list() for lk in self.word_alignment],
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary.to_dict(),
            "notes": list(self.notes),
            "models": self.models,
        }
        if timings:
            out["timings"] = self.timings
        return out

    @classmethod
    def from_comparison(cls, c: Any) -> Report:
        """The report of a :class:`~aligner.pipeline.Comparison`."""
        return cls(
            signature=c.signature,
            source=Side.from_document(c.source, c.source_diff),
            rendition=Side.from_document(c.rendition, c.rendition_diff),
            sentence_alignment=tuple(BeadEntry.from_bead(b) for b in c.beads),
            word_alignment=tuple(WordLink(lk.source, lk.rendition, round(float(lk.score), 3)) for lk in c.links),
            findings=tuple(FindingView.from_finding(f) for f in c.findings),
            summary=Summary.from_dict(c.summary),
            notes=tuple(c.notes),
            models=_plain(c.models),
            timings=dict(c.timings),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """A report dictionary read leniently (see the module docstring)."""
        source, rendition = Side.from_dict(data.get("source")), Side.from_dict(data.get("rendition"))
        beads = []
        for b in _list(data.get("sentence_alignment")):
            b = _dict(b)
            ids = [tuple(i for i in map(as_int, _list(b.get(key))) if i is not None) for key in ("source", "rendition")]
            beads.append(BeadEntry(ids[0], ids[1], as_float(b.get("score")), bool(b.get("moved"))))
        links = []
        for lk in _list(data.get("word_alignment")):
            if isinstance(lk, list | tuple) and len(lk) >= 2:
                a, b = as_int(lk[0]), as_int(lk[1])
                if a is not None and b is not None:
                    links.append(WordLink(a, b, as_float(lk[2] if len(lk) > 2 else 0)))
        timings = data.get("timings")
        return cls(
            signature=_text(data.get("signature")),
            source=source,
            rendition=rendition,
            sentence_alignment=tuple(beads),
            word_alignment=tuple(links),
            findings=tuple(FindingView.from_dict(f, source.text, rendition.text) for f in _list(data.get("findings"))),
            summary=Summary.from_dict(data.get("summary")),
            notes=tuple(_text(n) for n in _list(data.get("notes"))),
            models=dict(_dict(data.get("models"))),
            timings=dict(timings) if isinstance(timings, Mapping) else {},
            schema=_text(data.get("schema")),
        )


def as_report(report: Any) -> Report:
    """A :class:`Report` from a report, a report dictionary or a comparison."""
    if isinstance(report, Report):
        return report
    if isinstance(report, Mapping):
        return Report.from_dict(report)
    return Report.from_comparison(report)
