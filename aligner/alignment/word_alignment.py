"""Word alignment from contextual embeddings: SimAlign's matching methods.

The three methods of Jalili Sabet et al. (2020) as the ``simalign`` package defines
them, written here over plain similarity matrices so that they can run on vectors
from one batched forward pass per document instead of one model call per sentence
pair:

- ``argmax``: a link where a row's best column and that column's best row agree;
- ``itermax``: argmax, then one more round that lets still unaligned words pick
  among the rest (SimAlign's default second method);
- ``mwmf``: the maximum-weight full matching of the bipartite similarity graph
  (SimAlign solves it with networkx; the Hungarian algorithm gives the same
  matching much faster).

Other matchers (awesome-align's softmax extraction, grow-diag symmetrisation,
SimAlign's distortion prior) were measured and not adopted; they live with the
benchmark (``benchmarks/alignment_variants.py``) and run through the one extension
point: :func:`align_words` takes a callable ``method`` in place of a name.

``align_words`` can also match on *centred* vectors (``src_shift``/``tgt_shift``,
for instance the mean piece vector of each language side of a batch, from
:func:`mean_vector`): removing each side's mean direction makes cosine
similarities far less anisotropic and improves alignment (Libovický et al. 2020).

``tests/test_word_alignment.py`` checks these against the ``simalign`` package's own
functions on random and real matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..config import default_settings

METHODS = ("argmax", "itermax", "mwmf")

Matcher = Callable[[np.ndarray], np.ndarray]
"""A matching method as a function: similarity matrix -> boolean link matrix."""

# IterMax as SimAlign defines it (``iter_max(sim, max_count=2, alpha_ratio=0.9)``):
# part of the method's definition, not settings (tests/test_word_alignment.py checks
# the links equal simalign's own).
_ITERMAX_ROUNDS = 2
_ITERMAX_ALPHA = 0.9


def cosine_matrix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``x`` with every row of ``y``."""
    xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    yn = y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-9)
    return xn @ yn.T


def argmax_links(sim: np.ndarray) -> np.ndarray:
    """Boolean matrix of mutual-best links."""
    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return out
    fwd = sim.argmax(axis=1)
    bwd = sim.argmax(axis=0)
    rows = np.arange(m)
    mutual = bwd[fwd] == rows
    out[rows[mutual], fwd[mutual]] = True
    return out


def itermax_links(sim: np.ndarray) -> np.ndarray:
    """SimAlign's IterMax: repeated argmax over words not yet aligned on both sides."""
    max_count, alpha = _ITERMAX_ROUNDS, _ITERMAX_ALPHA
    m, n = sim.shape
    inter = argmax_links(sim).astype(np.float64)
    if min(m, n) <= 2:
        return inter.astype(bool)
    count = 1
    while count < max_count:
        mask_x = 1.0 - np.clip(inter.sum(1), 0.0, 1.0)[:, None].repeat(n, axis=1)
        mask_y = 1.0 - np.clip(inter.sum(0), 0.0, 1.0)[None, :].repeat(m, axis=0)
        mask = np.clip(alpha * mask_x + alpha * mask_y, 0.0, 1.0)
        mask_zeros = 1.0 - (1.0 - mask_x) * (1.0 - mask_y)
        if mask_x.sum() < 1.0 or mask_y.sum() < 1.0:
            mask *= 0.0
            mask_zeros *= 0.0
        new_sim = sim * mask
        fwd = np.eye(n)[new_sim.argmax(axis=1)] * mask_zeros
        bac = np.eye(m)[new_sim.argmax(axis=0)].T * mask_zeros
        new_inter = fwd * bac
        if np.array_equal(inter + new_inter, inter):
            break
        inter = inter + new_inter
        count += 1
    return inter > 0


def mwmf_links(sim: np.ndarray) -> np.ndarray:
    """Maximum-weight full matching (every word of the shorter side gets one link)."""
    from scipy.optimize import linear_sum_assignment

    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    if m == 0 or n == 0:
        return out
    rows, cols = linear_sum_assignment(sim, maximize=True)
    out[rows, cols] = True
    return out


def match(sim: np.ndarray, method: str) -> np.ndarray:
    """Boolean link matrix of ``method`` (one of :data:`METHODS`) on ``sim``."""
    if method == "argmax":
        return argmax_links(sim)
    if method == "itermax":
        return itermax_links(sim)
    if method == "mwmf":
        return mwmf_links(sim)
    raise ValueError(f"unknown alignment method {method!r} (choose from {', '.join(METHODS)})")


@dataclass(slots=True)
class PieceVectors:
    """Subword vectors of one sentence (or bead side) with the word each belongs to.

    ``word`` holds the caller's word index for each piece; pieces of one word are
    contiguous."""

    vectors: np.ndarray
    word: np.ndarray

    @staticmethod
    def concat(parts: Sequence[PieceVectors], offsets: Sequence[int]) -> PieceVectors:
        if not parts:
            return PieceVectors(np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=np.int64))
        return PieceVectors(
            np.concatenate([p.vectors for p in parts]),
            np.concatenate([p.word + off for p, off in zip(parts, offsets, strict=True)]),
        )

    def select_words(self, keep: Iterable[int]) -> PieceVectors:
        keep_set = np.fromiter(keep, dtype=np.int64)
        mask = np.isin(self.word, keep_set)
        return PieceVectors(self.vectors[mask], self.word[mask])

    def word_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean vector per word, and the word ids in order.

        Pieces of one word are contiguous, so each word is one slice summed by
        ``np.add.reduceat`` (``np.add.at`` took a third of the finding stage's time)."""
        if len(self.word) == 0:
            return np.zeros((0, self.vectors.shape[1]), dtype=np.float64), self.word.copy()
        starts = np.concatenate(([0], np.flatnonzero(np.diff(self.word)) + 1))
        ids = self.word[starts]
        if np.all(np.diff(ids) > 0):
            sums = np.add.reduceat(self.vectors.astype(np.float64), starts, axis=0)
            counts = np.diff(np.append(starts, len(self.word)))[:, None]
            return sums / counts, ids
        words, inverse = np.unique(self.word, return_inverse=True)
        sums = np.zeros((len(words), self.vectors.shape[1]), dtype=np.float64)
        np.add.at(sums, inverse, self.vectors)
        counts = np.bincount(inverse, minlength=len(words))[:, None]
        return sums / np.maximum(counts, 1), words


@dataclass(slots=True)
class WordAlignment:
    """Links between word ids, each with the similarity that supported it, and the
    best similarity every word reached with any word on the other side."""

    links: list[tuple[int, int, float]]
    src_best: dict[int, float]
    tgt_best: dict[int, float]


def mean_vector(parts: Iterable[PieceVectors]) -> np.ndarray | None:
    """Mean piece vector over ``parts`` (for instance every sentence of one language
    side of a batch or document); None when there are no pieces."""
    total: np.ndarray | None = None
    count = 0
    for pv in parts:
        if len(pv.word) == 0:
            continue
        s = pv.vectors.sum(axis=0, dtype=np.float64)
        total = s if total is None else total + s
        count += len(pv.word)
    return None if total is None else total / count


def _best_per_word(words: np.ndarray, best: np.ndarray) -> dict[int, float]:
    """Largest ``best`` value per word id, at least -1 (ids in order of first appearance)."""
    values = np.maximum(best.astype(np.float64), -1.0).tolist()
    if len(words) and np.all(words[1:] > words[:-1]):  # one value per word: no reduction
        return dict(zip(words.tolist(), values, strict=True))
    out: dict[int, float] = {}
    for w, v in zip(words.tolist(), values, strict=True):
        out[w] = max(out.get(w, -1.0), v)
    return out


def align_words(
    src: PieceVectors,
    tgt: PieceVectors,
    method: str | Matcher | None = None,
    token_type: str | None = None,
    *,
    src_shift: np.ndarray | None = None,
    tgt_shift: np.ndarray | None = None,
) -> WordAlignment:
    """Align the words behind two sets of piece vectors.

    With ``token_type="bpe"`` (SimAlign's default) subwords are matched and a word
    pair is linked when any of their pieces are; with ``"word"`` each word is first
    averaged over its pieces. ``method`` and ``token_type`` left as None are the
    ``[word_alignment]`` defaults of ``configs/``. ``method`` may also be a
    :data:`Matcher` (how the benchmarks run research variants through this function).

    ``src_shift``/``tgt_shift`` (vectors, e.g. :func:`mean_vector` of each language
    side of the batch) are subtracted from the piece vectors before *matching*
    (centring). The similarities reported (link scores, ``src_best``, ``tgt_best``)
    are always the plain cosines of the unshifted vectors, so thresholds calibrated
    on them keep their meaning.
    """
    if method is None or token_type is None:
        defaults = default_settings().word_alignment
        method = defaults.method if method is None else method
        token_type = defaults.token_type if token_type is None else token_type
    if len(src.word) == 0 or len(tgt.word) == 0:
        return WordAlignment([], {int(w): 0.0 for w in np.unique(src.word)}, {int(w): 0.0 for w in np.unique(tgt.word)})
    if token_type == "word":
        sv, sw = src.word_vectors()
        tv, tw = tgt.word_vectors()
    else:
        sv, sw = src.vectors, src.word
        tv, tw = tgt.vectors, tgt.word
    sim = cosine_matrix(sv, tv)
    if src_shift is None and tgt_shift is None:
        match_sim = sim
    else:
        src_c = src if src_shift is None else PieceVectors(src.vectors - src_shift, src.word)
        tgt_c = tgt if tgt_shift is None else PieceVectors(tgt.vectors - tgt_shift, tgt.word)
        if token_type == "word":
            match_sim = cosine_matrix(src_c.word_vectors()[0], tgt_c.word_vectors()[0])
        else:
            match_sim = cosine_matrix(src_c.vectors, tgt_c.vectors)
    links_mat = method(match_sim) if callable(method) else match(match_sim, method)
    rows, cols = np.nonzero(links_mat)
    pairs: dict[tuple[int, int], float] = {}
    for a, b, v in zip(sw[rows].tolist(), tw[cols].tolist(), sim[rows, cols].astype(np.float64).tolist(), strict=True):
        pairs[(a, b)] = max(pairs.get((a, b), -1.0), v)
    src_best = _best_per_word(sw, sim.max(axis=1))
    tgt_best = _best_per_word(tw, sim.max(axis=0))
    return WordAlignment(sorted((a, b, s) for (a, b), s in pairs.items()), src_best, tgt_best)
