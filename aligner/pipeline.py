"""The comparison pipeline: read -> segment -> [translate] -> embed -> align -> differ.

Models are loaded once into :class:`Models` and passed in, so a regression run over
many pairs pays for loading once. Every stage is timed; the timings go into the
report next to the model description, so results are reproducible and comparable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import __version__
from .config import load_config
from .differences import (
    FindingParams,
    TokenEvidence,
    added_dropped,
    coverage,
    diff_scores,
    merge_findings,
    number_findings,
    relation,
)
from .embedding import EmbeddedSentence, Encoder
from .errors import InputError, ModelUnavailable
from .language import check_language, detect_language
from .reading import ReadText, read_text
from .segmentation import mark_boilerplate, segment
from .sentence_alignment import AlignParams, align_sentences
from .structures import FINDING_TYPES, Bead, Document, Finding, Link
from .word_alignment import PieceVectors, align_words, mean_vector


def warn(message: str) -> None:
    print(f"aligner: warning: {message}", file=sys.stderr)


@dataclass
class Models:
    """Everything loaded once: the encoder and, lazily, one translator per language."""

    config: dict[str, Any]
    encoder: Encoder
    mt_model: str | None = None
    mt_backend: str = "transformers"
    device: str = "cpu"
    progress: bool = False
    translators: dict[str, Any] = field(default_factory=dict)
    warned: set[str] = field(default_factory=set)

    def translator(self, lang: str) -> Any | None:
        """The translator for ``lang`` -> English, or None (warned once) when absent."""
        if lang in self.translators:
            return self.translators[lang]
        try:
            from .translation import load_translator, resolve_mt_model
        except ImportError:  # translation support not installed
            self.translators[lang] = None
            return None
        model_id = resolve_mt_model(lang, self.mt_model, self.config)
        try:
            tr = load_translator(
                model_id,
                backend=self.mt_backend,
                device=self.device,
                config=self.config,
                progress=self.progress,
            )
        except ModelUnavailable as exc:
            if model_id not in self.warned:
                warn(f"{exc} -- continuing with direct cross-lingual alignment only")
                self.warned.add(model_id)
            tr = None
        self.translators[lang] = tr
        return tr


def load_models(
    config: dict[str, Any] | None = None,
    *,
    encoder: str | None = None,
    mt_model: str | None = None,
    mt_backend: str = "transformers",
    device: str = "cpu",
    progress: bool = False,
) -> Models:
    config = config or load_config()
    enc_cfg = config.get("encoder", {})
    enc = Encoder.load(
        encoder or enc_cfg.get("model"),
        layer=enc_cfg.get("layer", 8),
        device=device,
        max_pieces=int(enc_cfg.get("max_pieces", 510)),
        batch_tokens=int(enc_cfg.get("batch_tokens", 4096)),
        progress=progress,
    )
    enc.prefix = str(enc_cfg.get("prefix", ""))
    return Models(config, enc, mt_model, mt_backend, device, progress)


@dataclass
class CompareOptions:
    source_lang: str | None = None
    rendition_lang: str | None = None
    translate: bool = True
    method: str | None = None


@dataclass
class Comparison:
    """Everything a report needs about one source/rendition pair."""

    source: Document
    rendition: Document
    beads: list[Bead]
    links: list[Link]
    source_diff: np.ndarray
    rendition_diff: np.ndarray
    findings: list[Finding]
    summary: dict[str, Any]
    models: dict[str, Any]
    timings: dict[str, float]
    notes: list[str]
    signature: str


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t, 4)


def prepare_document(read: ReadText, lang: str | None, config: dict[str, Any], role: str) -> Document:
    """Segment a decoded text; detect its language when not given."""
    warnings = list(read.warnings)
    if lang:
        code = check_language(lang)
    else:
        code, prob = detect_language(read.text)
        if prob < 0.5:
            warnings.append(
                f"{role} language detected as {code!r} with low confidence ({prob:.2f}); pass --{role}-lang to be sure"
            )
    sentences, tokens = segment(read.text, code)
    bp = config.get("boilerplate", {})
    mark_boilerplate(sentences, tokens, code, bp.get("patterns", []), bp.get("footer_markers", []))
    doc = Document(read.text, code, read.path, read.sha256, sentences, tokens, warnings)
    if not any(not s.boilerplate for s in sentences):
        raise InputError(f"{read.path}: no text besides page debris (nothing to compare)")
    return doc


def _sentence_words(doc: Document) -> list[list[str]]:
    return [[doc.tokens[k].text for k in s.token_range] for s in doc.sentences]


def _bead_side(doc: Document, emb: Sequence[EmbeddedSentence], sids: Sequence[int]) -> PieceVectors:
    """Piece vectors of a bead side's words and numbers (punctuation never aligns)."""
    parts: list[PieceVectors] = []
    offsets: list[int] = []
    for sid in sids:
        s = doc.sentences[sid]
        pv = emb[sid].pieces
        keep = [k - s.token_start for k in s.token_range if doc.tokens[k].kind in ("word", "number")]
        pv = pv.select_words(keep)
        parts.append(pv)
        offsets.append(s.token_start)
    if not parts:
        return PieceVectors(np.zeros((0, 1), np.float32), np.zeros(0, np.int64))
    return PieceVectors.concat(parts, offsets)


def embed_document(doc: Document, models: Models, label: str = "embedding source") -> list[EmbeddedSentence]:
    """Sentence and piece vectors of every sentence of ``doc``."""
    return models.encoder.embed(_sentence_words(doc), progress=models.progress, label=label)


def sentence_beads(
    src: Document,
    tgt: Document,
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    config: dict[str, Any],
) -> list[Bead]:
    """Sentence alignment of two embedded documents with the configured parameters."""
    return align_sentences(
        np.stack([e.vector for e in src_emb]),
        np.stack([e.vector for e in tgt_emb]),
        AlignParams.from_config(config.get("sentence_alignment", {})),
        np.array([s.boilerplate for s in src.sentences]),
        np.array([s.boilerplate for s in tgt.sentences]),
    )


def align_documents(
    src: Document,
    tgt: Document,
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    config: dict[str, Any],
    method: str,
    token_type: str,
    timer: _Timer,
) -> tuple[list[Bead], list[Link], TokenEvidence, TokenEvidence]:
    """Sentence beads, then word links inside each bead."""
    with timer.stage("align_sentences"):
        beads = sentence_beads(src, tgt, src_emb, tgt_emb, config)
    with timer.stage("align_words"):
        # Centring (subtracting each language side's mean vector before matching)
        # removes the language component that all of one side's vectors share.
        center = bool(config.get("word_alignment", {}).get("center", False))
        src_shift = mean_vector(e.pieces for e in src_emb) if center else None
        tgt_shift = mean_vector(e.pieces for e in tgt_emb) if center else None
        links: list[Link] = []
        src_ev = TokenEvidence(np.zeros(len(src.tokens), bool), np.full(len(src.tokens), np.nan))
        tgt_ev = TokenEvidence(np.zeros(len(tgt.tokens), bool), np.full(len(tgt.tokens), np.nan))
        for bead in beads:
            if not bead.source or not bead.rendition:
                continue
            sp = _bead_side(src, src_emb, bead.source)
            tp = _bead_side(tgt, tgt_emb, bead.rendition)
            wa = align_words(sp, tp, method=method, token_type=token_type, src_shift=src_shift, tgt_shift=tgt_shift)
            for a, b, score in wa.links:
                links.append(Link(a, b, round(score, 4)))
                src_ev.aligned[a] = True
                tgt_ev.aligned[b] = True
            for sid in bead.source:
                for k in src.sentences[sid].token_range:
                    src_ev.best[k] = wa.src_best.get(k, 0.0)
            for sid in bead.rendition:
                for k in tgt.sentences[sid].token_range:
                    tgt_ev.best[k] = wa.tgt_best.get(k, 0.0)
    return beads, links, src_ev, tgt_ev


def compare_documents(
    src: Document,
    tgt: Document,
    models: Models,
    options: CompareOptions | None = None,
    timer: _Timer | None = None,
    source_embeddings: Sequence[EmbeddedSentence] | None = None,
    rendition_embeddings: Sequence[EmbeddedSentence] | None = None,
) -> Comparison:
    """Compare two segmented documents. ``source_embeddings`` and
    ``rendition_embeddings`` (one per sentence, from :func:`embed_document`) let a
    caller comparing one source with many renditions (``aligner trace``) embed each
    document once."""
    options = options or CompareOptions()
    timer = timer or _Timer()
    config = models.config
    wa_cfg = config.get("word_alignment", {})
    method = options.method or str(wa_cfg.get("method", "argmax"))
    token_type = str(wa_cfg.get("token_type", "bpe"))
    notes: list[str] = []
    mt_desc: dict[str, Any] = {"used": False}

    translator = None
    if options.translate and src.lang != "en" and tgt.lang == "en":
        with timer.stage("load_mt"):
            translator = models.translator(src.lang)
    if translator is not None:
        with timer.stage("translate"):
            # Debris is translated too: a reader of the gloss should see every line.
            todo = [s for s in src.sentences if s.text.strip()]
            out = translator.translate([s.text for s in todo])
            for s, t in zip(todo, out, strict=True):
                s.translation = t
            notes.extend(getattr(translator, "notes", []))
        mt_desc = {"used": True, "model": translator.model_id, "backend": translator.backend}

    with timer.stage("embed"):
        models.encoder.notes.clear()
        if source_embeddings is not None and len(source_embeddings) == len(src.sentences):
            src_emb = list(source_embeddings)
        else:
            src_emb = embed_document(src, models)
        if rendition_embeddings is not None and len(rendition_embeddings) == len(tgt.sentences):
            tgt_emb = list(rendition_embeddings)
        else:
            tgt_emb = embed_document(tgt, models, "embedding rendition")
        notes.extend(models.encoder.notes)

    beads, links, src_ev, tgt_ev = align_documents(src, tgt, src_emb, tgt_emb, config, method, token_type, timer)

    if translator is not None:
        from .mt_alignment import combine, forced_decoding, mt_path

        with timer.stage("mt_alignment"):
            mt = mt_path(src, tgt, beads, src_emb, tgt_emb, models.encoder, method, token_type)
        with timer.stage("mt_scoring"):
            try:
                forced_decoding(src, tgt, beads, translator, mt)
            except Exception as exc:  # evidence is optional; the report must not fail for it
                notes.append(f"MT forced-decoding evidence unavailable: {type(exc).__name__}: {exc}")
        combine(src, tgt, src_ev, tgt_ev, mt)

    with timer.stage("differences"):
        src_scores = diff_scores(src, src_ev)
        tgt_scores = diff_scores(tgt, tgt_ev)
        src_cov, tgt_cov = coverage(src, src_ev), coverage(tgt, tgt_ev)
        rel = relation(src_cov, tgt_cov)
        params = FindingParams.from_config(config.get("findings", {}))
        if rel == "unrelated":
            findings: list[Finding] = []
            note = (
                f"the rendition does not appear to be a version of the source: only {src_cov:.0%} of the "
                f"source and {tgt_cov:.0%} of the rendition have a counterpart; no findings listed"
            )
        else:
            from .claims import claim_findings

            claims = claim_findings(src, tgt, beads, links, notes)
            spans = added_dropped(src, tgt, beads, src_ev, tgt_ev, src_scores, tgt_scores, params)
            findings = merge_findings(claims, spans)
            note = ""
        findings = number_findings(findings)

    counts = {t: 0 for t in FINDING_TYPES}
    for f in findings:
        counts[f.type] = counts.get(f.type, 0) + 1
    summary: dict[str, Any] = {
        "counts": counts,
        "coverage": {"source": round(src_cov, 3), "rendition": round(tgt_cov, 3)},
        "relation": rel,
    }
    if note:
        summary["note"] = note
    enc = models.encoder
    model_desc = {"encoder": enc.describe(), "word_alignment": {"method": method, "token_type": token_type}, "translation": mt_desc}
    layer = "+".join(map(str, enc.layer)) if isinstance(enc.layer, tuple) else str(enc.layer)
    signature = (
        f"aligner {__version__}|enc:{enc.name}|layer:{layer}|prefix:{enc.prefix.strip() or 'none'}"
        f"|method:{method}|tok:{token_type}|mt:{mt_desc.get('model', 'none')}"
    )
    return Comparison(src, tgt, beads, links, src_scores, tgt_scores, findings, summary, model_desc, timer.timings, notes, signature)


def compare_texts(
    src_read: ReadText,
    tgt_read: ReadText,
    models: Models,
    options: CompareOptions | None = None,
    timer: _Timer | None = None,
) -> Comparison:
    """Compare two inputs already read (the CLI reads them before loading models, so
    bad input fails at once, and standard input is read only once)."""
    options = options or CompareOptions()
    timer = timer or _Timer()
    with timer.stage("segment"):
        src = prepare_document(src_read, options.source_lang, models.config, "source")
        tgt = prepare_document(tgt_read, options.rendition_lang, models.config, "rendition")
    return compare_documents(src, tgt, models, options, timer)


def compare_files(
    source_path: str,
    rendition_path: str,
    models: Models,
    options: CompareOptions | None = None,
) -> Comparison:
    timer = _Timer()
    with timer.stage("read"):
        src_read = read_text(source_path)
        tgt_read = read_text(rendition_path)
    return compare_texts(src_read, tgt_read, models, options, timer)

