"""Forced decoding: how likely the MT model finds a given English sentence as the
translation of a source sentence, piece by piece, and where each piece looked.

The MT path uses it as evidence (a rendition word the model finds very unlikely given
the source may be an addition; a source word the model barely attends to may be
dropped). Pieces carry character spans in the original strings so the evidence can be
put back on the report's tokens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ForcedScores", "PiecePair", "assemble_scores", "spm_pieces"]


def spm_pieces(processor: Any, text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Pieces of ``text`` and their character spans in ``text``.

    Spans are found by walking the pieces' *surfaces* (the original substrings, before
    sentencepiece's NFKC normalisation) rather than trusting begin/end offsets, which
    are byte offsets in some sentencepiece versions and characters in others. A span
    leaves out the whitespace a leading ``▁`` stands for, so ``text[a:b]`` is what the
    piece covers of the visible text (empty for a bare ``▁``)."""
    try:
        proto = processor.encode(text, return_type="proto")
    except TypeError:  # sentencepiece < 0.2.1
        proto = processor.encode(text, out_type="immutable_proto")
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for item in proto.pieces:
        surface = item.surface
        pieces.append(item.piece)
        start = text.find(surface, cursor) if surface else -1
        if start < 0:
            start = cursor
            end = cursor
        else:
            end = start + len(surface)
            while start < end and text[start].isspace():
                start += 1
            cursor = end
        spans.append((start, end))
    return pieces, spans


@dataclass
class ForcedScores:
    """How likely the model finds ``target`` as a translation of ``source``, token by
    token (forced decoding). Low log-probabilities point at words the source does not
    support (additions); see ``cross_attention`` for where each target piece looked.

    ``logprobs[i]`` is log p(piece i | source, pieces < i); the end-of-sentence token is
    not in ``pieces``/``logprobs`` but kept apart in ``eos_logprob``. ``char_spans[i]``
    slices the target string (whitespace before a word is not part of the span; a bare
    ``▁`` piece has an empty span). Pieces past the model's 512 positions, if any, get
    ``nan`` and a note on the translator.

    ``cross_attention`` (only with ``with_attention=True``) is a float32 array of shape
    ``(len(pieces), len(source_pieces))``: last decoder layer, averaged over heads, the
    source EOS column left out (so rows sum to a little less than 1)."""

    pieces: list[str]
    logprobs: list[float]
    char_spans: list[tuple[int, int]]
    eos_logprob: float
    source_pieces: list[str] = field(default_factory=list)
    source_char_spans: list[tuple[int, int]] = field(default_factory=list)
    cross_attention: np.ndarray | None = None

    @property
    def total_logprob(self) -> float:
        """Sequence log-probability, EOS included (what beam search ranks by)."""
        return float(sum(self.logprobs) + self.eos_logprob)


@dataclass
class PiecePair:
    """One (source, target) pair ready for scoring: pieces and spans of both sides and
    how many pieces of each fit the model's positions (the rest score as NaN)."""

    src_pieces: list[str]
    src_spans: list[tuple[int, int]]
    tgt_pieces: list[str]
    tgt_spans: list[tuple[int, int]]
    src_used: int
    tgt_used: int


def assemble_scores(
    pair: PiecePair, logprobs: list[float], attention: np.ndarray | None
) -> ForcedScores:
    """The :class:`ForcedScores` of ``pair`` from a backend's output for its used
    pieces: ``logprobs`` of the target pieces then EOS, ``attention`` (or None) of
    shape (used target pieces, used source pieces). Pieces past the model's positions
    get NaN."""
    import numpy as np

    used = list(logprobs[: pair.tgt_used])
    missing = len(pair.tgt_pieces) - pair.tgt_used
    eos = float(logprobs[pair.tgt_used]) if not missing else math.nan
    att = None
    if attention is not None:
        att = np.zeros((len(pair.tgt_pieces), len(pair.src_pieces)), dtype=np.float32)
        att[:] = np.nan if missing or pair.src_used < len(pair.src_pieces) else 0.0
        att[: pair.tgt_used, : pair.src_used] = attention
    return ForcedScores(
        pieces=pair.tgt_pieces,
        logprobs=[float(x) for x in used] + [math.nan] * missing,
        char_spans=pair.tgt_spans,
        eos_logprob=eos,
        source_pieces=pair.src_pieces,
        source_char_spans=pair.src_spans,
        cross_attention=att,
    )
