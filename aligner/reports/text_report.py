"""The terminal report: a summary, then the findings grouped by sentence bead.

Each bead that has findings gets a header line (in document order); under it each
finding shows its type, severity and confidence, both spans quoted with a little
context, the English gloss of the source sentence when there is one, the cues and the
evidence. ``quiet`` prints the counts only.

Colour (ANSI) is used only when asked for (the CLI asks when stdout is a terminal).
Input text never reaches the terminal raw: control characters (ESC, BEL, C1 controls),
bidi overrides and line separators are written as visible ``\\uXXXX`` escapes, so a
hostile article cannot move the cursor, retitle the window or recolour the terminal.
"""

from __future__ import annotations

import re
from typing import Any

from ..structures import FINDING_TYPES
from .model import FindingView, Report, SentenceEntry, SpanView, as_report

_COLORS = {
    "added": "32",
    "dropped": "31",
    "softened": "36",
    "strengthened": "35",
    "changed": "33",
    "contradicted": "1;31",
}
_SEVERITY_COLORS = {"high": "1", "medium": "0", "low": "2"}
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def safe(text: Any) -> str:
    """Input text made safe for a terminal: newlines as spaces, control characters as escapes."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and code else text


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(doc_text: str, span: SpanView | None, color: bool, code: str, context: int = 30, limit: int = 400) -> str:
    """The span in brackets with up to ``context`` characters on each side (same line)."""
    if span is None:
        return "(nothing)"
    s, e = span.start, span.end
    before = doc_text[max(0, s - context) : s] if doc_text else ""
    after = doc_text[e : e + context] if doc_text else ""
    cut_before = "\n" not in before and s - context > 0
    cut_after = "\n" not in after and e + context < len(doc_text)
    before = before.split("\n")[-1]
    after = after.split("\n")[0]
    before = ("…" + before.lstrip()) if cut_before else before.lstrip()
    after = (after.rstrip() + "…") if cut_after else after.rstrip()
    return f"{safe(before)}[{_paint(safe(_clip(span.text, limit)), code, color)}]{safe(after)}"


def _sentence_at(sentences: tuple[SentenceEntry, ...], offset: int) -> int | None:
    for s in sentences:
        if s.start <= offset < s.end:
            return s.id
    for s in sentences:
        if s.start == offset:
            return s.id
    return None


def counts_line(r: Report, color: bool = False) -> str:
    counts = r.summary.counts
    if not counts:
        counts = {t: sum(1 for f in r.findings if f.type == t) for t in FINDING_TYPES}
    parts = ", ".join(f"{_paint(t, _COLORS[t], color)} {counts.get(t, 0)}" for t in FINDING_TYPES)
    return f"findings:  {parts} ({len(r.findings)} in all)"


def render_text(c: Any, color: bool = False, quiet: bool = False) -> str:
    """The terminal report of a :class:`~.model.Report` (or of a comparison, or of a
    report dictionary)."""
    r = as_report(c)
    if quiet:
        return counts_line(r, color) + "\n"
    src, tgt = r.source, r.rendition
    dim = "2"
    lines: list[str] = []
    lines.append(f"source:    {safe(src.path)} ({safe(src.lang or '?')}, {len(src.sentences)} sentences)")
    lines.append(f"rendition: {safe(tgt.path)} ({safe(tgt.lang or '?')}, {len(tgt.sentences)} sentences)")
    summary = r.summary
    cov = summary.coverage
    lines.append(
        f"relation:  {safe(summary.relation or '?')} "
        f"(coverage: source {cov.source or 0.0:.0%}, rendition {cov.rendition or 0.0:.0%})"
    )
    if summary.note:
        lines.append(f"note:      {safe(summary.note)}")
    lines.append(counts_line(r, color))
    for note in r.notes:
        lines.append(f"note:      {safe(note)}")
    for name, side in (("source", src), ("rendition", tgt)):
        for w in side.warnings:
            lines.append(f"warning:   {name}: {safe(w)}")

    # Beads in document order; each sentence id -> its bead.
    beads = r.sentence_alignment
    bead_of: dict[tuple[str, int], int] = {}
    for n, b in enumerate(beads):
        for i in b.source:
            bead_of.setdefault(("s", i), n)
        for i in b.rendition:
            bead_of.setdefault(("r", i), n)
    gloss = {}
    if not src.lang.lower().startswith("en"):
        gloss = {s.id: s.translation for s in src.sentences if s.translation is not None}

    groups: dict[int, list[FindingView]] = {}
    loose: list[FindingView] = []
    for f in r.findings:
        ss, rs = f.source_span, f.rendition_span
        n = None
        # The side the finding is about decides its bead (the rendition for ADDED).
        order = (("r", rs), ("s", ss)) if f.type == "added" else (("s", ss), ("r", rs))
        for key, sp in order:
            if n is None and sp is not None:
                sid = _sentence_at(src.sentences if key == "s" else tgt.sentences, sp.start)
                n = bead_of.get((key, sid)) if sid is not None else None
        if n is None:
            loose.append(f)
        else:
            groups.setdefault(n, []).append(f)

    def finding_lines(f: FindingView) -> None:
        t = f.type
        code = _COLORS.get(t, "0")
        sev = f.severity
        head = (
            f"  {safe(f.id)} {_paint(safe(t.upper()), code, color)} "
            f"({_paint(safe(sev), _SEVERITY_COLORS.get(sev, ''), color)}, confidence {f.confidence:.2f})"
        )
        lines.append(head)
        # The side a finding is about is quoted in full; the other (its context) shortened.
        s_lim = 120 if t == "added" else 400
        r_lim = 120 if t == "dropped" else 400
        lines.append(f"     source:    {_quote(src.text, f.source_span, color, code, limit=s_lim)}")
        ss = f.source_span
        if gloss and ss is not None:
            sid = _sentence_at(src.sentences, ss.start)
            if sid is not None and gloss.get(sid):
                lines.append(f"     gloss:     {_paint(safe(_clip(gloss[sid], 300)), dim, color)}")
        lines.append(f"     rendition: {_quote(tgt.text, f.rendition_span, color, code, limit=r_lim)}")
        if f.cues:
            lines.append(f"     cues:      {safe(', '.join(f.cues))}")
        if f.evidence:
            lines.append(f"     evidence:  {safe(f.evidence)}")

    for n in sorted(groups):
        b = beads[n]
        s_ids = ",".join(str(i) for i in b.source) or "-"
        r_ids = ",".join(str(i) for i in b.rendition) or "-"
        kind = f"{len(b.source)}-{len(b.rendition)}"
        extra = ", moved" if b.moved else ""
        k = len(groups[n])
        header = f"── bead {n + 1}: source {s_ids} ↔ rendition {r_ids} ({kind}{extra}) · {k} finding{'s' if k != 1 else ''} "
        lines.append("")
        lines.append(_paint(header + "─" * max(3, 78 - len(header)), "1", color))
        for f in groups[n]:
            finding_lines(f)
    if loose:
        lines.append("")
        lines.append(_paint("── outside any bead " + "─" * 58, "1", color))
        for f in loose:
            finding_lines(f)
    return "\n".join(lines) + "\n"
