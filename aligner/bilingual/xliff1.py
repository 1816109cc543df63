"""XLIFF 1.2 (OASIS): ``<file source-language target-language>``, ``<trans-unit>`` with
``<source>``, ``<target state>``, ``<note>``; segmented units (``<seg-source>`` with
``<mrk mtype="seg" mid>``, as Trados and memoQ export) give one segment per ``mid``.

Inline: ``<g>`` and ``<mrk>`` wrap text; ``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``,
``<bpt>``, ``<ept>``, ``<it>`` are codes (their content is native markup, not text).
Units marked ``translate="no"`` are skipped.
"""

from __future__ import annotations

from .inline import InlineRules, flatten
from .model import BilingualFile, SegmentPair
from .safexml import Node, XmlDocument

NS = "urn:oasis:names:tc:xliff:document:1.2"
RULES = InlineRules(frozenset({"g", "mrk"}))


def _side(doc: XmlDocument, node: Node) -> tuple:
    return flatten(node, doc.data, doc.encoding, RULES)


def _seg_mrks(node: Node | None) -> dict[str, Node]:
    if node is None:
        return {}
    return {m.attrs.get("mid", ""): m for m in node.iter("mrk") if m.attrs.get("mtype") == "seg"}


def read_xliff1(doc: XmlDocument) -> BilingualFile:
    root = doc.root
    files = root.elements("file")
    src_lang = next((f.attrs.get("source-language") for f in files if f.attrs.get("source-language")), None)
    tgt_lang = next((f.attrs.get("target-language") for f in files if f.attrs.get("target-language")), None)
    segments: list[SegmentPair] = []
    for n, tu in enumerate(root.iter("trans-unit"), 1):
        if tu.attrs.get("translate") == "no":
            continue
        uid = tu.attrs.get("id") or str(n)
        notes = [x.text_content().strip() for x in tu.elements("note") if x.text_content().strip()]
        source, target = tu.first("source"), tu.first("target")
        if source is None:
            continue
        state = target.attrs.get("state", "") if target is not None else ""
        src_segs, tgt_segs = _seg_mrks(tu.first("seg-source")), _seg_mrks(target)
        if src_segs:
            for mid, smrk in src_segs.items():
                segments.append(_pair(doc, f"{uid}#{mid}", smrk, tgt_segs.get(mid), state, notes, tu.line))
        else:
            segments.append(_pair(doc, uid, source, target, state, notes, tu.line))
    return BilingualFile(doc.path, "xliff1", segments, src_lang, tgt_lang, version=root.attrs.get("version", "1.2"), xml=doc)


def _pair(doc: XmlDocument, sid: str, source: Node, target: Node | None, state: str, notes: list[str], line: int) -> SegmentPair:
    s_text, s_codes, s_layout = _side(doc, source)
    if target is None:
        return SegmentPair(sid, s_text, None, s_codes, [], state, notes, line, s_layout, None)
    t_text, t_codes, t_layout = _side(doc, target)
    return SegmentPair(sid, s_text, t_text, s_codes, t_codes, state, notes, line, s_layout, t_layout)
