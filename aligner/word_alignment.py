"""Word alignment from contextual embeddings: SimAlign's matching methods.

The three methods of Jalili Sabet et al. (2020) as the ``simalign`` package defines
them, written here over plain similarity matrices so that they can run on vectors
from one batched forward pass per document instead of one model call per sentence
pair:

- ``argmax``: a link where a row's best column and that column's best row agree;
- ``itermax``: argmax, then up to ``max_count - 1`` more rounds that let still
  unaligned words pick among the rest (SimAlign's default second method);
- ``mwmf``: the maximum-weight full matching of the bipartite similarity graph
  (SimAlign solves it with networkx; the Hungarian algorithm gives the same
  matching much faster).

``tests/test_word_alignment.py`` checks these against the ``simalign`` package's own
functions on random and real matrices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

METHODS = ("argmax", "itermax", "mwmf")


def cosine_matrix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``x`` with every row of ``y``."""
    xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    yn = y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-9)
    return xn @ yn.T


def apply_distortion(sim: np.ndarray, ratio: float) -> np.ndarray:
    """Down-weight links far from the diagonal (SimAlign's distortion prior)."""
    m, n = sim.shape
    if m < 2 or n < 2 or ratio == 0.0:
        return sim
    px = np.arange(n)[None, :] / (n - 1)
    py = np.arange(m)[:, None] / (m - 1)
    return sim * (1.0 - (px - py) ** 2 * ratio)


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


def itermax_links(sim: np.ndarray, max_count: int = 2, alpha: float = 0.9) -> np.ndarray:
    """SimAlign's IterMax: repeated argmax over words not yet aligned on both sides."""
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


def softmax_links(sim: np.ndarray, temperature: float = 0.05, threshold: float = 0.1) -> np.ndarray:
    """Links where both directional softmax distributions (awesome-align's extraction,
    on cosine similarities) give the pair at least ``threshold`` probability... and
    each is mutual-best or close to it."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return np.zeros((m, n), dtype=bool)
    z = sim / temperature
    fwd = np.exp(z - z.max(axis=1, keepdims=True))
    fwd /= fwd.sum(axis=1, keepdims=True)
    bwd = np.exp(z - z.max(axis=0, keepdims=True))
    bwd /= bwd.sum(axis=0, keepdims=True)
    return (fwd > threshold) & (bwd > threshold)


def match(sim: np.ndarray, method: str) -> np.ndarray:
    if method.startswith("softmax"):
        parts = method.split(":")
        t = float(parts[1]) if len(parts) > 1 else 0.05
        th = float(parts[2]) if len(parts) > 2 else 0.1
        return softmax_links(sim, t, th)
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
        """Mean vector per word, and the word ids in order."""
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


def align_words(
    src: PieceVectors,
    tgt: PieceVectors,
    method: str = "itermax",
    token_type: str = "bpe",
    distortion: float = 0.0,
) -> WordAlignment:
    """Align the words behind two sets of piece vectors.

    With ``token_type="bpe"`` (SimAlign's default and the better one on the dev
    pairs) subwords are matched and a word pair is linked when any of their pieces
    are; with ``"word"`` each word is first averaged over its pieces.
    """
    if len(src.word) == 0 or len(tgt.word) == 0:
        return WordAlignment([], {int(w): 0.0 for w in np.unique(src.word)}, {int(w): 0.0 for w in np.unique(tgt.word)})
    if token_type == "word":
        sv, sw = src.word_vectors()
        tv, tw = tgt.word_vectors()
    else:
        sv, sw = src.vectors, src.word
        tv, tw = tgt.vectors, tgt.word
    sim = cosine_matrix(sv, tv)
    links_mat = match(apply_distortion(sim, distortion), method)
    pairs: dict[tuple[int, int], float] = {}
    for i, j in zip(*np.nonzero(links_mat), strict=True):
        key = (int(sw[i]), int(tw[j]))
        pairs[key] = max(pairs.get(key, -1.0), float(sim[i, j]))
    src_best: dict[int, float] = {}
    row_best = sim.max(axis=1)
    for w, s in zip(sw, row_best, strict=True):
        src_best[int(w)] = max(src_best.get(int(w), -1.0), float(s))
    tgt_best: dict[int, float] = {}
    col_best = sim.max(axis=0)
    for w, s in zip(tw, col_best, strict=True):
        tgt_best[int(w)] = max(tgt_best.get(int(w), -1.0), float(s))
    return WordAlignment(sorted((a, b, s) for (a, b), s in pairs.items()), src_best, tgt_best)
