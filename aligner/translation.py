"""Machine translation to English with MarianMT (opus-mt), for glosses and a second
alignment path.

The pipeline translates non-English sentences so a reader who does not know the source
language can follow the report, and scores the English rendition under the model
("how surprising is this word given the source?") to find additions and omissions.
Both uses need the same tokenisation on both backends, results that do not depend on
how sentences happen to be batched, and no repeated work across runs, hence:

* everything is keyed on the model's *identity* (hub id + commit, or the content hash of
  a local directory), never on a name that could point at different weights tomorrow;
* the translation cache is one SQLite file per model (WAL mode, so several ``aligner``
  processes can share it); a damaged file is warned about once and rebuilt;
* the generation length guard depends on the sentence alone, so batching cannot change
  an output;
* over-long sentences are split at clause boundaries rather than truncated, and the
  split is reported in :attr:`Translator.notes` so the caller can tell the reader;
* CTranslate2 is an optional faster backend: the transformers checkpoint is converted
  once into the cache (under a lock, into a temporary directory, then renamed).

torch, transformers and ctranslate2 are imported only inside functions so that
``import aligner.translation`` stays cheap.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import configs_root
from .errors import InputError, ModelUnavailable
from .io.cache import atomic_write, cache_dir, locked, sha256_bytes, sha256_file
from .language import base_language

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "BACKENDS",
    "DEFAULT_TRANSLATION_CONFIG",
    "ForcedScores",
    "TranslationCache",
    "TranslationWarning",
    "Translator",
    "describe_mt",
    "load_translator",
    "normalize_language",
    "resolve_mt_model",
    "translation_settings",
]

BACKENDS = ("transformers", "ctranslate2")
CACHE_SCHEMA = 1
EOS = "</s>"

#: Weight files whose content decides what a local model directory *is*, together with
#: the tokenizer files (which decide how text becomes ids).
_WEIGHT_GLOBS = ("*.safetensors", "pytorch_model*.bin")
_TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "target_vocab.json")
_REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")


class TranslationWarning(UserWarning):
    """Something went wrong that the run recovered from (a damaged cache, a cache that
    cannot be written); shown once per cause so a long run does not repeat it."""


_WARNED: set[str] = set()


def _warn_once(key: str, message: str) -> None:
    if key in _WARNED:
        return
    _WARNED.add(key)
    warnings.warn(message, TranslationWarning, stacklevel=3)


# --------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------

_BUILTIN_DEFAULTS: dict[str, Any] = {
    "translation": {
        "models": {},
        "fallback": "Helsinki-NLP/opus-mt-mul-en",
        "num_beams": 4,
        "max_length": 512,
        "length_ratio": 3.0,
        "batch_size": 16,
        "max_input_tokens": 400,
        "ct2_compute_type": "default",
    }
}


def _default_config_path() -> Path | None:
    """The installed ``aligner_configs`` package first (what a wheel ships), then the
    source checkout."""
    path = configs_root() / "translation.toml"
    return path if path.is_file() else None


def _load_default_config() -> dict[str, Any]:
    """Never fails at import: a missing or broken file falls back to built-in values
    (the tool can still run), and the problem surfaces as a warning."""
    path = _default_config_path()
    if path is None:
        return copy.deepcopy(_BUILTIN_DEFAULTS)
    try:
        with open(path, "rb") as fh:
            loaded = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        warnings.warn(f"cannot read {path}: {exc}; using built-in defaults", stacklevel=2)
        return copy.deepcopy(_BUILTIN_DEFAULTS)
    merged = copy.deepcopy(_BUILTIN_DEFAULTS)
    merged["translation"].update(loaded.get("translation", {}))
    return merged


#: The parsed ``configs/translation.toml``: ``{"translation": {...}}``, ready to be merged
#: into the main configuration.
DEFAULT_TRANSLATION_CONFIG: dict[str, Any] = _load_default_config()

_TABLE_KEYS = frozenset(_BUILTIN_DEFAULTS["translation"])


def translation_settings(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The effective ``[translation]`` table: defaults with ``config``'s table merged
    over them (``models`` key by key), validated.

    ``config`` may be the whole configuration (with a ``translation`` table) or the
    table itself, so callers holding either can pass it."""
    settings = copy.deepcopy(DEFAULT_TRANSLATION_CONFIG["translation"])
    if config:
        if isinstance(config.get("translation"), dict):
            table = config["translation"]
        elif _TABLE_KEYS & set(config):
            table = config
        else:
            table = {}
        for key, value in table.items():
            if key == "models" and isinstance(value, dict):
                settings["models"] = {**settings.get("models", {}), **value}
            else:
                settings[key] = copy.deepcopy(value)
    for key, minimum in (
        ("num_beams", 1),
        ("max_length", 1),
        ("batch_size", 1),
        ("max_input_tokens", 8),
    ):
        value = settings.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InputError(f"[translation] {key} must be an integer >= {minimum}, got {value!r}")
    ratio = settings.get("length_ratio")
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or ratio <= 0:
        raise InputError(f"[translation] length_ratio must be a positive number, got {ratio!r}")
    if not isinstance(settings.get("models"), dict):
        raise InputError("[translation] models must be a table of language = model")
    return settings


def normalize_language(lang: str) -> str:
    """``fr-CA``, ``pt_BR``, ``FR`` -> ``fr``: opus-mt models are per base language."""
    return base_language(lang)


def _looks_like_path(model: str) -> bool:
    """Hub ids have at most one slash; anything else a user types is a path."""
    return (
        model.startswith(("/", ".", "~"))
        or "\\" in model
        or model.count("/") > 1
        or Path(model).expanduser().exists()
    )


def _resolve(lang: str, override: str | None, config: dict[str, Any] | None) -> tuple[str, str]:
    if override:
        if _looks_like_path(override):
            return str(Path(override).expanduser().resolve()), "override"
        return override, "override"
    code = normalize_language(lang)
    if not code:
        raise InputError("no source language given for machine translation")
    if code == "en":
        raise InputError("the source is English: no translation model is needed")
    settings = translation_settings(config)
    chosen = settings["models"].get(code)
    if chosen:
        return str(chosen), "config"
    if settings.get("fallback"):
        return str(settings["fallback"]), "fallback"
    return f"Helsinki-NLP/opus-mt-{code}-en", "default"


def resolve_mt_model(lang: str, override: str | None, config: dict[str, Any] | None) -> str:
    """The model to translate ``lang`` into English: ``override`` (``--mt-model``) if
    given, else ``[translation.models]``, else ``[translation] fallback``, else
    ``Helsinki-NLP/opus-mt-{lang}-en``. A hub id or a local directory."""
    return _resolve(lang, override, config)[0]


# --------------------------------------------------------------------------------------
# Finding the model files and naming them
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    model_id: str
    directory: Path
    identity: str
    origin: str


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _hub_offline() -> bool:
    """Read at call time (huggingface_hub reads it once at import, which is too early for
    a test or a caller that sets it later)."""
    return _env_true("HF_HUB_OFFLINE") or _env_true("TRANSFORMERS_OFFLINE")


def _hub_cache() -> Path:
    """The Hugging Face cache the environment points at *now* (same rules as
    huggingface_hub, evaluated per call for the same reason as :func:`_hub_offline`)."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(name):
            return Path(os.environ[name]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "huggingface" / "hub"


def _how_to_get(model: str) -> str:
    return (
        f"On a machine with internet run `huggingface-cli download {model}` and copy the "
        "Hugging Face cache (~/.cache/huggingface) here, or pass a local model directory "
        "with --mt-model PATH."
    )


def _missing_files(directory: Path) -> list[str]:
    missing = [name for name in _REQUIRED_FILES if not (directory / name).is_file()]
    if not any(any(directory.glob(pattern)) for pattern in _WEIGHT_GLOBS):
        missing.append("model.safetensors or pytorch_model.bin")
    return missing


def _hub_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, ValueError]
    with contextlib.suppress(ImportError):
        from huggingface_hub import errors as hub_errors

        for name in (
            "HfHubHTTPError",
            "LocalEntryNotFoundError",
            "OfflineModeIsEnabled",
            "HFValidationError",
            "RepositoryNotFoundError",
            "RevisionNotFoundError",
            "EntryNotFoundError",
            "IncompleteSnapshotError",
        ):
            cls = getattr(hub_errors, name, None)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                errors.append(cls)
    with contextlib.suppress(ImportError):
        import httpx

        errors.append(httpx.HTTPError)
    with contextlib.suppress(ImportError):
        import requests

        errors.append(requests.RequestException)
    return tuple(errors)


def _locate_hub(model: str, allow_download: bool) -> _Located:
    """Fetch (or find in the cache) only the files a Marian checkpoint needs: the opus-mt
    repositories also hold TensorFlow and Rust weights we would never read."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:  # pragma: no cover - transformers depends on it
        raise ModelUnavailable(f"MT model {model!r}: huggingface_hub is missing ({exc})") from None
    offline = _hub_offline() or not allow_download
    cache = str(_hub_cache())
    errors = _hub_errors()
    try:
        path = Path(
            snapshot_download(
                model,
                cache_dir=cache,
                local_files_only=offline,
                allow_patterns=["*.json", "*.spm", "model.safetensors"],
            )
        )
        if not any(any(path.glob(p)) for p in _WEIGHT_GLOBS):
            path = Path(
                snapshot_download(
                    model,
                    cache_dir=cache,
                    local_files_only=offline,
                    allow_patterns=["*.json", "*.spm", "pytorch_model.bin"],
                )
            )
    except errors as exc:
        if offline:
            why = "downloads are off" if _hub_offline() else "nothing is downloaded here"
            where = f"is not in the local Hugging Face cache ({cache}; {why})"
        else:
            where = f"could not be downloaded ({type(exc).__name__}: {exc})"
        raise ModelUnavailable(f"MT model {model!r} {where}. {_how_to_get(model)}") from None
    missing = _missing_files(path)
    if missing:
        raise ModelUnavailable(
            f"MT model {model!r} is incomplete in the Hugging Face cache at {path} "
            f"(missing {', '.join(missing)}). {_how_to_get(model)}"
        )
    revision = path.name if path.parent.name == "snapshots" else "unknown"
    origin = "Hugging Face cache" if offline else "Hugging Face hub (cached)"
    return _Located(model, path, f"{model}@{revision}", origin)


def _fingerprint_memo_path(root: Path) -> Path:
    return root / "translations" / "fingerprints.json"


def _directory_fingerprint(directory: Path, root: Path) -> str:
    """sha256 over the weight and tokenizer files, so a local model keeps its cache
    entries when moved and loses them when retrained. Hashing 300 MB takes a second, so
    per-file digests are memoised by (path, size, mtime)."""
    files = sorted(
        {p for pattern in _WEIGHT_GLOBS for p in directory.glob(pattern) if p.is_file()}
        | {directory / n for n in _TOKENIZER_FILES if (directory / n).is_file()}
    )
    memo_path = _fingerprint_memo_path(root)
    memo: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(memo_path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            memo = loaded
    changed = False
    parts: list[str] = []
    for path in files:
        stat = path.stat()
        key = str(path.resolve())
        entry = memo.get(key)
        if (
            isinstance(entry, dict)
            and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns
            and isinstance(entry.get("sha256"), str)
        ):
            digest = entry["sha256"]
        else:
            digest = sha256_file(path)
            memo[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
            changed = True
        parts.append(f"{path.name}:{digest}")
    if changed:
        with contextlib.suppress(OSError), locked(memo_path, timeout=30.0):
            atomic_write(memo_path, json.dumps(memo, indent=1, sort_keys=True))
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def _locate(model: str, *, allow_download: bool, root: Path) -> _Located:
    if _looks_like_path(model):
        directory = Path(model).expanduser().resolve()
        if not directory.is_dir():
            raise ModelUnavailable(
                f"MT model directory {directory} does not exist. Pass a directory holding a "
                "MarianMT checkpoint (config.json, model weights, source.spm, target.spm, "
                "vocab.json) with --mt-model PATH."
            )
        missing = _missing_files(directory)
        if missing:
            raise ModelUnavailable(
                f"MT model directory {directory} is not a MarianMT checkpoint "
                f"(missing {', '.join(missing)})."
            )
        digest = _directory_fingerprint(directory, root)
        return _Located(str(directory), directory, f"sha256:{digest}", "local directory")
    return _locate_hub(model, allow_download)


def _model_key(located: _Located) -> str:
    """A file-name-safe, human-recognisable, collision-free name for a model identity:
    the hub id or directory name for people, a hash of the identity for uniqueness."""
    name = located.model_id if located.origin != "local directory" else located.directory.name
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60].strip("_.")
    return f"{readable or 'model'}-{sha256_bytes(located.identity.encode('utf-8'))[:16]}"


# --------------------------------------------------------------------------------------
# The translation cache
# --------------------------------------------------------------------------------------


class TranslationCache:
    """Translations of sentence pieces, one SQLite file per model.

    Rows are keyed by sha256(namespace, source) where the namespace carries everything
    that changes the output (model identity, backend, decoding settings); each row also
    stores the source (checked on read, so a hash collision or a row edited by hand can
    never return a wrong translation) and a checksum over key+source+translation.
    Failures never stop a run: a file that is not a database or is malformed is warned
    about once and rebuilt; a cache that cannot be opened or is locked for too long is
    skipped (results are simply not cached)."""

    def __init__(self, path: Path, namespace: str) -> None:
        self.path = Path(path)
        self.namespace = namespace
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self._open()

    # -- connection management --------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS translations ("
                " key TEXT PRIMARY KEY, source TEXT NOT NULL,"
                " translation TEXT NOT NULL, checksum TEXT NOT NULL)"
            )
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(CACHE_SCHEMA),)
                )
            elif row[0] != str(CACHE_SCHEMA):
                raise sqlite3.DatabaseError(f"unknown cache schema {row[0]!r}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self) -> None:
        try:
            self._conn = self._connect()
        except sqlite3.OperationalError as exc:
            self._give_up(exc)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
        except OSError as exc:
            self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        _warn_once(
            f"cache-off:{self.path}",
            f"translation cache {self.path} cannot be used ({exc}); translations from this "
            "run will not be cached",
        )
        self.close()
        self._disabled = True

    def _rebuild(self, exc: BaseException) -> None:
        _warn_once(
            f"cache-damaged:{self.path}",
            f"translation cache {self.path} is damaged ({exc}); rebuilding it "
            "(cached translations for this model are recomputed)",
        )
        self.close()
        try:
            with locked(self.path, timeout=60.0):
                # Another process may have rebuilt it while we waited for the lock.
                with contextlib.suppress(sqlite3.DatabaseError):
                    conn = self._connect()
                    conn.execute("SELECT count(*) FROM translations").fetchone()
                    self._conn = conn
                    return
                for suffix in ("", "-wal", "-shm", "-journal"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{self.path}{suffix}")
                self._conn = self._connect()
        except (sqlite3.Error, OSError, TimeoutError) as again:
            self._give_up(again)

    def _run(self, action: Callable[[sqlite3.Connection], Any], default: Any) -> Any:
        """Run ``action``; on a damaged file rebuild once and retry, on anything else
        carry on without the cache."""
        for attempt in range(2):
            if self._disabled or self._conn is None:
                return default
            try:
                return action(self._conn)
            except sqlite3.OperationalError as exc:
                damaged = "malformed" in str(exc) or "not a database" in str(exc)
                if damaged and attempt == 0:
                    self._rebuild(exc)
                    continue
                _warn_once(
                    f"cache-op:{self.path}",
                    f"translation cache {self.path}: {exc}; continuing without it",
                )
                return default
            except sqlite3.DatabaseError as exc:
                if attempt == 0:
                    self._rebuild(exc)
                    continue
                self._give_up(exc)
                return default
        return default

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    # -- entries ---------------------------------------------------------------------

    def _key(self, source: str) -> str:
        return sha256_bytes(f"{self.namespace}\x00{source}".encode())

    @staticmethod
    def _checksum(key: str, source: str, translation: str) -> str:
        return sha256_bytes(f"{key}\x00{source}\x00{translation}".encode())[:16]

    def get_many(self, sources: Sequence[str]) -> dict[str, str]:
        """Cached translations of ``sources`` (missing and damaged entries are absent)."""
        keys = {self._key(s): s for s in dict.fromkeys(sources)}

        def action(conn: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            damaged = 0
            key_list = list(keys)
            for start in range(0, len(key_list), 500):
                chunk = key_list[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, source, translation, checksum FROM translations WHERE key IN ({marks})",
                    chunk,
                ).fetchall()
                for key, source, translation, checksum in rows:
                    if (
                        isinstance(source, str)
                        and isinstance(translation, str)
                        and source == keys.get(key)
                        and checksum == self._checksum(key, source, translation)
                    ):
                        found[source] = translation
                    else:
                        damaged += 1
            if damaged:
                _warn_once(
                    f"cache-rows:{self.path}",
                    f"translation cache {self.path}: "
                    f"{damaged} damaged entries ignored and recomputed",
                )
            return found

        return self._run(action, {})

    def put_many(self, items: dict[str, str]) -> None:
        if not items:
            return
        rows = []
        for source, translation in items.items():
            key = self._key(source)
            rows.append((key, source, translation, self._checksum(key, source, translation)))

        def action(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

        self._run(action, None)


# --------------------------------------------------------------------------------------
# Tokenisation helpers
# --------------------------------------------------------------------------------------


def _spm_pieces(processor: Any, text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Pieces of ``text`` and their character spans in ``text``.

    Spans are found by walking the pieces' *surfaces* (the original substrings, before
    sentencepiece's NFKC normalisation) rather than trusting begin/end offsets, which
    are byte offsets in some sentencepiece versions and characters in others. A span
    leaves out the whitespace a leading ``▁`` stands for, so ``text[a:b]`` is what the
    piece covers of the visible text (empty for a bare ``▁``)."""
    try:
        proto = processor.encode(text, return_type="proto")
    except TypeError:  # sentencepiece < 0.2.1
        proto = processor.encode(text, out_type="immutable_proto")
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    for item in proto.pieces:
        surface = item.surface
        pieces.append(item.piece)
        start = text.find(surface, cursor) if surface else -1
        if start < 0:
            start = cursor
            end = cursor
        else:
            end = start + len(surface)
            while start < end and text[start].isspace():
                start += 1
            cursor = end
        spans.append((start, end))
    return pieces, spans


@functools.lru_cache(maxsize=1)
def _levels() -> list[tuple[str, re.Pattern[str]]]:
    """Cut levels for an over-long sentence, strongest first. Each pattern's match
    *end* is a place where a new clause may start; the conjunctions are the
    ``clause_conjunctions`` of every language pack (configs/languages/XX.toml)."""
    from .config import known_languages, language_resources

    words = sorted(
        {w for code in known_languages() for w in language_resources(code).get("clause_conjunctions", [])},
        key=lambda w: (-len(w), w),
    )
    levels = [
        ("semicolon/colon/dash", re.compile(r"[;:](?=\s)\s*|[；：。！？]\s*|\s[—–-]{1,2}\s+")),
        ("comma", re.compile(r",(?=\s)\s*|[，、]\s*")),
    ]
    if words:
        alternatives = "|".join(map(re.escape, words))
        levels.append(("conjunction", re.compile(rf"\s+(?=(?:{alternatives})\s)", re.IGNORECASE)))
    levels.append(("word", re.compile(r"\s+")))
    return levels


def _split_spans(
    text: str,
    start: int,
    end: int,
    fits: Callable[[int, int], bool],
    level: int,
    used: list[str],
) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into contiguous spans that each ``fit``, preferring the
    strongest boundary available and merging neighbours back greedily so pieces stay as
    long (as much context) as the limit allows."""
    if fits(start, end):
        return [(start, end)]
    levels = _levels()
    for index in range(level, len(levels)):
        name, pattern = levels[index]
        cuts = [m.end() for m in pattern.finditer(text, start, end) if start < m.end() < end]
        if not cuts:
            continue
        used.append(name)
        bounds = [start, *cuts, end]
        spans: list[tuple[int, int]] = []
        for a, b in itertools.pairwise(bounds):
            if text[a:b].strip():
                spans.extend(_split_spans(text, a, b, fits, index + 1, used))
        return _merge_spans(spans, fits)
    # A single "word" longer than the limit (a URL, unspaced script): cut by characters.
    used.append("character")
    spans = []
    a = start
    while a < end:
        b = a + 1
        step = 64
        while b < end:
            nxt = min(end, b + step)
            if fits(a, nxt):
                b = nxt
            elif step > 1:
                step //= 2
            else:
                break
        spans.append((a, b))
        a = b
    return spans


def _merge_spans(
    spans: list[tuple[int, int]], fits: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and fits(merged[-1][0], span[1]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass
class ForcedScores:
    """How likely the model finds ``target`` as a translation of ``source``, token by
    token (forced decoding). Low log-probabilities point at words the source does not
    support (additions); see ``cross_attention`` for where each target piece looked.

    ``logprobs[i]`` is log p(piece i | source, pieces < i); the end-of-sentence token is
    not in ``pieces``/``logprobs`` but kept apart in ``eos_logprob``. ``char_spans[i]``
    slices the target string (whitespace before a word is not part of the span; a bare
    ``▁`` piece has an empty span). Pieces past the model's 512 positions, if any, get
    ``nan`` and a note on the translator.

    ``cross_attention`` (only with ``with_attention=True``) is a float32 array of shape
    ``(len(pieces), len(source_pieces))``: last decoder layer, averaged over heads, the
    source EOS column left out (so rows sum to a little less than 1)."""

    pieces: list[str]
    logprobs: list[float]
    char_spans: list[tuple[int, int]]
    eos_logprob: float
    source_pieces: list[str] = field(default_factory=list)
    source_char_spans: list[tuple[int, int]] = field(default_factory=list)
    cross_attention: np.ndarray | None = None

    @property
    def total_logprob(self) -> float:
        """Sequence log-probability, EOS included (what beam search ranks by)."""
        return float(sum(self.logprobs) + self.eos_logprob)


@dataclass
class _Pair:
    src_pieces: list[str]
    src_spans: list[tuple[int, int]]
    tgt_pieces: list[str]
    tgt_spans: list[tuple[int, int]]
    src_used: int
    tgt_used: int


# --------------------------------------------------------------------------------------
# The translator
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """transformers prints progress bars and advice (``pip install sacremoses``) on every
    load; the tool's own stderr should carry only what the user needs."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


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
        located: _Located,
        *,
        backend: str,
        device: str,
        settings: dict[str, Any],
        root: Path,
        progress: bool,
        threads: int | None,
        use_cache: bool,
    ) -> None:
        self._located = located
        self._backend = backend
        self._device = device
        self._settings = settings
        self._root = root
        self._progress = progress
        self._threads = threads
        self.notes: list[str] = []
        self.model_calls = 0
        self._model: Any = None
        self._ct2: Any = None
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
        self._max_input = min(int(settings["max_input_tokens"]), self._max_positions)
        self._max_new = min(int(settings["max_length"]), self._max_positions)
        self._load_tokenizer()
        self._pad_id = int(model_config.get("pad_token_id", self._tokenizer.pad_token_id))
        self._start_id = int(model_config.get("decoder_start_token_id", self._pad_id))
        if backend == "transformers":
            self._load_transformers()
        else:
            self._load_ctranslate2()
        if use_cache:
            namespace = json.dumps(self.decoding_settings, sort_keys=True)
            path = root / "translations" / f"{_model_key(located)}.sqlite3"
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
            "num_beams": int(self._settings["num_beams"]),
            "max_length": self._max_new,
            "length_ratio": float(self._settings["length_ratio"]),
        }
        if self._backend == "ctranslate2":
            settings["compute_type"] = str(self._settings.get("ct2_compute_type", "default"))
        return settings

    # -- loading -------------------------------------------------------------------------

    def _load_tokenizer(self) -> None:
        try:
            from transformers import MarianTokenizer

            with _quiet_transformers():
                self._tokenizer = MarianTokenizer.from_pretrained(str(self.directory))
        except (OSError, ValueError, KeyError, AssertionError, ImportError, RuntimeError) as exc:
            raise ModelUnavailable(
                f"cannot load the tokenizer of MT model {self.model_id!r} from {self.directory}: {exc}"
            ) from None
        tok = self._tokenizer
        self._src_vocab: dict[str, int] = dict(tok.encoder)
        self._tgt_vocab: dict[str, int] = (
            dict(tok.target_encoder) if getattr(tok, "separate_vocabs", False) else self._src_vocab
        )
        self._tgt_inverse: dict[int, str] = {i: p for p, i in self._tgt_vocab.items()}
        self._unk_id = self._src_vocab[tok.unk_token]
        self._eos_id = self._src_vocab[EOS]

    def _load_transformers(self) -> None:
        try:
            import torch
            from transformers import GenerationConfig, MarianMTModel

            if self._threads:
                torch.set_num_threads(self._threads)
            with _quiet_transformers():
                model = MarianMTModel.from_pretrained(
                    str(self.directory), attn_implementation="eager"
                )
        except (OSError, ValueError, KeyError, RuntimeError, ImportError) as exc:
            raise ModelUnavailable(
                f"cannot load MT model {self.model_id!r} from {self.directory}: {exc}"
            ) from None
        model.eval()
        model.to(self._device)
        # A generation config of our own, not the checkpoint's: the two backends must
        # decode the same way (no forced EOS at the limit, pad never generated, beam
        # search stopping when num_beams hypotheses are finished, as CTranslate2 does).
        beams = int(self._settings["num_beams"])
        beam_options: dict[str, Any] = (
            {"early_stopping": True, "length_penalty": 1.0} if beams > 1 else {}
        )
        with _quiet_transformers():
            model.generation_config = GenerationConfig(
                decoder_start_token_id=self._start_id,
                pad_token_id=self._pad_id,
                eos_token_id=self._eos_id,
                bad_words_ids=[[self._pad_id]],
                num_beams=beams,
                min_new_tokens=1,
                do_sample=False,
                **beam_options,
            )
        self._model = model

    def _ct2_directory(self) -> Path:
        """Convert the checkpoint once per identity; concurrent runs wait on the lock and
        reuse the result, and an interrupted conversion leaves only a temp directory."""
        target = self._root / "ct2" / _model_key(self._located)
        if (target / "model.bin").is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with locked(target):
            if (target / "model.bin").is_file():
                return target
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
            try:
                with _quiet_transformers():
                    _convert_to_ct2(self.directory, tmp)
                atomic_write(
                    tmp / "aligner-source.json",
                    json.dumps({"model": self.model_id, "identity": self.identity}, indent=1),
                )
                if target.exists():
                    shutil.rmtree(target)
                os.replace(tmp, target)
            except (
                OSError,
                ValueError,
                KeyError,
                RuntimeError,
                TypeError,
                AttributeError,
                ImportError,
            ) as exc:
                shutil.rmtree(tmp, ignore_errors=True)
                raise ModelUnavailable(
                    f"cannot convert MT model {self.model_id!r} to CTranslate2: {exc}"
                ) from None
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        return target

    def _load_ctranslate2(self) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelUnavailable(f"the ctranslate2 backend needs ctranslate2 ({exc})") from None
        device, index = _split_device(self._device)
        kwargs: dict[str, Any] = {
            "device": device,
            "device_index": index,
            "compute_type": str(self._settings.get("ct2_compute_type", "default")),
        }
        if self._threads:
            kwargs["intra_threads"] = self._threads
        for attempt in range(2):
            directory = self._ct2_directory()
            try:
                self._ct2 = ctranslate2.Translator(str(directory), **kwargs)
                return
            except (RuntimeError, ValueError) as exc:
                if attempt == 1:
                    raise ModelUnavailable(
                        f"cannot load the CTranslate2 conversion of {self.model_id!r} "
                        f"from {directory}: {exc}"
                    ) from None
                _warn_once(
                    f"ct2:{directory}",
                    f"CTranslate2 model {directory} is unusable ({exc}); converting again",
                )
                with locked(directory):
                    shutil.rmtree(directory, ignore_errors=True)

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
        spans = _split_spans(text, 0, len(text), fits, 0, used)
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
        ratio = float(self._settings["length_ratio"])
        tokens = [[*self._source_pieces(t), EOS] for t in texts]
        limits = [_length_limit(len(tok), ratio, self._max_new) for tok in tokens]
        order = sorted(range(len(texts)), key=lambda i: (-limits[i], -len(tokens[i]), i))
        size = int(self._settings["batch_size"])
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
        if self._backend == "ctranslate2":
            results = self._ct2.translate_batch(
                batch,
                beam_size=int(self._settings["num_beams"]),
                patience=1.0,
                length_penalty=1.0,
                max_decoding_length=limit,
                min_decoding_length=1,
                max_input_length=0,
            )
            return [list(r.hypotheses[0]) for r in results]
        import torch

        ids = [[self._src_vocab.get(p, self._unk_id) for p in toks] for toks in batch]
        input_ids, mask = _pad(ids, self._pad_id, self._device)
        with torch.inference_mode(), _quiet_transformers():
            output = self._model.generate(
                input_ids=input_ids, attention_mask=mask, max_new_tokens=limit
            )
        pieces: list[list[str]] = []
        for row in output.tolist():
            out: list[str] = []
            for token_id in row[1:]:
                if token_id == self._eos_id:
                    break
                if token_id != self._pad_id:
                    out.append(self._tgt_inverse.get(token_id, self._tokenizer.unk_token))
            pieces.append(out)
        return pieces

    # -- forced decoding --------------------------------------------------------------

    def _prepare_pair(self, index: int, source: str, target: str) -> _Pair:
        src_pieces, src_spans = _spm_pieces(self._tokenizer.spm_source, source)
        tgt_pieces, tgt_spans = _spm_pieces(self._tokenizer.spm_target, target)
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
        return _Pair(src_pieces, src_spans, tgt_pieces, tgt_spans, src_used, tgt_used)

    def score(
        self, sources: Sequence[str], targets: Sequence[str], with_attention: bool = False
    ) -> list[ForcedScores]:
        """Forced-decoding scores of each ``targets[i]`` (an English sentence) as a
        translation of ``sources[i]``; see :class:`ForcedScores`. Not cached: scoring is a
        single forward pass, cheap next to generation."""
        import numpy as np

        if len(sources) != len(targets):
            raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
        pairs = [
            self._prepare_pair(i, s, t)
            for i, (s, t) in enumerate(zip(sources, targets, strict=True))
        ]
        order = sorted(range(len(pairs)), key=lambda i: -(pairs[i].src_used + pairs[i].tgt_used))
        size = int(self._settings["batch_size"])
        results: list[ForcedScores | None] = [None] * len(pairs)
        batches = [order[k : k + size] for k in range(0, len(order), size)]
        with _progress_bar(self._progress and len(batches) > 1, len(pairs), "scoring") as bar:
            for batch in batches:
                chunk = [pairs[i] for i in batch]
                logprobs, attention = (
                    self._score_ct2(chunk, with_attention)
                    if self._backend == "ctranslate2"
                    else self._score_transformers(chunk, with_attention)
                )
                for k, i in enumerate(batch):
                    pair = pairs[i]
                    used = list(logprobs[k][: pair.tgt_used])
                    missing = len(pair.tgt_pieces) - pair.tgt_used
                    eos = float(logprobs[k][pair.tgt_used]) if not missing else math.nan
                    att = None
                    if attention is not None:
                        att = np.zeros(
                            (len(pair.tgt_pieces), len(pair.src_pieces)), dtype=np.float32
                        )
                        att[:] = np.nan if missing or pair.src_used < len(pair.src_pieces) else 0.0
                        att[: pair.tgt_used, : pair.src_used] = attention[k]
                    results[i] = ForcedScores(
                        pieces=pair.tgt_pieces,
                        logprobs=[float(x) for x in used] + [math.nan] * missing,
                        char_spans=pair.tgt_spans,
                        eos_logprob=eos,
                        source_pieces=pair.src_pieces,
                        source_char_spans=pair.src_spans,
                        cross_attention=att,
                    )
                bar.update(len(batch))
        return [r for r in results if r is not None]

    def _score_transformers(
        self, chunk: list[_Pair], with_attention: bool
    ) -> tuple[list[list[float]], list[np.ndarray] | None]:
        import torch

        src_ids = [
            [self._src_vocab.get(p, self._unk_id) for p in pair.src_pieces[: pair.src_used]]
            + [self._eos_id]
            for pair in chunk
        ]
        labels = [
            [self._tgt_vocab.get(p, self._unk_id) for p in pair.tgt_pieces[: pair.tgt_used]]
            + [self._eos_id]
            for pair in chunk
        ]
        input_ids, mask = _pad(src_ids, self._pad_id, self._device)
        decoder_ids, _ = _pad(
            [[self._start_id, *lab[:-1]] for lab in labels], self._pad_id, self._device
        )
        with torch.inference_mode(), _quiet_transformers():
            output = self._model(
                input_ids=input_ids,
                attention_mask=mask,
                decoder_input_ids=decoder_ids,
                output_attentions=with_attention,
            )
            logits = output.logits.float()
            # Pad is never a prediction (CTranslate2 drops it from the vocabulary): the
            # distribution is over the other tokens.
            logits[..., self._pad_id] = -math.inf
            logp = torch.log_softmax(logits, dim=-1)
            self.model_calls += 1
            scores = []
            for k, lab in enumerate(labels):
                index = torch.tensor(lab, device=logp.device)
                scores.append(logp[k, : len(lab)].gather(1, index[:, None])[:, 0].cpu().tolist())
            attention = None
            if with_attention:
                last = output.cross_attentions[-1].float().mean(dim=1).cpu().numpy()
                attention = [
                    last[k, : pair.tgt_used, : pair.src_used] for k, pair in enumerate(chunk)
                ]
        return scores, attention

    def _score_ct2(
        self, chunk: list[_Pair], with_attention: bool
    ) -> tuple[list[list[float]], list[np.ndarray] | None]:
        import numpy as np

        sources = [[*pair.src_pieces[: pair.src_used], EOS] for pair in chunk]
        targets = [pair.tgt_pieces[: pair.tgt_used] for pair in chunk]
        results = self._ct2.score_batch(sources, targets, max_input_length=0)
        self.model_calls += 1
        scores = [list(r.log_probs) for r in results]
        attention = None
        if with_attention:
            # score_batch returns no attention; decoding with the target as a forced
            # prefix (one step past it) does, for the same positions.
            forced = self._ct2.translate_batch(
                sources,
                target_prefix=targets,
                beam_size=1,
                return_attention=True,
                max_decoding_length=max(len(t) for t in targets) + 1,
                min_decoding_length=0,
                max_input_length=0,
            )
            self.model_calls += 1
            attention = []
            for pair, result in zip(chunk, forced, strict=True):
                rows = np.asarray(result.attention[0], dtype=np.float32)
                attention.append(rows[: pair.tgt_used, : pair.src_used])
        return scores, attention

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


def _pad(rows: list[list[int]], pad_id: int, device: str) -> tuple[Any, Any]:
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for k, row in enumerate(rows):
        ids[k, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[k, : len(row)] = 1
    return ids.to(device), mask.to(device)


def _split_device(device: str) -> tuple[str, int]:
    name, _, index = device.partition(":")
    return name, int(index) if index else 0


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


def _convert_to_ct2(model_dir: Path, output_dir: Path) -> None:
    """TransformersConverter, with the decoder's alignment set to average *all* heads of
    the last layer (the converter's default is head 0 only), so CTranslate2 attention
    matches what the transformers backend reports."""
    import ctranslate2
    import numpy as np

    class _Converter(ctranslate2.converters.TransformersConverter):
        def _load(self) -> Any:
            spec = super()._load()
            decoder = getattr(spec, "decoder", None)
            if decoder is not None and hasattr(decoder, "alignment_heads"):
                decoder.alignment_heads = np.dtype("int16").type(0)
            return spec

    _Converter(str(model_dir)).convert(str(output_dir), force=True)


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


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

    ``cache`` replaces :func:`aligner.io.cache.cache_dir` as the root for the translation
    cache and CTranslate2 conversions; ``use_cache=False`` skips the translation cache.
    ``threads`` pins CPU threads (torch's global setting, CTranslate2's intra_threads).
    Raises :class:`ModelUnavailable` when the model cannot be found or loaded (offline
    and not cached, a directory that is not a Marian checkpoint) and :class:`InputError`
    for a bad backend/device."""
    if backend not in BACKENDS:
        raise InputError(f"unknown MT backend {backend!r} (choose from {', '.join(BACKENDS)})")
    name, _ = _split_device(device)
    if name not in ("cpu", "cuda"):
        raise InputError(f"unknown device {device!r} (use cpu or cuda)")
    if name == "cuda":
        _require_cuda(backend)
    settings = translation_settings(config)
    root = Path(cache) if cache is not None else cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    located = _locate(model, allow_download=True, root=root)
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


def describe_mt(lang: str, override: str | None, config: dict[str, Any] | None) -> dict[str, Any]:
    """What ``aligner models`` shows for machine translation of ``lang``: the model that
    resolves, why, and whether it is usable right now without downloading anything."""
    info: dict[str, Any] = {
        "language": normalize_language(lang) if lang else lang,
        "model": None,
        "resolved_by": None,
        "available": False,
        "location": None,
        "origin": None,
        "identity": None,
        "ct2_converted": False,
        "detail": "",
    }
    try:
        model, how = _resolve(lang, override, config)
    except InputError as exc:
        info["detail"] = str(exc)
        return info
    info.update(model=model, resolved_by=how)
    root = cache_dir()
    try:
        located = _locate(model, allow_download=False, root=root)
    except ModelUnavailable as exc:
        info["detail"] = str(exc)
        return info
    info.update(
        available=True,
        location=str(located.directory),
        origin=located.origin,
        identity=located.identity,
        ct2_converted=(root / "ct2" / _model_key(located) / "model.bin").is_file(),
    )
    return info
