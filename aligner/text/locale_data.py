"""Language knowledge for numbers, quantities and dates, read from data.

Two sources, so that no word of any language lives in Python:

* the language packs ``configs/languages/XX.toml`` (``[numbers]``, ``[quantities]``,
  ``[dates]``): number words, magnitude words ("Mrd." = 1e9, "тыс." = 1e3, 万 = 1e4),
  unit and currency names, qualifiers ("at least", « plus de »), and the few rules a
  language needs (French counts by twenties, German writes ordinals with a dot);
* CLDR through Babel (offline): month and weekday names in every form CLDR has
  (format and stand-alone, wide and abbreviated, so Russian « марта » and « март »
  both count), the decimal mark, and the digits of other numbering systems.

A language without a pack gets the fallback tables named in ``xx.toml``, and month
names from Babel when Babel knows the language; nothing here ever fails for an
unknown code.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from ..config import known_languages, language_resources
from .language import base_language as _base

__all__ = [
    "DateNames",
    "NumberWords",
    "QuantityWords",
    "comma_decimal",
    "date_names",
    "digit_table",
    "fold_accents",
    "join_tokens",
    "norm_token",
    "number_words",
    "quantity_words",
]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _low(word: str) -> str:
    return unicodedata.normalize("NFC", word).replace("’", "'").lower()


def fold_accents(text: str) -> str:
    """``é`` -> ``e``: texts typed without accents still match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _pack(lang: str) -> Mapping[str, Any]:
    """The language pack of ``lang``; the neutral ``xx`` one when there is none."""
    return language_resources(_base(lang) or "xx")


def _has_pack(lang: str) -> bool:
    return _base(lang) in known_languages() - {"xx"}


# -------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class NumberWords:
    """Number words of one language, as ``normalization`` parses them.

    ``small`` values add (units after tens), ``hundred`` words multiply the small
    part, ``scales`` close a group ("thousand", « milliards », "Mrd."); multi-word
    scales ("mil millones") are keys with a space. ``and_word`` joins parts: after
    hundreds or scales in English ("two hundred and five", ``and_after = "hundreds"``),
    after tens in French (« vingt et un », ``and_after = "tens"``). ``vigesimal``
    turns on « quatre-vingts » and « soixante-douze ». ``cjk_*`` describe a
    multiplicative system (十二万 = 12 x 10^4) written without spaces."""

    small: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    hundred: frozenset[str] = frozenset()
    scales: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    plural_scales: frozenset[str] = frozenset()
    dozen: frozenset[str] = frozenset()
    ordinals: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    ordinal_suffixes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    digit_ordinal_suffixes: tuple[str, ...] = ()
    and_word: str | None = None
    and_after: str = "hundreds"
    and_units: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    not_alone: frozenset[str] = frozenset()
    adjective_only: frozenset[str] = frozenset()
    not_before: Mapping[str, frozenset[str]] = field(default_factory=lambda: _EMPTY)
    vigesimal: bool = False
    multipliers: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    cjk_digits: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    cjk_units: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    cjk_magnitudes: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    cjk_decimal: str = ""
    percent_prefixes: tuple[str, ...] = ()
    ordinal_dot: bool = False

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.small) | self.hundred | frozenset(self.scales)


def _floatmap(table: Mapping[str, Any]) -> Mapping[str, float]:
    return MappingProxyType({_low(k): float(v) for k, v in table.items()})


def _merge_numbers(tables: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Union of several ``[numbers]`` tables (later ones win on conflicts)."""
    out: dict[str, Any] = {}
    for table in tables:
        for key, value in table.items():
            if isinstance(value, dict):
                out[key] = {**out.get(key, {}), **value}
            elif isinstance(value, list):
                out[key] = [*out.get(key, []), *value]
            elif key not in out:
                out[key] = value
    return out


def _numbers_table(lang: str) -> Mapping[str, Any]:
    pack = _pack(lang)
    table = pack.get("numbers")
    if table is not None:
        return table
    return _merge_numbers(_pack(code).get("numbers", {}) for code in pack.get("fallback_numbers", []))


@lru_cache(maxsize=64)
def number_words(lang: str) -> NumberWords:
    """The number words of ``lang`` (fallback tables for a language without a pack)."""
    t = _numbers_table(_base(lang))
    suffixes = tuple(
        (_low(suffix), tuple(_low(r) for r in ([repl] if isinstance(repl, str) else repl)))
        for suffix, repl in t.get("ordinal_suffixes", {}).items()
    )
    return NumberWords(
        small=MappingProxyType({_low(k): int(v) for k, v in t.get("small", {}).items()}),
        hundred=frozenset(map(_low, t.get("hundred", []))),
        scales=_floatmap(t.get("scales", {})),
        plural_scales=frozenset(map(_low, t.get("plural_scales", []))),
        dozen=frozenset(map(_low, t.get("dozen", []))),
        ordinals=MappingProxyType({_low(k): _low(v) for k, v in t.get("ordinals", {}).items()}),
        ordinal_suffixes=tuple(sorted(suffixes, key=lambda s: -len(s[0]))),
        digit_ordinal_suffixes=tuple(sorted(map(_low, t.get("digit_ordinal_suffixes", [])), key=len, reverse=True)),
        and_word=t.get("and_word"),
        and_after=str(t.get("and_after", "hundreds")),
        and_units=frozenset(map(_low, t.get("and_units", []))),
        articles=frozenset(map(_low, t.get("articles", []))),
        not_alone=frozenset(map(_low, t.get("not_alone", []))),
        adjective_only=frozenset(map(_low, t.get("adjective_only", []))),
        not_before=MappingProxyType({_low(k): frozenset(map(_low, v)) for k, v in t.get("not_before", {}).items()}),
        vigesimal=bool(t.get("vigesimal", False)),
        multipliers=_floatmap(t.get("multipliers", {})),
        cjk_digits=MappingProxyType({k: int(v) for k, v in t.get("cjk_digits", {}).items()}),
        cjk_units=MappingProxyType({k: int(v) for k, v in t.get("cjk_units", {}).items()}),
        cjk_magnitudes=_floatmap(t.get("cjk_magnitudes", {})),
        cjk_decimal=str(t.get("cjk_decimal", "")),
        percent_prefixes=tuple(t.get("percent_prefixes", [])),
        ordinal_dot=bool(_pack(lang).get("ordinal_dot", False)),
    )


def comma_decimal(lang: str) -> bool:
    """Whether ``lang`` writes decimals with a comma (CLDR; pack key ``decimal`` wins)."""
    pack = _pack(lang)
    if "decimal" in pack:
        return pack["decimal"] == ","
    locale = _babel_locale(_base(lang))
    if locale is None:
        return False
    symbols = locale.number_symbols
    system = symbols.get("latn", symbols) if isinstance(symbols, Mapping) else {}
    return system.get("decimal", ".") == ","


@lru_cache(maxsize=1)
def digit_table() -> Mapping[int, str]:
    """``str.translate`` table from every Unicode decimal digit (Eastern Arabic ٣,
    Persian ۳, Devanagari ३, full-width ３ ...) to its ASCII digit, plus the Arabic
    decimal and group separators (٫ ٬) to ``.`` and ``,``."""
    table: dict[int, str] = {}
    for cp in range(0x80, 0x20000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            table[cp] = str(unicodedata.decimal(ch))
    table[0x066B] = "."
    table[0x066C] = ","
    table[0x060C] = ","  # Arabic comma used as a thousands separator
    return MappingProxyType(table)


# ----------------------------------------------------------------------- quantities


@dataclass(frozen=True)
class QuantityWords:
    """Unit, currency, percent and qualifier words of every pack together: a French
    text may write "km", an English one "euros", so the union is used for all."""

    units: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # word -> canonical unit symbol
    currencies: Mapping[str, str] = field(default_factory=lambda: _EMPTY)  # word -> ISO code
    percent: frozenset[tuple[str, ...]] = frozenset()
    qualifiers: Mapping[tuple[str, ...], str] = field(default_factory=lambda: _EMPTY)
    bridges: frozenset[str] = frozenset()
    prefix_units: frozenset[str] = frozenset()
    not_units: Mapping[str, frozenset[str]] = field(default_factory=dict)  # lang -> words
    multipliers: Mapping[str, float] = field(default_factory=lambda: _EMPTY)  # after digits: "bn", "Mrd.", "тыс."


@lru_cache(maxsize=1)
def quantity_words() -> QuantityWords:
    units: dict[str, str] = {}
    currencies: dict[str, str] = {}
    percent: set[tuple[str, ...]] = set()
    qualifiers: dict[tuple[str, ...], str] = {}
    bridges: set[str] = set()
    prefix: set[str] = set()
    not_units: dict[str, frozenset[str]] = {}
    multipliers: dict[str, float] = {}
    for code in sorted(known_languages()):
        for word, value in language_resources(code).get("numbers", {}).get("multipliers", {}).items():
            multipliers[_low(word).rstrip(".")] = float(value)
        table = language_resources(code).get("quantities", {})
        for canon, names in table.get("units", {}).items():
            for name in names:
                units[_low(name)] = canon
        for iso, names in table.get("currencies", {}).items():
            for name in names:
                currencies[_low(name)] = iso
        percent.update(tuple(_low(p).split()) for p in table.get("percent", []))
        for symbol, phrases in table.get("qualifiers", {}).items():
            for phrase in phrases:
                qualifiers[tuple(_low(phrase).split())] = symbol
        bridges.update(map(_low, table.get("bridges", [])))
        prefix.update(map(_low, table.get("prefix_units", [])))
        if table.get("not_units"):
            not_units[code] = frozenset(map(_low, table["not_units"]))
    return QuantityWords(
        units=MappingProxyType(units),
        currencies=MappingProxyType(currencies),
        percent=frozenset(percent),
        qualifiers=MappingProxyType(qualifiers),
        bridges=frozenset(bridges),
        prefix_units=frozenset(prefix),
        not_units=MappingProxyType(not_units),
        multipliers=MappingProxyType(multipliers),
    )


# ---------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateNames:
    """Month and weekday names of one language (lower case, dots stripped, plus
    accent-folded spellings), and the rules that tell a month from a common word."""

    months: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    month_abbr: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    weekdays: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    weekday_abbr: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    ambiguous: frozenset[str] = frozenset()  # count only next to a day or a year
    capitalised: bool = False  # month/weekday names are written with a capital
    day_first: bool = True  # numeric dates: 03/04 is day 3 of month 4
    bridges: frozenset[str] = frozenset()  # "the 3rd OF" + month
    digit_bridges: frozenset[str] = frozenset()  # « 5 DE marzo DE 2024 »
    year_words: frozenset[str] = frozenset()  # « 2024 года »
    range_words: frozenset[str] = frozenset()  # "12 AND 13 [month]", « del 12 AL 14 »
    articles: frozenset[str] = frozenset()  # "Saturday, THE 3rd"
    year_suffixes: frozenset[str] = frozenset()  # 2024年
    month_suffixes: frozenset[str] = frozenset()  # 3月
    day_suffixes: frozenset[str] = frozenset()  # 12日, 12号
    ordinal_dot: bool = False  # "am 5. März"


def _babel_locale(code: str) -> Any:
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # pragma: no cover - Babel is a dependency
        return None
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _add(table: dict[str, int], name: str, value: int) -> None:
    low = _low(name).strip().rstrip(".")
    if not low:
        return
    for form in {low, fold_accents(low)}:
        table.setdefault(form, value)


def _babel_names(codes: Iterable[str]) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    months: dict[str, int] = {}
    month_abbr: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    weekday_abbr: dict[str, int] = {}
    for code in codes:
        locale = _babel_locale(code)
        if locale is None:
            continue
        for context in ("format", "stand-alone"):
            for number, name in locale.months.get(context, {}).get("wide", {}).items():
                _add(months, name, int(number))
            for number, name in locale.days.get(context, {}).get("wide", {}).items():
                _add(weekdays, name, int(number))
        for context in ("format", "stand-alone"):
            for number, name in locale.months.get(context, {}).get("abbreviated", {}).items():
                if _low(name).rstrip(".") not in months:
                    _add(month_abbr, name, int(number))
            for number, name in locale.days.get(context, {}).get("abbreviated", {}).items():
                if _low(name).rstrip(".") not in weekdays:
                    _add(weekday_abbr, name, int(number))
    return months, month_abbr, weekdays, weekday_abbr


@lru_cache(maxsize=64)
def date_names(lang: str) -> DateNames:
    """Month and weekday names of ``lang`` from CLDR (the pack's ``[dates] locales``,
    default the language code), with the pack's extra forms and rules."""
    base = _base(lang)
    pack = _pack(base)
    table = pack.get("dates", {})
    codes = table.get("locales") or ([base] if base else [])
    if not _has_pack(base) and not table.get("locales"):
        codes = [*([base] if base else []), *pack.get("fallback_dates", [])]
    months, month_abbr, weekdays, weekday_abbr = _babel_names(codes)
    for name, value in table.get("extra_months", {}).items():
        _add(month_abbr, name, int(value))
    for name, value in table.get("extra_weekdays", {}).items():
        _add(weekday_abbr, name, int(value))
    for name in table.get("not_months", []):
        months.pop(_low(name), None)
        month_abbr.pop(_low(name), None)
    for name in table.get("not_weekdays", []):
        weekday_abbr.pop(_low(name), None)
    return DateNames(
        months=MappingProxyType(months),
        month_abbr=MappingProxyType(month_abbr),
        weekdays=MappingProxyType(weekdays),
        weekday_abbr=MappingProxyType(weekday_abbr),
        ambiguous=frozenset(map(_low, table.get("ambiguous_months", []))),
        capitalised=bool(table.get("capitalised", False)),
        day_first=bool(table.get("day_first", True)),
        bridges=frozenset(map(_low, [*table.get("bridges", []), *table.get("digit_bridges", [])])),
        digit_bridges=frozenset(map(_low, table.get("digit_bridges", []))),
        year_words=frozenset(map(_low, table.get("year_words", []))),
        range_words=frozenset(map(_low, table.get("range_words", []))),
        articles=frozenset(map(_low, table.get("articles", []))),
        year_suffixes=frozenset(table.get("year_suffixes", [])),
        month_suffixes=frozenset(table.get("month_suffixes", [])),
        day_suffixes=frozenset(table.get("day_suffixes", [])),
        ordinal_dot=bool(pack.get("ordinal_dot", False)),
    )


def is_calendar_word(word: str, lang: str) -> bool:
    """A month or weekday name of ``lang`` (CLDR wide forms), or a compound that starts
    with a weekday ("Sonntagabend", "Sunday's"): capitalised, but the date check, not
    the name check, compares it."""
    names = date_names(lang)
    low = _low(word).strip().rstrip(".")
    low = low.split("'", 1)[0]  # "Mart'ta", "Sunday's"
    if low in names.months or low in names.weekdays or fold_accents(low) in names.months:
        return True
    return any(len(day) >= 5 and low.startswith(day) for day in names.weekdays)


# --------------------------------------------------------------------- token forms

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "\u2011": "-", "\u2010": "-"})


def norm_token(tok: str) -> str:
    """The comparison form of a token: NFC (a decomposed é equals é), ASCII apostrophe,
    ASCII digits (٣ = 3), lower case."""
    return unicodedata.normalize("NFC", tok).translate(_APOSTROPHES).translate(digit_table()).lower()


def join_tokens(tokens: Iterable[str]) -> str:
    """Readable text of a token run, for messages only (offsets come from indices)."""
    out = ""
    for tok in tokens:
        if out and not (tok in {")", "]", ",", ".", ";", ":", "%", "»"} or out[-1] in "([«" or out.endswith("'")):
            out += " "
        out += tok
    return out
