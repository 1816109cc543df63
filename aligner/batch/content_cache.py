"""Embeddings cached by content inside a worker.

A sentence that many pairs share (a boilerplate line, a source compared with many
renditions, a repeated segment) is encoded once per worker: :class:`CachingEncoder`
wraps a loaded :class:`~aligner.encoder.embedding.Encoder` and serves ``embed`` from an LRU
keyed by ``(encoder, word layers, pooled, sentence words)``, encoding only the misses in
one batched call. Entries are bounded by count (``[batch] cache_sentences``; a
sentence of e5-small costs ~60 KB). Translations need no cache here: the translator
already keeps its own on-disk cache keyed by model and text (aligner/translation/cache.py),
which all workers of a machine share."""

from __future__ import annotations

import inspect
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

    def _signature(self, sentences: Sequence[Sequence[str]], args: tuple, options: dict[str, Any]) -> tuple:
        """What determines a sentence's vectors besides its words: the encoder, its word
        layer(s) and whether the sentence vector is pooled, read from the call as
        :meth:`Encoder.embed` binds it (its own defaults, written once, there)."""
        e = self._encoder
        call = inspect.signature(e.embed).bind(sentences, *args, **options)
        call.apply_defaults()
        return (e.name, e.word_layers(call.arguments["layer"]), e.prefix, e.max_pieces, call.arguments["pooled"])

    def embed(self, sentences: Sequence[Sequence[str]], *args: Any, **options: Any) -> list[Any]:
        """:meth:`Encoder.embed` with the same arguments (``layer`` and ``pooled`` are
        part of the cache key), with cached sentences not encoded again."""
        if not self._max:
            return self._encoder.embed(sentences, *args, **options)
        sig = self._signature(sentences, args, options)
        keys = [(sig, tuple(words)) for words in sentences]
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
            fresh = self._encoder.embed([list(k[1]) for k in order], *args, **options)
            for key, emb in zip(order, fresh, strict=True):
                for i in todo[key]:
                    out[i] = emb
                self._lru[key] = emb
                if len(self._lru) > self._max:
                    self._lru.popitem(last=False)
        return out
