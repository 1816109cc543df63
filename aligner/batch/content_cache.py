"""Embeddings cached by content inside a worker.

A sentence that many pairs share (a boilerplate line, a source compared with many
renditions, a repeated segment) is encoded once per worker: :class:`CachingEncoder`
wraps a loaded :class:`~aligner.encoder.embedding.Encoder` and serves ``embed`` from an LRU
keyed by ``(encoder signature, pooled, sentence words)``, encoding only the misses in
one batched call. Entries are bounded by count (``[batch] cache_sentences``; a
sentence of e5-small costs ~60 KB). Translations need no cache here: the translator
already keeps its own on-disk cache keyed by model and text (aligner/translation/cache.py),
which all workers of a machine share."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any


class CachingEncoder:
    """A stand-in for an :class:`~aligner.encoder.embedding.Encoder`: ``embed`` is cached,
    every other attribute is the wrapped encoder's."""

    def __init__(self, encoder: Any, max_sentences: int) -> None:
        self._encoder = encoder
        self._max = max(0, int(max_sentences))
        self._lru: OrderedDict[tuple, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._encoder, name)

    def _signature(self, layer: Any = None) -> tuple:
        e = self._encoder
        chosen = e.layer if layer is None else layer
        return (e.name, chosen if isinstance(chosen, int) else tuple(chosen), e.prefix, e.max_pieces)

    def embed(
        self,
        sentences: Sequence[Sequence[str]],
        progress: bool = False,
        label: str = "embedding",
        pooled: bool = True,
        layer: Any = None,
    ) -> list[Any]:
        """Like :meth:`Encoder.embed` (``layer`` too: part of the cache key), with
        cached sentences not encoded again."""
        if not self._max:
            return self._encoder.embed(sentences, progress=progress, label=label, pooled=pooled, layer=layer)
        sig = self._signature(layer)
        keys = [(sig, pooled, tuple(words)) for words in sentences]
        out: list[Any] = [None] * len(keys)
        todo: dict[tuple, list[int]] = {}
        for i, key in enumerate(keys):
            hit = self._lru.get(key)
            if hit is not None:
                self._lru.move_to_end(key)
                out[i] = hit
                self.hits += 1
            else:
                todo.setdefault(key, []).append(i)
        if todo:
            order = list(todo)
            self.misses += len(order)
            fresh = self._encoder.embed([list(k[2]) for k in order], progress=progress, label=label, pooled=pooled, layer=layer)
            for key, emb in zip(order, fresh, strict=True):
                for i in todo[key]:
                    out[i] = emb
                self._lru[key] = emb
                if len(self._lru) > self._max:
                    self._lru.popitem(last=False)
        return out
