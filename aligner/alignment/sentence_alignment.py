"""Sentence alignment: many-to-many beads by banded dynamic programming.

The cost of pairing two blocks of sentences is their cosine dissimilarity divided by
how dissimilar each block is, on average, to sentences that are not its counterparts
(the normalisation of Thompson & Koehn's Vecalign). That makes costs comparable across
encoders whose raw cosines sit in very different ranges: 1.0 means "as different as
two unrelated sentences", so a fixed gap cost decides when a sentence has no
counterpart.

The "unrelated" reference of a block is a blend of two backgrounds: a sample of the
other document's blocks with the block's best matches removed (its likely
counterparts: Vecalign's plain sample is, for a document of one to a few sentences,
mostly the counterparts themselves, which made every bead cost ~1.0), and an
encoder-level background, the block's dissimilarity to a bundled set of generic
sentences (``configs/sentence_background.toml``), weighted as ``background_weight``
samples. A long document's own background dominates; a one-sentence document
relies on the encoder's.

Cost grows linearly with length: long documents are aligned first at half
resolution (neighbouring sentence vectors averaged), recursively, and the full-
resolution DP only explores a band around the projected coarse path. No matrix over
all sentence pairs of two whole documents is ever built.

A second pass pairs sentences left without counterpart on both sides when they match
well: a paragraph moved elsewhere is reported as moved, not as dropped and added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..config import SentenceAlignmentSettings, default_settings
from ..structures import Bead
from ..text.segmentation import segment
from .sentence_matching import band_from_anchors, mutual_best, widened_band

# Below this many sentences on the shorter side, halving gives a coarse path of a few
# blocks whose band (``band`` sentences either side) covers nearly the whole matrix:
# the full DP costs no more and needs no coarse pass (an implementation limit, not a
# tuning value).
_MIN_SENTENCES_TO_HALVE = 8

# The cost map of a document pair whose languages were not calibrated (or are the
# reference pair): costs are used as they are.
IDENTITY_MAP: tuple[float, float] = (1.0, 0.0)


def cost_map(pair_cost: float, reference_cost: float) -> tuple[float, float]:
    """``(scale, shift)`` of the linear map that takes a language pair's typical
    translation cost to the reference pair's and leaves 1.0 ("as different as
    unrelated sentences") in place. Costs of every threshold (gap, split, moved) were
    tuned on the reference pair; mapping the costs, not the thresholds, keeps every
    threshold meaningful at once."""
    if not (0.0 <= pair_cost < 1.0 and 0.0 <= reference_cost < 1.0):
        return 1.0, 0.0
    scale = (1.0 - reference_cost) / (1.0 - pair_cost)
    return scale, reference_cost - pair_cost * scale


def _mapped(cost: np.ndarray, pair_map: tuple[float, float]) -> np.ndarray:
    scale, shift = pair_map
    if scale == 1.0 and shift == 0.0:
        return cost
    return np.maximum(cost * scale + shift, 0.0)


def translation_cost(
    src_vectors: np.ndarray,
    tgt_vectors: np.ndarray,
    params: SentenceAlignmentSettings,
    background: np.ndarray | None,
) -> float:
    """Median normalised cost of known translation pairs (row k of each side is the
    same sentence), unmapped: how alike the encoder finds translations between two
    languages."""
    n = min(len(src_vectors), len(tgt_vectors))
    if n == 0:
        return float("nan")
    pairs = np.stack([np.arange(n), np.arange(n)], axis=1)
    return float(np.median(one_to_one_costs(src_vectors[:n], tgt_vectors[:n], pairs, params, background)))


def _normalise(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(norms, 1e-9)


def _block_vectors(v: np.ndarray, size: int) -> np.ndarray:
    """Unit vectors of every run of ``size`` consecutive sentences (row k = k..k+size-1)."""
    if len(v) < size:
        return np.zeros((0, v.shape[1]), dtype=v.dtype)
    acc = np.zeros((len(v) - size + 1, v.shape[1]), dtype=np.float64)
    for s in range(size):
        acc += v[s : len(v) - size + 1 + s]
    return _normalise(acc)


def _norm_terms(
    x: np.ndarray,
    y: np.ndarray,
    params: SentenceAlignmentSettings,
    exclude: int,
    prior: np.ndarray | None,
) -> np.ndarray:
    """How dissimilar each row of ``x`` is to rows that are not its counterparts.

    The mean dissimilarity to a fixed sample of rows of ``y`` without the ``exclude``
    closest ones (the row's likely counterparts), blended with ``prior`` (the row's
    dissimilarity to the encoder-level background) counted as ``background_weight``
    samples. Without a prior, the plain sample mean (Vecalign's) is the fallback."""
    if len(x) == 0:
        return np.ones(0)
    total = np.zeros(len(x))
    count = 0
    plain = np.ones(len(x))
    if len(y):
        idx = np.linspace(0, len(y) - 1, num=min(params.norm_samples, len(y))).round().astype(int)
        d = 1.0 - x @ y[idx].T
        plain = d.mean(axis=1)
        k = min(exclude, d.shape[1])
        total = d.sum(axis=1)
        if k:
            total -= np.partition(d, k - 1, axis=1)[:, :k].sum(axis=1)
        count = d.shape[1] - k
    if prior is None:
        out = total / count if count else plain
    else:
        w = params.background_weight
        out = (w * params.background_scale * prior + total) / (w + count) if w + count else plain
    return np.maximum(out, 1e-3)


def _prior(x: np.ndarray, background: np.ndarray | None, size: int) -> np.ndarray | None:
    """Mean dissimilarity of each row of ``x`` to the background's blocks of ``size``
    sentences (averaged blocks look more alike than single sentences)."""
    if background is None:
        return None
    # The mean of the dot products is the dot product with the mean: O(n), not O(n x k).
    centre = _block_vectors(background, min(size, len(background))).mean(axis=0)
    return 1.0 - x @ centre


def background_sentences(config: dict[str, Any]) -> list[str]:
    """The generic sentences of ``[sentence_alignment.background]`` in the configuration."""
    section = config.get("sentence_alignment", {}).get("background", {})
    return [str(t) for t in section.get("sentences", []) if str(t).strip()]


def background_vectors(encoder: Any, sentences: Sequence[str], lang: str = "xx") -> np.ndarray:
    """The encoder's sentence vectors of the background sentences, tokenised as
    documents of ``lang`` are (embed once per model load and pass to
    :func:`align_sentences`)."""
    words: list[list[str]] = []
    for text in sentences:
        _, tokens = segment(text, lang)
        if tokens:
            words.append([t.text for t in tokens])
    if not words:
        return np.zeros((0, 0))
    return np.stack([e.vector for e in encoder.embed(words)]).astype(np.float64)


def _bead_shapes(max_bead: int) -> list[tuple[int, int]]:
    shapes = [(1, 0)]  # (0, 1) steps chain within a row and are applied separately
    for a in range(1, max_bead + 1):
        for b in range(1, max_bead + 1):
            if a + b <= max_bead + 1 or (a, b) == (2, 2):
                shapes.append((a, b))
    return shapes


def _dp(
    src: np.ndarray,
    tgt: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    params: SentenceAlignmentSettings,
    pair_map: tuple[float, float],
    background: np.ndarray | None,
    lengths: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[tuple[int, int, int, int, float]]:
    """Monotone DP restricted to cells ``lo[i] <= j <= hi[i]`` (prefix lengths).

    Returns beads as (i0, i1, j0, j1, cosine) over half-open sentence ranges."""
    n, m = len(src), len(tgt)
    shapes = _bead_shapes(params.max_bead)
    blocks_s = {a: _block_vectors(src, a) for a in range(1, params.max_bead + 1)}
    blocks_t = {b: _block_vectors(tgt, b) for b in range(1, params.max_bead + 1)}
    # Averaged blocks are smoother and look more alike than single sentences, so each
    # bead shape is normalised by unrelated pairs of the same shape. A block of b
    # sentences overlaps a counterpart span of up to max_bead sentences in up to
    # max_bead + b - 1 positions: those are left out of its background.
    norm_s: dict[tuple[int, int], np.ndarray] = {}
    norm_t: dict[tuple[int, int], np.ndarray] = {}
    for a, b in shapes:
        if a and b:
            ps, pt = _prior(blocks_s[a], background, b), _prior(blocks_t[b], background, a)
            norm_s[(a, b)] = _norm_terms(blocks_s[a], blocks_t[b], params, params.max_bead + b - 1, ps)
            norm_t[(a, b)] = _norm_terms(blocks_t[b], blocks_s[a], params, params.max_bead + a - 1, pt)

    log_s = log_t = None
    log_ratio = 0.0
    if lengths is not None and params.length_weight > 0:
        # Log character length of every block (+1 per sentence so none is empty).
        cum_s = np.concatenate([[0.0], np.cumsum(lengths[0] + 1.0)])
        cum_t = np.concatenate([[0.0], np.cumsum(lengths[1] + 1.0)])
        log_s = {a: np.log(cum_s[a:] - cum_s[:-a]) for a in range(1, params.max_bead + 1) if a <= n}
        log_t = {b: np.log(cum_t[b:] - cum_t[:-b]) for b in range(1, params.max_bead + 1) if b <= m}
        log_ratio = float(np.log(cum_s[-1] / cum_t[-1]))

    inf = np.inf
    width = hi - lo + 1
    cost = [np.full(w, inf) for w in width]
    back = [np.zeros((w, 2), dtype=np.int16) for w in width]
    cos_keep = [np.zeros(w) for w in width]
    base_keep = [np.zeros(w) for w in width]

    for i in range(n + 1):
        js = np.arange(lo[i], hi[i] + 1)
        row = cost[i]
        if i == 0:
            row[:] = inf
            if lo[0] == 0:
                row[0] = 0.0
        for a, b in shapes:
            pi = i - a
            if pi < 0:
                continue
            pj = js - b
            ok = (pj >= lo[pi]) & (pj <= hi[pi])
            if not ok.any():
                continue
            prev = np.full(len(js), inf)
            prev[ok] = cost[pi][pj[ok] - lo[pi]]
            if a == 0 or b == 0:
                step = np.full(len(js), params.gap * (a + b))
                cosv = np.zeros(len(js))
                basev = np.zeros(len(js))
            else:
                valid = ok & (pj >= 0) & (pj + b <= m)
                step = np.full(len(js), inf)
                cosv = np.zeros(len(js))
                basev = np.zeros(len(js))
                if valid.any():
                    u = blocks_s[a][pi]
                    vj = pj[valid]
                    c = blocks_t[b][vj] @ u
                    denom = 0.5 * (norm_s[(a, b)][pi] + norm_t[(a, b)][vj])
                    base = _mapped((1.0 - c) / denom, pair_map)
                    factor = (a + b) / 2.0 * (1.0 + params.merge_penalty * (a + b - 2))
                    # A small additive term too: with identical sentences every cost
                    # is 0 and only this keeps 1-1 beads ahead of merged ones.
                    step[valid] = base * factor + 0.01 * (a + b - 2)
                    if log_s is not None and log_t is not None:
                        step[valid] += params.length_weight * (log_s[a][pi] - log_t[b][vj] - log_ratio) ** 2
                    cosv[valid] = c
                    basev[valid] = base
            total = prev + step
            better = total < row
            if better.any():
                row[better] = total[better]
                back[i][better] = (a, b)
                cos_keep[i][better] = cosv[better]
                base_keep[i][better] = basev[better]
        # (0, 1) steps stay in the row, so they chain left to right.
        for k in range(1, len(js)):
            cand = row[k - 1] + params.gap
            if cand < row[k]:
                row[k] = cand
                back[i][k] = (0, 1)
                cos_keep[i][k] = 0.0
                base_keep[i][k] = 0.0

    if not (lo[n] <= m <= hi[n]) or not np.isfinite(cost[n][m - lo[n]]):
        raise RuntimeError("sentence alignment band excluded the end cell")
    beads: list[tuple[int, int, int, int, float]] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = (int(x) for x in back[i][j - lo[i]])
        if a == 0 and b == 0:
            raise RuntimeError("broken back-pointer in sentence alignment")
        cell = j - lo[i]
        if a and b and base_keep[i][cell] > params.split_cost:
            # Too loose to be a correspondence: leave these sentences unaligned.
            beads.extend([(i - a + k, i - a + k + 1, j - b, j - b, 0.0) for k in reversed(range(a))])
            beads.extend([(i - a, i - a, j - b + k, j - b + k + 1, 0.0) for k in reversed(range(b))])
        else:
            beads.append((i - a, i, j - b, j, float(cos_keep[i][cell])))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def _band_from_path(path: list[tuple[int, int, int, int, float]], n: int, m: int, band: int) -> tuple[np.ndarray, np.ndarray]:
    """Project a coarse (half-resolution) path to full resolution and widen it."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1, _ in path:
        fi0, fi1 = 2 * i0, min(n, 2 * i1)
        fj0, fj1 = 2 * j0, min(m, 2 * j1)
        for i in range(fi0, fi1 + 1):
            lo[i] = min(lo[i], fj0)
            hi[i] = max(hi[i], fj1)
    lo[n] = min(lo[n], m)
    return widened_band(lo, hi, band, m)


def _halve(v: np.ndarray) -> np.ndarray:
    """Half resolution: sentence pairs averaged (an odd last sentence kept alone)."""
    even = len(v) - len(v) % 2
    pairs = v[:even].reshape(-1, 2, v.shape[1]).sum(axis=1)
    return _normalise(np.vstack([pairs, v[even:]]))


def _halve_lengths(v: np.ndarray) -> np.ndarray:
    even = len(v) - len(v) % 2
    return np.concatenate([v[:even].reshape(-1, 2).sum(axis=1), v[even:]])


def _align_monotone(
    src: np.ndarray,
    tgt: np.ndarray,
    params: SentenceAlignmentSettings,
    pair_map: tuple[float, float],
    background: np.ndarray | None,
    lengths: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[tuple[int, int, int, int, float]]:
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [(i, i + 1, 0, 0, 0.0) for i in range(n)] + [(n, n, j, j + 1, 0.0) for j in range(m)]
    if (n + 1) * (m + 1) <= params.full_dp_cells or min(n, m) < _MIN_SENTENCES_TO_HALVE:
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
        return _dp(src, tgt, lo, hi, params, pair_map, background, lengths)
    half = None if lengths is None else (_halve_lengths(lengths[0]), _halve_lengths(lengths[1]))
    if params.band_source == "anchors":
        lo, hi = band_from_anchors(src, tgt, params.band)
    else:
        path = _align_monotone(_halve(src), _halve(tgt), params, pair_map, background, half)
        lo, hi = _band_from_path(path, n, m, params.band)
    return _dp(src, tgt, lo, hi, params, pair_map, background, lengths)


def _find_moved(
    beads: list[tuple[int, int, int, int, float]],
    src: np.ndarray,
    tgt: np.ndarray,
    src_skip: np.ndarray,
    tgt_skip: np.ndarray,
    params: SentenceAlignmentSettings,
    pair_map: tuple[float, float],
    background: np.ndarray | None,
) -> tuple[list[tuple[int, int, float]], set[int], set[int]]:
    """Pair leftover sentences across the document (mutual best, cost under threshold)."""
    lonely_s = [i0 for i0, i1, j0, j1, _ in beads if j0 == j1 and i1 == i0 + 1 and not src_skip[i0]]
    lonely_t = [j0 for i0, i1, j0, j1, _ in beads if i0 == i1 and j1 == j0 + 1 and not tgt_skip[j0]]
    if not lonely_s or not lonely_t:
        return [], set(), set()
    s = src[lonely_s]
    t = tgt[lonely_t]
    ns = _norm_terms(s, tgt, params, params.max_bead, _prior(s, background, 1))
    nt = _norm_terms(t, src, params, params.max_bead, _prior(t, background, 1))
    best_t, best_t_cost, best_s, _ = mutual_best(s, t, ns, nt)
    best_t_cost = _mapped(best_t_cost, pair_map)
    pairs: list[tuple[int, int, float]] = []
    for a, b in enumerate(best_t):
        if best_s[b] == a and best_t_cost[a] <= params.moved_max_cost:
            pairs.append((lonely_s[a], lonely_t[b], float(s[a] @ t[b])))
    return pairs, {p[0] for p in pairs}, {p[1] for p in pairs}


def one_to_one_costs(
    src_vectors: np.ndarray,
    tgt_vectors: np.ndarray,
    pairs: np.ndarray,
    params: SentenceAlignmentSettings | None = None,
    background: np.ndarray | None = None,
    *,
    pair_map: tuple[float, float] = IDENTITY_MAP,
) -> np.ndarray:
    """Normalised cost of pairing source sentence ``i`` with rendition sentence ``j``
    for each row ``(i, j)`` of ``pairs``, exactly as the DP prices a 1-1 bead (used to
    calibrate the gap cost on data: ``benchmarks/sentalign_f1.py --calibrate``).
    ``params`` left as None are the ``[sentence_alignment]`` settings of ``configs/``."""
    params = params or default_settings().sentence_alignment
    src = _normalise(np.asarray(src_vectors, dtype=np.float64))
    tgt = _normalise(np.asarray(tgt_vectors, dtype=np.float64))
    bg = None if background is None or len(background) == 0 else _normalise(np.asarray(background, dtype=np.float64))
    ns = _norm_terms(src, tgt, params, params.max_bead, _prior(src, bg, 1))
    nt = _norm_terms(tgt, src, params, params.max_bead, _prior(tgt, bg, 1))
    i, j = np.asarray(pairs, dtype=np.int64).reshape(-1, 2).T
    return _mapped((1.0 - np.einsum("kd,kd->k", src[i], tgt[j])) / (0.5 * (ns[i] + nt[j])), pair_map)


def align_sentences(
    src_vectors: np.ndarray,
    tgt_vectors: np.ndarray,
    params: SentenceAlignmentSettings | None = None,
    src_skip: np.ndarray | None = None,
    tgt_skip: np.ndarray | None = None,
    background: np.ndarray | None = None,
    lengths: tuple[Sequence[int], Sequence[int]] | None = None,
    *,
    pair_map: tuple[float, float] = IDENTITY_MAP,
) -> list[Bead]:
    """Align two documents given one vector per sentence.

    ``src_skip``/``tgt_skip`` flag sentences (page debris) that may take part in
    beads but are never paired by the moved-sentence pass. ``background`` holds the
    same encoder's vectors of generic unrelated sentences (:func:`background_vectors`),
    the reference of "unrelated" that short documents cannot supply themselves.
    ``lengths`` (characters of each source and rendition sentence) enables the
    length term when ``params.length_weight`` is positive.

    ``params`` are the ``[sentence_alignment]`` settings (None: those of ``configs/``).
    ``pair_map`` is not configuration but a property of this document pair: the
    ``(scale, shift)`` of :func:`cost_map` for its two languages (the pipeline takes it
    from :meth:`~aligner.pipeline.Models.pair_cost_map`); the identity leaves costs
    as they are.
    Beads come back in source order, each sentence in exactly one bead.
    """
    params = params or default_settings().sentence_alignment
    src = _normalise(np.asarray(src_vectors, dtype=np.float64))
    tgt = _normalise(np.asarray(tgt_vectors, dtype=np.float64))
    n, m = len(src), len(tgt)
    src_skip = np.zeros(n, dtype=bool) if src_skip is None else np.asarray(src_skip, dtype=bool)
    tgt_skip = np.zeros(m, dtype=bool) if tgt_skip is None else np.asarray(tgt_skip, dtype=bool)
    bg = None if background is None or len(background) == 0 else _normalise(np.asarray(background, dtype=np.float64))
    lens = None
    if lengths is not None:
        lens = (np.asarray(lengths[0], dtype=np.float64), np.asarray(lengths[1], dtype=np.float64))
    path = _align_monotone(src, tgt, params, pair_map, bg, lens)
    moved, moved_s, moved_t = _find_moved(path, src, tgt, src_skip, tgt_skip, params, pair_map, bg)
    keyed: list[tuple[tuple[float, float], Bead]] = []
    last_src = -1.0
    for i0, i1, j0, j1, score in path:
        if (i1 - i0 == 1 and j0 == j1 and i0 in moved_s) or (j1 - j0 == 1 and i0 == i1 and j0 in moved_t):
            continue
        bead = Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(score, 4))
        # A rendition-only bead sits after the source sentences that precede it.
        key = (float(i0), float(j0)) if i1 > i0 else (last_src + 0.5, float(j0))
        if i1 > i0:
            last_src = float(i1 - 1)
        keyed.append((key, bead))
    for i, j, score in moved:
        keyed.append(((float(i), float(j)), Bead((i,), (j,), round(score, 4), moved=True)))
    keyed.sort(key=lambda kb: kb[0])
    return [bead for _, bead in keyed]
