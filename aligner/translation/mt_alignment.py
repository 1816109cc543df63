"""The second alignment path: the source's English machine translation against an
English rendition, and MT-model evidence for findings.

Cross-lingual word alignment misses counterparts that a translation makes obvious
("l'UGP" / "Popular Mobilization Forces" is hard for the encoder, easy once the MT
says "the PMU"). The path works in three steps inside each sentence bead:

1. source -> MT-English: cross-lingual alignment of a sentence with its own
   translation (the easiest case for the encoder);
2. MT-English -> rendition: monolingual alignment;
3. combination: a rendition token has a counterpart if either path gives it one; a
   source token has one if directly aligned, or if an MT token aligned to it has a
   counterpart in the rendition. A span is reported as added/dropped only when
   *both* paths leave it without counterpart, so the MT path can only remove false
   alarms, never add them.

Forced decoding gives evidence per finding: how surprising each rendition word is to
the MT model given the source sentence (log-probability), and how much attention
each source word receives while the model reads the rendition (coverage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..alignment.document_alignment import bead_side, content_pieces
from ..alignment.word_alignment import PieceVectors, align_words
from ..encoder.embedding import EmbeddedSentence, Encoder
from ..findings.token_evidence import TokenEvidence
from ..structures import Bead, Document, Token
from ..text.segmentation import tokenize

SURPRISE_LOGPROB = -4.0
LOW_COVERAGE = 0.15


@dataclass(slots=True)
class MTEvidence:
    """What the MT path adds: counterpart flags per token, and per-token evidence."""

    src_explained: np.ndarray
    tgt_explained: np.ndarray
    tgt_logprob: np.ndarray  # NaN where not scored
    src_coverage: np.ndarray  # NaN where not scored


def _mt_tokens(doc: Document) -> dict[int, list[Token]]:
    out: dict[int, list[Token]] = {}
    for s in doc.sentences:
        if s.translation:
            out[s.id] = tokenize(s.translation, 0, len(s.translation), "en", s.id)
    return out


def mt_path(
    src: Document,
    tgt: Document,
    beads: Sequence[Bead],
    src_emb: Sequence[EmbeddedSentence],
    tgt_emb: Sequence[EmbeddedSentence],
    encoder: Encoder,
    method: str,
    token_type: str,
    explained_sim: float,
) -> MTEvidence:
    """Counterparts found through the MT-English of the source. A word without a link
    whose best cosine reaches ``explained_sim`` (``[findings]``) has a counterpart too."""
    src_ok = np.zeros(len(src.tokens), bool)
    tgt_ok = np.zeros(len(tgt.tokens), bool)
    mt_tokens = _mt_tokens(src)
    order = sorted(mt_tokens)
    mt_emb = dict(zip(order, encoder.embed([[t.text for t in mt_tokens[i]] for i in order]), strict=True))
    for bead in beads:
        if not bead.source or not bead.rendition:
            continue
        sids = [sid for sid in bead.source if sid in mt_tokens]
        if not sids:
            continue
        # MT tokens get bead-local ids: sentence-major, offset by a running count.
        offsets, parts, owners = [], [], []
        base = 0
        for sid in sids:
            offsets.append(base)
            parts.append(content_pieces(mt_emb[sid].pieces, mt_tokens[sid], base))
            owners.extend([sid] * len(mt_tokens[sid]))
            base += len(mt_tokens[sid])
        mt_pv = PieceVectors(np.concatenate([p.vectors for p in parts]), np.concatenate([p.word for p in parts]))
        mono = align_words(mt_pv, bead_side(tgt, tgt_emb, bead.rendition), method=method, token_type=token_type)
        mt_has = {a for a, _, _ in mono.links} | {w for w, b in mono.src_best.items() if b >= explained_sim}
        for _, b, _ in mono.links:
            tgt_ok[b] = True
        for w, b in mono.tgt_best.items():
            if b >= explained_sim:
                tgt_ok[w] = True
        # Source -> its own translation, sentence by sentence.
        for sid, off in zip(sids, offsets, strict=True):
            sp = bead_side(src, src_emb, [sid])
            mp = content_pieces(mt_emb[sid].pieces, mt_tokens[sid], off)
            cross = align_words(sp, mp, method=method, token_type=token_type)
            for a, m, _ in cross.links:
                if m in mt_has:
                    src_ok[a] = True
    return MTEvidence(src_ok, tgt_ok, np.full(len(tgt.tokens), np.nan), np.full(len(src.tokens), np.nan))


def _bead_text(doc: Document, sids: Sequence[int]) -> tuple[str, int]:
    start = doc.sentences[sids[0]].start
    end = doc.sentences[sids[-1]].end
    return doc.text[start:end], start


def forced_decoding(src: Document, tgt: Document, beads: Sequence[Bead], translator, ev: MTEvidence) -> MTEvidence:
    """``ev`` with ``tgt_logprob`` (per rendition token, the lowest piece
    log-probability) and ``src_coverage`` (per source token, attention received) filled
    from the MT model reading each rendition bead given its source bead (a new value;
    ``ev`` is left as it is)."""
    pairs = [(b, *_bead_text(src, b.source), *_bead_text(tgt, b.rendition)) for b in beads if b.source and b.rendition]
    if not pairs:
        return ev
    tgt_logprob, src_coverage = ev.tgt_logprob.copy(), ev.src_coverage.copy()
    scores = translator.score([p[1] for p in pairs], [p[3] for p in pairs], with_attention=True)
    for (_bead, _stext, s_off, _ttext, t_off), fs in zip(pairs, scores, strict=True):
        tgt_char = np.full(len(tgt.text) + 1, np.nan)
        for (a, b), lp in zip(fs.char_spans, fs.logprobs, strict=True):
            if np.isnan(lp):
                continue
            seg = tgt_char[t_off + a : t_off + b]
            tgt_char[t_off + a : t_off + b] = np.fmin(seg, lp) if np.isfinite(seg).any() else lp
        cov = None
        if fs.cross_attention is not None and len(fs.source_char_spans):
            cov = np.asarray(fs.cross_attention).sum(axis=0)
        src_char = np.full(len(src.text) + 1, np.nan)
        if cov is not None:
            for (a, b), c in zip(fs.source_char_spans, cov, strict=False):
                src_char[s_off + a : s_off + b] = np.fmax(src_char[s_off + a : s_off + b], c) if np.isfinite(src_char[s_off + a : s_off + b]).any() else c
        _token_values(tgt_logprob, tgt.tokens, t_off, t_off + len(_ttext), tgt_char, np.nanmin)
        _token_values(src_coverage, src.tokens, s_off, s_off + len(_stext), src_char, np.nanmax)
    return replace(ev, tgt_logprob=tgt_logprob, src_coverage=src_coverage)


def _token_values(out: np.ndarray, tokens: Sequence[Token], start: int, end: int, chars: np.ndarray, reduce) -> None:
    """Set ``out[k]`` of each token starting in ``[start, end)`` to ``reduce`` of its
    characters' values, where it has any (``out`` is the caller's own array)."""
    for k, t in enumerate(tokens):
        if start <= t.start < end:
            vals = chars[t.start : t.end]
            if np.isfinite(vals).any():
                out[k] = float(reduce(vals))


def combine(
    src: Document, tgt: Document, src_ev: TokenEvidence, tgt_ev: TokenEvidence, mt: MTEvidence
) -> tuple[TokenEvidence, TokenEvidence]:
    """The direct evidence with the MT path folded in (new values): a token has a
    counterpart when either path gives it one; MT-model evidence is attached as text."""
    src_extra, tgt_extra = dict(src_ev.extra), dict(tgt_ev.extra)
    for k, lp in enumerate(mt.tgt_logprob):
        if np.isfinite(lp) and lp <= SURPRISE_LOGPROB:
            tgt_extra[k] = f"the MT model finds '{tgt.tokens[k].text}' unlikely given the source (log-prob {lp:.1f})"
    for k, c in enumerate(mt.src_coverage):
        if np.isfinite(c) and c <= LOW_COVERAGE:
            src_extra[k] = (
                f"the MT model barely attends to '{src.tokens[k].text}' when reading the rendition (attention {c:.2f})"
            )
    return (
        replace(src_ev, aligned=src_ev.aligned | mt.src_explained, extra=src_extra),
        replace(tgt_ev, aligned=tgt_ev.aligned | mt.tgt_explained, extra=tgt_extra),
    )
