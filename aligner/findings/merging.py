"""The last step of the findings stage: one list a reader can act on.

Claim findings win over the added/dropped span they explain, each finding's confidence
becomes the precision its check showed on labelled cases, and findings are numbered in
document order. Every function returns new findings; none changes those it is given.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import replace

from ..config import FindingsSettings
from ..structures import Finding, Span

__all__ = ["calibrated", "merge_findings", "number_findings", "spans_overlap"]


def calibrated(findings: list[Finding], table: Mapping[str, float]) -> list[Finding]:
    """The findings with each confidence set to the precision its check (``basis``,
    with the finding type: "cue:softened") showed on the labelled development cases, so
    0.8 means "about four in five such findings are right" (``[confidence]``;
    ``benchmarks/findings_f1.py --calibrate`` measures the table). Checks the table does
    not list keep the confidence they computed."""
    out = []
    for f in findings:
        key = f"{f.basis}:{f.type}"
        if key in table:
            out.append(replace(f, confidence=float(table[key])))
        elif f.basis in table:
            out.append(replace(f, confidence=float(table[f.basis])))
        else:
            out.append(f)
    return out


def _finding_sort_key(f: Finding) -> tuple:
    s = f.source_span.start if f.source_span else -1
    r = f.rendition_span.start if f.rendition_span else -1
    return (s if s >= 0 else r, r, f.type)


def number_findings(findings: list[Finding]) -> list[Finding]:
    """The findings in document order, with ids f1, f2, ..."""
    return [replace(f, id=f"f{k}") for k, f in enumerate(sorted(findings, key=_finding_sort_key), 1)]


def spans_overlap(a: Span | None, b: Span | None) -> bool:
    """Both spans exist and share a character."""
    return a is not None and a.overlaps(b)


def _inside(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and b.start <= a.start and a.end <= b.end


# Claim findings that explain any added/dropped span they touch: a changed number, a
# hedge or attribution gained or lost ("semble-t-il", "Officials believe").
_EXPLAINING = frozenset({"changed", "softened", "strengthened"})


_WORD = re.compile(r"\w{4,}")


def _new_claims_win(claims: list[Finding], spans: list[Finding], new_claim_words: float) -> list[Finding]:
    """A hedge inside a whole new clause is part of an added claim, not a softening of
    an existing one ("apparently angry over a rejected building permit" is added; a
    bare "apparently" is softened): a softened/strengthened finding whose cue lies in
    an added/dropped span with ``new_claim_words`` or more other words (of four letters
    or more) of its own gives way to it."""
    out = []
    for c in claims:
        if c.type in ("softened", "strengthened"):
            beaten = False
            for f in spans:
                mine = f.rendition_span if f.type == "added" else f.source_span
                cue = c.rendition_span if f.type == "added" else c.source_span
                if _inside(cue, mine) and len(_WORD.findall(mine.text.replace(cue.text, " "))) >= new_claim_words:
                    beaten = True
                    break
            if beaten:
                continue
        out.append(c)
    return out


def merge_findings(claims: list[Finding], spans: list[Finding], params: FindingsSettings) -> list[Finding]:
    """Claim findings win over the added/dropped span they explain: "Kridel wrote" is
    an attribution (softened), not an added span. Duplicate claims are dropped."""
    claims = _new_claims_win(claims, spans, params.new_claim_words)
    out: list[Finding] = []
    seen: set[tuple] = set()
    for f in claims:
        key = (f.type, f.source_span.start if f.source_span else None, f.rendition_span.start if f.rendition_span else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    # Claim spans per side, sorted, so each added/dropped span is checked against the
    # few claims near it rather than all of them (long documents).
    index: dict[str, tuple[list[int], list[Finding], int]] = {}
    for side in ("rendition_span", "source_span"):
        keyed = sorted((getattr(c, side).start, i) for i, c in enumerate(claims) if getattr(c, side) is not None)
        longest = max((len(getattr(c, side).text) for c in claims if getattr(c, side) is not None), default=0)
        index[side] = ([k for k, _ in keyed], [claims[i] for _, i in keyed], longest)
    for f in spans:
        mine = f.rendition_span if f.type == "added" else f.source_span
        side = "rendition_span" if f.type == "added" else "source_span"
        starts, ordered, longest = index[side]
        if mine is not None:
            # Only claims starting at most `longest` characters before this span can
            # reach it.
            near = ordered[bisect.bisect_left(starts, mine.start - longest) : bisect.bisect_left(starts, mine.end)]
            if any(_inside(mine, getattr(c, side)) or (spans_overlap(mine, getattr(c, side)) and c.type in _EXPLAINING) for c in near):
                continue
        out.append(f)
    return out
