"""Date and quantity checks: aligned dates or quantities that disagree after
normalisation are ``changed``.

One day written in each language's words and order is no change, while day 3 of the
second month against day 3 of the fourth is one; 10 000 = 10,000 is no change, 420 km
against 420 miles is one. A date or quantity is paired with the one its words are
linked to, or with the only one of its kind on the other side of the bead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..structures import Bead, Document, Finding
from ..text.normalization import (
    DateMention,
    Quantity,
    dates_agree,
    extract_dates,
    extract_quantities,
    quantities_agree,
)
from .cue_checks import LinkMap, sentence_tokens

__all__ = ["date_quantity_findings"]

# (kind, the date or quantity, its document token range [start, end)) of a bead side.
Item = tuple[Literal["date", "quantity"], DateMention | Quantity, tuple[int, int]]
Day = tuple[int | None, int | None, int | None]  # (year, month, day)


def _linked_between(a: tuple[int, int], b: tuple[int, int], s2t: LinkMap) -> bool:
    return any(t in range(*b) for k in range(*a) for t in s2t.get(k, ()))


def _same_dimension(a: Quantity, b: Quantity) -> bool:
    """Quantities compare in the same unit, or in two units of one dimension that
    convert (420 km vs 420 miles is a change; "18 h" and "6 p.m." are clock times,
    not the numbers 18 and 6)."""
    if a.unit == b.unit:
        return True
    return a.unit is not None and b.unit is not None and quantities_agree(a, b) is not None


def _year_month_day(d: DateMention | Quantity) -> Day:
    return getattr(d, "year", None), getattr(d, "month", None), getattr(d, "day", None)


def _coordinated_days(doc: Document, sids: Sequence[int], items: list[Item]) -> set[Day]:
    """(year, month, day) of every date of a bead side, including days coordinated
    with a date ("les 9 et 10 [month]", "from [month] 4 to 6", "4-6 [month]"): a bare
    day number within a few tokens of a dated day shares its month."""
    out: set[Day] = set()
    for kind, item, rng in items:
        if kind != "date" or item.month is None:
            continue
        out.add((item.year, item.month, item.day))
        sentence = doc.sentences[doc.tokens[rng[0]].sentence]
        for k in range(max(sentence.token_start, rng[0] - 4), min(sentence.token_end, rng[1] + 4)):
            text = doc.tokens[k].text
            if text.isdigit() and 1 <= int(text) <= 31 and not rng[0] <= k < rng[1]:
                out.add((item.year, item.month, int(text)))
    return out


def date_quantity_findings(src: Document, tgt: Document, bead: Bead, s2t: LinkMap) -> list[Finding]:
    """Dates and quantities that disagree, paired by alignment (or by being alone)."""
    findings: list[Finding] = []
    src_items: list[Item] = []
    tgt_items: list[Item] = []
    for doc, sids, out in ((src, bead.source, src_items), (tgt, bead.rendition, tgt_items)):
        for sid in sids:
            if doc.sentences[sid].boilerplate:
                continue
            base, toks = sentence_tokens(doc, sid)
            for d in extract_dates(toks, doc.lang):
                out.append(("date", d, (base + d.start, base + d.end)))
            for q in extract_quantities(toks, doc.lang):
                out.append(("quantity", q, (base + q.start, base + q.end)))
    coordinated = (_coordinated_days(src, bead.source, src_items), _coordinated_days(tgt, bead.rendition, tgt_items))
    used: set[int] = set()
    for kind, item, rng in src_items:
        # Quantities compare only in the same unit family: "18 h" (a clock time) and
        # "6 p.m." are not the numbers 18 and 6.
        candidates = [
            (j, t)
            for j, t in enumerate(tgt_items)
            if t[0] == kind and j not in used and (kind == "date" or _same_dimension(item, t[1]))
        ]
        if not candidates:
            continue
        linked = [(j, t) for j, t in candidates if _linked_between(rng, t[2], s2t)]
        if linked:
            j, t = linked[0]
        elif len(candidates) == 1 and sum(1 for s in src_items if s[0] == kind) == 1:
            j, t = candidates[0]
        else:
            continue
        agree = dates_agree(item, t[1]) if kind == "date" else quantities_agree(item, t[1])
        if agree is None:
            continue
        used.add(j)
        if agree:
            continue
        if kind == "date" and _year_month_day(item) in coordinated[1] and _year_month_day(t[1]) in coordinated[0]:
            continue  # "les 9 et 10 [month]" / "[month] 9 and 10": paired in another order
        s_span = src.token_span(rng[0], rng[1] - 1)
        t_span = tgt.token_span(t[2][0], t[2][1] - 1)
        findings.append(
            Finding(
                "", "changed", "high", 0.9 if linked else 0.75, s_span, t_span, [],
                f"{kind} '{s_span.text}' in the source does not match '{t_span.text}' in the rendition after normalisation",
                kind,
            )
        )
    return findings
