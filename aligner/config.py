"""Configuration: models per language, thresholds, language resources.

The defaults live in ``configs/default.toml`` (installed as the ``aligner_configs``
package) and per-language resources in ``configs/languages/XX.toml``. A user file
given with ``--config`` is merged over the defaults key by key, so it only needs the
values it changes.

The TOML is the one source of defaults. :func:`load_settings` turns the merged tables
into typed, validated settings (one dataclass per section) *before* anything heavy
runs, so a wrong value stops the run with one line naming the key (``[sentence_alignment]
gap must be a number >= 0, got -1``) instead of a crash after the model load, and an
unknown key (a typo) is warned about instead of being silently ignored.
"""

from __future__ import annotations

import copy
import logging
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from .errors import InputError, terminal_safe

log = logging.getLogger("aligner")


def configs_root() -> Path:
    """The ``configs`` directory: the installed ``aligner_configs`` package (what a wheel
    ships), or the source checkout. The one place that knows where the data lives:
    every reader of ``configs/`` (cue lexicons, language packs, translation models)
    starts here."""
    try:
        import aligner_configs

        return Path(aligner_configs.__file__).parent
    except ImportError:  # running from a checkout without installing
        return Path(__file__).resolve().parent.parent / "configs"


def _deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@lru_cache(maxsize=8)
def _read_toml(path: str) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _read_user_file(path: Path) -> dict[str, Any]:
    name = terminal_safe(str(path))
    try:
        if not path.is_file():
            raise InputError(f"config file not found: {name}")
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"config file {name} is not valid TOML: {terminal_safe(str(exc))}") from None
    except PermissionError:
        raise InputError(f"config file {name}: permission denied") from None
    except (OSError, ValueError) as exc:  # name too long, NUL byte ...
        raise InputError(f"config file {name} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None


def _merged(user_file: str | Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    config = copy.deepcopy(_read_toml(str(configs_root() / "default.toml")))
    # Stage-specific files (translation.toml, ...) are merged in alphabetical order.
    for extra in sorted(configs_root().glob("*.toml")):
        if extra.name != "default.toml":
            config = _deep_merge(config, _read_toml(str(extra)))
    user: dict[str, Any] = {}
    if user_file is not None:
        user = _read_user_file(Path(user_file))
        config = _deep_merge(config, user)
    return config, user


def load_config(user_file: str | Path | None = None) -> dict[str, Any]:
    """The default configuration with ``user_file`` merged over it, validated (an
    invalid value raises :class:`InputError` naming the key; unknown keys are warned
    about on the ``aligner`` logger)."""
    return load_settings(user_file).raw


def load_settings(user_file: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Typed, validated settings from the defaults with ``user_file`` and then
    ``overrides`` (a dictionary shaped like the TOML files, from the Python API)
    merged over them."""
    config, user = _merged(user_file)
    for warning in unknown_keys(user):
        log.warning("config file %s: %s", terminal_safe(str(user_file)), warning)
    if overrides is not None:
        config = _deep_merge(config, overrides)
        for warning in unknown_keys(overrides):
            log.warning("config: %s", warning)
    return Settings.from_dict(config)


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    """The settings of ``configs/`` alone, read once. A library function called without
    a value (``Encoder.load`` without a layer, ``align_words`` without a method) takes
    it from here, so every default is written once, in the TOML. Shared by all callers:
    read it, never change it (``raw`` included)."""
    return load_settings(None)


def section_settings(config: dict[str, Any] | None, cls: type[_S]) -> _S:
    """The typed settings of one section (``cls``, e.g. :class:`EncoderSettings`) of a
    merged configuration as :func:`load_config` returns it; keys the dictionary lacks
    (a hand-made partial one) come from :func:`default_settings`."""
    given = (config or {}).get(cls.section, {})
    if not isinstance(given, dict):
        return cls.from_table(given)  # raises, naming the section
    # Nested tables ([translation.models]) merge key by key, like a --config file.
    return cls.from_table(_deep_merge(default_settings().raw.get(cls.section, {}), given))


# --------------------------------------------------------------------------- typed settings

_NUMBER = "a number"
_INT = "an integer"


def _spec(kind: str, *, lo: float | None = None, hi: float | None = None, above: float | None = None,
          choices: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    """A settings field's metadata: ``kind`` is number, int, bool, str, strs (list of
    strings), regexes (list of regular expressions), layers (an int or a list of ints),
    sentences (a nested table with a ``sentences`` list), parallel (a table of
    language -> equally long lists of sentences) or models (a nested table of
    language = model id or directory)."""
    return {"kind": kind, "lo": lo, "hi": hi, "above": above, "choices": choices}


def _check(section: str, key: str, value: Any, meta: dict[str, Any]) -> Any:
    """``value`` converted to the field's type, or InputError naming ``[section] key``."""
    kind, lo, hi, above, choices = meta["kind"], meta["lo"], meta["hi"], meta["above"], meta["choices"]
    where = f"[{section}] {key}"
    shown = terminal_safe(repr(value))[:80]

    def bounds(what: str) -> str:
        parts = [f">= {lo:g}" if lo is not None else "", f"> {above:g}" if above is not None else "",
                 f"<= {hi:g}" if hi is not None else ""]  # fmt: skip
        return " ".join([what, " and ".join(p for p in parts if p)]).strip()

    def in_range(x: float, what: str) -> None:
        if x != x or (lo is not None and x < lo) or (hi is not None and x > hi) or (above is not None and x <= above):
            raise InputError(f"config: {where} must be {bounds(what)}, got {shown}")

    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"config: {where} must be {bounds(_NUMBER)}, got {shown}")
        in_range(float(value), _NUMBER)
        return float(value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"config: {where} must be {bounds(_INT)}, got {shown}")
        in_range(value, _INT)
        return value
    if kind == "layers":
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(v, bool) or not isinstance(v, int) for v in items):
            raise InputError(f"config: {where} must be a layer number or a list of them, got {shown}")
        for v in items:
            in_range(v, "a layer number")
        return value if isinstance(value, int) else list(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise InputError(f"config: {where} must be true or false, got {shown}")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise InputError(f"config: {where} must be a string, got {shown}")
        if choices and value not in choices:
            raise InputError(f"config: {where} must be one of {', '.join(choices)}, got {shown}")
        return value
    if kind == "sentences":
        # A nested table (``[sentence_alignment.background]``) holding a list of sentences.
        if not isinstance(value, dict):
            raise InputError(f"config: [{section}.{key}] must be a table, got {shown}")
        return {"sentences": _check(f"{section}.{key}", "sentences", value.get("sentences", []), _spec("strs"))}
    if kind == "parallel":
        # A nested table (``[sentence_alignment.parallel]``): language -> the same
        # sentences in that language, in the same order.
        if not isinstance(value, dict):
            raise InputError(f"config: [{section}.{key}] must be a table, got {shown}")
        out = {lang: _check(f"{section}.{key}", lang, v, _spec("strs")) for lang, v in value.items()}
        sizes = {len(v) for v in out.values()}
        if len(sizes) > 1:
            raise InputError(f"config: [{section}.{key}] every language must list the same number of sentences")
        return out
    if kind in ("strs", "regexes"):
        if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
            raise InputError(f"config: {where} must be a list of strings, got {shown}")
        if kind == "regexes":
            import regex

            for n, pattern in enumerate(value, 1):
                try:
                    regex.compile(pattern)
                except regex.error as exc:
                    raise InputError(f"config: {where} item {n} is not a valid regular expression ({exc})") from None
        return list(value)
    if kind == "models":
        # ``[translation.models]``: language = hub id or local directory.
        if not isinstance(value, dict):
            raise InputError(f"config: {where} must be a table of language = model")
        for lang, model in value.items():
            if not isinstance(model, str) or not model.strip():
                raise InputError(f"config: [{section}.{key}] {terminal_safe(str(lang))} must be a model id or directory")
        return dict(value)
    raise AssertionError(kind)


class _Section:
    """Built from one TOML table: every field checked, missing keys named."""

    section = ""

    @classmethod
    def from_table(cls, table: Any) -> Any:
        if not isinstance(table, dict):
            raise InputError(f"config: [{cls.section}] must be a table, got {terminal_safe(repr(table))[:80]}")
        values = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name in table:
                values[f.name] = _check(cls.section, f.name, table[f.name], dict(f.metadata))
            elif f.default is MISSING:
                raise InputError(f"config: [{cls.section}] {f.name} is missing")
        return cls(**values)

    @classmethod
    def known_keys(cls) -> set[str] | None:
        return {f.name for f in fields(cls)}  # type: ignore[arg-type]


_S = TypeVar("_S", bound=_Section)


@dataclass(frozen=True)
class EncoderSettings(_Section):
    section = "encoder"
    model: str = field(metadata=_spec("str"))
    layer: int | list[int] = field(metadata=_spec("layers", lo=0, hi=64))
    prefix: str = field(metadata=_spec("str"))
    batch_tokens: int = field(metadata=_spec("int", lo=16))
    max_pieces: int = field(metadata=_spec("int", lo=16, hi=8192))


@dataclass(frozen=True)
class SentenceAlignmentSettings(_Section):
    """``[sentence_alignment]``: what :func:`aligner.alignment.sentence_alignment.
    align_sentences` reads (it takes these settings as they are)."""

    section = "sentence_alignment"
    gap: float = field(metadata=_spec("number", above=0))
    merge_penalty: float = field(metadata=_spec("number", lo=0))
    max_bead: int = field(metadata=_spec("int", lo=1, hi=8))
    band: int = field(metadata=_spec("int", lo=1))
    moved_max_cost: float = field(metadata=_spec("number", lo=0))
    split_cost: float = field(metadata=_spec("number", above=0))
    norm_samples: int = field(metadata=_spec("int", lo=1))
    background_weight: float = field(metadata=_spec("number", lo=0))
    background_scale: float = field(metadata=_spec("number", above=0))
    length_weight: float = field(metadata=_spec("number", lo=0))
    band_source: str = field(metadata=_spec("str", choices=("halving", "anchors")))
    full_dp_cells: int = field(metadata=_spec("int", lo=0))
    background: dict[str, list[str]] | None = field(default=None, metadata=_spec("sentences"))
    parallel: dict[str, list[str]] | None = field(default=None, metadata=_spec("parallel"))
    calibration_reference: str | None = field(default=None, metadata=_spec("str"))


@dataclass(frozen=True)
class WordAlignmentSettings(_Section):
    section = "word_alignment"
    method: str = field(metadata=_spec("str", choices=("argmax", "itermax", "mwmf")))
    token_type: str = field(metadata=_spec("str", choices=("bpe", "word")))
    center: bool = field(metadata=_spec("bool"))
    pretokenized_layer: int = field(metadata=_spec("int", lo=0, hi=64))
    calibration_share: float | None = field(default=None, metadata=_spec("number", lo=0, hi=1))


@dataclass(frozen=True)
class FindingsSettings(_Section):
    """``[findings]``: similarity calibration, added/dropped spans, relation, floor."""

    section = "findings"
    counterpart_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    no_counterpart_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    explained_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    min_span_confidence: float = field(metadata=_spec("number", lo=0, hi=1))
    single_word_confidence: float = field(metadata=_spec("number", lo=0, hi=1))
    min_plain_span_words: float = field(metadata=_spec("number", lo=0))
    min_plain_span_words_monolingual: float = field(metadata=_spec("number", lo=0))
    new_claim_words: float = field(metadata=_spec("number", lo=0))
    nearby_window: int = field(metadata=_spec("int", lo=0))
    nearby_span_share: float = field(metadata=_spec("number", lo=0, hi=1))
    nearby_sentence_share: float = field(metadata=_spec("number", lo=0, hi=1))
    unrelated_coverage: float = field(metadata=_spec("number", lo=0, hi=1))
    rendition_coverage: float = field(metadata=_spec("number", lo=0, hi=1))
    min_confidence: float = field(metadata=_spec("number", lo=0, hi=1))

    def __post_init__(self) -> None:
        # The difference scores are graded between the two: they must not meet.
        if self.counterpart_sim <= self.no_counterpart_sim:
            raise InputError(
                f"config: [findings] counterpart_sim ({self.counterpart_sim:g}) must be above "
                f"no_counterpart_sim ({self.no_counterpart_sim:g})"
            )


@dataclass(frozen=True)
class ClaimsSettings(_Section):
    """``[claims]``: the softened / strengthened / changed / contradicted checks."""

    section = "claims"
    modal_gap: float = field(metadata=_spec("number", lo=0, hi=1))
    cue_counterpart_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    negated_head_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    epistemic_modal_max: float = field(metadata=_spec("number", lo=0, hi=1))
    min_claim_words: int = field(metadata=_spec("int", lo=1))
    name_variant_ratio: float = field(metadata=_spec("number", lo=0, hi=1))
    same_name_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    name_min_resemblance: float = field(metadata=_spec("number", lo=0, hi=1))
    name_link_sim: float = field(metadata=_spec("number", lo=-1, hi=1))
    vowels: str = field(metadata=_spec("str"))
    consonant_classes: list[str] = field(metadata=_spec("strs"))


@dataclass(frozen=True)
class ConfidenceSettings(_Section):
    """``[confidence]``: the measured precision of each check ("cue:softened" or a
    basis alone); any key is allowed, every value is a probability."""

    section = "confidence"
    table: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: Any) -> Any:
        if not isinstance(table, dict):
            raise InputError(f"config: [{cls.section}] must be a table, got {terminal_safe(repr(table))[:80]}")
        spec = _spec("number", lo=0, hi=1)
        return cls({str(k): _check(cls.section, terminal_safe(str(k)), v, spec) for k, v in table.items()})

    @classmethod
    def known_keys(cls) -> set[str] | None:
        return None  # open table: no key is unknown


@dataclass(frozen=True)
class AuditSettings(_Section):
    section = "audit"
    cross_min_similarity: float | None = field(default=None, metadata=_spec("number", lo=-1, hi=1))


@dataclass(frozen=True)
class TraceSettings(_Section):
    section = "trace"
    clause_marks: list[str] | None = field(default=None, metadata=_spec("strs"))
    min_clause_words: int | None = field(default=None, metadata=_spec("int", lo=1))
    dropped_share: float | None = field(default=None, metadata=_spec("number", lo=0, hi=1))
    shared_similarity: float | None = field(default=None, metadata=_spec("number", lo=-1, hi=1))


@dataclass(frozen=True)
class BoilerplateSettings(_Section):
    section = "boilerplate"
    patterns: list[str] = field(metadata=_spec("regexes"))
    footer_markers: list[str] = field(metadata=_spec("regexes"))
    max_words: int = field(metadata=_spec("int", lo=1))
    sentence_min_words: int = field(metadata=_spec("int", lo=1))


@dataclass(frozen=True)
class LimitsSettings(_Section):
    section = "limits"
    max_chars: int = field(metadata=_spec("int", lo=0))
    sentences_max_chars: int = field(metadata=_spec("int", lo=0))
    max_sentence_chars: int = field(metadata=_spec("int", lo=0))


@dataclass(frozen=True)
class ProgressSettings(_Section):
    section = "progress"
    interval_seconds: float = field(metadata=_spec("number", above=0))


@dataclass(frozen=True)
class TranslationSettings(_Section):
    """``[translation]`` (``configs/translation.toml``): the MT model per language and
    how it decodes. Every key is required here; :func:`aligner.translation.
    translation_settings` fills a partial table from the TOML first."""

    section = "translation"
    num_beams: int = field(metadata=_spec("int", lo=1))
    max_length: int = field(metadata=_spec("int", lo=1))
    batch_size: int = field(metadata=_spec("int", lo=1))
    max_input_tokens: int = field(metadata=_spec("int", lo=8))
    length_ratio: float = field(metadata=_spec("number", above=0))
    models: dict[str, str] = field(metadata=_spec("models"))
    fallback: str = field(metadata=_spec("str"))
    ct2_compute_type: str = field(metadata=_spec("str"))


_SECTIONS: tuple[type[_Section], ...] = (
    EncoderSettings, SentenceAlignmentSettings, WordAlignmentSettings, FindingsSettings,
    ClaimsSettings, ConfidenceSettings, BoilerplateSettings, LimitsSettings, ProgressSettings,
    AuditSettings, TraceSettings, TranslationSettings,
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """The whole configuration, validated; ``raw`` is the merged dictionary the stages
    read (they take their values from it, so every stage sees the same numbers)."""

    encoder: EncoderSettings
    sentence_alignment: SentenceAlignmentSettings
    word_alignment: WordAlignmentSettings
    findings: FindingsSettings
    claims: ClaimsSettings
    confidence: ConfidenceSettings
    boilerplate: BoilerplateSettings
    limits: LimitsSettings
    progress: ProgressSettings
    audit: AuditSettings
    trace: TraceSettings
    translation: TranslationSettings
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> Settings:
        built = {s.section: s.from_table(config.get(s.section, {})) for s in _SECTIONS}
        return cls(**built, raw=config)


def unknown_keys(user: dict[str, Any]) -> list[str]:
    """Keys of a user file that no stage reads (typos, a section of another tool)."""
    out: list[str] = []
    known: dict[str, set[str] | None] = {s.section: s.known_keys() for s in _SECTIONS}
    for section, table in user.items():
        name = terminal_safe(str(section))
        if section not in known:
            out.append(f"unknown section [{name}] ignored")
        elif isinstance(table, dict):
            for key in table:
                if known[section] is not None and key not in known[section]:
                    out.append(f"unknown key [{name}] {terminal_safe(str(key))} ignored")
    return out


_LANG_RE = re.compile(r"^[a-z]{2,3}$")


def known_languages() -> set[str]:
    """Languages that have a resource file (segmentation rules, stopwords)."""
    return {p.stem for p in (configs_root() / "languages").glob("*.toml")}


def language_resources(lang: str) -> dict[str, Any]:
    """Per-language resources; an unknown language gets the neutral ``xx`` set."""
    path = configs_root() / "languages" / f"{lang}.toml"
    if not _LANG_RE.match(lang) or not path.is_file():
        path = configs_root() / "languages" / "xx.toml"
    return _read_toml(str(path))
