"""The audit report for a terminal: counts, then each segment that needs attention
(findings, or a status other than ``translated``) under its id from the file.
Input text goes through :func:`aligner.reports.text_report.safe` (no raw control or
bidi characters reach the terminal)."""

from __future__ import annotations

from typing import Any

from .text_report import safe

STATUS_TEXT = {
    "untranslated": "UNTRANSLATED: the file has no target for this segment",
    "empty": "EMPTY TARGET: the target is blank",
    "identical": "IDENTICAL: the target is the same as the source (untranslated, or a name or code that stays as it is)",
    "empty-source": "EMPTY SOURCE: nothing to translate",
    "debris": "NOT COMPARED: only page debris (buttons, bylines)",
    "unrelated": "UNRELATED: the target does not appear to render this source",
}


def _quote(text: str | None, span: dict | None, context: int = 30) -> str:
    if not span or text is None:
        return "(nothing)"
    s, e = span["start"], span["end"]
    left = ("…" if s > context else "") + text[max(0, s - context) : s]
    right = text[e : e + context] + ("…" if e + context < len(text) else "")
    return safe(f"{left}[{text[s:e]}]{right}")


def render_audit_text(report: dict[str, Any], quiet: bool = False) -> str:
    f = report["file"]
    summ = report["summary"]
    lines = [
        f"file:      {safe(f['path'])} ({f['format']} {safe(f['version'])}, {f['source_lang']} -> {f['target_lang']})",
        f"segments:  {summ['segments']} ("
        + ", ".join(f"{k} {v}" for k, v in summ["statuses"].items() if v)
        + ")",
        "findings:  " + ", ".join(f"{k} {v}" for k, v in summ["counts"].items()) + f" ({sum(summ['counts'].values())} in all)",
    ]
    if summ.get("cross_segment"):
        lines.append(f"across:    {summ['cross_segment']} segment(s) whose content is in another unit")
    for note in report.get("notes") or []:
        lines.append(f"note:      {safe(note)}")
    if quiet:
        return "\n".join(lines) + "\n"
    for seg in report["segments"]:
        if not seg["findings"] and seg["status"] == "translated":
            continue
        lines.append("")
        lines.append(f"[{safe(seg['id'])}] " + (STATUS_TEXT.get(seg["status"], seg["status"]) if seg["status"] != "translated" else f"{len(seg['findings'])} finding(s)"))
        lines.append(f"   source:    {safe(seg['source'])}")
        if seg["target"] is not None:
            lines.append(f"   target:    {safe(seg['target'])}")
        for x in seg["findings"]:
            lines.append(f"   {x['id']} {x['type'].upper()} ({x['severity']}, confidence {x['confidence']:.2f})")
            lines.append(f"      source:    {_quote(seg['source'], x['source_span'])}")
            lines.append(f"      target:    {_quote(seg['target'], x['rendition_span'])}")
            if x.get("evidence"):
                lines.append(f"      evidence:  {safe(x['evidence'])}")
        for note in seg.get("notes") or []:
            lines.append(f"   note: {safe(note)}")
    for x in report.get("cross_segment") or []:
        lines.append("")
        lines.append(
            f"{x['type'].upper()} across units: source of [{safe(x['source_segment'])}] “{safe(x['source_span']['text'])}” "
            f"is rendered in [{safe(x['rendition_segment'])}] “{safe(x['rendition_span']['text'])}” (similarity {x['similarity']:.2f})"
        )
    return "\n".join(lines) + "\n"
