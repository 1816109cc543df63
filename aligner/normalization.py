"""Numbers, quantities, dates and names in a form two renditions can be compared in.

A rendition rewrites every surface form: "10 000" becomes "10,000", « le 3 février »
becomes "Feb. 3", "Mossoul" becomes "Mosul", "Daech" becomes "ISIS". The difference
finder must not report those as changes, and must report "February 3" vs "April 3"
or "20 prisons" vs "200 prisons" as changes. Everything here is a pure function of
one sentence's word tokens (as the segmenter produces them: punctuation split off,
French elisions as their own tokens, "10 000" / "3,5" / "2024-02-03" / "Feb." /
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
_COMMA_DECIMAL_LANGS = frozenset(
    {"fr", "de", "es", "it", "pt", "nl", "ru", "pl", "cs", "sk", "sv", "da", "no", "nb", "fi",
     "tr", "ro", "hu", "el", "bg", "uk", "hr", "sl", "sr", "ca", "id", "vi"}
)


def _base_lang(lang: str) -> str:
    return lang.lower().replace("_", "-").split("-")[0] if lang else ""


def _norm(tok: str) -> str:
    """The comparison form of a token; NFC so that a decomposed é equals é."""
    return unicodedata.normalize("NFC", tok).translate(_APOSTROPHES).lower()


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


_DIGIT_ORD = {
    "en": re.compile(r"^(\d+)(st|nd|rd|th)$"),
    "fr": re.compile(r"^(\d+)(er|re|ère|ere|e|è|ème|eme|nd|nde|de)$"),
}
_ANY_DIGIT_ORD = re.compile(r"^(\d+)(st|nd|rd|th|er|re|ère|ere|e|è|ème|eme|nde)$")
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
    locale_decimal = "," if _base_lang(lang) in _COMMA_DECIMAL_LANGS else "."
    if sep != locale_decimal:
        return sign * thousands, None
    if frac.endswith("0"):
        return sign * thousands, sign * decimal
    return sign * decimal, sign * thousands


# Number words. Values below 100 add; "hundred"/"cent" multiply the small part;
# scale words close a group.
_EN_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_FR_SMALL = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80,
    "octante": 80, "nonante": 90,
}
_EN_HUNDRED = frozenset({"hundred"})
_FR_HUNDRED = frozenset({"cent", "cents"})
_EN_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# French "billion" is 10^12 (the long scale); "milliard" is the English billion.
_FR_SCALES = {
    "mille": 1e3, "mil": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9,
    "milliards": 1e9, "billion": 1e12, "billions": 1e12,
}
_PLURAL_SCALES = frozenset({"millions", "milliards", "billions", "cents"})
_DOZEN = frozenset({"dozen", "douzaine"})
_EN_ORD_IRREGULAR = {
    "first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight",
    "ninth": "nine", "twelfth": "twelve",
}
_FR_ORD_IRREGULAR = {
    "premier": "un", "première": "un", "premiers": "un", "premières": "un", "unième": "un",
    "second": "deux", "seconde": "deux", "cinquième": "cinq", "neuvième": "neuf",
}


def _tables(lang: str) -> tuple[dict[str, int], frozenset[str], dict[str, float]]:
    base = _base_lang(lang)
    if base == "fr":
        return _FR_SMALL, _FR_HUNDRED, _FR_SCALES
    if base == "en":
        return _EN_SMALL, _EN_HUNDRED, _EN_SCALES
    return {**_FR_SMALL, **_EN_SMALL}, _EN_HUNDRED | _FR_HUNDRED, {**_FR_SCALES, **_EN_SCALES}


def _ordinal_base(word: str, lang: str) -> str | None:
    """The cardinal word behind an ordinal word ("twentieth" -> "twenty")."""
    small, hundred, scales = _tables(lang)
    known = set(small) | hundred | set(scales)
    base = _base_lang(lang)
    if base != "fr":
        if word in _EN_ORD_IRREGULAR:
            return _EN_ORD_IRREGULAR[word]
        if word.endswith("ieth") and word[:-4] + "y" in known:
            return word[:-4] + "y"
        if word.endswith("th") and word[:-2] in known:
            return word[:-2]
    if base != "en":
        if word in _FR_ORD_IRREGULAR:
            return _FR_ORD_IRREGULAR[word]
        if word.endswith("ième"):
            stem = word[:-4]
            for cand in (stem, stem + "e", stem + "s"):
                if cand in known:
                    return cand
    return None


def _parse_words(words: Sequence[str], lang: str) -> list[tuple[int, float, bool]]:
    """Every valid number-word prefix of ``words`` as (words used, value, ordinal).

    The grammar is strict on purpose ("two three" is not 5, "twenty ten" is not 30):
    a wrong number is worse than a missed one, because it becomes a false "changed"."""
    small, hundred, scales = _tables(lang)
    fr = _base_lang(lang) == "fr"
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
        if w not in small and w not in hundred and w not in scales and w not in _DOZEN:
            ob = _ordinal_base(w, lang)
            if ob is not None:
                base, ordinal = ob, True
        if base in small:
            v = small[base]
            if fr and base in ("vingt", "vingts") and sub == 4 and last_add == 4:
                sub, last_add = 80, 20
            else:
                if last_add is not None and not _may_follow(last_add, sub, v, fr):
                    break
                if base in ("vingts",) and not (sub == 4 and last_add == 4):
                    break
                sub += v
                last_add = v
        elif base in hundred:
            if group_h or sub >= 10 or (base == "cents" and sub < 2):
                break
            group_h = (sub or 1) * 100
            sub, last_add = 0, None
        elif base in scales:
            scale = scales[base]
            group = group_h + sub
            if last_scale is not None and scale >= last_scale:
                break
            if base in _PLURAL_SCALES and group < 2:
                break
            total += (group or 1) * scale
            group_h, sub, last_add, last_scale = 0, 0, None, scale
        elif base in _DOZEN and not ordinal:
            if group_h or sub > 9 or last_scale is not None:
                break
            sub, last_add = (sub or 1) * 12, 12
            seen = True
            results.append((k + 1, total + group_h + sub, False))
            break
        elif w in ("a", "an") and k == 0 and not fr:
            nxt = words[k + 1] if k + 1 < n else ""
            if nxt in hundred or nxt in scales or nxt in _DOZEN:
                sub, last_add = 1, 1
                k += 1
                continue
            break
        elif w == "and" and not fr and (group_h or last_scale) and sub == 0:
            nxt = words[k + 1] if k + 1 < n else ""
            if nxt in small or _ordinal_base(nxt, lang) in small:
                k += 1
                continue
            break
        elif w == "et" and fr and last_add is not None and last_add in (20, 30, 40, 50, 60) and sub % 10 == 0:
            nxt = words[k + 1] if k + 1 < n else ""
            if nxt in ("un", "une", "onze", "unième", "onzième"):
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


def _may_follow(prev: int, sub: int, v: int, fr: bool) -> bool:
    """Whether additive word ``v`` may follow ``prev``: units after tens; in French
    also 10-19 after soixante / quatre-vingt (soixante-douze) and 7-9 after dix."""
    if prev >= 20 and prev % 10 == 0:
        if 1 <= v <= 9:
            return True
        return fr and (prev == 60 or (prev == 20 and sub == 80)) and 10 <= v <= 19
    return fr and prev == 10 and 7 <= v <= 9


def _split_number_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", _norm(text)) if w]


def parse_numeral(text: str, lang: str) -> Numeral | None:
    """Digits in either locale convention, number words, or ordinals, as a :class:`Numeral`.

    ``text`` may hold several words ("vingt et un", "two hundred thousand") and a
    trailing scale word after digits ("1,5 million")."""
    raw = _norm(text).translate(_SUPERSCRIPTS).strip()
    if not raw:
        return None
    base = _base_lang(lang)
    ord_re = _DIGIT_ORD.get(base, _ANY_DIGIT_ORD)
    m = ord_re.match(raw)
    if m:
        return Numeral(float(m.group(1)), ordinal=True)
    digits = _parse_digits(raw, lang)
    if digits is not None:
        return Numeral(digits[0], alt=digits[1])
    parts = raw.split()
    _, _, scales = _tables(lang)
    for cut in range(len(parts) - 1, 0, -1):  # "1,5 million", "10 000 milliards"
        head, tail = " ".join(parts[:cut]), parts[cut:]
        if len(tail) == 1 and tail[0] in {**scales, **_MULT_ABBREV}:
            d = _parse_digits(head, lang)
            if d is not None:
                mult = scales.get(tail[0]) or _MULT_ABBREV[tail[0]]
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


_MULT_ABBREV = {"bn": 1e9, "mn": 1e6, "mln": 1e6, "mds": 1e9, "md": 1e9, "k": 1e3}
_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "usd": "USD", "eur": "EUR", "gbp": "GBP"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "$": "USD", "€": "EUR",
    "£": "GBP", "usd": "USD", "eur": "EUR", "gbp": "GBP", "sterling": "GBP",
}
# unit -> (canonical unit, dimension, factor to the dimension's base unit)
_UNITS: dict[str, tuple[str, str, float]] = {}
for _names, _canon, _dim, _factor in (
    (("km", "kms", "kilomètre", "kilomètres", "kilometre", "kilometres", "kilometer", "kilometers"), "km", "length", 1000.0),
    (("m", "mètre", "mètres", "metre", "metres", "meter", "meters"), "m", "length", 1.0),
    (("cm", "centimètre", "centimètres", "centimetre", "centimetres", "centimeter", "centimeters"), "cm", "length", 0.01),
    (("mm", "millimètre", "millimètres", "millimetre", "millimetres", "millimeter", "millimeters"), "mm", "length", 0.001),
    (("mi", "mile", "miles"), "mi", "length", 1609.344),
    (("kg", "kilo", "kilos", "kilogramme", "kilogrammes", "kilogram", "kilograms"), "kg", "mass", 1.0),
    (("g", "gramme", "grammes", "gram", "grams"), "g", "mass", 0.001),
    (("tonne", "tonnes", "ton", "tons"), "t", "mass", 1000.0),
    (("km2", "km²"), "km2", "area", 1e6),
    (("ha", "hectare", "hectares"), "ha", "area", 1e4),
    (("l", "litre", "litres", "liter", "liters"), "l", "volume", 1.0),
    (("an", "ans", "année", "années", "year", "years"), "yr", "time", 365.25 * 86400),
    (("mois", "month", "months"), "month", "time", 30.44 * 86400),
    (("semaine", "semaines", "week", "weeks"), "wk", "time", 7 * 86400),
    (("jour", "jours", "journée", "journées", "day", "days"), "d", "time", 86400.0),
    (("h", "heure", "heures", "hour", "hours"), "h", "time", 3600.0),
    (("min", "minute", "minutes"), "min", "time", 60.0),
):
    for _name in _names:
        _UNITS[_name] = (_canon, _dim, _factor)
_CANON_UNITS = {canon: (dim, factor) for canon, dim, factor in _UNITS.values()}
# Units that may precede the number in a place name: « kilomètre 160 », "Kilometer 160".
_PREFIX_UNITS = frozenset({"km", "kilomètre", "kilometre", "kilometer", "mile"})
_PERCENT_ONE = frozenset({"%", "percent", "pct", "pourcent", "pourcents"})
_PERCENT_TWO = frozenset({("per", "cent"), ("pour", "cent"), ("pour", "cents")})
_BRIDGES = frozenset({"de", "d'", "of"})
_QUALIFIERS: dict[tuple[str, ...], str] = {
    ("at", "least"): ">=", ("more", "than"): ">", ("over",): ">", ("less", "than"): "<",
    ("fewer", "than"): "<", ("up", "to"): "<=", ("at", "most"): "<=", ("about",): "~",
    ("around",): "~", ("approximately",): "~", ("roughly",): "~", ("nearly",): "~",
    ("almost",): "~", ("some",): "~", ("au", "moins"): ">=", ("plus", "de"): ">",
    ("moins", "de"): "<", ("jusqu'", "à"): "<=", ("environ",): "~", ("près", "de"): "~",
    ("presque",): "~", ("quelque",): "~", ("approximativement",): "~",
}
_ATTACHED = re.compile(
    r"^(?P<pre>us\$|\$|€|£)?(?P<num>\d(?:[\d.,'\u00a0\u202f\u2009 ]*\d)?)"
    r"(?P<suf>%|\$|€|£|bn|mn|k|km|kms|m|cm|mm|kg|g|mi|h|min|l)?$"
)
_ARTICLE_NUMBERS = frozenset({"one", "un", "une", "a", "an"})


def _qualifier(norm: Sequence[str], start: int) -> str | None:
    for size in (2, 1):
        if start - size >= 0:
            q = _QUALIFIERS.get(tuple(norm[start - size : start]))
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
    "3 février" is one date rather than a date plus the number 3. A lone "one"/"un"/
    "une"/"a" is not a quantity: it is almost always an article or a pronoun."""
    norm = [_norm(t) for t in tokens]
    in_date = _date_cover(tokens, lang)
    base = _base_lang(lang)
    _, _, scales = _tables(lang)
    out: list[Quantity] = []
    n = len(norm)
    i = 0
    while i < n:
        if i in in_date:
            i += 1
            continue
        q = _quantity_at(tokens, norm, i, lang, base, scales, in_date)
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
    scales: dict[str, float],
    in_date: set[int],
) -> Quantity | None:
    n = len(norm)
    start = i
    currency: str | None = None
    if norm[i] in _CURRENCY_SYMBOLS and i + 1 < n and norm[i + 1][:1].isdigit():
        currency = _CURRENCY_SYMBOLS[norm[i]]
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
    multiplied = False
    # attached suffix: "3.5%", "160km", "1.5bn", "$5m"
    if suf == "%":
        unit, kind = "%", "percent"
    elif suf in ("$", "€", "£"):
        currency = _CURRENCY_SYMBOLS[suf]
    elif suf in _MULT_ABBREV or (suf == "m" and currency):
        mult = _MULT_ABBREV.get(suf, 1e6)
        value, alt, multiplied = value * mult, None if alt is None else alt * mult, True
    elif suf:
        unit, kind = _UNITS[suf][0], "measure"
    # a separate multiplier word after digits: "1,5 million", "3 billion", "2 milliards"
    if not num.words and not ordinal and j < n and not suf:
        mult = scales.get(norm[j]) or (_MULT_ABBREV.get(norm[j]) if norm[j] != "k" else None)
        if mult:
            value, alt, multiplied = value * mult, None if alt is None else alt * mult, True
            j += 1
    elif num.words and any(w in scales for w in norm[i:j]):
        multiplied = True
    if kind == "number" and not ordinal and j < n:
        bridge = 1 if (multiplied and norm[j] in _BRIDGES and j + 1 < n) else 0
        nxt = norm[j + bridge]
        pair = (norm[j], norm[j + 1]) if j + 1 < n else None
        if norm[j] in _PERCENT_ONE:
            unit, kind, j = "%", "percent", j + 1
        elif pair in _PERCENT_TWO:
            unit, kind, j = "%", "percent", j + 2
        elif nxt in _CURRENCY_WORDS:
            currency, j = _CURRENCY_WORDS[nxt], j + bridge + 1
        elif nxt in ("us", "u.s.") and j + bridge + 1 < n and norm[j + bridge + 1] in ("dollar", "dollars"):
            currency, j = "USD", j + bridge + 2
        elif nxt in _UNITS and not (nxt == "m" and multiplied) and not (base == "en" and nxt in ("an", "l", "g", "h")):
            unit, kind, j = _UNITS[nxt][0], "measure", j + bridge + 1
    if currency and kind == "number":
        unit, kind = currency, "money"
    if ordinal:
        kind, unit = "ordinal", None
    if kind == "number" and not num.words and not multiplied and start > 0 and norm[start - 1] in _PREFIX_UNITS and (start - 1) not in in_date:
        start -= 1
        unit, kind = _UNITS[norm[start]][0], "measure"
    words_used = norm[i:j]
    if num.words and kind == "number" and set(words_used) <= _ARTICLE_NUMBERS:
        return None
    if num.words and ordinal and words_used[:1] in (["premier"], ["première"]) and j < n and norm[j] in ("ministre", "ministres"):
        return None
    if num.words and words_used == ["neuf"] and (j >= n or not norm[j][:1].isalnum()):
        return None  # « un bâtiment neuf. »: the adjective "new"
    raw = tokens[i] if j == i + 1 else ""
    if (
        kind == "number"
        and re.fullmatch(r"\d{4}", raw.strip())
        and 1500 <= value <= 2100
    ):
        kind = "year"
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
    mention too, because "Saturday" vs « le 3 février » is worth comparing)."""

    year: int | None
    month: int | None
    day: int | None
    weekday: int | None  # Monday = 0, as datetime.date.weekday()
    start: int
    end: int
    text: str


_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_EN_MONTH_ABBR = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_FR_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}
_FR_MONTH_ABBR = {
    "janv": 1, "févr": 2, "fév": 2, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10,
    "nov": 11, "déc": 12, "dec": 12,
}
_EN_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_EN_WEEKDAY_ABBR = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}
_FR_WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
# Month names that are also ordinary words: they count only next to a day or a year.
_AMBIGUOUS_MONTHS = frozenset({"may", "march", "mars"})
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUM_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|re|ère|e)?$")


def _date_tables(lang: str) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    base = _base_lang(lang)
    if base == "en":
        return _EN_MONTHS, _EN_MONTH_ABBR, _EN_WEEKDAYS, _EN_WEEKDAY_ABBR
    if base == "fr":
        return _FR_MONTHS, _FR_MONTH_ABBR, _FR_WEEKDAYS, {}
    return (
        {**_FR_MONTHS, **_EN_MONTHS},
        {**_FR_MONTH_ABBR, **_EN_MONTH_ABBR},
        {**_FR_WEEKDAYS, **_EN_WEEKDAYS},
        _EN_WEEKDAY_ABBR,
    )


def _day_of(tok: str) -> int | None:
    m = _DAY.match(tok)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    return None


def _year_of(tok: str) -> int | None:
    if re.fullmatch(r"\d{4}", tok) and 1000 <= int(tok) <= 2999:
        return int(tok)
    return None


def _valid(year: int | None, month: int, day: int | None) -> bool:
    if day is None:
        return True
    try:
        _dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February is valid
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
        self.months, self.month_abbr, self.weekdays, self.weekday_abbr = _date_tables(lang)
        self.n = len(tokens)

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
        if bare in self.months and not (t.endswith(".") and bare not in self.month_abbr):
            if self.lang == "en" and not capital:
                return None
            strict = bare in _AMBIGUOUS_MONTHS and (self.lang != "fr" or capital)
            if self.lang == "fr" and bare == "sept":
                return None
            return self.months[bare], end, strict
        if bare in self.month_abbr:
            if self.lang == "en" and not capital:
                return None
            if bare == "sept" and self.lang == "fr" and not dotted:
                return None  # the number seven
            return self.month_abbr[bare], end, True
        return None

    def day_month_year(self, k: int) -> tuple[int | None, int, int | None, int] | None:
        """(year, month, day, end) for "3 février 2024", "February 3, 2024", "Feb. 3",
        "the 3rd of February", "February 2024", "February"."""
        day = _day_of(self.tok(k))
        if day is not None:
            m = k + 1
            if self.tok(m) in ("of", "de") and not self.tok(k).isdigit():
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
        day = _day_of(self.tok(end)) if _year_of(self.tok(end)) is None else None
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
        year = _year_of(self.tok(k))
        return (year, k + 1) if year is not None else (None, k)

    def weekday_at(self, k: int) -> int | None:
        t = self.tok(k)
        if t in self.weekdays:
            if self.lang == "en" and not self.raw[k][:1].isupper():
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
        day_first = self.lang != "en"
        if a > 12 >= b:
            day_first = True
        elif b > 12 >= a:
            day_first = False
        d, mo = (a, b) if day_first else (b, a)
        if not 1 <= mo <= 12 or not _valid(year, mo, d):
            return None
        return year, mo, d

    def at(self, k: int) -> DateMention | None:
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
            if self.tok(j) in ("the", "le"):
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
    or weekday alone, weekday + date ("Saturday (April 3)", « samedi 3 février »),
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

    A full date yields its weekday, so « samedi » agrees with "3 February 2024"."""
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
    s = _fold_accents(_norm(name))
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
