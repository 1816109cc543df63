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
from .values import as_float as _num
from .values import as_int as _int

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


def _quote(doc_text: str, span: dict | None, color: bool, code: str, context: int = 30, limit: int = 400) -> str:
    """The span in brackets with up to ``context`` characters on each side (same line)."""
    if not isinstance(span, dict) or _int(span.get("start")) is None or _int(span.get("end")) is None:
        return "(nothing)"
    s, e = _int(span["start"]), _int(span["end"])
    text = span.get("text")
    if not isinstance(text, str):
        text = doc_text[s:e]
    before = doc_text[max(0, s - context) : s] if doc_text else ""
    after = doc_text[e : e + context] if doc_text else ""
    cut_before = "\n" not in before and s - context > 0
    cut_after = "\n" not in after and e + context < len(doc_text)
    before = before.split("\n")[-1]
    after = after.split("\n")[0]
    before = ("…" + before.lstrip()) if cut_before else before.lstrip()
    after = (after.rstrip() + "…") if cut_after else after.rstrip()
    return f"{safe(before)}[{_paint(safe(_clip(text, limit)), code, color)}]{safe(after)}"


def _sentence_at(sentences: list[dict], offset: int) -> int | None:
    for s in sentences:
        a, b = _int(s.get("start")), _int(s.get("end"))
        if a is not None and b is not None and a <= offset < b:
            return _int(s.get("id"))
    for s in sentences:
        if _int(s.get("start")) == offset:
            return _int(s.get("id"))
    return None


def counts_line(r: dict, color: bool = False) -> str:
    counts = (r.get("summary") or {}).get("counts") or {}
    if not counts:
        counts = {t: sum(1 for f in r.get("findings") or [] if f.get("type") == t) for t in FINDING_TYPES}
    total = len(r.get("findings") or [])
    parts = ", ".join(f"{_paint(t, _COLORS[t], color)} {counts.get(t, 0)}" for t in FINDING_TYPES)
    return f"findings:  {parts} ({total} in all)"


def render_text(c, color: bool = False, quiet: bool = False) -> str:
    """The terminal report of a :class:`~aligner.pipeline.Comparison` (or of its JSON dict)."""
    if isinstance(c, dict):
        r = c
    else:
        from .json_report import to_json_dict

        r = to_json_dict(c)
    if quiet:
        return counts_line(r, color) + "\n"
    src, tgt = r.get("source") or {}, r.get("rendition") or {}
    s_text, t_text = str(src.get("text") or ""), str(tgt.get("text") or "")
    s_sents, t_sents = src.get("sentences") or [], tgt.get("sentences") or []
    dim = "2"
    lines: list[str] = []
    lines.append(f"source:    {safe(src.get('path', '-'))} ({safe(src.get('lang', '?'))}, {len(s_sents)} sentences)")
    lines.append(f"rendition: {safe(tgt.get('path', '-'))} ({safe(tgt.get('lang', '?'))}, {len(t_sents)} sentences)")
    summary = r.get("summary") or {}
    cov = summary.get("coverage") or {}
    lines.append(
        f"relation:  {safe(summary.get('relation', '?'))} "
        f"(coverage: source {_num(cov.get('source')):.0%}, rendition {_num(cov.get('rendition')):.0%})"
    )
    if summary.get("note"):
        lines.append(f"note:      {safe(summary['note'])}")
    lines.append(counts_line(r, color))
    for note in r.get("notes") or []:
        lines.append(f"note:      {safe(note)}")
    for name, side in (("source", src), ("rendition", tgt)):
        for w in side.get("warnings") or []:
            lines.append(f"warning:   {name}: {safe(w)}")

    # Beads in document order; each sentence id -> its bead.
    beads = list(r.get("sentence_alignment") or [])
    bead_of: dict[tuple[str, int], int] = {}
    for n, b in enumerate(beads):
        for i in b.get("source") or []:
            bead_of.setdefault(("s", _int(i)), n)
        for i in b.get("rendition") or []:
            bead_of.setdefault(("r", _int(i)), n)
    gloss = {}
    if not str(src.get("lang", "")).lower().startswith("en"):
        gloss = {_int(s.get("id")): s.get("translation") for s in s_sents if isinstance(s.get("translation"), str)}

    groups: dict[int, list[dict]] = {}
    loose: list[dict] = []
    for f in r.get("findings") or []:
        ss, rs = f.get("source_span"), f.get("rendition_span")
        n = None
        # The side the finding is about decides its bead (the rendition for ADDED).
        order = (("r", rs), ("s", ss)) if f.get("type") == "added" else (("s", ss), ("r", rs))
        for key, sp in order:
            if n is None and isinstance(sp, dict) and _int(sp.get("start")) is not None:
                sid = _sentence_at(s_sents if key == "s" else t_sents, _int(sp["start"]))
                n = bead_of.get((key, sid)) if sid is not None else None
        if n is None:
            loose.append(f)
        else:
            groups.setdefault(n, []).append(f)

    def finding_lines(f: dict) -> None:
        t = str(f.get("type", ""))
        code = _COLORS.get(t, "0")
        sev = str(f.get("severity", ""))
        head = (
            f"  {safe(f.get('id', ''))} {_paint(safe(t.upper()), code, color)} "
            f"({_paint(safe(sev), _SEVERITY_COLORS.get(sev, ''), color)}, confidence {_num(f.get('confidence')):.2f})"
        )
        lines.append(head)
        # The side a finding is about is quoted in full; the other (its context) shortened.
        s_lim = 120 if t == "added" else 400
        r_lim = 120 if t == "dropped" else 400
        lines.append(f"     source:    {_quote(s_text, f.get('source_span'), color, code, limit=s_lim)}")
        ss = f.get("source_span")
        if gloss and isinstance(ss, dict) and _int(ss.get("start")) is not None:
            sid = _sentence_at(s_sents, _int(ss["start"]))
            if sid is not None and gloss.get(sid):
                lines.append(f"     gloss:     {_paint(safe(_clip(gloss[sid], 300)), dim, color)}")
        lines.append(f"     rendition: {_quote(t_text, f.get('rendition_span'), color, code, limit=r_lim)}")
        cues = f.get("cues") or []
        if cues:
            lines.append(f"     cues:      {safe(', '.join(str(x) for x in cues))}")
        if f.get("evidence"):
            lines.append(f"     evidence:  {safe(f['evidence'])}")

    for n in sorted(groups):
        b = beads[n]
        s_ids = ",".join(str(i) for i in b.get("source") or []) or "-"
        r_ids = ",".join(str(i) for i in b.get("rendition") or []) or "-"
        kind = f"{len(b.get('source') or [])}-{len(b.get('rendition') or [])}"
        extra = ", moved" if b.get("moved") else ""
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
