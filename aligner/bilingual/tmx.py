"""TMX 1.4 (LISA): ``<header srclang>``, ``<tu tuid>`` with one ``<tuv xml:lang><seg>`` per
language. The source is the ``<tuv>`` in the header's ``srclang`` (the first one when it
is ``*all*``); the target is the first other ``<tuv>``.

Inline: ``<hi>`` wraps text; ``<bpt>``, ``<ept>``, ``<it>``, ``<ph>``, ``<ut>`` are codes.
"""

from __future__ import annotations

from .inline import InlineRules, flatten
from .model import BilingualFile, SegmentPair
from .safexml import Node, XmlDocument

XML_LANG = "http://www.w3.org/XML/1998/namespace lang"
RULES = InlineRules(frozenset({"hi"}))


def _lang(tuv: Node) -> str:
    return tuv.attrs.get(XML_LANG) or tuv.attrs.get("lang") or ""


def read_tmx(doc: XmlDocument) -> BilingualFile:
    root = doc.root
    header = root.first("header")
    srclang = header.attrs.get("srclang", "") if header is not None else ""
    if srclang == "*all*":
        srclang = ""
    segments: list[SegmentPair] = []
    tgt_lang = None
    for n, tu in enumerate(root.iter("tu"), 1):
        tuvs = [t for t in tu.elements("tuv") if t.first("seg") is not None]
        if not tuvs:
            continue
        if not srclang:
            srclang = _lang(tuvs[0])
        src = next((t for t in tuvs if _lang(t).lower() == srclang.lower()), tuvs[0])
        tgt = next((t for t in tuvs if t is not src), None)
        notes = [x.text_content().strip() for x in tu.elements("note") if x.text_content().strip()]
        s_text, s_codes, s_layout = flatten(src.first("seg"), doc.data, doc.encoding, RULES)
        pair = SegmentPair(tu.attrs.get("tuid") or str(n), s_text, None, s_codes, [], "", notes, tu.line, s_layout)
        if tgt is not None:
            tgt_lang = tgt_lang or _lang(tgt) or None
            pair.target, pair.target_codes, pair.target_layout = flatten(tgt.first("seg"), doc.data, doc.encoding, RULES)
        segments.append(pair)
    return BilingualFile(doc.path, "tmx", segments, srclang or None, tgt_lang, version=root.attrs.get("version", ""), xml=doc)
