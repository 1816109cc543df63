"""Numbers, quantities, dates and names in a form two renditions can be compared in.

A rendition rewrites every surface form: "10 000" becomes "10,000", a French date
becomes an English one, "Mossoul" becomes "Mosul", "Daech" becomes "ISIS". The difference
finder must not report those as changes, and must report day 3 of month 2 vs month 4
or "20 prisons" vs "200 prisons" as changes. Everything here is a pure function of
one sentence's word tokens (as the segmenter produces them: punctuation split off,
French elisions as their own tokens, "10 000" / "3,5" / "2024-02-03" / an abbreviated month /
"É.-U." kept whole) and a language code; results carry token index ranges
``[start, end)`` so the caller can map them back to character offsets.

Separator rule for digits (the one genuinely ambiguous case is spelled out):

* spaces (also U+00A0, U+202F, U+2009) and apostrophes always group thousands;
* with both "," and ".", the last one is the decimal mark (``1,234.5``, ``1.234,5``);
* a separator repeated (``1,000,000``, ``1.000.000``) is a thousands separator;
* a single separator followed by anything but exactly three digits, or after a
  leading ``0``, is a decimal mark in every language (``3,5`` = ``3.5`` = 3.5);
* a single separator followed by exactly three digits is the locale's thousands
  separator when it is one (en ``10,000``, fr ``10.000``: 10000). When it is the
  locale's *decimal* mark (fr ``10,000``, en ``10.000``) the reading is ambiguous:
  we read a thousands group when the three digits end in ``0`` (prose does not pad
  decimals with zeros, so ``10,000`` in a French text is an English-style ten
  thousand) and a decimal otherwise (``3,125`` = 3.125). The other reading is kept
  in ``alt`` / ``alt_value`` and :func:`quantities_agree` accepts either.
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from .locale_data import (
    NumberWords,
    comma_decimal,
    date_names,
    digit_table,
    number_words,
    quantity_words,
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

# --------------------------------------------------------------------------- tokens

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "\u2011": "-", "\u2010": "-"})
_GROUP_SPACES = " \u00a0\u202f\u2009\u2007"
_GROUP_CHARS = _GROUP_SPACES + "'"


def _base_lang(lang: str) -> str:
    return lang.lower().replace("_", "-").split("-")[0] if lang else ""


def _norm(tok: str) -> str:
    """The comparison form of a token; NFC so that a decomposed é equals é."""
    return unicodedata.normalize("NFC", tok).translate(_APOSTROPHES).translate(digit_table()).lower()


def _join(tokens: Sequence[str]) -> str:
    """Readable text of a token run, for messages only (offsets come from indices)."""
    out = ""
    for tok in tokens:
        if out and not (tok in {")", "]", ",", ".", ";", ":", "%", "»"} or out[-1] in "([«" or out.endswith("'")):
            out += " "
        out += tok
    return out


# -------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Numeral:
    """A parsed number. ``alt`` is the other reading of an ambiguous separator (see the
    module docstring), so a comparison can accept either."""

    value: float
    ordinal: bool = False
    alt: float | None = None
    words: bool = False


_SUPERSCRIPTS = str.maketrans({"ᵉ": "e", "ʳ": "r", "ᵈ": "d", "ˢ": "s", "ᵗ": "t", "ʰ": "h", "ⁿ": "n"})


def _parse_digits(text: str, lang: str) -> tuple[float, float | None] | None:
    s = text.strip()
    sign = 1.0
    if s[:1] in ("-", "−", "+"):
        sign = -1.0 if s[0] != "+" else 1.0
        s = s[1:]
    if not s or not s[-1].isascii() or not s[-1].isdigit():
        return None
    if any(not (c.isascii() and c.isdigit()) and c not in ".," + _GROUP_CHARS for c in s):
        return None
    if s[0] in _GROUP_CHARS:
        return None
    if any(c in _GROUP_CHARS for c in s):
        parts = re.split(f"[{re.escape(_GROUP_CHARS)}]", s)
        m = re.fullmatch(r"(\d{3})(?:[.,](\d+))?", parts[-1])
        if (
            m is None
            or not re.fullmatch(r"\d{1,3}", parts[0])
            or not all(re.fullmatch(r"\d{3}", p) for p in parts[1:-1])
        ):
            return None
        value = float("".join(parts[:-1]) + m.group(1))
        if m.group(2):
            value += float("0." + m.group(2))
        return sign * value, None
    commas, dots = s.count(","), s.count(".")
    if not commas and not dots:
        return sign * float(s), None
    if commas and dots:
        last = max(s.rfind(","), s.rfind("."))
        dec, grp = s[last], ("." if s[last] == "," else ",")
        whole, frac = s[:last], s[last + 1 :]
        if dec in whole or not frac.isdigit() or not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(grp)}\d{{3}})+", whole):
            return None
        return sign * float(whole.replace(grp, "") + "." + frac), None
    sep = "," if commas else "."
    if commas + dots > 1:
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+", s):
            return None
        return sign * float(s.replace(sep, "")), None
    whole, frac = s.split(sep)
    if not frac.isdigit() or (whole and not whole.isdigit()):
        return None
    decimal = float((whole or "0") + "." + frac)
    if len(frac) != 3 or not whole or len(whole) > 3 or whole.startswith("0"):
        return sign * decimal, None
    thousands = float(whole + frac)
    locale_decimal = "," if comma_decimal(lang) else "."
    if sep != locale_decimal:
        return sign * thousands, None
    if frac.endswith("0"):
        return sign * thousands, sign * decimal
    return sign * decimal, sign * thousands


def _ordinal_base(word: str, nw: NumberWords) -> str | None:
    """The cardinal word behind an ordinal word ("twentieth" -> "twenty")."""
    if word in nw.ordinals:
        return nw.ordinals[word]
    known = nw.known
    for suffix, replacements in nw.ordinal_suffixes:
        if word.endswith(suffix) and len(word) > len(suffix):
            stem = word[: len(word) - len(suffix)]
            for repl in replacements:
                if stem + repl in known:
                    return stem + repl
    return None


def _parse_words(words: Sequence[str], lang: str) -> list[tuple[int, float, bool]]:
    """Every valid number-word prefix of ``words`` as (words used, value, ordinal).

    The grammar is strict on purpose ("two three" is not 5, "twenty ten" is not 30):
    a wrong number is worse than a missed one, because it becomes a false "changed"."""
    nw = number_words(lang)
    small, hundred, scales = nw.small, nw.hundred, nw.scales
    vig = nw.vigesimal
    results: list[tuple[int, float, bool]] = []
    total = 0.0
    group_h = 0  # hundreds of the current group
    sub = 0  # below-hundred part of the current group
    last_add: int | None = None
    last_scale: float | None = None
    seen = False
    k = 0
    n = len(words)
    while k < n:
        w = words[k]
        ordinal = False
        base = w
        if w not in small and w not in hundred and w not in scales and w not in nw.dozen:
            ob = _ordinal_base(w, nw)
            if ob is not None:
                base, ordinal = ob, True
        if base in small:
            v = small[base]
            if vig and v == 20 and sub == 4 and last_add == 4:
                sub, last_add = 80, 20
            else:
                if last_add is not None and not _may_follow(last_add, sub, v, vig):
                    break
                if vig and v == 20 and base in nw.plural_scales and not (sub == 4 and last_add == 4):
                    break
                sub += v
                last_add = v
        elif base in hundred:
            if group_h or sub >= 10 or (base in nw.plural_scales and sub < 2):
                break
            group_h = (sub or 1) * 100
            sub, last_add = 0, None
        elif base in scales:
            scale = scales[base]
            group = group_h + sub
            if last_scale is not None and scale >= last_scale:
                break
            if base in nw.plural_scales and group < 2:
                break
            total += (group or 1) * scale
            group_h, sub, last_add, last_scale = 0, 0, None, scale
        elif base in nw.dozen and not ordinal:
            if group_h or sub > 9 or last_scale is not None:
                break
            sub, last_add = (sub or 1) * 12, 12
            seen = True
            results.append((k + 1, total + group_h + sub, False))
            break
        elif w in nw.articles and k == 0:
            nxt = words[k + 1] if k + 1 < n else ""
            if nxt in hundred or nxt in scales or nxt in nw.dozen:
                sub, last_add = 1, 1
                k += 1
                continue
            break
        elif w == nw.and_word and nw.and_after == "hundreds" and (group_h or last_scale) and sub == 0:
            nxt = words[k + 1] if k + 1 < n else ""
            if nxt in small or _ordinal_base(nxt, nw) in small:
                k += 1
                continue
            break
        elif (
            w == nw.and_word
            and nw.and_after == "tens"
            and last_add is not None
            and (last_add in (20, 30, 40, 50, 60) if vig else last_add >= 20)
            and sub % 10 == 0
        ):
            nxt = words[k + 1] if k + 1 < n else ""
            if nxt in nw.and_units:
                k += 1
                continue
            break
        else:
            break
        seen = True
        results.append((k + 1, total + group_h + sub, ordinal))
        k += 1
        if ordinal:
            break
    return results if seen else []


def _may_follow(prev: int, sub: int, v: int, vigesimal: bool) -> bool:
    """Whether additive word ``v`` may follow ``prev``: units after tens; when counting
    by twenties also 10-19 after 60 / 4x20 (soixante-douze) and 7-9 after ten."""
    if prev >= 20 and prev % 10 == 0:
        if 1 <= v <= 9:
            return True
        return vigesimal and (prev == 60 or (prev == 20 and sub == 80)) and 10 <= v <= 19
    return vigesimal and prev == 10 and 7 <= v <= 9


def _parse_cjk(raw: str, nw: NumberWords) -> float | None:
    """A number written in a multiplicative system without spaces: 十二万 = 120000,
    三点五 = 3.5, 1350万 = 13500000, 8.6亿 = 860000000 (digits may lead)."""
    if not nw.cjk_magnitudes or not raw:
        return None
    head = re.match(r"^\d+(?:\.\d+)?", raw)
    rest = raw[head.end():] if head else raw
    if head and not rest:
        return None
    if not rest or any(c not in nw.cjk_digits and c not in nw.cjk_units and c not in nw.cjk_magnitudes and c != nw.cjk_decimal for c in rest):
        return None
    if head:
        if any(c not in nw.cjk_magnitudes for c in rest):
            return None
        value = float(head.group())
        for c in rest:
            value *= nw.cjk_magnitudes[c]
        return value
    if nw.cjk_decimal and nw.cjk_decimal in rest:
        whole, _, frac = rest.partition(nw.cjk_decimal)
        if not frac or any(c not in nw.cjk_digits for c in frac):
            return None
        w = _parse_cjk_int(whole, nw) if whole else 0.0
        if w is None:
            return None
        return w + float("0." + "".join(str(nw.cjk_digits[c]) for c in frac))
    return _parse_cjk_int(rest, nw)


def _parse_cjk_int(text: str, nw: NumberWords) -> float | None:
    """十 百 千 multiply the digit before them; 万 亿 multiply the whole section before
    them, or everything so far when larger than any earlier magnitude (一亿二千万)."""
    total = 0.0
    section = 0.0
    digit: int | None = None
    last_mag: float | None = None
    for c in text:
        if c in nw.cjk_digits:
            if digit is not None and digit != 0:
                return None  # "三四" is not a number
            digit = nw.cjk_digits[c]
        elif c in nw.cjk_units:
            section += (digit if digit is not None else 1) * nw.cjk_units[c]
            digit = None
        elif c in nw.cjk_magnitudes:
            mag = nw.cjk_magnitudes[c]
            section += digit or 0
            if last_mag is None or mag > last_mag:
                total = (total + section) * mag
                last_mag = mag
            else:
                total += section * mag
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def _split_number_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", _norm(text)) if w]


def _ordinal_digits(raw: str, lang: str) -> float | None:
    """"3rd", « 3e », "5." (German ordinal dot): the rank, else None."""
    nw = number_words(lang)
    m = re.match(r"^(\d+)(\D+)$", raw)
    if m and m.group(2) in nw.digit_ordinal_suffixes:
        return float(m.group(1))
    if nw.ordinal_dot and re.fullmatch(r"\d{1,3}\.", raw):
        return float(raw[:-1])
    return None


def _multiplier(words: Sequence[str], lang: str) -> float | None:
    """The factor of a magnitude word after digits: a scale word of the language
    ("million", « milliards », "mil millones" as two words) or an abbreviation of
    any pack ("bn", "Mrd.", "тыс.", "млн")."""
    key = " ".join(words)
    scales = number_words(lang).scales
    if key in scales:
        return scales[key]
    return quantity_words().multipliers.get(key.rstrip(".")) if len(words) == 1 else None


def parse_numeral(text: str, lang: str) -> Numeral | None:
    """Digits in either locale convention (native digits too), number words,
    ordinals, or a multiplicative numeral (十二万), as a :class:`Numeral`.

    ``text`` may hold several words ("vingt et un", "two hundred thousand") and a
    trailing scale word after digits ("1,5 million", "2,4 Mrd.", "mil millones")."""
    raw = _norm(text).translate(_SUPERSCRIPTS).strip()
    if not raw:
        return None
    rank = _ordinal_digits(raw, lang)
    if rank is not None:
        return Numeral(rank, ordinal=True)
    digits = _parse_digits(raw, lang)
    if digits is not None:
        return Numeral(digits[0], alt=digits[1])
    cjk = _parse_cjk(raw, number_words(lang))
    if cjk is not None:
        return Numeral(cjk, words=not raw[:1].isdigit())
    parts = raw.split()
    for cut in range(len(parts) - 1, 0, -1):  # "1,5 million", "10 000 milliards"
        head, tail = " ".join(parts[:cut]), parts[cut:]
        mult = _multiplier(tail, lang) if len(tail) <= 2 else None
        if mult:
            d = _parse_digits(head, lang)
            if d is not None:
                return Numeral(d[0] * mult, alt=None if d[1] is None else d[1] * mult)
    words = _split_number_words(raw)
    parsed = _parse_words(words, lang)
    if parsed and parsed[-1][0] == len(words):
        return Numeral(parsed[-1][1], ordinal=parsed[-1][2], words=True)
    return None


def parse_number(text: str, lang: str) -> float | None:
    """The value of a number written with digits or words; ``None`` if it is not one.

    Ordinals give their rank ("3rd" -> 3.0); use :func:`parse_numeral` to know that
    they were ordinals and whether a separator was ambiguous."""
    num = parse_numeral(text, lang)
    return None if num is None else num.value


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


# ----------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateMention:
    """A date as written: only the fields the text gives (a weekday alone is a date
    mention too, because a weekday vs a full date is worth comparing)."""

    year: int | None
    month: int | None
    day: int | None
    weekday: int | None  # Monday = 0, as datetime.date.weekday()
    start: int
    end: int
    text: str


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUM_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
_DAY = re.compile(r"^(\d{1,2})(\D*)$")


def _day_of(tok: str, lang: str) -> int | None:
    """The day of "3", "3rd", « 1er », "5." (German ordinal dot)."""
    m = _DAY.match(tok)
    if not m or not 1 <= int(m.group(1)) <= 31:
        return None
    suffix = m.group(2)
    if suffix and suffix not in number_words(lang).digit_ordinal_suffixes and not (
        suffix == "." and number_words(lang).ordinal_dot
    ):
        return None
    return int(m.group(1))


def _year_of(tok: str) -> int | None:
    if re.fullmatch(r"\d{4}", tok) and 1000 <= int(tok) <= 2999:
        return int(tok)
    return None


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if day is None:
        return True
    try:
        _dt.date(year or 2000, month, day)  # 2000 is a leap year: 29/02 is valid
    except ValueError:
        return False
    return True


class _DateScanner:
    """One sentence's tokens and the month/weekday tables of its language."""

    def __init__(self, tokens: Sequence[str], lang: str) -> None:
        self.tokens = tokens
        self.raw = [unicodedata.normalize("NFC", t).strip() for t in tokens]
        self.norm = [_norm(t) for t in tokens]
        self.lang = _base_lang(lang)
        self.names = date_names(lang)
        self.months, self.month_abbr = self.names.months, self.names.month_abbr
        self.weekdays, self.weekday_abbr = self.names.weekdays, self.names.weekday_abbr
        self.number_words = number_words(lang)
        self.n = len(tokens)

    def day(self, k: int) -> int | None:
        return _day_of(self.tok(k), self.lang)

    def tok(self, k: int) -> str:
        return self.norm[k] if 0 <= k < self.n else ""

    def month_at(self, k: int) -> tuple[int, int, bool] | None:
        """(month, end, needs an adjacent number) for a month name at ``k``."""
        t = self.tok(k)
        raw = self.raw[k] if 0 <= k < self.n else ""
        bare = t[:-1] if t.endswith(".") else t
        end = k + 1
        dotted = t.endswith(".")
        if not dotted and self.tok(k + 1) == "." and bare in self.month_abbr:
            end, dotted = k + 2, True
        capital = raw[:1].isupper()
        if self.names.capitalised and not capital:
            return None
        if bare in self.months and not (t.endswith(".") and bare not in self.month_abbr):
            # an ambiguous name ([dates] ambiguous_months) needs a number next to it
            strict = bare in self.names.ambiguous and (self.names.capitalised or capital)
            return self.months[bare], end, strict
        if bare in self.month_abbr:
            if not dotted and (bare in self.number_words.small or bare in self.number_words.scales):
                return None  # an abbreviation that is also a number word needs its dot
            return self.month_abbr[bare], end, True
        return None

    def day_month_year(self, k: int) -> tuple[int | None, int, int | None, int] | None:
        """(year, month, day, end) for day-month-year in either order, an abbreviated
        month with a day, "the 3rd of" + month, month + year, a month alone."""
        day = self.day(k)
        if day is not None:
            m = k + 1
            if self.tok(m) in self.names.bridges and (not self.tok(k).isdigit() or self.tok(m) in self.names.digit_bridges):
                m += 1
            month = self.month_at(m)
            if month is not None:
                mon, end, _ = month
                year, end = self.year_after(end)
                if _valid(year, mon, day):
                    return year, mon, day, end
            return None
        month = self.month_at(k)
        if month is None:
            return None
        mon, end, strict = month
        day = self.day(end) if _year_of(self.tok(end)) is None else None
        if day is not None and _valid(None, mon, day):
            year, e2 = self.year_after(end + 1)
            return year, mon, day, e2
        year, e2 = self.year_after(end, comma=False)
        if year is not None:
            return year, mon, None, e2
        if strict:
            return None
        return None, mon, None, end

    def year_after(self, k: int, comma: bool = True) -> tuple[int | None, int]:
        if comma and self.tok(k) == "," and _year_of(self.tok(k + 1)) is not None:
            return _year_of(self.tok(k + 1)), k + 2
        if self.tok(k) in self.names.digit_bridges and _year_of(self.tok(k + 1)) is not None:
            return _year_of(self.tok(k + 1)), k + 2  # « 5 de marzo de 2024 »
        year = _year_of(self.tok(k))
        if year is not None and self.tok(k + 1) in self.names.year_words:
            return year, k + 2  # « 5 марта 2024 года », « 2024 yılı »
        return (year, k + 1) if year is not None else (None, k)

    def weekday_at(self, k: int) -> int | None:
        t = self.tok(k)
        if t in self.weekdays:
            if self.names.capitalised and not self.raw[k][:1].isupper():
                return None
            return self.weekdays[t]
        bare = t.rstrip(".")
        if bare in self.weekday_abbr and self.raw[k][:1].isupper():
            nxt = k + 1 + (self.tok(k + 1) in (".", ","))
            if self.day_month_year(nxt) is not None:
                return self.weekday_abbr[bare]
        return None

    def numeric(self, k: int) -> tuple[int, int, int] | None:
        t = self.tok(k)
        m = _ISO_DATE.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return (y, mo, d) if 1 <= mo <= 12 and _valid(y, mo, d) else None
        m = _NUM_DATE.match(t)
        if not m:
            return None
        a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
        year = int(y) if len(y) == 4 else (2000 + int(y) if int(y) < 50 else 1900 + int(y))
        day_first = self.names.day_first
        if a > 12 >= b:
            day_first = True
        elif b > 12 >= a:
            day_first = False
        d, mo = (a, b) if day_first else (b, a)
        if not 1 <= mo <= 12 or not _valid(year, mo, d):
            return None
        return year, mo, d

    def suffixed(self, k: int) -> tuple[int | None, int | None, int | None, int] | None:
        """(year, month, day, end) of a date written with suffixes: 2024年3月12日,
        3月12日, 3月 (each number followed by its year/month/day sign)."""
        year = month = day = None
        j = k
        names = self.names
        if not names.month_suffixes:
            return None
        if _year_of(self.tok(j)) is not None and self.tok(j + 1) in names.year_suffixes:
            year, j = _year_of(self.tok(j)), j + 2
        if self.tok(j).isdigit() and self.tok(j + 1) in names.month_suffixes and 1 <= int(self.tok(j)) <= 12:
            month, j = int(self.tok(j)), j + 2
            if self.tok(j).isdigit() and self.tok(j + 1) in names.day_suffixes:
                day, j = int(self.tok(j)), j + 2
        if month is None or not _valid(year, month, day):
            return None
        return year, month, day, j

    def at(self, k: int) -> DateMention | None:
        cjk = self.suffixed(k)
        if cjk is not None:
            return self.mention(cjk[0], cjk[1], cjk[2], None, k, cjk[3])
        num = self.numeric(k)
        if num is not None:
            return self.mention(num[0], num[1], num[2], None, k, k + 1)
        weekday = self.weekday_at(k)
        if weekday is not None:
            j = k + 1
            paren = False
            if self.tok(j) in (",", "(", "."):
                paren = self.tok(j) == "("
                j += 1
            if self.tok(j) in self.names.articles:
                j += 1
            dmy = self.day_month_year(j)
            numeric = self.numeric(j) if dmy is None else None
            if numeric is not None:
                dmy = (numeric[0], numeric[1], numeric[2], j + 1)
            if dmy is not None:
                year, mon, day, end = dmy
                if paren and self.tok(end) == ")":
                    end += 1
                return self.mention(year, mon, day, weekday, k, end)
            return self.mention(None, None, None, weekday, k, k + 1)
        dmy = self.day_month_year(k)
        if dmy is not None:
            year, mon, day, end = dmy
            return self.mention(year, mon, day, None, k, end)
        return None

    def mention(self, year: int | None, month: int | None, day: int | None, weekday: int | None, s: int, e: int) -> DateMention:
        return DateMention(year, month, day, weekday, s, e, _join(self.tokens[s:e]))


def extract_dates(tokens: list[str], lang: str) -> list[DateMention]:
    """Dates in one sentence: day-month(-year) in either order, month-year, a month
    or weekday alone, weekday + date (a weekday followed by a date, or by one in parentheses),
    ISO and numeric dates (day first except in English, unless a part is over 12).

    A bare year is not a date mention: :func:`extract_quantities` reports it as a
    quantity of kind "year", so each token is described once."""
    scanner = _DateScanner(tokens, lang)
    out: list[DateMention] = []
    k = 0
    while k < scanner.n:
        mention = scanner.at(k)
        if mention is None:
            k += 1
            continue
        out.append(mention)
        k = mention.end
    return out


def _date_fields(d: DateMention) -> dict[str, int | None]:
    weekday = d.weekday
    if weekday is None and d.year is not None and d.month is not None and d.day is not None:
        try:
            weekday = _dt.date(d.year, d.month, d.day).weekday()
        except ValueError:
            weekday = None
    return {"year": d.year, "month": d.month, "day": d.day, "weekday": weekday}


def dates_agree(a: DateMention, b: DateMention) -> bool | None:
    """False as soon as one field that both give differs; True when some field is
    shared and none differs; None when nothing can be compared.

    A full date yields its weekday, so a weekday alone agrees with the full date of that day."""
    fa, fb = _date_fields(a), _date_fields(b)
    shared = [k for k in fa if fa[k] is not None and fb[k] is not None]
    if not shared:
        return None
    return all(fa[k] == fb[k] for k in shared)


# ----------------------------------------------------------------------------- names

_NAME_ARTICLES = frozenset(
    {"al", "el", "the", "le", "la", "les", "l", "ad", "ar", "as", "ash", "at", "az", "an", "ul", "ech", "ach"}
)
_TRANSLIT = (
    ("x", "ks"), ("sch", "§"), ("tch", "§"), ("sh", "§"), ("ch", "§"), ("kh", "k"), ("ph", "f"),
    ("th", "t"), ("dh", "d"), ("gh", "g"), ("zh", "j"), ("dj", "j"), ("ck", "k"), ("qu", "k"),
    ("q", "k"),
)
_VOWEL_CLASS = str.maketrans({"e": "i", "y": "i", "o": "u", "w": "u"})


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_tokens(name: str) -> list[str]:
    """Lower-case ASCII words of a name; other scripts are transliterated by anyascii
    (Игорь -> igor', 林慕白 -> linmubai, كمال -> kmal) so that a name and its
    romanisation compare by spelling."""
    from anyascii import anyascii

    s = _fold_accents(anyascii(_norm(name)).lower())
    s = re.sub(r"\b([ld])'", r"\1 ", s)
    s = re.sub(r"['ʿʾ]", "", s)
    words = [w for w in re.split(r"[^0-9a-z]+", s) if w]
    kept = [w for w in words if w not in _NAME_ARTICLES]
    return kept or words


def _translit(word: str) -> str:
    """One spelling per sound class: French "ou" and English "u", "ch"/"sh"/"sch",
    "q"/"k"/"c", e/i and o/u vowel classes, doubled letters."""
    s = word
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    s = re.sub(r"c(?=[eiy])", "s", s).replace("c", "k")
    s = s.translate(_VOWEL_CLASS)
    return re.sub(r"(.)\1+", r"\1", s)


def _skeleton(folded: str) -> str:
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aiu]", "", folded))


def _osa_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent transposition as one edit ("dle"/"del")."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _ratio(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return 1.0 - _osa_distance(a, b) / max(len(a), len(b))


def _folded_similarity(fa: str, fb: str) -> float:
    if fa == fb:
        return 0.95
    skel = _ratio(_skeleton(fa), _skeleton(fb))
    spelled = _ratio(fa, fb)
    score = 0.6 * skel + 0.4 * spelled
    if min(len(fa), len(fb)) <= 5:
        # On a short name one letter is a different name (Iraq/Iran, Gaza/Giza).
        score = min(score, 0.8 * spelled)
    return score


def name_similarity(a: str, b: str) -> float:
    """How likely two spellings name the same thing, in [0, 1].

    1.0 for the same name up to case, accents, hyphens and articles; 0.95 when they
    differ only by transliteration conventions; otherwise a mix of a consonant-
    skeleton comparison (vowels are what transliterations disagree on) and a plain
    edit ratio, capped on short names. A trailing surname ("Maliki" for "Nouri
    al-Maliki") scores 0.8 at most."""
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return 1.0 if _norm(a).strip() == _norm(b).strip() else 0.0
    if ta == tb:
        return 1.0
    score = _folded_similarity("".join(map(_translit, ta)), "".join(map(_translit, tb)))
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) < len(long_):
        tail = long_[-len(short) :]
        if len("".join(short)) >= 4:
            inner = 1.0 if short == tail else _folded_similarity(
                "".join(map(_translit, short)), "".join(map(_translit, tail))
            )
            score = max(score, 0.8 * inner if inner >= 0.85 else 0.0)
    return round(min(score, 1.0), 4)


def _cues_dir() -> Path:
    from .cues import cues_dir  # the aliases live beside the cue lexicons

    return cues_dir()


def _alias_key(name: str) -> tuple[str, str]:
    """(case-sensitive acronym key, folded key). Acronyms keep their case so that the
    pronoun "us" never matches "US"; accents stay in acronyms so "É.-U." is not "EU"."""
    s = unicodedata.normalize("NFC", name).translate(_APOSTROPHES).strip()
    acronym = re.sub(r"[.\-\s]", "", s)
    folded = _fold_accents(s.lower())
    folded = re.sub(r"^(?:(?:the|les|le|la)\s+|l')", "", folded)
    folded = re.sub(r"[.]", "", folded)
    folded = " ".join(re.split(r"[\s\-_]+", folded)).strip()
    return acronym, folded


def _is_acronym(form: str) -> bool:
    letters = re.sub(r"[.\-\s]", "", form)
    return 1 < len(letters) <= 5 and letters.isupper()


@lru_cache(maxsize=1)
def _alias_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Acronym and folded-name lookups built from every ``[aliases]`` table under
    ``configs/cues``; a language file adds its own spellings to a shared group id."""
    acronyms: dict[str, str] = {}
    names: dict[str, str] = {}
    directory = _cues_dir()
    for path in sorted(directory.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for group, forms in data.get("aliases", {}).items():
            for form in [group, *forms]:
                acro, folded = _alias_key(form)
                if _is_acronym(form):
                    acronyms[acro] = group
                else:
                    names[folded] = group
    return acronyms, names


def alias_group(name: str) -> str | None:
    """The alias group id of a name ("Daech" -> "ISIS"), or None when it is not listed."""
    acronyms, names = _alias_tables()
    acro, folded = _alias_key(name)
    if _is_acronym(name):
        return acronyms.get(acro)
    return names.get(folded)


def same_entity(a: str, b: str) -> tuple[bool, str]:
    """Whether two names denote one entity, with the evidence: ``"exact"``,
    ``"alias"``, ``"alias-conflict"`` (both listed, in different groups),
    ``"different acronym"``, ``"variant 0.87"`` (spelling similarity at or above 0.7) or ``"different 0.41"``."""
    ka, kb = _alias_key(a), _alias_key(b)
    if ka[1] == kb[1] and ka[1] and (not (_is_acronym(a) or _is_acronym(b)) or ka[0] == kb[0]):
        return True, "exact"
    ga, gb = alias_group(a), alias_group(b)
    if ga is not None and gb is not None:
        return (True, "alias") if ga == gb else (False, "alias-conflict")
    if _is_acronym(a) or _is_acronym(b):
        # Acronyms are not spelled in variants: "EU" is not "É.-U.", "us" is not "US".
        return False, "different acronym"
    score = name_similarity(a, b)
    if score >= 0.7:
        return True, f"variant {score:.2f}"
    return False, f"different {score:.2f}"
