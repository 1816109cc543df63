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
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from . import __version__
from .alignment.document_alignment import align_documents, bead_side, sentence_words
from .alignment.sentence_alignment import (
    background_sentences,
    background_vectors,
    cost_map,
    translation_cost,
)
from .alignment.word_alignment import align_words
from .config import (
    ClaimsSettings,
    ConfidenceSettings,
    EncoderSettings,
    FindingsSettings,
    SentenceAlignmentSettings,
    WordAlignmentSettings,
    load_config,
    section_settings,
)
from .encoder.embedding import EmbeddedSentence, Encoder, embedding_notes
from .errors import InputError, ModelUnavailable
from .findings.merging import calibrated, merge_findings, number_findings
from .findings.relation import all_sentences_paired, coverage, relation
from .findings.span_checks import added_dropped
from .findings.token_evidence import diff_scores
from .io.reading import ReadText, read_text
from .reports import ReportViews
from .structures import FINDING_TYPES, Bead, Document, Finding, Link
from .text.language import check_language, detect_language
from .text.segmentation import mark_boilerplate, segment

_S = TypeVar("_S")


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
    background: np.ndarray | None = field(default=None, repr=False)
    parallel: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    pair_maps: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict, repr=False)
    sections: dict[type, Any] = field(default_factory=dict, repr=False)
    word_shifts: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    word_sims: dict[tuple[str, str], float | None] = field(default_factory=dict, repr=False)
    parallel_docs: dict[str, Any] = field(default_factory=dict, repr=False)

    def section(self, cls: type[_S]) -> _S:
        """The typed settings of one section of ``config`` (e.g.
        :class:`~aligner.config.SentenceAlignmentSettings`), parsed once: the stages
        read them on every comparison."""
        if cls not in self.sections:
            self.sections[cls] = section_settings(self.config, cls)
        return self.sections[cls]

    def _calibration_reference(self, src_lang: str, tgt_lang: str) -> tuple[str, str] | None:
        """The ``calibration_reference`` pair to put (src_lang, tgt_lang) on, or None
        when the pair is left as it is (one language, the reference pair itself, or no
        reference configured)."""
        reference = str(self.config.get("sentence_alignment", {}).get("calibration_reference") or "")
        ref = tuple(reference.split("-", 1))
        if src_lang == tgt_lang or len(ref) != 2 or (src_lang, tgt_lang) == ref:
            return None
        return ref[0], ref[1]

    def _parallel_documents(self, lang: str) -> list[tuple[Document, list[EmbeddedSentence]]] | None:
        """``lang``'s parallel calibration sentences segmented and embedded one by one
        (None without them), on first use: every pair a language takes part in, the
        reference pair included, reuses them."""
        if lang not in self.parallel_docs:
            sentences = self.config.get("sentence_alignment", {}).get("parallel", {}).get(lang)
            docs = None
            if sentences:
                docs = []
                for text in sentences:
                    doc = prepare_document(ReadText(text, "", "utf-8", ""), lang, self.config, "source")
                    docs.append((doc, embed_document(doc, self)))
            self.parallel_docs[lang] = docs
        return self.parallel_docs[lang]

    def _translation_word_similarity(self, src_lang: str, tgt_lang: str) -> float | None:
        """Median best similarity of the words of the parallel sentences of the two
        languages to their translation (both directions), or None without them;
        computed once per pair."""
        key = (src_lang, tgt_lang)
        if key not in self.word_sims:
            src_docs, tgt_docs = self._parallel_documents(src_lang), self._parallel_documents(tgt_lang)
            sims: list[float] = []
            for (s, se), (t, te) in zip(src_docs or [], tgt_docs or [], strict=False):
                wa = align_words(bead_side(s, se, range(len(s.sentences))), bead_side(t, te, range(len(t.sentences))), method="argmax", token_type="word")
                sims += [v for k, v in wa.src_best.items() if s.tokens[k].kind == "word"]
                sims += [v for k, v in wa.tgt_best.items() if t.tokens[k].kind == "word"]
            self.word_sims[key] = float(np.median(sims)) if sims else None
        return self.word_sims[key]

    def pair_word_shift(self, src_lang: str, tgt_lang: str) -> float:
        """What is added to word similarities between these two languages: their gap
        to the reference pair's (median best match of a word to its translation in the
        parallel sentences) times ``[word_alignment] calibration_share``; 0 for one
        language, the reference pair, or a language without parallel sentences."""
        key = (src_lang, tgt_lang)
        if key not in self.word_shifts:
            ref = self._calibration_reference(src_lang, tgt_lang)
            shift = 0.0
            if ref is not None:
                mine, theirs = self._translation_word_similarity(src_lang, tgt_lang), self._translation_word_similarity(*ref)
                if mine is not None and theirs is not None:
                    share = self.section(WordAlignmentSettings).calibration_share or 0.0
                    shift = share * max(0.0, theirs - mine)
            self.word_shifts[key] = shift
        return self.word_shifts[key]

    def _parallel_vectors(self, lang: str) -> np.ndarray | None:
        """The encoder's vectors of ``lang``'s parallel calibration sentences (None
        when the configuration has none for it), embedded on first use."""
        if lang not in self.parallel:
            sentences = self.config.get("sentence_alignment", {}).get("parallel", {}).get(lang)
            self.parallel[lang] = background_vectors(self.encoder, sentences, lang) if sentences else None
        return self.parallel[lang]

    def pair_cost_map(self, src_lang: str, tgt_lang: str) -> tuple[float, float]:
        """The ``(scale, shift)`` that puts sentence-alignment costs between these two
        languages on the scale of ``calibration_reference`` (identity for one language,
        for a language without parallel sentences, or with no reference configured)."""
        key = (src_lang, tgt_lang)
        if key not in self.pair_maps:
            self.pair_maps[key] = self._compute_pair_map(src_lang, tgt_lang)
        return self.pair_maps[key]

    def _compute_pair_map(self, src_lang: str, tgt_lang: str) -> tuple[float, float]:
        ref = self._calibration_reference(src_lang, tgt_lang)
        if ref is None:
            return 1.0, 0.0
        vectors = [self._parallel_vectors(lang) for lang in (src_lang, tgt_lang, *ref)]
        if any(v is None or not len(v) for v in vectors):
            return 1.0, 0.0
        params = self.section(SentenceAlignmentSettings)
        background = self.sentence_background()
        pair = translation_cost(vectors[0], vectors[1], params, background)
        reference_cost = translation_cost(vectors[2], vectors[3], params, background)
        return cost_map(pair, reference_cost)

    def sentence_background(self) -> np.ndarray:
        """The encoder's vectors of the generic background sentences of the config
        (sentence alignment's reference of "unrelated"), embedded on first use."""
        if self.background is None:
            self.background = background_vectors(self.encoder, background_sentences(self.config))
        return self.background

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
    """The encoder as ``config``'s ``[encoder]`` section describes it (``encoder``: another
    model id or directory), and the translation settings for :meth:`Models.translator`."""
    config = config or load_config()
    settings = section_settings(config, EncoderSettings)
    enc = Encoder.load(encoder, device=device, progress=progress, settings=settings)
    return Models(config, enc, mt_model, mt_backend, device, progress)


@dataclass
class CompareOptions:
    source_lang: str | None = None
    rendition_lang: str | None = None
    translate: bool = True
    method: str | None = None
    # Findings less confident than this are left out (None: [findings] min_confidence).
    min_confidence: float | None = None


@dataclass
class Comparison(ReportViews):
    """Everything a report needs about one source/rendition pair (``to_json()``,
    ``to_html()`` ... render it)."""

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
    mark_boilerplate(
        sentences, tokens, code, bp.get("patterns", []), bp.get("footer_markers", []), text=read.text,
        max_words=int(bp.get("max_words", 16)), sentence_min_words=int(bp.get("sentence_min_words", 5)),
    )
    doc = Document(read.text, code, read.path, read.sha256, sentences, tokens, warnings)
    if not any(not s.boilerplate for s in sentences):
        raise InputError(f"{read.path}: no text besides page debris (nothing to compare)")
    return doc


def embed_document(doc: Document, models: Models, label: str = "embedding source") -> list[EmbeddedSentence]:
    """Sentence and piece vectors of every sentence of ``doc``."""
    return models.encoder.embed(sentence_words(doc), progress=models.progress, label=label)


def name_similarity(encoder: Encoder, pairs: Sequence[tuple[str, str]]) -> list[float]:
    """Cosine of each pair of names embedded on their own, in one batch: what the
    encoder knows of them apart from their context."""
    if not pairs:
        return []
    emb = encoder.embed([[a] for a, _ in pairs] + [[b] for _, b in pairs])
    vecs = np.stack([e.vector for e in emb]).astype(np.float64)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    n = len(pairs)
    return [float(vecs[i] @ vecs[n + i]) for i in range(n)]


def _with_translation(doc: Document, translator: Any) -> Document:
    """A copy of ``doc`` whose sentences carry their English machine translation.
    Debris is translated too: a reader of the gloss should see every line."""
    todo = [k for k, s in enumerate(doc.sentences) if s.text.strip()]
    out = dict(zip(todo, translator.translate([doc.sentences[k].text for k in todo]), strict=True))
    sentences = [replace(s, translation=out[k]) if k in out else s for k, s in enumerate(doc.sentences)]
    return replace(doc, sentences=sentences)


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
    notes: list[str] = []

    translator = None
    if options.translate and src.lang != "en" and tgt.lang == "en":
        with timer.stage("load_mt"):
            translator = models.translator(src.lang)
    if translator is not None:
        with timer.stage("translate"):
            src = _with_translation(src, translator)
            notes.extend(getattr(translator, "notes", []))

    with timer.stage("embed"):
        if source_embeddings is not None and len(source_embeddings) == len(src.sentences):
            src_emb = list(source_embeddings)
        else:
            src_emb = embed_document(src, models)
        if rendition_embeddings is not None and len(rendition_embeddings) == len(tgt.sentences):
            tgt_emb = list(rendition_embeddings)
        else:
            tgt_emb = embed_document(tgt, models, "embedding rendition")
        notes.extend(embedding_notes(src_emb) + embedding_notes(tgt_emb))
    return compare_embedded(src, tgt, src_emb, tgt_emb, models, options, timer, translator, notes)


def compare_embedded(
    src: Document,
    tgt: Document,
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    models: Models,
    options: CompareOptions,
    timer: _Timer,
    translator: Any | None = None,
    notes: list[str] | None = None,
) -> Comparison:
    """Everything after embedding: alignment, differences, summary. Split from
    :func:`compare_documents` so that callers with many small pairs (``aligner audit``)
    can embed all their sentences in one batched call and then compare pair by pair."""
    wa_settings = models.section(WordAlignmentSettings)
    method = options.method or wa_settings.method
    token_type = wa_settings.token_type
    fs = models.section(FindingsSettings)
    notes = notes if notes is not None else []
    mt_desc: dict[str, Any] = {"used": False}
    if translator is not None:
        mt_desc = {"used": True, "model": translator.model_id, "backend": translator.backend}
    background = models.sentence_background()
    beads, links, src_ev, tgt_ev = align_documents(
        src, tgt, src_emb, tgt_emb, models.section(SentenceAlignmentSettings), wa_settings.center, fs.nearby_window,
        method, token_type, timer, background, models.pair_cost_map(src.lang, tgt.lang),
        models.pair_word_shift(src.lang, tgt.lang),
    )

    if translator is not None:
        from .translation.mt_alignment import combine, forced_decoding, mt_path

        with timer.stage("mt_alignment"):
            mt = mt_path(src, tgt, beads, src_emb, tgt_emb, models.encoder, method, token_type, fs.explained_sim)
        with timer.stage("mt_scoring"):
            try:
                mt = forced_decoding(src, tgt, beads, translator, mt)
            except Exception as exc:  # evidence is optional; the report must not fail for it
                notes.append(f"MT forced-decoding evidence unavailable: {type(exc).__name__}: {exc}")
        src_ev, tgt_ev = combine(src, tgt, src_ev, tgt_ev, mt)

    with timer.stage("differences"):
        src_scores = diff_scores(src, src_ev, fs)
        tgt_scores = diff_scores(tgt, tgt_ev, fs)
        src_cov, tgt_cov = coverage(src, src_ev, fs), coverage(tgt, tgt_ev, fs)
        rel = relation(src_cov, tgt_cov, fs, all_sentences_paired(src, tgt, beads))
        if rel == "unrelated":
            findings: list[Finding] = []
            note = (
                f"the rendition does not appear to be a version of the source: only {src_cov:.0%} of the "
                f"source and {tgt_cov:.0%} of the rendition have a counterpart; no findings listed"
            )
        else:
            from .findings.claims import claim_findings

            claims, claim_notes = claim_findings(
                src, tgt, beads, links, models.section(ClaimsSettings),
                name_similarity=lambda pairs: name_similarity(models.encoder, pairs),
            )
            notes.extend(claim_notes)
            spans = added_dropped(src, tgt, beads, src_ev, tgt_ev, src_scores, tgt_scores, fs)
            findings = calibrated(merge_findings(claims, spans, fs), models.section(ConfidenceSettings).table)
            note = ""
        floor = options.min_confidence if options.min_confidence is not None else fs.min_confidence
        findings = number_findings([f for f in findings if f.confidence >= floor])

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

