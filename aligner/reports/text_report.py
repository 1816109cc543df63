"""The terminal report: counts per type, then each finding with both spans quoted.

Colour is used only when asked for (the CLI asks when stdout is a terminal); any
control character coming from the input is made visible, so a hostile article
cannot move the cursor or recolour the terminal."""

from __future__ import annotations

import re

from ..structures import FINDING_TYPES

_COLORS = {
    "added": "32",
    "dropped": "31",
    "softened": "36",
    "strengthened": "35",
    "changed": "33",
    "contradicted": "1;31",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Input text made safe for a terminal: control characters shown as escapes."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace("\n", " "))


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _quote(doc_text: str, span: dict | None, color: bool, code: str, context: int = 30) -> str:
    if span is None:
        return "(nothing)"
    s, e = span["start"], span["end"]
    before = doc_text[max(0, s - context) : s]
    after = doc_text[e : e + context]
    before = ("…" + before.split("\n")[-1]) if s - context > 0 else before.split("\n")[-1]
    after = (after.split("\n")[0] + "…") if e + context < len(doc_text) else after.split("\n")[0]
    return f"{safe(before)}[{_paint(safe(span['text']), code, color)}]{safe(after)}"


def render_text(c, color: bool = False, quiet: bool = False) -> str:
    from .json_report import to_json_dict

    r = to_json_dict(c)
    src, tgt = r["source"], r["rendition"]
    lines: list[str] = []
    lines.append(f"source:    {safe(src['path'])} ({src['lang']}, {len(src['sentences'])} sentences)")
    lines.append(f"rendition: {safe(tgt['path'])} ({tgt['lang']}, {len(tgt['sentences'])} sentences)")
    summary = r["summary"]
    cov = summary["coverage"]
    lines.append(
        f"relation:  {summary['relation']} (coverage: source {cov['source']:.0%}, rendition {cov['rendition']:.0%})"
    )
    if summary.get("note"):
        lines.append(f"note:      {safe(summary['note'])}")
    counts = summary["counts"]
    lines.append("findings:  " + ", ".join(f"{_paint(t, _COLORS[t], color)} {counts.get(t, 0)}" for t in FINDING_TYPES))
    for note in r.get("notes", []):
        lines.append(f"note:      {safe(note)}")
    if quiet:
        return "\n".join(lines) + "\n"
    by_sentence: dict[tuple, list[dict]] = {}
    sent_of = {}
    for s in src["sentences"]:
        sent_of[("s", s["id"])] = s
    gloss = {s["id"]: s.get("translation") for s in src["sentences"]}
    for f in r["findings"]:
        key = _sentence_key(f, src, tgt)
        by_sentence.setdefault(key, []).append(f)
    for key in sorted(by_sentence, key=lambda k: (k[0], k[1])):
        lines.append("")
        group = by_sentence[key]
        for f in group:
            code = _COLORS.get(f["type"], "0")
            head = f"{f['id']} {_paint(f['type'].upper(), code, color)} ({f['severity']}, confidence {f['confidence']:.2f})"
            lines.append(head)
            lines.append(f"   source:    {_quote(src['text'], f['source_span'], color, code)}")
            if f["source_span"] is not None:
                sid = _sentence_id(src, f["source_span"]["start"])
                if sid is not None and gloss.get(sid):
                    lines.append(f"   gloss:     {safe(gloss[sid])}")
            lines.append(f"   rendition: {_quote(tgt['text'], f['rendition_span'], color, code)}")
            if f.get("cues"):
                lines.append(f"   cues:      {safe(', '.join(f['cues']))}")
            if f.get("evidence"):
                lines.append(f"   evidence:  {safe(f['evidence'])}")
    return "\n".join(lines) + "\n"


def _sentence_id(side: dict, offset: int) -> int | None:
    for s in side["sentences"]:
        if s["start"] <= offset < s["end"] or s["start"] == offset:
            return s["id"]
    return None


def _sentence_key(f: dict, src: dict, tgt: dict) -> tuple:
    if f["source_span"] is not None:
        return (_sentence_id(src, f["source_span"]["start"]) or 0, 0)
    return (-1, _sentence_id(tgt, f["rendition_span"]["start"]) or 0)
