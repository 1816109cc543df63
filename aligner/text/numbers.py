"""Numbers in any language with a pack: digits in either locale convention, native
digits, number words, ordinals, multiplicative numerals (十二万), magnitude words.

Split from :mod:`aligner.text.normalization` (which re-exports it).

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

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .locale_data import NumberWords, comma_decimal, number_words, quantity_words
from .locale_data import norm_token as _norm

__all__ = ["Numeral", "parse_number", "parse_numeral"]


_GROUP_SPACES = " \u00a0\u202f\u2009\u2007"
_GROUP_CHARS = _GROUP_SPACES + "'"


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
