"""Write an audited XLIFF back with ITS 2.0 Localization Quality Issue marks.

The output is the input file, byte for byte, with only these insertions:

- on the root ``<xliff>`` start tag, ``xmlns:its="http://www.w3.org/2005/11/its"`` and
  ``its:version="2.0"`` (when not already there);
- around each finding's span, in the ``<target>`` (the ``<source>`` for DROPPED, or
  whichever side has the span): XLIFF 2 ``<mrk id type="its:generic" its:...>`` (the
  ITS module of XLIFF 2.1), XLIFF 1.2 ``<mrk mtype="x-its" its:...>`` (the ITS 2.0
  mapping for XLIFF 1.2), with ``its:locQualityIssueType``, ``...Comment`` and
  ``...Severity``.

Nothing is re-serialised, so entities, CDATA, comments, attribute order, whitespace and
the encoding stay as they were. A mark must open and close at the same element depth;
when a span starts inside ``<g>``/``<pc>`` and ends outside it, XLIFF 2 uses the
standalone pair ``<sm/>``/``<em/>`` (made for exactly this) on the exact span and XLIFF
1.2 widens the mark to the enclosing code. Partly overlapping findings are handled
the same way. Inside CDATA a mark closes and reopens the section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError
from ..reports.xliff_report import ISSUE_TYPES, SEVERITY_SCORES, xml_text
from .inline import Layout, Slot

ITS_NS = "http://www.w3.org/2005/11/its"
CROSS_TYPE = "other"


@dataclass(slots=True)
class _Mark:
    layout: Layout
    start: int
    end: int
    attrs: dict[str, str]


def _attr(value: str) -> str:
    v = xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return v.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _comment(f) -> str:
    text = f"{f.type} ({f.severity}, confidence {float(f.confidence):.2f})"
    if f.evidence:
        text += f": {f.evidence}"
    if f.cues:
        text += "; cues: " + ", ".join(map(str, f.cues))
    other = f.rendition_span if f.type == "dropped" else f.source_span
    if other is not None:
        short = other.text if len(other.text) <= 200 else other.text[:197] + "…"
        text += f"; counterpart: “{short}”"
    return text + f"; aligner finding {f.id}"


def _marks(audit) -> list[_Mark]:
    marks: list[_Mark] = []
    for seg in audit.segments:
        pair = seg.pair
        for f in seg.findings:
            side = "source" if f.type == "dropped" else "target"
            span = f.source_span if side == "source" else f.rendition_span
            if span is None:
                side = "target" if side == "source" else "source"
                span = f.rendition_span if side == "target" else f.source_span
            layout = pair.source_layout if side == "source" else pair.target_layout
            if span is None or layout is None:
                continue
            attrs = {
                "its:locQualityIssueType": ISSUE_TYPES.get(f.type, "other"),
                "its:locQualityIssueComment": _comment(f),
                "its:locQualityIssueSeverity": str(SEVERITY_SCORES.get(f.severity, 50)),
            }
            marks.append(_Mark(layout, span.start, span.end, attrs))
    by_id = {s.pair.id: s.pair for s in audit.segments}
    for x in audit.cross:
        pair = by_id.get(x.rendition_segment)
        if pair is None or pair.target_layout is None:
            continue
        comment = (
            f"{x.kind}: renders content of unit {x.source_segment} (“{x.source_span.text[:200]}”, similarity {x.similarity:.2f}); "
            "reported instead of a drop there and an addition here"
        )
        attrs = {"its:locQualityIssueType": CROSS_TYPE, "its:locQualityIssueComment": comment, "its:locQualityIssueSeverity": "30"}
        marks.append(_Mark(pair.target_layout, x.rendition_span.start, x.rendition_span.end, attrs))
    return marks


def _root_insert(data: bytes, start: int, open_end: int, encoding: str) -> list[tuple[int, int, str]]:
    tag = data[start:open_end].decode(encoding, errors="replace")
    add = ""
    if not re.search(r"\sxmlns:its\s*=", tag):
        add += f' xmlns:its="{ITS_NS}"'
    if not re.search(r"\sits:version\s*=", tag):
        add += ' its:version="2.0"'
    if not add:
        return []
    width = len(">".encode(encoding))  # 2 bytes in UTF-16
    end = open_end - width
    if data[end - width : end] == "/".encode(encoding):
        end -= width
    return [(end, 0, add)]


def write_back(audit) -> bytes:
    """The annotated copy of the audited XLIFF (bytes, in the file's own encoding)."""
    bf = audit.file
    if bf.format not in ("xliff1", "xliff2") or bf.xml is None:
        raise InputError(f"{bf.path}: XLIFF write-back needs an XLIFF input (this is {bf.format}); choose -f json, text, html or tsv")
    doc = bf.xml
    v2 = bf.format == "xliff2"
    inserts: list[tuple[int, int, str]] = _root_insert(doc.data, doc.root.start, doc.root.open_end, doc.encoding)
    accepted: list[tuple[Layout, int, int]] = []
    for n, m in enumerate(_marks(audit), 1):
        attrs = " ".join(f'{k}="{_attr(v)}"' for k, v in m.attrs.items())
        start, end = m.start, m.end
        crossing = [(a, b) for lay, a, b in accepted if lay is m.layout and a < end and start < b and not (a <= start and end <= b) and not (start <= a and b <= end)]
        if crossing and not v2:
            start, end = min([start] + [a for a, _ in crossing]), max([end] + [b for _, b in crossing])
        pair = None if (crossing and v2) else m.layout.pair(start, end)
        if pair is None and v2:
            a = m.layout.at(m.layout.nearest(start, False))[-1]
            b = m.layout.at(m.layout.nearest(end, True))[0]
            mid = f"aligner{n}"
            inserts.append(_wrap(a, 2, f'<sm id="{mid}" type="its:generic" {attrs}/>'))
            inserts.append(_wrap(b, 0, f'<em startRef="{mid}"/>'))
            continue
        if pair is None:
            continue
        a, b = pair
        accepted.append((m.layout, start, end))
        width = b.byte - a.byte
        if v2:
            open_tag = f'<mrk id="aligner{n}" type="its:generic" {attrs}>'
        else:
            open_tag = f'<mrk mtype="x-its" {attrs}>'
        # Order of insertions at one byte: closing marks first, then wider opens first.
        inserts.append(_wrap(a, 2, open_tag, -width))
        inserts.append(_wrap(b, 1, "</mrk>", -width))
    return _splice(doc.data, inserts, doc.encoding)


def _wrap(slot: Slot, rank: int, markup: str, width: int = 0) -> tuple[int, int, str]:
    if slot.cdata:
        markup = "]]>" + markup + "<![CDATA["
    return (slot.byte, rank * 10**9 + (width if rank == 2 else -width), markup)


def _splice(data: bytes, inserts: list[tuple[int, int, str]], encoding: str) -> bytes:
    out: list[bytes] = []
    last = 0
    for pos, _, markup in sorted(inserts, key=lambda t: (t[0], t[1])):
        out.append(data[last:pos])
        out.append(markup.encode(encoding, errors="xmlcharrefreplace"))
        last = pos
    out.append(data[last:])
    return b"".join(out)
