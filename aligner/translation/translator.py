"""The :class:`Translator`: one MarianMT model, one source language, either backend.

It translates sentences into English for the report's glosses and scores an English
rendition under the model for the MT evidence. Both uses need results that do not
depend on how sentences happen to be batched and no repeated work across runs, hence:
the generation length guard depends on the sentence alone (so batching cannot change
an output), finished translations go to the per-model cache, and over-long sentences
are split at clause boundaries rather than truncated, with the split reported in
:attr:`Translator.notes` so the caller can tell the reader.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..config import TranslationSettings
from ..errors import InputError, ModelUnavailable
from ..io.cache import cache_dir
from .backend_ctranslate2 import CTranslate2Backend, split_device
from .backend_transformers import EOS, TokenIds, TransformersBackend, quiet_transformers
from .cache import TranslationCache
from .clauses import split_spans
from .forced import ForcedScores, PiecePair, assemble_scores, spm_pieces
from .locate import Located, locate, model_key
from .settings import BACKENDS, translation_settings

__all__ = ["Translator", "load_translator"]


def _length_limit(source_tokens: int, ratio: float, cap: int) -> int:
    """New-token budget for one sentence; a power of two so sentences of similar length
    share a budget and batch together, and a function of the sentence alone so the
    batch it lands in cannot change its translation."""
    want = max(16, math.ceil(ratio * source_tokens) + 8)
    return min(cap, 1 << (want - 1).bit_length())


class Translator:
    """One MarianMT model (one source language) on one backend; create it with
    :func:`load_translator`.

    ``model_calls`` counts batches sent to the model (cache hits cost none), and
    ``notes`` collects what the caller should tell the reader (sentences split because
    they were too long, inputs truncated for scoring)."""

    def __init__(
        self,
        located: Located,
        *,
        backend: str,
        device: str,
        settings: TranslationSettings,
        root: Path,
        progress: bool,
        threads: int | None,
        use_cache: bool,
    ) -> None:
        self._located = located
        self._backend = backend
        self._device = device
        self._settings = settings
        self._progress = progress
        self.notes: list[str] = []
        self.model_calls = 0
        self._cache: TranslationCache | None = None
        try:
            model_config = json.loads(
                (located.directory / "config.json").read_text(encoding="utf-8")
            )
            if not isinstance(model_config, dict):
                raise ValueError("config.json is not a JSON object")
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(
                f"MT model {located.model_id!r}: unreadable config.json in {located.directory} ({exc})"
            ) from None
        if model_config.get("model_type") not in (None, "marian"):
            raise ModelUnavailable(
                f"MT model {located.model_id!r} is a {model_config.get('model_type')!r} model, "
                "not MarianMT"
            )
        self._max_positions = int(model_config.get("max_position_embeddings", 512))
        self._max_input = min(settings.max_input_tokens, self._max_positions)
        self._max_new = min(settings.max_length, self._max_positions)
        self._load_tokenizer()
        ids = TokenIds.from_tokenizer(self._tokenizer, model_config)
        self._engine: TransformersBackend | CTranslate2Backend
        if backend == "transformers":
            self._engine = TransformersBackend(
                located.directory,
                located.model_id,
                ids,
                device=device,
                threads=threads,
                num_beams=settings.num_beams,
            )
        else:
            self._engine = CTranslate2Backend(
                located,
                root,
                device=device,
                threads=threads,
                compute_type=settings.ct2_compute_type,
                num_beams=settings.num_beams,
            )
        if use_cache:
            namespace = json.dumps(self.decoding_settings, sort_keys=True)
            path = root / "translations" / f"{model_key(located)}.sqlite3"
            self._cache = TranslationCache(path, namespace)

    # -- public properties -------------------------------------------------------------

    @property
    def model_id(self) -> str:
        return self._located.model_id

    @property
    def backend(self) -> str:
        return self._backend

    @property
    def device(self) -> str:
        return self._device

    @property
    def identity(self) -> str:
        """``hub-id@commit`` or ``sha256:<content hash>`` of a local directory."""
        return self._located.identity

    @property
    def directory(self) -> Path:
        return self._located.directory

    @property
    def origin(self) -> str:
        return self._located.origin

    @property
    def decoding_settings(self) -> dict[str, Any]:
        """Everything besides the sentence that decides a translation: the cache key."""
        settings: dict[str, Any] = {
            "identity": self.identity,
            "backend": self._backend,
            "num_beams": self._settings.num_beams,
            "max_length": self._max_new,
            "length_ratio": self._settings.length_ratio,
        }
        if self._backend == "ctranslate2":
            settings["compute_type"] = self._settings.ct2_compute_type
        return settings

    # -- loading -------------------------------------------------------------------------

    def _load_tokenizer(self) -> None:
        try:
            from transformers import MarianTokenizer

            with quiet_transformers():
                self._tokenizer = MarianTokenizer.from_pretrained(str(self.directory))
        except (OSError, ValueError, KeyError, AssertionError, ImportError, RuntimeError) as exc:
            raise ModelUnavailable(
                f"cannot load the tokenizer of MT model {self.model_id!r} from {self.directory}: {exc}"
            ) from None

    # -- tokenisation ---------------------------------------------------------------------

    def _source_pieces(self, text: str) -> list[str]:
        return self._tokenizer.spm_source.encode(text, out_type=str)

    def _n_source_tokens(self, text: str) -> int:
        return len(self._source_pieces(text)) + 1

    def _detokenize(self, pieces: list[str]) -> str:
        return self._tokenizer.convert_tokens_to_string(pieces)

    # -- translation ----------------------------------------------------------------------

    def _plan(self, text: str, index: int) -> list[str]:
        """``text`` as the pieces to translate: itself, or clauses when it is too long."""
        n_tokens = self._n_source_tokens(text)
        if n_tokens <= self._max_input:
            return [text]

        def fits(a: int, b: int) -> bool:
            return self._n_source_tokens(text[a:b].strip()) <= self._max_input

        used: list[str] = []
        spans = split_spans(text, 0, len(text), fits, 0, used)
        parts = [text[a:b].strip() for a, b in spans if text[a:b].strip()]
        preview = text[:50] + ("…" if len(text) > 50 else "")
        kinds = ", ".join(dict.fromkeys(used)) or "clause"
        self.notes.append(
            f"machine translation: sentence {index + 1} ({n_tokens} tokens, over the "
            f"{self._max_input}-token limit) was translated in {len(parts)} pieces split at "
            f"{kinds} boundaries: {preview!r}"
        )
        return parts

    def translate(self, sentences: Sequence[str]) -> list[str]:
        """English translations, in input order; empty or blank input gives ``""``.

        Pieces already in the cache cost nothing; the rest go to the model longest first
        in batches of ``batch_size`` and are cached batch by batch (an interrupted run
        keeps what it finished)."""
        plans: list[list[str]] = []
        for index, sentence in enumerate(sentences):
            if not isinstance(sentence, str):
                raise TypeError(f"sentence {index} is {type(sentence).__name__}, not str")
            text = sentence.strip()
            plans.append(self._plan(text, index) if text else [])
        unique = list(dict.fromkeys(part for plan in plans for part in plan))
        done = self._cache.get_many(unique) if self._cache is not None else {}
        todo = [part for part in unique if part not in done]
        if todo:
            done.update(self._translate_uncached(todo))
        return [" ".join(t for t in (done[p] for p in plan) if t) for plan in plans]

    def _translate_uncached(self, texts: list[str]) -> dict[str, str]:
        ratio = self._settings.length_ratio
        tokens = [[*self._source_pieces(t), EOS] for t in texts]
        limits = [_length_limit(len(tok), ratio, self._max_new) for tok in tokens]
        order = sorted(range(len(texts)), key=lambda i: (-limits[i], -len(tokens[i]), i))
        size = self._settings.batch_size
        batches: list[list[int]] = []
        for i in order:
            if batches and len(batches[-1]) < size and limits[batches[-1][0]] == limits[i]:
                batches[-1].append(i)
            else:
                batches.append([i])
        results: dict[str, str] = {}
        with _progress_bar(
            self._progress and len(batches) > 1,
            len(texts),
            f"translating ({Path(self.model_id).name})",
        ) as bar:
            for batch in batches:
                outputs = self._generate([tokens[i] for i in batch], limits[batch[0]])
                self.model_calls += 1
                fresh = {
                    texts[i]: self._detokenize(out) for i, out in zip(batch, outputs, strict=True)
                }
                results.update(fresh)
                if self._cache is not None:
                    self._cache.put_many(fresh)
                bar.update(len(batch))
        return results

    def _generate(self, batch: list[list[str]], limit: int) -> list[list[str]]:
        """Target pieces of each source piece list on the loaded backend."""
        return self._engine.generate(batch, limit)

    # -- forced decoding --------------------------------------------------------------

    def _prepare_pair(self, index: int, source: str, target: str) -> PiecePair:
        src_pieces, src_spans = spm_pieces(self._tokenizer.spm_source, source)
        tgt_pieces, tgt_spans = spm_pieces(self._tokenizer.spm_target, target)
        limit = self._max_positions - 1
        src_used = min(len(src_pieces), limit)
        tgt_used = min(len(tgt_pieces), limit)
        if src_used < len(src_pieces) or tgt_used < len(tgt_pieces):
            self.notes.append(
                f"machine translation scoring: pair {index + 1} is longer than the model's "
                f"{self._max_positions} positions (source {len(src_pieces)}, target "
                f"{len(tgt_pieces)} pieces); only the first {limit} pieces were used and the "
                "rest scored as NaN"
            )
        return PiecePair(src_pieces, src_spans, tgt_pieces, tgt_spans, src_used, tgt_used)

    def score(
        self, sources: Sequence[str], targets: Sequence[str], with_attention: bool = False
    ) -> list[ForcedScores]:
        """Forced-decoding scores of each ``targets[i]`` (an English sentence) as a
        translation of ``sources[i]``; see :class:`ForcedScores`. Not cached: scoring is a
        single forward pass, cheap next to generation."""
        if len(sources) != len(targets):
            raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
        pairs = [
            self._prepare_pair(i, s, t)
            for i, (s, t) in enumerate(zip(sources, targets, strict=True))
        ]
        order = sorted(range(len(pairs)), key=lambda i: -(pairs[i].src_used + pairs[i].tgt_used))
        size = self._settings.batch_size
        results: list[ForcedScores | None] = [None] * len(pairs)
        batches = [order[k : k + size] for k in range(0, len(order), size)]
        with _progress_bar(self._progress and len(batches) > 1, len(pairs), "scoring") as bar:
            for batch in batches:
                logprobs, attention, calls = self._engine.score(
                    [pairs[i] for i in batch], with_attention
                )
                self.model_calls += calls
                for k, i in enumerate(batch):
                    results[i] = assemble_scores(
                        pairs[i], logprobs[k], attention[k] if attention is not None else None
                    )
                bar.update(len(batch))
        return [r for r in results if r is not None]

    # -- housekeeping ----------------------------------------------------------------

    def close(self) -> None:
        """Release the cache connection (the model goes with the object)."""
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Translator({self.model_id!r}, backend={self._backend!r}, device={self._device!r})"


@contextlib.contextmanager
def _progress_bar(enabled: bool, total: int, desc: str) -> Iterator[Any]:
    """A tqdm bar on stderr, only when asked for, worth showing (more than one batch)
    and someone is watching (stderr is a terminal, not a log file)."""
    from tqdm import tqdm

    show = enabled and sys.stderr.isatty()
    with tqdm(
        total=total, desc=desc, unit="sent", file=sys.stderr, disable=not show, leave=False
    ) as bar:
        yield bar


def load_translator(
    model: str,
    backend: str = "transformers",
    device: str = "cpu",
    cache: Path | None = None,
    config: dict[str, Any] | None = None,
    progress: bool = False,
    *,
    threads: int | None = None,
    use_cache: bool = True,
) -> Translator:
    """A :class:`Translator` for ``model`` (hub id or local directory, usually from
    :func:`resolve_mt_model`).

    ``cache`` replaces :func:`aligner.cache.cache_dir` as the root for the translation
    cache and CTranslate2 conversions; ``use_cache=False`` skips the translation cache.
    ``threads`` pins CPU threads (torch's global setting, CTranslate2's intra_threads).
    Raises :class:`ModelUnavailable` when the model cannot be found or loaded (offline
    and not cached, a directory that is not a Marian checkpoint) and :class:`InputError`
    for a bad backend/device."""
    if backend not in BACKENDS:
        raise InputError(f"unknown MT backend {backend!r} (choose from {', '.join(BACKENDS)})")
    name, _ = split_device(device)
    if name not in ("cpu", "cuda"):
        raise InputError(f"unknown device {device!r} (use cpu or cuda)")
    if name == "cuda":
        _require_cuda(backend)
    settings = translation_settings(config)
    root = Path(cache) if cache is not None else cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    located = locate(model, allow_download=True, root=root)
    return Translator(
        located,
        backend=backend,
        device=device,
        settings=settings,
        root=root,
        progress=progress,
        threads=threads,
        use_cache=use_cache,
    )


def _require_cuda(backend: str) -> None:
    if backend == "ctranslate2":
        import ctranslate2

        available = ctranslate2.get_cuda_device_count() > 0
    else:
        import torch

        available = torch.cuda.is_available()
    if not available:
        raise InputError(f"--device cuda was asked for but {backend} sees no CUDA device")
