"""Alignment of two embedded documents: sentence beads, then word links inside each
bead, and the per-token evidence the findings stage reads.

The pipeline calls :func:`align_documents` once per comparison; the ``sentences``
command needs only :func:`sentence_beads`. Each function returns new values: the
documents and their embeddings are read, never changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..config import SentenceAlignmentSettings
from ..encoder.embedding import EmbeddedSentence
from ..findings.token_evidence import TokenEvidence
from ..structures import Bead, Document, Link, Token
from .sentence_alignment import IDENTITY_MAP, align_sentences
from .word_alignment import PieceVectors, align_words, mean_vector

_CONTENT_KINDS = ("word", "number")  # punctuation and symbols never align


def sentence_words(doc: Document) -> list[list[str]]:
    """The words of each sentence of ``doc``, as the encoder embeds them."""
    return [[doc.tokens[k].text for k in s.token_range] for s in doc.sentences]


def content_pieces(pieces: PieceVectors, tokens: Sequence[Token], offset: int) -> PieceVectors:
    """The piece vectors of one sentence's words and numbers, their word ids shifted
    by ``offset`` (the sentence's first token in a longer token list)."""
    keep = [k for k, t in enumerate(tokens) if t.kind in _CONTENT_KINDS]
    pv = pieces.select_words(keep)
    return PieceVectors(pv.vectors, pv.word + offset)


def bead_side(doc: Document, emb: Sequence[EmbeddedSentence], sids: Sequence[int]) -> PieceVectors:
    """Piece vectors of a bead side's words and numbers, word ids = document token ids."""
    parts = []
    for sid in sids:
        s = doc.sentences[sid]
        parts.append(content_pieces(emb[sid].pieces, doc.tokens[s.token_start : s.token_end], s.token_start))
    if not parts:
        return PieceVectors(np.zeros((0, 1), np.float32), np.zeros(0, np.int64))
    return PieceVectors.concat(parts, [0] * len(parts))


def sentence_beads(
    src: Document,
    tgt: Document,
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    params: SentenceAlignmentSettings,
    background: np.ndarray | None = None,
    pair_map: tuple[float, float] = IDENTITY_MAP,
) -> list[Bead]:
    """Sentence alignment of two embedded documents with the ``[sentence_alignment]``
    settings ``params`` (``background``: :meth:`~aligner.pipeline.Models.sentence_background`;
    ``pair_map``: :meth:`~aligner.pipeline.Models.pair_cost_map` of the two
    documents' languages)."""
    return align_sentences(
        np.stack([e.vector for e in src_emb]),
        np.stack([e.vector for e in tgt_emb]),
        params,
        np.array([s.boilerplate for s in src.sentences]),
        np.array([s.boilerplate for s in tgt.sentences]),
        background,
        ([len(s.text) for s in src.sentences], [len(s.text) for s in tgt.sentences]),
        pair_map=pair_map,
    )


def align_documents(
    src: Document,
    tgt: Document,
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    params: SentenceAlignmentSettings,
    center: bool,
    nearby_window: int,
    method: str,
    token_type: str,
    timer: Any,
    background: np.ndarray | None = None,
    pair_map: tuple[float, float] = IDENTITY_MAP,
    word_shift: float = 0.0,
) -> tuple[list[Bead], list[Link], TokenEvidence, TokenEvidence]:
    """Sentence beads (:func:`sentence_beads`), then word links inside each bead by
    ``method`` on ``token_type`` units; ``center`` (``[word_alignment] center``)
    subtracts each language side's mean vector before matching, which removes the
    language component all of one side's vectors share; ``nearby_window``: beads on
    either side searched for :func:`nearby_similarity`; ``word_shift``
    (:meth:`~aligner.pipeline.Models.pair_word_shift`) is added to the best and nearby
    similarities of a language pair whose translations the encoder finds less alike
    than the reference pair's. ``timer.stage(name)`` times the two steps."""
    with timer.stage("align_sentences"):
        beads = sentence_beads(src, tgt, src_emb, tgt_emb, params, background, pair_map)
    with timer.stage("align_words"):
        src_shift = mean_vector(e.pieces for e in src_emb) if center else None
        tgt_shift = mean_vector(e.pieces for e in tgt_emb) if center else None
        links: list[Link] = []
        src_aligned, tgt_aligned = np.zeros(len(src.tokens), bool), np.zeros(len(tgt.tokens), bool)
        src_best, tgt_best = np.full(len(src.tokens), np.nan), np.full(len(tgt.tokens), np.nan)
        for bead in beads:
            if not bead.source or not bead.rendition:
                continue
            sp = bead_side(src, src_emb, bead.source)
            tp = bead_side(tgt, tgt_emb, bead.rendition)
            wa = align_words(sp, tp, method=method, token_type=token_type, src_shift=src_shift, tgt_shift=tgt_shift)
            for a, b, score in wa.links:
                links.append(Link(a, b, round(score, 4)))
                src_aligned[a] = True
                tgt_aligned[b] = True
            for sid in bead.source:
                for k in src.sentences[sid].token_range:
                    src_best[k] = wa.src_best.get(k, 0.0)
            for sid in bead.rendition:
                for k in tgt.sentences[sid].token_range:
                    tgt_best[k] = wa.tgt_best.get(k, 0.0)
        src_near, tgt_near = nearby_similarity(src, tgt, src_emb, tgt_emb, beads, nearby_window, src_shift, tgt_shift)
        if word_shift:
            src_best, tgt_best, src_near, tgt_near = (
                np.minimum(v + word_shift, 1.0) for v in (src_best, tgt_best, src_near, tgt_near)
            )
    return (
        beads,
        links,
        TokenEvidence(src_aligned, src_best, {}, src_near),
        TokenEvidence(tgt_aligned, tgt_best, {}, tgt_near),
    )


def _bead_neighbours(beads: Sequence[Bead], window: int) -> list[tuple[list[int], list[int]]]:
    """For each bead, the sentences of each side within ``window`` beads of it, so
    content merged into a neighbouring sentence or split off into one is found."""
    out = []
    for i in range(len(beads)):
        lo, hi = max(0, i - window), min(len(beads), i + window + 1)
        out.append(
            (sorted({s for b in beads[lo:hi] for s in b.source}), sorted({r for b in beads[lo:hi] for r in b.rendition}))
        )
    return out


def nearby_similarity(
    src: Document,
    tgt: Document,
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    beads: Sequence[Bead],
    window: int,
    src_shift: np.ndarray | None,
    tgt_shift: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Best similarity of each source and each rendition token to any word of the other
    side's nearby sentences (NaN where not measured; ``TokenEvidence.near``). Sentence
    beads are monotone and can cut a claim that a rendition moved into the next
    sentence; word evidence across that cut keeps such content from being reported as
    dropped here and added there."""
    src_near, tgt_near = np.full(len(src.tokens), np.nan), np.full(len(tgt.tokens), np.nan)
    for bead, (near_s, near_t) in zip(beads, _bead_neighbours(beads, window), strict=True):
        for sids, other, near, mine_doc, mine_emb, other_doc, other_emb, shifts in (
            (bead.source, near_t, src_near, src, src_emb, tgt, tgt_emb, (src_shift, tgt_shift)),
            (bead.rendition, near_s, tgt_near, tgt, tgt_emb, src, src_emb, (tgt_shift, src_shift)),
        ):
            if not sids or not other:
                continue
            mine = bead_side(mine_doc, mine_emb, sids)
            theirs = bead_side(other_doc, other_emb, other)
            if not len(mine.word) or not len(theirs.word):
                continue
            wa = align_words(mine, theirs, method="argmax", token_type="word", src_shift=shifts[0], tgt_shift=shifts[1])
            for k, v in wa.src_best.items():
                near[k] = v if np.isnan(near[k]) else max(near[k], v)
    return src_near, tgt_near
