"""Dates as written, in any language with a pack, and whether two of them agree.

Split from :mod:`aligner.text.normalization` (which re-exports it). Month and weekday names
come from CLDR through :func:`aligner.text.locale_data.date_names`; the rules that tell a
month from a common word, the order of numeric dates and the year/month/day signs of
Chinese dates come from the language packs, so no name of any language is written here.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .language import base_language as _base_lang
from .locale_data import date_names, number_words
from .locale_data import join_tokens as _join
from .locale_data import norm_token as _norm

__all__ = ["DateMention", "dates_agree", "extract_dates"]


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
    ranges = scanner.names.range_words
    out: list[DateMention] = []
    k = 0
    while k < scanner.n:
        # "12 и 13 августа", « del 12 al 14 de julio »: the first day takes the month
        # (and year) of the date that follows it.
        first = scanner.day(k) if ranges and scanner.tok(k + 1) in ranges else None
        if first is not None and scanner.tok(k)[:1].isdigit():
            nxt = scanner.at(k + 2)
            if nxt is not None and nxt.start == k + 2 and nxt.day is not None and nxt.month is not None and _valid(nxt.year, nxt.month, first):
                out.append(scanner.mention(nxt.year, nxt.month, first, None, k, k + 1))
                out.append(nxt)
                k = nxt.end
                continue
        mention = scanner.at(k)
        if mention is None:
            k += 1
            continue
        out.append(mention)
        k = mention.end
        # "[month] 12 and 13": the second day takes the month of the first date.
        if ranges and mention.day is not None and mention.month is not None and scanner.tok(k) in ranges:
            second = scanner.day(k + 1) if scanner.tok(k + 1)[:1].isdigit() else None
            if second is not None and scanner.month_at(k + 2) is None and _valid(mention.year, mention.month, second):
                out.append(scanner.mention(mention.year, mention.month, second, None, k + 1, k + 2))
                k += 2
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
