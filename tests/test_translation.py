"""MarianMT translation: mechanics proven on a tiny random model (see marian_fixture).

The model's output is gibberish; what is tested is that both backends load it, batch
and order correctly, agree with each other, cache, split over-long input and score
forced decodings, and that a missing model fails with an actionable message.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aligner.config import load_config, load_settings
from aligner.errors import InputError, ModelUnavailable
from aligner.translation import (
    Translator,
    describe_mt,
    load_translator,
    resolve_mt_model,
    translation_settings,
)
from aligner.translation.clauses import split_spans

try:  # pytest puts tests/ on sys.path (rootdir-relative "prepend" import mode)
    from marian_fixture import ENGLISH_SENTENCES, FRENCH_SENTENCES, build_tiny_marian
except ImportError:  # imported as a package module
    from tests.marian_fixture import ENGLISH_SENTENCES, FRENCH_SENTENCES, build_tiny_marian

#: Short generations keep the random model (which rarely stops by itself) fast.
FAST = {"translation": {"num_beams": 1, "max_length": 24, "batch_size": 4}}


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private aligner cache per test, no hub access, and one torch thread: the model
    is tiny, and spinning OpenMP threads on a busy 2-core machine can make a 1 s test
    take 10 s. Torch's global thread count is restored afterwards."""
    import torch

    cache = tmp_path / "aligner-cache"
    monkeypatch.setenv("ALIGNER_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield cache
    torch.set_num_threads(threads)


def _config(**overrides: object) -> dict:
    return {"translation": {**FAST["translation"], **overrides}}


def _load(model: Path, **kwargs: Any) -> Translator:
    """One CPU thread for CTranslate2 too (see ``_isolated``)."""
    return load_translator(str(model), threads=1, **kwargs)


@contextlib.contextmanager
def _aligner_warnings() -> Iterator[list[str]]:
    """Warnings logged on the ``aligner`` logger meanwhile. A handler of its own rather
    than ``caplog``: once the CLI has run in this process the logger no longer
    propagates to the root logger that ``caplog`` listens on."""
    seen: list[str] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("aligner")
    handler = _Keep(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)


# ---------------------------------------------------------------------------------------
# Resolution and configuration (no model needed)
# ---------------------------------------------------------------------------------------


def test_default_config_comes_from_the_toml_file() -> None:
    table = translation_settings()
    assert table.models["fr"] == "Helsinki-NLP/opus-mt-fr-en"
    assert table.fallback == "Helsinki-NLP/opus-mt-mul-en"
    assert (
        table.num_beams,
        table.max_length,
        table.batch_size,
        table.max_input_tokens,
    ) == (4, 512, 16, 400)
    assert table == load_settings().translation  # the same settings as a --config run
    # A partial table is completed from the TOML, ``models`` key by key.
    partial = translation_settings({"translation": {"num_beams": 1, "models": {"pt": "a/b"}}})
    assert partial.num_beams == 1 and partial.max_input_tokens == 400
    assert partial.models["pt"] == "a/b" and partial.models["fr"] == table.models["fr"]
    assert translation_settings({"batch_size": 2}).batch_size == 2  # the table alone


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"num_beams": 0}, "[translation] num_beams"),
        ({"length_ratio": "3"}, "[translation] length_ratio"),
        ({"max_input_tokens": 4}, "[translation] max_input_tokens"),
        ({"fallback": 3}, "[translation] fallback"),
        ({"models": "x"}, "[translation] models"),
        ({"models": {"pt": ""}}, "[translation.models] pt"),
    ],
)
def test_wrong_values_name_their_key(table: dict, key: str) -> None:
    with pytest.raises(InputError, match=re.escape(key)):
        translation_settings({"translation": table})


def test_resolve_mt_model(tmp_path: Path) -> None:
    config = load_config()
    assert resolve_mt_model("fr", None, config) == "Helsinki-NLP/opus-mt-fr-en"
    assert resolve_mt_model("de-AT", None, config) == "Helsinki-NLP/opus-mt-de-en"
    assert resolve_mt_model("FR_ca", None, {}) == "Helsinki-NLP/opus-mt-fr-en"
    assert resolve_mt_model("xx", None, config) == "Helsinki-NLP/opus-mt-mul-en"
    assert resolve_mt_model("xx", None, {"translation": {"fallback": ""}}) == (
        "Helsinki-NLP/opus-mt-xx-en"
    )
    user = {"translation": {"models": {"pt": "someone/pt-en"}}}
    assert resolve_mt_model("pt", None, user) == "someone/pt-en"
    assert resolve_mt_model("fr", None, user) == "Helsinki-NLP/opus-mt-fr-en"  # merged
    assert resolve_mt_model("fr", str(tmp_path), config) == str(tmp_path.resolve())
    assert resolve_mt_model("fr", "org/model", config) == "org/model"
    with pytest.raises(InputError):
        resolve_mt_model("en", None, config)
    with pytest.raises(InputError):
        translation_settings({"translation": {"num_beams": 0}})


def test_split_spans_prefers_clause_boundaries() -> None:
    def words_fit(limit: int):
        return lambda a, b: len(text[a:b].split()) <= limit

    text = "one two three; four five six, seven and eight nine ten"
    used: list[str] = []
    spans = split_spans(text, 0, len(text), words_fit(4), 0, used)
    parts = [text[a:b].strip() for a, b in spans]
    # Cut at the semicolon first; the second clause still too long is cut at the comma
    # and the conjunction, and neighbours are merged back while they fit.
    assert parts == ["one two three;", "four five six, seven", "and eight nine ten"]
    assert used[0] == "semicolon/colon/dash"
    assert "".join(text[a:b] for a, b in spans) == text  # contiguous: nothing dropped

    text = "alpha beta gamma delta epsilon zeta eta theta"
    used = []
    spans = split_spans(text, 0, len(text), words_fit(3), 0, used)
    assert [text[a:b].strip() for a, b in spans] == [
        "alpha beta gamma",
        "delta epsilon zeta",
        "eta theta",
    ]
    assert used == ["word"]


# ---------------------------------------------------------------------------------------
# The tiny model
# ---------------------------------------------------------------------------------------


def test_loads_from_a_local_directory(tiny_marian: Path, _isolated: Path) -> None:
    translator = _load(tiny_marian, config=_config())
    assert translator.backend == "transformers"
    assert translator.model_id == str(tiny_marian.resolve())
    assert translator.identity.startswith("sha256:")
    out = translator.translate(["Le gouvernement a annoncé une réforme.", "", "   "])
    assert isinstance(out[0], str) and out[0]
    assert out[1:] == ["", ""]
    # The identity is the content, not the path: a copy has the same one.
    info = describe_mt("fr", str(tiny_marian), {})
    assert info["available"] and info["identity"] == translator.identity
    assert info["origin"] == "local directory"


def test_batching_keeps_input_order(tiny_marian: Path) -> None:
    rng = random.Random(7)
    sentences = [*FRENCH_SENTENCES[:14], "Bonjour.", "Oui", ""]
    # Shuffled lengths, including a duplicate that must come back twice.
    sentences = [*rng.sample(sentences, len(sentences)), sentences[3]]
    batched = _load(tiny_marian, config=_config(batch_size=5), use_cache=False)
    together = batched.translate(sentences)
    assert batched.model_calls >= 3
    single = _load(tiny_marian, config=_config(batch_size=1), use_cache=False)
    one_by_one = [single.translate([s])[0] for s in sentences]
    assert together == one_by_one
    assert together[-1] == together[sentences.index(sentences[-1])]
    assert len(set(t for t in together if t)) > len(together) // 2  # input-dependent


def test_second_run_hits_the_cache(tiny_marian: Path, _isolated: Path) -> None:
    sentences = FRENCH_SENTENCES[:6]
    first = _load(tiny_marian, config=_config())
    out = first.translate(sentences)
    assert first.model_calls > 0
    calls = first.model_calls
    assert first.translate(sentences) == out and first.model_calls == calls
    first.close()
    second = _load(tiny_marian, config=_config())
    assert second.translate(list(reversed(sentences))) == list(reversed(out))
    assert second.model_calls == 0
    # Different decoding settings are different cache entries.
    other = _load(tiny_marian, config=_config(num_beams=2))
    other.translate(sentences[:1])
    assert other.model_calls == 1
    assert list((_isolated / "translations").glob("*.sqlite3"))


def test_garbage_cache_is_detected_and_rebuilt(tiny_marian: Path, _isolated: Path) -> None:
    sentences = FRENCH_SENTENCES[:4]
    first = _load(tiny_marian, config=_config())
    expected = first.translate(sentences)
    first.close()
    (db,) = (_isolated / "translations").glob("*.sqlite3")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(random.Random(0).randbytes(20_000))
    with _aligner_warnings() as seen:
        rebuilt = _load(tiny_marian, config=_config())
        assert rebuilt.translate(sentences) == expected
    assert any("damaged" in message for message in seen), seen
    assert rebuilt.model_calls > 0
    rebuilt.close()
    again = _load(tiny_marian, config=_config())
    assert again.translate(sentences) == expected and again.model_calls == 0
    again.close()

    # A tampered row fails its checksum: ignored, recomputed, never returned.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE translations SET translation = 'tampered'")
    with _aligner_warnings() as seen:
        checked = _load(tiny_marian, config=_config())
        assert checked.translate(sentences) == expected
    assert any("damaged entries" in message for message in seen), seen
    assert checked.model_calls > 0


def test_long_sentence_is_split_at_a_clause_and_fully_translated(tiny_marian: Path) -> None:
    translator = load_translator(
        str(tiny_marian), config=_config(max_input_tokens=60), use_cache=False
    )
    seen: list[list[str]] = []
    generate = translator._generate

    def spy(batch: list[list[str]], limit: int) -> list[list[str]]:
        seen.extend(batch)
        return generate(batch, limit)

    translator._generate = spy  # type: ignore[method-assign]
    first, second = FRENCH_SENTENCES[0], FRENCH_SENTENCES[1]
    long = f"{first.rstrip('.')}; {second}"
    assert (
        translator._n_source_tokens(long)
        > 60
        >= max(translator._n_source_tokens(first), translator._n_source_tokens(second))
    )
    out = translator.translate([long, "Bonjour."])
    assert len(translator.notes) == 1 and "2 pieces" in translator.notes[0]
    assert "semicolon" in translator.notes[0]
    pieces = [translator._detokenize(tokens[:-1]) for tokens in seen]
    assert sorted(pieces) == sorted([first.rstrip(".") + ";", second, "Bonjour."])
    assert all(len(tokens) <= 60 for tokens in seen)
    by_piece = dict(
        zip(
            [first.rstrip(".") + ";", second],
            translator.translate([first.rstrip(".") + ";", second]),
            strict=True,
        )
    )
    assert out[0] == f"{by_piece[first.rstrip('.') + ';']} {by_piece[second]}".strip()

    # No punctuation at all: a hard split by words, nothing truncated.
    translator.notes.clear()
    seen.clear()
    words = " ".join(FRENCH_SENTENCES[2].rstrip(".").replace(",", "").split() * 4)
    translator.translate([words])
    assert "word" in translator.notes[0]
    assert all(len(tokens) <= 60 for tokens in seen) and len(seen) >= 2
    rebuilt = " ".join(translator._detokenize(tokens[:-1]) for tokens in seen)
    assert sorted(rebuilt.split()) == sorted(words.split())


def test_forced_scores(tiny_marian: Path) -> None:
    sources, targets = FRENCH_SENTENCES[:5], [*ENGLISH_SENTENCES[:4], ""]
    results = {}
    for backend in ("transformers", "ctranslate2"):
        translator = _load(tiny_marian, backend=backend, config=_config())
        results[backend] = translator.score(sources, targets)
        assert translator.model_calls == 2  # batch_size 4: two batches
    for target, hf, ct in zip(
        targets, results["transformers"], results["ctranslate2"], strict=True
    ):
        assert len(hf.logprobs) == len(hf.pieces) == len(hf.char_spans)
        assert hf.pieces == ct.pieces
        assert all(math.isfinite(x) and x <= 0 for x in hf.logprobs)
        assert math.isfinite(hf.eos_logprob)
        for piece, (a, b) in zip(hf.pieces, hf.char_spans, strict=True):
            assert target[a:b] == piece.lstrip("▁")
        assert (
            max((abs(x - y) for x, y in zip(hf.logprobs, ct.logprobs, strict=True)), default=0.0)
            < 0.05
        )
        assert abs(hf.eos_logprob - ct.eos_logprob) < 0.05
        assert hf.cross_attention is None
    assert results["transformers"][-1].pieces == []


def test_cross_attention(tiny_marian: Path) -> None:
    import numpy as np

    source, target = FRENCH_SENTENCES[7], ENGLISH_SENTENCES[7]
    got = {}
    for backend in ("transformers", "ctranslate2"):
        translator = _load(tiny_marian, backend=backend, config=_config())
        (scores,) = translator.score([source], [target], with_attention=True)
        att = scores.cross_attention
        assert att is not None
        assert att.shape == (len(scores.pieces), len(scores.source_pieces))
        assert np.all(att >= 0) and np.all(att.sum(axis=1) <= 1 + 1e-4)
        assert np.all(att.sum(axis=1) > 0)
        for piece, (a, b) in zip(scores.source_pieces, scores.source_char_spans, strict=True):
            assert source[a:b] == piece.lstrip("▁")
        got[backend] = att
    assert np.abs(got["transformers"] - got["ctranslate2"]).max() < 1e-3


def test_ctranslate2_conversion_and_identical_output(tiny_marian: Path, _isolated: Path) -> None:
    sentences = [*FRENCH_SENTENCES[:12], "Bonjour."]
    for beams in (1, 4):
        config = _config(num_beams=beams, max_length=32)
        hf = _load(tiny_marian, config=config, use_cache=False)
        ct = _load(tiny_marian, backend="ctranslate2", config=config, use_cache=False)
        tokens = [[*hf._source_pieces(s), "</s>"] for s in sentences]
        hf_out = [hf._generate([t], 32)[0] for t in tokens]
        ct_out = [ct._generate([t], 32)[0] for t in tokens]
        if beams == 1:
            assert hf_out == ct_out
            assert hf.translate(sentences) == ct.translate(sentences)
        else:
            # Beam search agrees wherever a hypothesis finished; at the length limit the
            # two libraries rank unfinished hypotheses differently.
            finished = [i for i, out in enumerate(hf_out) if len(out) < 32]
            assert len(finished) >= 3
            assert [hf_out[i] for i in finished] == [ct_out[i] for i in finished]
    (converted,) = (_isolated / "ct2").glob("*/model.bin")
    stamp = converted.stat().st_mtime_ns
    _load(tiny_marian, backend="ctranslate2", config=_config())
    assert converted.stat().st_mtime_ns == stamp  # converted once, then reused
    assert describe_mt("fr", str(tiny_marian), {})["ct2_converted"]


def test_offline_without_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable) as caught:
        load_translator("Helsinki-NLP/opus-mt-xx-en")
    message = str(caught.value)
    assert "Helsinki-NLP/opus-mt-xx-en" in message
    assert "huggingface-cli download Helsinki-NLP/opus-mt-xx-en" in message
    assert "--mt-model PATH" in message
    info = describe_mt("xx", "Helsinki-NLP/opus-mt-xx-en", {})
    assert info["available"] is False and info["model"] == "Helsinki-NLP/opus-mt-xx-en"
    with pytest.raises(ModelUnavailable, match="does not exist"):
        load_translator(str(tmp_path / "no-such-model"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelUnavailable, match="not a MarianMT checkpoint"):
        load_translator(str(tmp_path / "empty"))
    with pytest.raises(InputError):
        load_translator(str(tmp_path / "empty"), backend="onnx")
