"""Sentence alignment of two files, for the ``sentences`` command.

With ``presegmented`` each input line is one sentence (Vecalign/Bertalign input);
otherwise the tool's own segmenter splits the text. Output beads use Vecalign's
format, ``[0]:[0,1]``, one per line."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext, suppress
from typing import Any

import numpy as np

from ..alignment.document_alignment import sentence_beads, sentence_words
from ..alignment.word_alignment import PieceVectors
from ..config import SentenceAlignmentSettings
from ..encoder.embedding import EmbeddedSentence
from ..errors import InputError
from ..pipeline import Models, prepare_document
from ..structures import Bead, Document, Sentence
from ..text.language import check_language, detect_language
from ..text.segmentation import tokenize
from .reading import ReadText, read_text


def _as_read(given: str | ReadText) -> ReadText:
    return given if isinstance(given, ReadText) else read_text(given)


def _presegmented(given: str | ReadText, lang: str | None) -> Document:
    read = _as_read(given)
    code = check_language(lang) if lang else detect_language(read.text)[0]
    doc = Document(read.text, code, read.path, read.sha256)
    pos = 0
    for line in read.text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        start, end = pos, pos + len(body)
        pos += len(line)
        sid = len(doc.sentences)
        toks = tokenize(read.text, start, end, code, sid)
        doc.sentences.append(Sentence(sid, start, end, body, len(doc.tokens), len(doc.tokens) + len(toks)))
        doc.tokens.extend(toks)
    if not doc.sentences:
        raise InputError(f"{read.path}: no lines")
    return doc


_CHUNK = 1000
"""Sentences embedded per call: only their sentence vectors are kept, so memory stays
bounded however long the files are (word-level vectors, ~1.5 KB per subword piece,
are dropped after each chunk)."""


def _release_freed_memory() -> None:
    """Give the heap's freed pages back to the system between chunks (glibc keeps
    them otherwise, and the peak creeps up chunk after chunk). No-op elsewhere."""
    import ctypes
    import ctypes.util
    import sys

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):
        ctypes.CDLL(name).malloc_trim(0)


def _sentence_vectors(encoder, doc: Document, step: Callable[[str], AbstractContextManager], label: str) -> list[EmbeddedSentence]:
    words = sentence_words(doc)
    out: list[EmbeddedSentence] = []
    empty = PieceVectors(np.zeros((0, 1), np.float32), np.zeros(0, np.int64))
    for start in range(0, len(words), _CHUNK):
        with step(f"embedding {label}, sentences {start + 1:,}-{min(start + _CHUNK, len(words)):,} of {len(words):,}"):
            out.extend(EmbeddedSentence(empty, e.vector) for e in encoder.embed(words[start : start + _CHUNK]))
        _release_freed_memory()
    return out


def align_sentence_files(
    source: str | ReadText,
    rendition: str | ReadText,
    models: Models,
    presegmented: bool = False,
    source_lang: str | None = None,
    rendition_lang: str | None = None,
    step: Callable[[str], AbstractContextManager] | None = None,
) -> tuple[Document, Document, list[Bead]]:
    """Beads of two files (or texts already read). ``step(name)`` wraps each stage (a
    progress display names it)."""
    step = step or (lambda name: nullcontext())
    with step("segmenting"):
        if presegmented:
            src, tgt = _presegmented(source, source_lang), _presegmented(rendition, rendition_lang)
        else:
            src = prepare_document(_as_read(source), source_lang, models.config, "source")
            tgt = prepare_document(_as_read(rendition), rendition_lang, models.config, "rendition")
    src_emb = _sentence_vectors(models.encoder, src, step, "source")
    tgt_emb = _sentence_vectors(models.encoder, tgt, step, "rendition")
    with step("aligning sentences"):
        background = models.sentence_background()
        pair_map = models.pair_cost_map(src.lang, tgt.lang)
        params = models.section(SentenceAlignmentSettings)
        return src, tgt, sentence_beads(src, tgt, src_emb, tgt_emb, params, background, pair_map)


def _ids(ids: tuple[int, ...]) -> str:
    return "[" + ",".join(str(i) for i in ids) + "]"


def render_beads(src: Document, tgt: Document, beads: list[Bead], fmt: str) -> str:
    if fmt == "beads":
        return "".join(f"{_ids(b.source)}:{_ids(b.rendition)}\n" for b in beads)
    if fmt == "json":
        from ..reports.model import BeadEntry

        data: list[dict[str, Any]] = [
            {
                **BeadEntry.from_bead(b).to_dict(),
                "source_text": " ".join(src.sentences[i].text for i in b.source),
                "rendition_text": " ".join(tgt.sentences[j].text for j in b.rendition),
            }
            for b in beads
        ]
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if fmt == "tsv":
        from ..reports.tsv_report import tsv_cell

        rows = ["source_ids\trendition_ids\tscore\tmoved\tsource_text\trendition_text"]
        for b in beads:
            rows.append(
                "\t".join(
                    [
                        ",".join(map(str, b.source)),
                        ",".join(map(str, b.rendition)),
                        f"{b.score:.4f}",
                        "1" if b.moved else "0",
                        tsv_cell(" ".join(src.sentences[i].text for i in b.source)),
                        tsv_cell(" ".join(tgt.sentences[j].text for j in b.rendition)),
                    ]
                )
            )
        return "\n".join(rows) + "\n"
    raise ValueError(fmt)
