"""Alignment evidence per token, and what it says: counterpart or not, how sure.

The difference finder is pure: it takes two segmented documents, their sentence beads
and this per-token evidence (filled by the pipeline from the word alignment and, when
used, the MT path) and returns findings. This module holds the evidence, the graded
"has no counterpart" score of each token, and the content-word tests every check
shares. The similarity thresholds are ``[findings]`` keys of configs/default.toml
(:class:`~aligner.config.FindingsSettings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..config import FindingsSettings
from ..structures import Document, Token
from ..text.segmentation import norm_form, stopwords

__all__ = ["TokenEvidence", "content_share", "diff_scores", "has_content", "is_content"]


@dataclass(slots=True)
class TokenEvidence:
    """Alignment evidence per document token (arrays indexed by token).

    ``aligned``: the token has at least one word-alignment link;
    ``best``: the best similarity it reached with any token on the other side of its
    bead (NaN where it had no bead counterpart at all);
    ``extra``: evidence strings from other paths (MT surprise), per token."""

    aligned: np.ndarray
    best: np.ndarray
    extra: dict[int, str] = field(default_factory=dict)
    # Best similarity to any word of the other side's sentences near the bead (NaN
    # where not measured): content moved across a sentence boundary has one.
    near: np.ndarray | None = None

    @classmethod
    def empty(cls, n: int) -> TokenEvidence:
        return cls(np.zeros(n, bool), np.full(n, np.nan), {}, np.full(n, np.nan))

    def explained(self, min_sim: float) -> np.ndarray:
        """Linked, or similar enough (``min_sim``, ``[findings] explained_sim``) to
        something on the other side to have a counterpart (argmax alone leaves many
        true counterparts unlinked)."""
        return self.aligned | (np.nan_to_num(self.best, nan=0.0) >= min_sim)


def diff_scores(doc: Document, ev: TokenEvidence, params: FindingsSettings) -> np.ndarray:
    """Graded "has no counterpart" score per token, in [0, 1].

    Aligned tokens get [0, 0.5) by how well they matched; unaligned ones [0.5, 1] by
    how far their best match was from a real counterpart (``counterpart_sim`` gives 0,
    ``no_counterpart_sim`` the full score); tokens in sentences with no counterpart
    get 1. Punctuation in aligned sentences gets 0: it carries no claim."""
    high, low = params.counterpart_sim, params.no_counterpart_sim
    scale = np.clip((high - np.nan_to_num(ev.best, nan=low)) / (high - low), 0.0, 1.0)
    explained = ev.explained(params.explained_sim)
    out = np.where(explained, 0.5 * scale, 0.5 + 0.5 * scale)
    for k, tok in enumerate(doc.tokens):
        if np.isnan(ev.best[k]):
            out[k] = 1.0
        elif tok.kind in ("punct", "symbol"):
            out[k] = 0.0
    return np.round(out, 3)


def is_content(tok: Token, stop: frozenset[str]) -> bool:
    """A word or number that carries content: not a stopword, not page debris."""
    return tok.kind in ("word", "number") and not tok.boilerplate and norm_form(tok.text) not in stop


def has_content(doc: Document, sid: int) -> bool:
    """Sentence ``sid`` has a content word and is not page debris."""
    stop = stopwords(doc.lang)
    s = doc.sentences[sid]
    return not s.boilerplate and any(is_content(doc.tokens[k], stop) for k in s.token_range)


def content_share(doc: Document, tokens: Iterable[int], has: np.ndarray) -> float:
    """Share of the content words among ``tokens`` whose flag in ``has`` is set (0 when
    there are none): coverage, and the nearby-counterpart test of a span."""
    stop = stopwords(doc.lang)
    content = [k for k in tokens if is_content(doc.tokens[k], stop)]
    if not content:
        return 0.0
    return float(np.mean([bool(has[k]) for k in content]))
