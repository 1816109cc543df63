"""Numbers, quantities, dates and names in a form two renditions can be compared in.

A rendition rewrites every surface form: "10 000" becomes "10,000", a French date
becomes an English one, "Mossoul" becomes "Mosul", "Daech" becomes "ISIS". The difference
finder must not report those as changes, and must report day 3 of month 2 vs month 4
or "20 prisons" vs "200 prisons" as changes. Everything here is a pure function of
one sentence's word tokens (as the segmenter produces them: punctuation split off,
French elisions as their own tokens, "10 000" / "3,5" / "2024-02-03" / an abbreviated month /
"É.-U." kept whole) and a language code; results carry token index ranges
``[start, end)`` so the caller can map them back to character offsets.

Split by job: :mod:`aligner.text.numbers` (digits in either locale convention, number
words, the separator rule), :mod:`aligner.text.dates`, :mod:`aligner.text.names`; this module
reads quantities (a number with its unit, currency or percent sign) and re-exports the
others, so ``from aligner.text.normalization import ...`` keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .dates import DateMention, dates_agree, extract_dates
from .language import base_language as _base_lang
from .locale_data import join_tokens as _join
from .locale_data import norm_token as _norm
from .locale_data import number_words, quantity_words
from .names import alias_group, name_similarity, same_entity
from .numbers import (
    Numeral,
    _multiplier,
    _parse_cjk,
    _parse_digits,
    _parse_words,
    parse_number,
    parse_numeral,
)

QuantityKind = Literal["number", "percent", "money", "measure", "ordinal", "year"]

__all__ = [
    "DateMention",
    "Numeral",
    "Quantity",
    "QuantityKind",
    "alias_group",
    "dates_agree",
    "extract_dates",
    "extract_quantities",
    "name_similarity",
    "parse_number",
    "parse_numeral",
    "quantities_agree",
    "same_entity",
]

# ------------------------------------------------------------------------ quantities


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts. ``qualifier`` keeps "at least" / "plus de"
    (``">="``, ``">"``, ``"<"``, ``"<="``, ``"~"``) out of the span but available,
    because "more than 80" vs "80" is a softening the caller may want to show."""

    value: float
    unit: str | None
    kind: QuantityKind
    start: int
    end: int
    text: str
    alt_value: float | None = None
    qualifier: str | None = None


_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₽": "RUB", "₺": "TRY", "usd": "USD", "eur": "EUR", "gbp": "GBP"}
# Canonical unit symbol -> (dimension, factor to the dimension's base unit). The
# words for each unit, in every language, are in the packs' [quantities] units.
_CANON_UNITS: dict[str, tuple[str, float]] = {
    "km": ("length", 1000.0), "m": ("length", 1.0), "cm": ("length", 0.01), "mm": ("length", 0.001),
    "mi": ("length", 1609.344), "kg": ("mass", 1.0), "g": ("mass", 0.001), "t": ("mass", 1000.0),
    "km2": ("area", 1e6), "ha": ("area", 1e4), "l": ("volume", 1.0),
    "yr": ("time", 365.25 * 86400), "month": ("time", 30.44 * 86400), "wk": ("time", 7 * 86400),
    "d": ("time", 86400.0), "h": ("time", 3600.0), "min": ("time", 60.0),
}
_ATTACHED_MULT = {"bn": 1e9, "mn": 1e6, "k": 1e3}
_ATTACHED = re.compile(
    r"^(?P<pre>us\$|\$|€|£)?(?P<num>\d(?:[\d.,'\u00a0\u202f\u2009 ]*\d)?)"
    r"(?P<suf>%|\$|€|£|bn|mn|k|km|kms|m|cm|mm|kg|g|mi|h|min|l)?$"
)
def _qualifier(norm: Sequence[str], start: int) -> str | None:
    for size in (2, 1):
        if start - size >= 0:
            q = quantity_words().qualifiers.get(tuple(norm[start - size : start]))
            if q:
                return q
    return None


def _number_at(tokens: Sequence[str], norm: Sequence[str], i: int, lang: str) -> tuple[Numeral, int, str, str] | None:
    """The number starting at token ``i``: (numeral, end, attached prefix, attached suffix)."""
    tok = norm[i]
    if tok and tok[0].isdigit():
        num = parse_numeral(tok, lang)
        if num is not None:
            return num, i + 1, "", ""
        m = _ATTACHED.match(tok)
        if m and (m.group("pre") or m.group("suf")):
            d = _parse_digits(m.group("num"), lang)
            if d is not None:
                return Numeral(d[0], alt=d[1]), i + 1, m.group("pre") or "", m.group("suf") or ""
        return None
    m = _ATTACHED.match(tok)
    if m and m.group("pre"):
        d = _parse_digits(m.group("num"), lang)
        if d is not None:
            return Numeral(d[0], alt=d[1]), i + 1, m.group("pre"), m.group("suf") or ""
    cjk = _parse_cjk(tok, number_words(lang))
    if cjk is not None:
        return Numeral(cjk, words=True), i + 1, "", ""
    # number words: split hyphenated tokens, keep track of token boundaries
    words: list[str] = []
    ends: dict[int, int] = {}  # words used -> token end
    j = i
    while j < len(norm) and len(words) < 12:
        parts = [p for p in norm[j].split("-") if p]
        if not parts:
            break
        words.extend(parts)
        ends[len(words)] = j + 1
        j += 1
    best = None
    for used, value, ordinal in _parse_words(words, lang):
        if used in ends:
            best = (Numeral(value, ordinal=ordinal, words=True), ends[used])
    if best is None:
        return None
    return best[0], best[1], "", ""


def _date_cover(tokens: Sequence[str], lang: str) -> set[int]:
    covered: set[int] = set()
    for d in extract_dates(tokens, lang):
        covered.update(range(d.start, d.end))
    return covered


def extract_quantities(tokens: list[str], lang: str) -> list[Quantity]:
    """Numbers with their unit, percent sign, currency or multiplier, in token order.

    Tokens inside a date (see :func:`extract_dates`) are left to the date, so that
    a day and month name is one date rather than a date plus the number 3. A lone "one"/"un"/
    "une"/"a" is not a quantity: it is almost always an article or a pronoun."""
    norm = [_norm(t) for t in tokens]
    in_date = _date_cover(tokens, lang)
    base = _base_lang(lang)
    out: list[Quantity] = []
    n = len(norm)
    i = 0
    while i < n:
        if i in in_date:
            i += 1
            continue
        q = _quantity_at(tokens, norm, i, lang, base, in_date)
        if q is None:
            i += 1
            continue
        out.append(q)
        i = q.end
    return out


def _quantity_at(
    tokens: Sequence[str],
    norm: Sequence[str],
    i: int,
    lang: str,
    base: str,
    in_date: set[int],
) -> Quantity | None:
    n = len(norm)
    qw = quantity_words()
    nw = number_words(lang)
    start = i
    currency: str | None = None
    percent_before = False
    if norm[i] in _CURRENCY_SYMBOLS and i + 1 < n and norm[i + 1][:1].isdigit():
        currency = _CURRENCY_SYMBOLS[norm[i]]
        i += 1
    elif norm[i] in nw.percent_prefixes and i + 1 < n:  # 百分之三点五
        percent_before = True
        i += 1
    found = _number_at(tokens, norm, i, lang)
    if found is None:
        return None
    num, j, pre, suf = found
    if any(k in in_date for k in range(i, j)):
        return None
    value, alt, ordinal = num.value, num.alt, num.ordinal
    if pre:
        currency = _CURRENCY_SYMBOLS.get(pre, currency)
    unit: str | None = None
    kind: QuantityKind = "number"
    multiplied = num.words and any(c in nw.cjk_magnitudes for c in norm[i])
    # attached suffix: "3.5%", "160km", "1.5bn", "$5m"
    if suf == "%":
        unit, kind = "%", "percent"
    elif suf in ("$", "€", "£"):
        currency = _CURRENCY_SYMBOLS[suf]
    elif suf in _ATTACHED_MULT or (suf == "m" and currency):
        mult = _ATTACHED_MULT.get(suf, 1e6)
        value, alt, multiplied = value * mult, None if alt is None else alt * mult, True
    elif suf:
        unit, kind = qw.units.get(suf, suf), "measure"
    # a separate multiplier word after digits: "1,5 million", "2,4 Mrd.", "mil millones", "8.6 亿"
    if not num.words and not ordinal and j < n and not suf:
        for size in (2, 1):
            words = norm[j : j + size]
            mult = _multiplier(words, lang) if len(words) == size and words != ["k"] else None
            if mult:
                value, alt, multiplied = value * mult, None if alt is None else alt * mult, True
                j += size
                break
    elif num.words and any(w in nw.scales for w in norm[i:j]):
        multiplied = True
    not_units = qw.not_units.get(base, frozenset())
    if percent_before and not ordinal:
        unit, kind = "%", "percent"
    elif kind == "number" and not ordinal and j < n:
        bridge = 1 if (multiplied and norm[j] in qw.bridges and j + 1 < n) else 0
        nxt = norm[j + bridge]
        pair = (norm[j], norm[j + 1]) if j + 1 < n else None
        if (norm[j],) in qw.percent:
            unit, kind, j = "%", "percent", j + 1
        elif pair in qw.percent:
            unit, kind, j = "%", "percent", j + 2
        elif nxt in qw.currencies:
            currency, j = qw.currencies[nxt], j + bridge + 1
        elif nxt in ("us", "u.s.") and j + bridge + 1 < n and qw.currencies.get(norm[j + bridge + 1]) == "USD":
            currency, j = "USD", j + bridge + 2
        elif nxt in qw.units and not (nxt == "m" and multiplied) and nxt not in not_units:
            unit, kind, j = qw.units[nxt], "measure", j + bridge + 1
    if currency and kind == "number":
        unit, kind = currency, "money"
    if ordinal:
        kind, unit = "ordinal", None
    if kind == "number" and not num.words and not multiplied and start > 0 and norm[start - 1] in qw.prefix_units and (start - 1) not in in_date:
        start -= 1
        unit, kind = qw.units[norm[start]], "measure"
    words_used = norm[i:j]
    if num.words and kind == "number" and set(words_used) <= nw.not_alone:
        return None
    if num.words and words_used[:1] and words_used[0] in nw.not_before and j < n and norm[j] in nw.not_before[words_used[0]]:
        return None  # « premier ministre »: a title, not a rank
    if num.words and len(words_used) == 1 and words_used[0] in nw.adjective_only and (j >= n or not norm[j][:1].isalnum()):
        return None  # « un bâtiment neuf. »: the adjective "new"
    raw = tokens[i] if j == i + 1 else ""
    if (
        kind == "number"
        and re.fullmatch(r"\d{4}", raw.strip())
        and 1500 <= value <= 2100
    ):
        kind = "year"
    elif kind == "measure" and unit == "yr" and start == i and re.fullmatch(r"\d{4}", tokens[i].strip()) and 1500 <= value <= 2100:
        kind, unit = "year", None  # « в 2025 году », "2028年": the year 2025, not 2025 years
    return Quantity(
        value=value,
        unit=unit,
        kind=kind,
        start=start,
        end=j,
        text=_join(tokens[start:j]),
        alt_value=alt,
        qualifier=_qualifier(norm, start),
    )


def quantities_agree(a: Quantity, b: Quantity) -> bool | None:
    """True/False when the two quantities measure comparable things, ``None`` otherwise.

    A side that lost its unit ("160" vs "160 km") still compares by value; a year and
    a plain number of the same value agree; kilometres compare with miles after
    conversion (2 % tolerance, translators round); different currencies or
    dimensions are not comparable."""
    kinds = {a.kind, b.kind}
    plain = {"number", "year", "ordinal"}
    tolerance = 1e-6
    fa = fb = 1.0
    if kinds <= plain:
        pass
    elif len(kinds) == 2 and not (kinds & {"number"}):
        return None
    elif a.kind == b.kind == "money":
        if a.unit != b.unit:
            return None
    elif a.kind == b.kind == "measure" and a.unit != b.unit:
        ua, ub = _CANON_UNITS.get(a.unit or ""), _CANON_UNITS.get(b.unit or "")
        if ua is None or ub is None or ua[0] != ub[0]:
            return None
        fa, fb, tolerance = ua[1], ub[1], 0.02
    elif "year" in kinds or "ordinal" in kinds:
        return None
    va = [a.value * fa] + ([a.alt_value * fa] if a.alt_value is not None else [])
    vb = [b.value * fb] + ([b.alt_value * fb] if b.alt_value is not None else [])
    return any(abs(x - y) <= tolerance * max(abs(x), abs(y), 1e-12) for x in va for y in vb)
