"""An unpadded forward pass for BERT-family encoders (BERT, RoBERTa, XLM-R, E5).

Why not just call the Hugging Face model on a padded batch: on the short sentences
that word alignment sees, padding is most of the cost. Sorting by length and packing
batches of ~8,000 token slots still left a third of the slots as padding on the dev
pairs (13,024 slots for 8,768 real tokens), and every padded slot pays for every
matrix product. Here the token rows of all sentences of a batch are packed into one
``[tokens, hidden]`` matrix, so the dense layers (nearly all of the arithmetic) run
on real tokens only; attention, the one step that needs sentence structure, runs per
group of equal-length sentences, which needs neither padding nor a mask.

The modules are the model's own (its Linear, LayerNorm and activation objects and
weights), so the result equals the model's padded forward up to float rounding
(tested in tests/test_packed_forward.py). Models of another layout are refused by
:meth:`PackedEncoder.prepare`, and the caller falls back to the padded path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_MODEL_TYPES = {"bert", "roberta", "xlm-roberta"}


def supports(model: Any) -> bool:
    """True when ``model`` is a BERT-family encoder whose layout this module knows."""
    cfg = getattr(model, "config", None)
    if cfg is None or getattr(cfg, "model_type", None) not in _MODEL_TYPES:
        return False
    if getattr(cfg, "position_embedding_type", "absolute") != "absolute" or getattr(cfg, "is_decoder", False):
        return False
    try:
        emb = model.embeddings
        layer = model.encoder.layer[0]
        _ = (emb.word_embeddings, emb.position_embeddings, emb.LayerNorm)
        _ = (layer.attention.self.query, layer.attention.self.key, layer.attention.self.value)
        _ = (layer.attention.output.dense, layer.attention.output.LayerNorm)
        _ = (layer.intermediate.dense, layer.intermediate.intermediate_act_fn)
        _ = (layer.output.dense, layer.output.LayerNorm)
    except (AttributeError, IndexError, TypeError):
        return False
    return True


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


def _position_ids(model: Any, length: int, device: Any) -> Any:
    """Position ids of an unpadded sentence: RoBERTa/XLM-R count from padding_idx + 1."""
    import torch

    offset = 0
    if model.config.model_type in ("roberta", "xlm-roberta"):
        offset = int(model.config.pad_token_id) + 1
    return torch.arange(offset, offset + length, device=device)


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


class PackedEncoder:
    """A BERT-family model prepared for unpadded batches.

    Prepared once per loaded model (see :meth:`prepare`): the query, key and value
    projections of each layer are fused into one matrix, so each layer starts with one
    matrix product of width 3 x hidden instead of three narrow ones (narrow products
    run ~25% below the machine's peak on CPU), with the attention scale folded into
    the query part."""

    def __init__(self, model: Any) -> None:
        import torch

        self.model = model
        self._qkv = []
        with torch.no_grad():
            for layer in model.encoder.layer:
                att = layer.attention.self
                # The attention scale folded into the query projection: one
                # multiplication of the weights here instead of one of every query.
                scale = float(getattr(att, "scaling", int(att.attention_head_size) ** -0.5))
                weight = torch.cat([att.query.weight * scale, att.key.weight, att.value.weight]).detach()
                bias = torch.cat([att.query.bias * scale, att.key.bias, att.value.bias]).detach()
                self._qkv.append((weight, bias))

    @classmethod
    def prepare(cls, model: Any) -> PackedEncoder | None:
        """The prepared model, or None when its layout is not one this module knows."""
        return cls(model) if supports(model) else None

    def hidden_states(self, sequences: Sequence[Sequence[int]], layers: Sequence[int]) -> PackedStates:
        """Hidden states of ``layers`` for token sequences (special tokens included, no
        padding, none empty). Only the transformer layers up to the deepest requested
        one are run."""
        import torch

        if not sequences:
            raise ValueError("no sequences to embed")
        model = self.model
        wanted = sorted(set(layers))
        device = model.embeddings.word_embeddings.weight.device
        lengths = [len(s) for s in sequences]
        order, groups = _groups(lengths)

        ids = torch.tensor([t for k in order for t in sequences[k]], dtype=torch.long, device=device)
        positions = torch.cat([_position_ids(model, g.length, device).repeat(g.count) for g in groups])
        emb = model.embeddings
        x = emb.word_embeddings(ids) + emb.position_embeddings(positions)
        if getattr(emb, "token_type_embeddings", None) is not None:
            x = x + emb.token_type_embeddings.weight[0]
        x = emb.LayerNorm(x)

        kept: dict[int, Any] = {}
        if 0 in wanted:
            kept[0] = x
        for depth in range(1, wanted[-1] + 1):
            x = self._layer(depth - 1, x, groups)
            if depth in wanted:
                kept[depth] = x

        starts = [0] * len(sequences)
        placed = 0  # sentences placed so far, in packing order
        for g in groups:
            for j in range(g.count):
                starts[order[placed + j]] = g.start + j * g.length
            placed += g.count
        return PackedStates(kept, starts, lengths)

    def _layer(self, index: int, x: Any, groups: list[_Group]) -> Any:
        """One post-LayerNorm transformer layer over packed rows ``x`` ``[tokens, hidden]``."""
        import torch
        from torch.nn.functional import linear

        layer = self.model.encoder.layer[index]
        att = layer.attention.self
        heads = int(att.num_attention_heads)
        size = int(att.attention_head_size)
        qkv = linear(x, *self._qkv[index])  # [tokens, 3 * hidden]: q | k | v
        context = torch.empty_like(x)
        for g in groups:
            rows = slice(g.start, g.start + g.count * g.length)
            # [count, length, 3, heads, size] -> three [count, heads, length, size]
            q, k, v = qkv[rows].view(g.count, g.length, 3, heads, size).permute(2, 0, 3, 1, 4)
            # Plain matmul-softmax-matmul: on these short sequences it is as fast as
            # the fused kernel once warm, and unlike it pays no first-call cost per shape.
            weights = torch.matmul(q, k.transpose(-1, -2)).softmax(-1)  # q is pre-scaled
            context[rows] = torch.matmul(weights, v).transpose(1, 2).reshape(g.count * g.length, heads * size)
        attended = layer.attention.output.LayerNorm(layer.attention.output.dense(context) + x)
        inner = layer.intermediate.intermediate_act_fn(layer.intermediate.dense(attended))
        return layer.output.LayerNorm(layer.output.dense(inner) + attended)
