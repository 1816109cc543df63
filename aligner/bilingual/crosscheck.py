"""Document-level checks across segments: content that left its own unit.

Translators split and join sentences across units, and CAT tools let a sentence be
moved to another unit. Compared unit by unit, that shows as a DROPPED span in one unit
and an ADDED span in another (or a unit whose target is empty or unrelated). Here
every such leftover (dropped spans and the whole source of empty/untranslated/
unrelated units; added spans and the whole target of unrelated units) is embedded in
one batch, and a source leftover whose meaning matches a target leftover of ANOTHER
unit becomes one cross-segment finding -- ``split`` when the units are neighbours,
``moved`` otherwise -- replacing the dropped and added findings it explains.
The similarity bar is ``[audit] cross_min_similarity`` in the config; the match must also be the
best for both leftovers (mutual) and better than each leftover's similarity to the
other side of its own unit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..structures import Span

LEFTOVER_STATUSES = ("empty", "untranslated", "unrelated")


def _leftovers(results: list[Any]) -> tuple[list[tuple[int, Span, str | None]], list[tuple[int, Span, str | None]]]:
    """(segment index, span, finding id or None) on each side."""
    src: list[tuple[int, Span, str | None]] = []
    tgt: list[tuple[int, Span, str | None]] = []
    for k, r in enumerate(results):
        pair = r.pair
        if r.status in LEFTOVER_STATUSES and pair.source.strip():
            src.append((k, Span(0, len(pair.source), pair.source), None))
        if r.status == "unrelated" and pair.target and pair.target.strip():
            tgt.append((k, Span(0, len(pair.target), pair.target), None))
        for f in r.findings:
            if f.type == "dropped" and f.source_span is not None:
                src.append((k, f.source_span, f.id))
            elif f.type == "added" and f.rendition_span is not None:
                tgt.append((k, f.rendition_span, f.id))
    return src, tgt


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _vectors(models: Any, spans: list[Span]) -> np.ndarray:
    """Sentence vectors of the spans: one ``embed`` call, each distinct text once."""
    from .audit import embed_unique

    emb = embed_unique(models, [s.text.split() for s in spans], "embedding leftovers")
    return _unit(np.stack([e.vector for e in emb]).astype(np.float64))


def _own(results: list[Any], k: int, side: int, dim: int) -> np.ndarray:
    """Unit-level vector of one side of unit ``k`` from the main pass (zeros when the
    unit was not compared: nothing on that side to be similar to)."""
    vecs = results[k].vectors
    if vecs is None or vecs[side] is None:
        return np.zeros(dim)
    return _unit(np.asarray(vecs[side], dtype=np.float64))


def cross_segment(results: list[Any], models: Any) -> list[Any]:
    """Cross-segment findings; the dropped/added findings they explain are removed
    from their segments (their ids are listed in ``replaces``)."""
    from .audit import CrossFinding

    src, tgt = _leftovers(results)
    if not src or not tgt:
        return []
    bar = float(models.config.get("audit", {}).get("cross_min_similarity", 0.88))
    both = _vectors(models, [s for _, s, _ in src] + [s for _, s, _ in tgt])  # one call
    sv, tv = both[: len(src)], both[len(src) :]
    sims = sv @ tv.T
    # Each leftover's similarity to the other side of its OWN unit: content that moved
    # must match the other unit better than its own (a loose, unrelated translation of
    # a short unit is otherwise "similar" to many units of the same domain).
    own_t = np.stack([_own(results, k, 1, sv.shape[1]) for k, _, _ in src])
    own_s = np.stack([_own(results, k, 0, tv.shape[1]) for k, _, _ in tgt])
    s_own = np.einsum("ij,ij->i", sv, own_t)
    t_own = np.einsum("ij,ij->i", tv, own_s)
    for i, (ks, _, _) in enumerate(src):
        for j, (kt, _, _) in enumerate(tgt):
            if ks == kt or sims[i, j] <= max(s_own[i], t_own[j]):
                sims[i, j] = -1.0
    best_s, best_t = sims.argmax(axis=1), sims.argmax(axis=0)
    out: list[CrossFinding] = []
    used_s: set[int] = set()
    used_t: set[int] = set()
    for flat in np.argsort(-sims, axis=None):
        i, j = divmod(int(flat), sims.shape[1])
        if sims[i, j] < bar:
            break
        if i in used_s or j in used_t or best_s[i] != j or best_t[j] != i:
            continue
        used_s.add(i)
        used_t.add(j)
        (ks, sspan, sfid), (kt, tspan, tfid) = src[i], tgt[j]
        kind = "split" if abs(ks - kt) == 1 else "moved"
        replaces = []
        for k, fid in ((ks, sfid), (kt, tfid)):
            if fid is not None:
                results[k].findings = [f for f in results[k].findings if f.id != fid]
                replaces.append(f"{results[k].pair.id}:{fid}")
        out.append(CrossFinding(kind, results[ks].pair.id, results[kt].pair.id, sspan, tspan, round(float(sims[i, j]), 3), replaces))
        results[ks].notes.append(f"content of this unit's source is rendered in unit {results[kt].pair.id} ({kind})")
        results[kt].notes.append(f"this unit's target renders content of unit {results[ks].pair.id}'s source ({kind})")
    return out
