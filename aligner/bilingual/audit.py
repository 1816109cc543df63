"""Audit every segment pair of a bilingual file with the models loaded once.

All segments are segmented first; then the sentences of every source segment are
embedded in ONE :meth:`Encoder.embed` call and those of every target segment in
another (the encoder packs them into large batches), the MT gloss, when used, is one
``translate`` call too; only then is each pair aligned and compared
(:func:`aligner.pipeline.compare_embedded`), so the per-segment cost is alignment
and finding, not model calls.

Segments that cannot be compared get a *status* instead of findings, never "dropped
everything": ``untranslated`` (no target), ``empty`` (a blank target),
``identical`` (target equal to the source), ``empty-source``, ``debris`` (only page
debris), ``unrelated`` (the target is not a version of the source). Compared segments
have status ``translated``. Document-level checks across segments
(:mod:`aligner.bilingual.crosscheck`) run last.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..alignment.document_alignment import sentence_words
from ..encoder.embedding import embedding_notes
from ..errors import InputError
from ..io.reading import ReadText
from ..pipeline import (
    CompareOptions,
    Comparison,
    Models,
    _Timer,
    compare_embedded,
    prepare_document,
)
from ..structures import FINDING_TYPES, Finding
from ..text.language import check_language, detect_language
from .model import BilingualFile, SegmentPair

STATUSES = ("translated", "untranslated", "empty", "identical", "empty-source", "debris", "unrelated")
"""Per-segment status; every status but ``translated`` comes with no findings."""


@dataclass(slots=True)
class SegmentAudit:
    pair: SegmentPair
    status: str
    findings: list[Finding] = field(default_factory=list)
    comparison: Comparison | None = None
    notes: list[str] = field(default_factory=list)
    vectors: tuple[Any, Any] | None = None  # unit-level (source, target) sentence vectors


@dataclass(slots=True)
class CrossFinding:
    """Content of one segment found in another: ``split`` (adjacent segments: a
    sentence cut across two units) or ``moved`` (further away)."""

    kind: str
    source_segment: str
    rendition_segment: str
    source_span: Any
    rendition_span: Any
    similarity: float
    replaces: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Audit:
    file: BilingualFile
    source_lang: str
    target_lang: str
    segments: list[SegmentAudit]
    cross: list[CrossFinding]
    timings: dict[str, float]
    models: dict[str, Any]
    notes: list[str]
    signature: str

    def counts(self) -> dict[str, int]:
        out = {t: 0 for t in FINDING_TYPES}
        for s in self.segments:
            for f in s.findings:
                out[f.type] = out.get(f.type, 0) + 1
        return out

    def status_counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for s in self.segments:
            out[s.status] += 1
        return out


@dataclass(slots=True)
class AuditOptions:
    source_lang: str | None = None
    target_lang: str | None = None
    translate: bool = True
    method: str | None = None


def file_languages(bf: BilingualFile, options: AuditOptions) -> tuple[str, str, list[str]]:
    """Languages: the user's, else the file's attributes, else detected on all segments
    together (one segment is too short to tell languages apart)."""
    notes: list[str] = []
    langs = []
    for given, from_file, side, texts in (
        (options.source_lang, bf.source_lang, "source", [p.source for p in bf.segments]),
        (options.target_lang, bf.target_lang, "rendition", [p.target or "" for p in bf.segments]),
    ):
        code = None
        for candidate in (given, from_file):
            if candidate:
                try:
                    code = check_language(candidate)
                    break
                except InputError:
                    if candidate is given:
                        raise
                    notes.append(f"the file's {side} language {candidate!r} is not known; detecting it")
        if code is None:
            joined = "\n".join(t for t in texts if t.strip())
            if not joined.strip():
                code = langs[0] if langs else "en"
            else:
                code, prob = detect_language(joined)
                if prob < 0.5:
                    notes.append(f"{side} language detected as {code!r} with low confidence ({prob:.2f}); pass --{side}-lang to be sure")
        langs.append(code)
    return langs[0], langs[1], notes


def segment_status(pair: SegmentPair) -> str | None:
    """The status of a pair that is not worth comparing, or None."""
    if not pair.source.strip():
        return "empty-source"
    if pair.target is None:
        return "untranslated"
    if not pair.target.strip():
        return "empty"
    if " ".join(pair.target.split()) == " ".join(pair.source.split()):
        return "identical"
    return None


def embed_unique(models: Models, sentences: list[list[str]], label: str) -> list[Any]:
    """One ``embed`` call for all sentences, each distinct sentence embedded once:
    translation memories and software strings repeat segments, and a repeated
    sentence gets the same vectors anyway (results are shared, never modified)."""
    index: dict[tuple[str, ...], int] = {}
    unique: list[list[str]] = []
    order: list[int] = []
    for words in sentences:
        key = tuple(words)
        if key not in index:
            index[key] = len(unique)
            unique.append(words)
        order.append(index[key])
    emb = models.encoder.embed(unique, progress=models.progress, label=label)
    return [emb[k] for k in order]


def _mean_vector(emb: list[Any]) -> Any:
    import numpy as np

    return np.mean(np.stack([e.vector for e in emb]), axis=0) if emb else None


def audit_file(bf: BilingualFile, models: Models, options: AuditOptions | None = None) -> Audit:
    options = options or AuditOptions()
    timer = _Timer()
    src_lang, tgt_lang, notes = file_languages(bf, options)
    config = models.config
    results: list[SegmentAudit] = []
    todo: list[tuple[SegmentAudit, Any, Any]] = []
    with timer.stage("segment"):
        for pair in bf.segments:
            status = segment_status(pair)
            audit = SegmentAudit(pair, status or "translated")
            results.append(audit)
            if status:
                continue
            name = f"{bf.path}#{pair.id}"
            try:
                src = prepare_document(ReadText(pair.source, name, "utf-8", ""), src_lang, config, "source")
                tgt = prepare_document(ReadText(pair.target or "", name, "utf-8", ""), tgt_lang, config, "rendition")
            except InputError:
                audit.status = "debris"
                continue
            todo.append((audit, src, tgt))

    translator = None
    if options.translate and todo and src_lang != "en" and tgt_lang == "en":
        with timer.stage("load_mt"):
            translator = models.translator(src_lang)
    if translator is not None:
        with timer.stage("translate"):
            sents = [s for _, src, _ in todo for s in src.sentences if s.text.strip()]
            for s, t in zip(sents, translator.translate([s.text for s in sents]), strict=True):
                s.translation = t
            notes.extend(getattr(translator, "notes", []))

    with timer.stage("embed"):
        src_words = [w for _, src, _ in todo for w in sentence_words(src)]
        tgt_words = [w for _, _, tgt in todo for w in sentence_words(tgt)]
        src_emb = embed_unique(models, src_words, "embedding sources")
        tgt_emb = embed_unique(models, tgt_words, "embedding targets")
        models.sentence_background()  # embedded once per model load; counted here, not per segment
        notes.extend(dict.fromkeys(embedding_notes(src_emb) + embedding_notes(tgt_emb)))

    compare_opts = CompareOptions(src_lang, tgt_lang, options.translate, options.method)
    a = b = 0
    signature = ""
    model_desc: dict[str, Any] = {"encoder": models.encoder.describe()}
    with timer.stage("compare"):
        for audit, src, tgt in todo:
            ns, nt = len(src.sentences), len(tgt.sentences)
            c = compare_embedded(src, tgt, src_emb[a : a + ns], tgt_emb[b : b + nt], models, compare_opts, _Timer(), translator, [])
            a, b = a + ns, b + nt
            audit.comparison = c
            audit.vectors = (_mean_vector(src_emb[a - ns : a]), _mean_vector(tgt_emb[b - nt : b]))
            audit.notes.extend(c.notes)
            if c.summary.get("relation") == "unrelated":
                audit.status = "unrelated"
            audit.findings = list(c.findings)
            signature, model_desc = c.signature, c.models

    with timer.stage("crosscheck"):
        from .crosscheck import cross_segment

        cross = cross_segment(results, models)
    if not signature:
        signature = f"aligner {__version__}|enc:{models.encoder.name}"
    return Audit(bf, src_lang, tgt_lang, results, cross, timer.timings, model_desc, notes, signature)


def audit_path(path: str, models: Models, options: AuditOptions | None = None) -> Audit:
    """Read and audit a bilingual file (the reading is timed too)."""
    from . import read_bilingual

    t = time.perf_counter()
    bf = read_bilingual(path)
    read_s = round(time.perf_counter() - t, 4)
    result = audit_file(bf, models, options)
    result.timings = {"read": read_s, **result.timings}
    return result


FAIL_ON_STATUSES = ("untranslated", "empty", "identical", "unrelated")


def parse_fail_on(spec: str) -> set[str]:
    """``--fail-on``: finding types, segment statuses (untranslated, empty, identical,
    unrelated), ``split``/``moved`` (across units), or ``any`` (every finding type)."""
    types = {t.strip() for t in spec.split(",") if t.strip()}
    if "any" in types:
        types = (types - {"any"}) | set(FINDING_TYPES)
    allowed = set(FINDING_TYPES) | set(FAIL_ON_STATUSES) | {"split", "moved"}
    unknown = types - allowed
    if unknown:
        raise InputError(f"--fail-on: unknown type(s) {', '.join(sorted(unknown))}; choose from {', '.join(sorted(allowed))} or any")
    return types


def fails(audit: Audit, types: set[str]) -> bool:
    """True when the audit has a finding, status or cross-unit finding of ``types``."""
    return any(
        s.status in types or any(f.type in types for f in s.findings) for s in audit.segments
    ) or any(x.kind in types for x in audit.cross)
