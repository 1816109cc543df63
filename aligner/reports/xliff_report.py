"""XLIFF 2.1 with ITS 2.0 Localization Quality Issue marks.

One ``<unit id="bN">`` per sentence bead (in the order of the report's
``sentence_alignment``), one ``<segment>`` with the bead's source and target text (a
1-0 bead has an empty target, a 0-1 bead an empty source). Each finding becomes an
``<mrk type="its:generic" its:locQualityIssueType=...>`` around the exact span it
concerns: in the source for DROPPED, in the target for the other types (or in the only
side that has a span). A span that runs over several beads is marked in each of them,
on the part inside that segment. Where two findings overlap without nesting, the later
one is written as an ``<sm/>``/``<em/>`` pair (XLIFF's markers for overlapping spans).

The document is built with :mod:`xml.etree.ElementTree` (escaping is its job);
characters that XML 1.0 forbids are replaced by U+FFFD one for one, so offsets keep
their meaning, and carriage returns are written as ``&#13;`` so that parsers keep them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from .model import FindingView, Report, SentenceEntry, as_report

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
ITS_NS = "http://www.w3.org/2005/11/its"
XML_NS = "http://www.w3.org/XML/1998/namespace"

ISSUE_TYPES = {
    "dropped": "omission",
    "added": "addition",
    "changed": "mistranslation",
    "contradicted": "mistranslation",
    "softened": "style",
    "strengthened": "style",
}
SEVERITY_SCORES = {"high": 90, "medium": 60, "low": 30}

_INVALID_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LANG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
_NMTOKEN_BAD = re.compile(r"[^A-Za-z0-9._-]")


def xml_text(value: Any) -> str:
    """Text with the characters XML 1.0 cannot carry replaced by U+FFFD (one for one)."""
    return _INVALID_XML.sub("\ufffd", "" if value is None else str(value))


def _q(name: str, ns: str = XLIFF_NS) -> str:
    return f"{{{ns}}}{name}"


def _lang(v: Any) -> str:
    s = str(v or "")
    return s if _LANG.match(s) else "und"


class _Seg:
    """The text of one side of a bead and how document offsets map into it."""

    def __init__(self, doc_text: str, sentences: list[tuple[int, int]]):
        self.ranges: list[tuple[int, int, int]] = []  # doc start, doc end, segment start
        parts: list[str] = []
        pos = 0
        prev_end: int | None = None
        for a, b in sentences:
            if prev_end is not None:
                if a >= prev_end:
                    gap_start = prev_end  # the original text between the sentences
                    self.ranges.append((gap_start, a, pos))
                    parts.append(doc_text[gap_start:a])
                    pos += a - gap_start
                else:
                    parts.append(" ")
                    pos += 1
            self.ranges.append((a, b, pos))
            parts.append(doc_text[a:b])
            pos += b - a
            prev_end = b
        self.text = "".join(parts)

    def clip(self, s: int, e: int) -> tuple[int, int] | None:
        """The segment interval covered by the document span ``[s, e)``, or None."""
        lo = hi = None
        for a, b, p in self.ranges:
            x, y = max(s, a), min(e, b)
            if x < y or (s == e and a <= s <= b):
                lo = p + x - a if lo is None else min(lo, p + x - a)
                hi = p + y - a if hi is None else max(hi, p + y - a)
        return None if lo is None else (lo, hi)

    @property
    def span(self) -> tuple[int, int] | None:
        if not self.ranges:
            return None
        return self.ranges[0][0], self.ranges[-1][1]


def _append_text(elem: ET.Element, text: str) -> None:
    if not text:
        return
    if len(elem):
        last = elem[-1]
        last.tail = (last.tail or "") + text
    else:
        elem.text = (elem.text or "") + text


def _fill(parent: ET.Element, text: str, marks: list[tuple[int, int, dict[str, str]]]) -> None:
    """Write ``text`` into ``parent`` with ``<mrk>`` around each mark's range; marks that
    would overlap an accepted one without nesting become ``<sm/>``/``<em/>`` pairs."""
    nested: list[tuple[int, int, dict[str, str]]] = []
    loose: list[tuple[int, int, dict[str, str]]] = []
    for m in sorted(marks, key=lambda m: (m[0], -m[1])):
        s, e = m[0], m[1]
        if all(e <= a or s >= b or (a <= s and e <= b) or (s <= a and b <= e) for a, b, _ in nested):
            nested.append(m)
        else:
            loose.append(m)
    positions = sorted({0, len(text)} | {p for m in nested + loose for p in (m[0], m[1])})
    stack: list[tuple[ET.Element, int]] = [(parent, len(text) + 1)]
    cursor = 0
    for pos in positions:
        _append_text(stack[-1][0], text[cursor:pos])
        cursor = pos
        while len(stack) > 1 and stack[-1][1] <= pos:
            stack.pop()
        for s, e, attrs in loose:
            if e == pos and s != e:
                ET.SubElement(stack[-1][0], _q("em"), {"startRef": attrs["id"]})
        for s, e, attrs in loose:
            if s == pos:
                ET.SubElement(stack[-1][0], _q("sm"), attrs)
                if s == e:
                    ET.SubElement(stack[-1][0], _q("em"), {"startRef": attrs["id"]})
        for s, e, attrs in sorted((m for m in nested if m[0] == pos), key=lambda m: -m[1]):
            el = ET.SubElement(stack[-1][0], _q("mrk"), attrs)
            if e > s:
                stack.append((el, e))
    _append_text(stack[-1][0], text[cursor:])


def _comment(f: FindingView, counterpart: str | None) -> str:
    parts = [f"{f.type or '?'} ({f.severity or '?'}, confidence {f.confidence:.2f})"]
    if f.evidence:
        parts[0] += f": {f.evidence}"
    if f.cues:
        parts.append("cues: " + ", ".join(f.cues))
    if counterpart is not None:
        short = counterpart if len(counterpart) <= 200 else counterpart[:197] + "…"
        parts.append(f"counterpart: “{short}”")
    parts.append(f"finding {f.id or '?'}")
    return xml_text("; ".join(parts))


def _indent(elem: ET.Element, level: int = 0) -> None:
    """Pretty-print the structural elements only (never inside source/target)."""
    if elem.tag in (_q("source"), _q("target"), _q("note")) or not len(elem):
        return
    pad = "\n" + "  " * (level + 1)
    elem.text = pad
    for child in elem:
        _indent(child, level + 1)
        child.tail = pad
    elem[-1].tail = "\n" + "  " * level


def render_xliff(report: Report | Any) -> str:
    """A report (or a report dictionary) as XLIFF 2.1."""
    r = as_report(report)
    ET.register_namespace("", XLIFF_NS)
    ET.register_namespace("its", ITS_NS)
    src, tgt = r.source, r.rendition
    texts = {"s": src.text, "r": tgt.text}
    sents: dict[str, dict[int, SentenceEntry]] = {"s": {s.id: s for s in src.sentences}, "r": {s.id: s for s in tgt.sentences}}

    beads: list[dict] = []
    seen: dict[str, set[int]] = {"s": set(), "r": set()}
    for b in r.sentence_alignment:
        ids = {}
        for key, given in (("s", b.source), ("r", b.rendition)):
            ids[key] = sorted(i for i in given if i in sents[key] and i not in seen[key])
            seen[key].update(ids[key])
        if ids["s"] or ids["r"]:
            beads.append({"ids": ids, "moved": b.moved, "score": b.score})
    for key in ("s", "r"):
        for sid in sorted(set(sents[key]) - seen[key]):
            beads.append({"ids": {"s": [sid] if key == "s" else [], "r": [sid] if key == "r" else []}, "moved": False, "score": 0.0})
    for b in beads:
        b["seg"] = {k: _Seg(texts[k], [(sents[k][i].start, sents[k][i].end) for i in b["ids"][k]]) for k in ("s", "r")}
        b["marks"] = {"s": [], "r": []}

    for k, f in enumerate(r.findings):
        spans = {key: (sp.start, sp.end, sp.text) for key, sp in (("s", f.source_span), ("r", f.rendition_span)) if sp is not None}
        if not spans:
            continue
        side = "s" if f.type == "dropped" else "r"
        if side not in spans:
            side = "s" if "s" in spans else "r"
        other = "r" if side == "s" else "s"
        s, e, _ = spans[side]
        counterpart = spans[other][2] if other in spans else None
        fid = _NMTOKEN_BAD.sub("_", f.id) or f"f{k + 1}"
        attrs = {
            "type": "its:generic",
            _q("locQualityIssueType", ITS_NS): ISSUE_TYPES.get(f.type, "other"),
            _q("locQualityIssueComment", ITS_NS): _comment(f, counterpart),
            _q("locQualityIssueSeverity", ITS_NS): str(SEVERITY_SCORES.get(f.severity, round(100 * max(0.0, min(1.0, f.confidence))))),
        }
        hits = [(b, b["seg"][side].clip(s, e)) for b in beads]
        hits = [(b, h) for b, h in hits if h is not None]
        if not hits:
            # The span lies outside every sentence: mark the nearest place, empty.
            best = min(
                (b for b in beads if b["seg"][side].span),
                key=lambda b: min(abs(b["seg"][side].span[0] - s), abs(b["seg"][side].span[1] - s)),
                default=None,
            )
            if best is None:
                continue
            a, _ = best["seg"][side].span
            pos = 0 if s <= a else len(best["seg"][side].text)
            hits = [(best, (pos, pos))]
        for n, (b, (x, y)) in enumerate(hits):
            mid = fid if n == 0 else f"{fid}.{n + 1}"
            used = {m[2]["id"] for key in ("s", "r") for m in b["marks"][key]}
            while mid in used:
                mid += "_"
            b["marks"][side].append((x, y, {"id": mid, **attrs}))

    root = ET.Element(
        _q("xliff"),
        {"version": "2.1", "srcLang": _lang(src.lang), "trgLang": _lang(tgt.lang), _q("version", ITS_NS): "2.0"},
    )
    file_el = ET.SubElement(root, _q("file"), {"id": "f1", "original": xml_text(src.path)})
    fnotes = ET.SubElement(file_el, _q("notes"))
    ET.SubElement(fnotes, _q("note"), {"category": "aligner"}).text = xml_text(
        f"source {src.path} ({src.lang or '?'}, sha256 {src.sha256}); "
        f"rendition {tgt.path} ({tgt.lang or '?'}, sha256 {tgt.sha256})"
    )
    if r.signature:
        ET.SubElement(fnotes, _q("note"), {"category": "signature"}).text = xml_text(r.signature)
    for note in r.notes:
        ET.SubElement(fnotes, _q("note"), {"category": "notice"}).text = xml_text(note)

    for n, b in enumerate(beads, 1):
        s_ids, r_ids = b["ids"]["s"], b["ids"]["r"]
        unit = ET.SubElement(
            file_el,
            _q("unit"),
            {"id": f"b{n}", "name": f"source {','.join(map(str, s_ids)) or '-'} / rendition {','.join(map(str, r_ids)) or '-'}"},
        )
        notes = []
        if b["moved"]:
            notes.append("moved: the rendition sentence stands elsewhere in the rendition")
        if s_ids and r_ids:
            notes.append(f"sentence similarity {b['score']:.2f}")
        if any(sents["s"][i].boilerplate for i in s_ids) or any(sents["r"][i].boilerplate for i in r_ids):
            notes.append("page debris (boilerplate), not counted as a claim")
        glosses = [g for g in (sents["s"][i].translation for i in s_ids) if g is not None and g.strip()]
        if glosses and not src.lang.lower().startswith("en"):
            notes.append("English gloss: " + " ".join(glosses))
        if notes:
            nel = ET.SubElement(unit, _q("notes"))
            for text in notes:
                ET.SubElement(nel, _q("note"), {"category": "aligner"}).text = xml_text(text)
        seg = ET.SubElement(unit, _q("segment"), {"id": f"b{n}s1"})
        for key, tag in (("s", "source"), ("r", "target")):
            el = ET.SubElement(seg, _q(tag))
            if "\n" in b["seg"][key].text or "  " in b["seg"][key].text:
                el.set(_q("space", XML_NS), "preserve")
            _fill(el, xml_text(b["seg"][key].text), b["marks"][key])

    _indent(root)
    body = ET.tostring(root, encoding="unicode")
    # ElementTree leaves a raw CR in text, which parsers would turn into LF.
    body = body.replace("\r", "&#13;")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
