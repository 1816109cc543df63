"""XLIFF 2.0/2.1/2.2 (OASIS): ``<xliff srcLang trgLang>``, ``<file>``, ``<unit>`` (also
inside ``<group>``), ``<segment id state>`` with ``<source>`` and ``<target>``,
``<notes><note>``.

Inline: ``<pc>`` and ``<mrk>`` wrap text; ``<ph/>``, ``<sc/>``, ``<ec/>``, ``<sm/>``,
``<em/>``, ``<cp/>`` are codes. A segment's id is its own ``id`` when it has one, else
the unit id (with ``/N`` when the unit has several segments). ``<ignorable>`` parts
(whitespace between segments) are not audited. Units with ``translate="no"`` are skipped.
"""

from __future__ import annotations

from .inline import InlineRules, flatten
from .model import BilingualFile, SegmentPair
from .safexml import XmlDocument

NS = "urn:oasis:names:tc:xliff:document:2.0"
RULES = InlineRules(frozenset({"pc", "mrk"}))


def read_xliff2(doc: XmlDocument) -> BilingualFile:
    root = doc.root
    segments: list[SegmentPair] = []
    for n, unit in enumerate(root.iter("unit"), 1):
        if unit.attrs.get("translate") == "no":
            continue
        uid = unit.attrs.get("id") or str(n)
        notes_el = unit.first("notes")
        notes = [x.text_content().strip() for x in notes_el.elements("note")] if notes_el is not None else []
        segs = unit.elements("segment")
        for k, seg in enumerate(segs, 1):
            source, target = seg.first("source"), seg.first("target")
            if source is None:
                continue
            sid = seg.attrs.get("id") or (uid if len(segs) == 1 else f"{uid}/{k}")
            s_text, s_codes, s_layout = flatten(source, doc.data, doc.encoding, RULES)
            pair = SegmentPair(sid, s_text, None, s_codes, [], seg.attrs.get("state", ""), [x for x in notes if x], seg.line, s_layout)
            if target is not None:
                pair.target, pair.target_codes, pair.target_layout = flatten(target, doc.data, doc.encoding, RULES)
            segments.append(pair)
    return BilingualFile(
        doc.path, "xliff2", segments, root.attrs.get("srcLang"), root.attrs.get("trgLang"), version=root.attrs.get("version", "2.0"), xml=doc
    )
