"""An unpadded forward pass for BERT-family encoders (BERT, RoBERTa, XLM-R, E5).

Why not just call the Hugging Face model on a padded batch: on the short sentences
that word alignment sees, padding is most of the cost. Sorting by length and packing
batches of ~8,000 token slots still left a third of the slots as padding on the dev
pairs (13,024 slots for 8,768 real tokens), and every padded slot pays for every
matrix product. Here the token rows of all sentences of a batch are packed into one
``[tokens, hidden]`` matrix, so the dense layers (nearly all of the arithmetic) run
on real tokens only; attention, the one step that needs sentence structure, runs per
group of equal-length sentences, which needs neither padding nor a mask.

The weights are the model's own, taken either from a loaded Hugging Face model
(:meth:`PackedEncoder.from_model`) or straight from a model directory's
``config.json`` and ``model.safetensors`` (:meth:`PackedEncoder.from_directory`),
which skips importing transformers' model code (~2.6 s of every start). Either way
the result equals the model's padded forward up to float rounding (tested in
tests/test_packed_forward.py). Layouts this module does not know give None, and the
caller falls back to the model's own padded forward.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_MODEL_TYPES = {"bert", "roberta", "xlm-roberta"}
_ACTIVATIONS = {"gelu": "none", "gelu_new": "tanh", "gelu_pytorch_tanh": "tanh", "relu": None}
_WORDS = "embeddings.word_embeddings.weight"


@dataclass(frozen=True, slots=True)
class _Group:
    """``count`` sentences of ``length`` tokens, stored from row ``start`` of the pack."""

    start: int
    count: int
    length: int


def _groups(lengths: Sequence[int]) -> tuple[list[int], list[_Group]]:
    """Order in which to pack the sentences (grouped by length) and the groups."""
    order = sorted(range(len(lengths)), key=lambda k: lengths[k])
    groups: list[_Group] = []
    row = 0
    k = 0
    while k < len(order):
        length = lengths[order[k]]
        end = k
        while end < len(order) and lengths[order[end]] == length:
            end += 1
        groups.append(_Group(row, end - k, length))
        row += (end - k) * length
        k = end
    return order, groups


@dataclass(frozen=True, slots=True)
class PackedStates:
    """Hidden states of a pack: ``layers[d]`` is ``[tokens, hidden]`` for depth ``d``
    (0 = embeddings, k = after transformer layer k); sequence ``i`` of the input owns
    rows ``starts[i] : starts[i] + lengths[i]``. One tensor per layer, so a caller on
    a GPU copies each layer back once per batch, not once per sentence."""

    layers: dict[int, Any]
    starts: list[int]
    lengths: list[int]

    def segment_ids(self) -> Any:
        """Row -> input sequence index, as a tensor on the states' device."""
        import torch

        any_layer = next(iter(self.layers.values()))
        ids = torch.empty(any_layer.shape[0], dtype=torch.long)
        for i, (a, n) in enumerate(zip(self.starts, self.lengths, strict=True)):
            ids[a : a + n] = i
        return ids.to(any_layer.device)

    def means(self, depth: int) -> Any:
        """Per-sequence mean of layer ``depth``: ``[sequences, hidden]``."""
        import torch

        h = self.layers[depth]
        sums = torch.zeros((len(self.starts), h.shape[1]), dtype=h.dtype, device=h.device)
        sums.index_add_(0, self.segment_ids(), h)
        counts = torch.tensor(self.lengths, dtype=h.dtype, device=h.device).unsqueeze(1)
        return sums / counts


@dataclass(frozen=True, slots=True)
class _Layer:
    """One transformer layer's weights. ``qkv``: the query, key and value projections
    fused into one matrix (one product of width 3 x hidden instead of three narrow
    ones, which run ~25% below the machine's peak on CPU), the attention scale folded
    into the query rows."""

    qkv: tuple[Any, Any]
    attention_out: tuple[Any, Any]
    attention_norm: tuple[Any, Any]
    intermediate: tuple[Any, Any]
    output: tuple[Any, Any]
    output_norm: tuple[Any, Any]


def _unsupported(config: Mapping[str, Any]) -> str | None:
    """Why this config is not a layout this module runs, or None."""
    if config.get("model_type") not in _MODEL_TYPES:
        return f"model type {config.get('model_type')!r}"
    if config.get("position_embedding_type", "absolute") != "absolute":
        return "relative position embeddings"
    if config.get("is_decoder") or config.get("add_cross_attention"):
        return "a decoder"
    if config.get("hidden_act", "gelu") not in _ACTIVATIONS:
        return f"activation {config.get('hidden_act')!r}"
    if int(config["hidden_size"]) % int(config["num_attention_heads"]):
        return "hidden size not a multiple of the heads"
    return None


class PackedEncoder:
    """A BERT-family encoder's weights, run on unpadded batches. Build it once per
    model (:meth:`from_model` or :meth:`from_directory`) and reuse it."""

    def __init__(self, config: Mapping[str, Any], tensors: Mapping[str, Any], device: Any = "cpu") -> None:
        """``tensors``: the model's parameters under Hugging Face names (an optional
        ``bert.``/``roberta.`` prefix is accepted). Raises KeyError when one is missing."""
        import torch

        why = _unsupported(config)
        if why:
            raise ValueError(f"not supported by the unpadded forward: {why}")
        prefix = next(k[: -len(_WORDS)] for k in tensors if k.endswith(_WORDS))

        def get(name: str) -> Any:
            return tensors[prefix + name].detach().to(device=device, dtype=torch.float32)

        def pair(name: str) -> tuple[Any, Any]:
            return get(name + ".weight"), get(name + ".bias")

        self.model_type = str(config["model_type"])
        self.hidden_size = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.head_size = self.hidden_size // self.heads
        self.num_layers = int(config["num_hidden_layers"])
        self.max_positions = int(config.get("max_position_embeddings", 512))
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        act = _ACTIVATIONS[config.get("hidden_act", "gelu")]
        self._act: Callable[[Any], Any] = (
            torch.relu if act is None else (lambda x, a=act: torch.nn.functional.gelu(x, approximate=a))
        )
        # RoBERTa/XLM-R count positions from padding_idx + 1.
        self.position_offset = (
            int(config.get("pad_token_id", 1)) + 1 if self.model_type in ("roberta", "xlm-roberta") else 0
        )
        self.words = get("embeddings.word_embeddings.weight")
        self.positions = get("embeddings.position_embeddings.weight")
        kind = prefix + "embeddings.token_type_embeddings.weight"
        self.token_type = get("embeddings.token_type_embeddings.weight")[0] if kind in tensors else None
        self.embedding_norm = pair("embeddings.LayerNorm")
        scale = self.head_size**-0.5
        self.layers: list[_Layer] = []
        for k in range(self.num_layers):
            at = f"encoder.layer.{k}."
            q, k_, v = (pair(at + f"attention.self.{n}") for n in ("query", "key", "value"))
            qkv = (torch.cat([q[0] * scale, k_[0], v[0]]), torch.cat([q[1] * scale, k_[1], v[1]]))
            self.layers.append(
                _Layer(
                    qkv,
                    pair(at + "attention.output.dense"),
                    pair(at + "attention.output.LayerNorm"),
                    pair(at + "intermediate.dense"),
                    pair(at + "output.dense"),
                    pair(at + "output.LayerNorm"),
                )
            )
        self.device = self.words.device

    @classmethod
    def from_model(cls, model: Any) -> PackedEncoder | None:
        """From a loaded Hugging Face model (its own tensors, on its device), or None
        when its layout is not one this module knows."""
        to_dict = getattr(getattr(model, "config", None), "to_dict", None)
        config = to_dict() if callable(to_dict) else None
        if not isinstance(config, dict) or _unsupported(config):
            return None
        try:
            device = next(model.parameters()).device
            return cls(config, model.state_dict(), device=device)
        except (KeyError, StopIteration, ValueError):
            return None

    @classmethod
    def from_directory(cls, directory: str | Path, device: Any = "cpu") -> PackedEncoder | None:
        """From a model directory (``config.json`` + ``model.safetensors``) without
        transformers, or None when the directory is not such a model of a known
        layout (the caller then loads it with transformers)."""
        directory = Path(directory)
        weights = directory / "model.safetensors"
        try:
            config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(config, dict) or _unsupported(config) or not weights.is_file():
            return None
        from safetensors.torch import load_file

        try:
            return cls(config, load_file(str(weights)), device=device)
        except (KeyError, StopIteration, ValueError, OSError):
            return None

    def hidden_states(self, sequences: Sequence[Sequence[int]], layers: Sequence[int]) -> PackedStates:
        """Hidden states of ``layers`` (0 = embeddings, k = after transformer layer k)
        for token sequences (special tokens included, no padding, none empty). Only the
        transformer layers up to the deepest requested one are run."""
        import torch
        from torch.nn.functional import layer_norm

        if not sequences:
            raise ValueError("no sequences to embed")
        wanted = sorted(set(layers))
        lengths = [len(s) for s in sequences]
        if max(lengths) > self.max_positions - self.position_offset:
            raise ValueError(f"a sequence of {max(lengths)} tokens exceeds the model's positions")
        order, groups = _groups(lengths)

        device = self.device
        ids = torch.tensor([t for k in order for t in sequences[k]], dtype=torch.long, device=device)
        positions = torch.cat(
            [
                torch.arange(self.position_offset, self.position_offset + g.length, device=device).repeat(g.count)
                for g in groups
            ]
        )
        x = self.words[ids] + self.positions[positions]
        if self.token_type is not None:
            x = x + self.token_type
        x = layer_norm(x, (self.hidden_size,), *self.embedding_norm, self.eps)

        kept: dict[int, Any] = {}
        if 0 in wanted:
            kept[0] = x
        for depth in range(1, wanted[-1] + 1):
            x = self._layer(self.layers[depth - 1], x, groups)
            if depth in wanted:
                kept[depth] = x

        starts = [0] * len(sequences)
        placed = 0  # sentences placed so far, in packing order
        for g in groups:
            for j in range(g.count):
                starts[order[placed + j]] = g.start + j * g.length
            placed += g.count
        return PackedStates(kept, starts, lengths)

    def _layer(self, w: _Layer, x: Any, groups: list[_Group]) -> Any:
        """One post-LayerNorm transformer layer over packed rows ``x`` ``[tokens, hidden]``."""
        import torch
        from torch.nn.functional import layer_norm, linear

        heads, size, width = self.heads, self.head_size, (self.hidden_size,)
        qkv = linear(x, *w.qkv)  # [tokens, 3 * hidden]: q | k | v
        context = torch.empty_like(x)
        for g in groups:
            rows = slice(g.start, g.start + g.count * g.length)
            # [count, length, 3, heads, size] -> three [count, heads, length, size]
            q, k, v = qkv[rows].view(g.count, g.length, 3, heads, size).permute(2, 0, 3, 1, 4)
            # Plain matmul-softmax-matmul: on these short sequences it is as fast as
            # the fused kernel once warm, and unlike it pays no first-call cost per shape.
            weights = torch.matmul(q, k.transpose(-1, -2)).softmax(-1)  # q is pre-scaled
            context[rows] = torch.matmul(weights, v).transpose(1, 2).reshape(g.count * g.length, heads * size)
        attended = layer_norm(linear(context, *w.attention_out) + x, width, *w.attention_norm, self.eps)
        inner = self._act(linear(attended, *w.intermediate))
        return layer_norm(linear(inner, *w.output) + attended, width, *w.output_norm, self.eps)
