"""Safe XML parsing into a small tree that remembers where everything is in the bytes.

Bilingual files come from other people's tools, so the XML is untrusted. Two guards:

1. ``defusedxml`` parses the bytes first and refuses entity declarations (billion
   laughs, quadratic blow-up), external entities and external references, before any
   entity is expanded and without opening any other file or URL.
2. The tree itself is built with expat directly (the same handlers refuse entity
   declarations and external references again), because the write-back needs the
   *byte* position of every tag and every run of text to splice marks into the
   original file instead of re-serialising it.

A malformed file gives one line naming the line and column of the error.
"""

from __future__ import annotations

import re
import xml.parsers.expat as expat
from dataclasses import dataclass, field

from ..errors import InputError


@dataclass(slots=True)
class Text:
    """A run of character data: ``text`` as parsed, at bytes ``[start, end)``.

    ``exact`` is true when the raw bytes decode to ``text`` one for one (no entity or
    character reference, no CR-LF), so every character boundary has a byte position;
    otherwise only the two ends do. ``cdata`` marks text inside a CDATA section."""

    text: str
    start: int
    end: int = -1
    cdata: bool = False
    exact: bool = False


@dataclass(slots=True)
class Node:
    """An element: namespace URI, local name, attributes, children, byte positions.

    ``start`` is the ``<`` of the start tag, ``open_end`` the byte after its ``>``,
    ``end`` the byte after the end tag (``open_end == end`` for an empty element)."""

    ns: str
    name: str
    attrs: dict[str, str]
    start: int
    open_end: int = -1
    end: int = -1
    children: list[Node | Text | Other] = field(default_factory=list)
    line: int = 0

    def elements(self, name: str | None = None) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node) and (name is None or c.name == name)]

    def first(self, name: str) -> Node | None:
        for c in self.children:
            if isinstance(c, Node) and c.name == name:
                return c
        return None

    def iter(self, name: str):
        """Every descendant element called ``name``, in document order."""
        for c in self.children:
            if isinstance(c, Node):
                if c.name == name:
                    yield c
                yield from c.iter(name)

    def text_content(self) -> str:
        parts: list[str] = []
        for c in self.children:
            if isinstance(c, Text):
                parts.append(c.text)
            elif isinstance(c, Node):
                parts.append(c.text_content())
        return "".join(parts)


@dataclass(slots=True)
class Other:
    """A comment or processing instruction inside an element (kept, never text)."""

    start: int
    end: int = -1


@dataclass(slots=True)
class XmlDocument:
    data: bytes
    encoding: str
    root: Node
    path: str


_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def xml_encoding(data: bytes) -> str:
    """The document's encoding: a byte-order mark, else the XML declaration, else UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if data.startswith(b"\xfe\xff"):
        return "utf-16-be"
    m = _DECL_ENCODING.match(data[:200])
    return m.group(1).decode("ascii").lower() if m else "utf-8"


def _forbid(kind: str):
    def handler(*_args):
        raise _Refused(kind)

    return handler


class _Refused(Exception):
    pass


def _gate(data: bytes, name: str) -> None:
    """Parse once with defusedxml: refuse hostile constructs, report malformed XML."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"{name}: refused: the XML declares entities or external references ({type(exc).__name__}); "
            "bilingual files never need them, and expanding them is how hostile files exhaust memory or read other files"
        ) from None
    except DET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        reason = expat.errors.messages.get(getattr(exc, "code", 0), str(exc).split(":")[0])
        raise InputError(f"{name}: not well-formed XML at line {line}, column {col + 1}: {reason}") from None


def parse_xml(data: bytes, name: str) -> XmlDocument:
    """Parse untrusted XML bytes into a :class:`Node` tree with byte positions."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    _gate(data, name)
    parser = expat.ParserCreate(namespace_separator=" ")
    for attr in ("EntityDeclHandler", "UnparsedEntityDeclHandler", "ExternalEntityRefHandler"):
        setattr(parser, attr, _forbid(attr))
    stack: list[Node] = []
    root: list[Node] = []
    waiting: list[object] = []  # objects whose end is the position of the next event
    in_cdata = [False]

    def settle() -> None:
        pos = parser.CurrentByteIndex
        for obj in waiting:
            if isinstance(obj, tuple):  # (node, "open")
                obj[0].open_end = pos
            else:
                obj.end = pos
        waiting.clear()

    def split(qname: str) -> tuple[str, str]:
        ns, _, local = qname.rpartition(" ")
        return ns, local

    def start(qname, attrs):
        settle()
        ns, local = split(qname)
        node = Node(ns, local, attrs, parser.CurrentByteIndex, line=parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)
        waiting.append((node, "open"))

    def end(_qname):
        settle()
        waiting.append(stack.pop())

    def chars(text):
        settle()
        if not stack:
            return
        t = Text(text, parser.CurrentByteIndex, cdata=in_cdata[0])
        stack[-1].children.append(t)
        waiting.append(t)

    def other(*_args):
        settle()
        if stack:
            o = Other(parser.CurrentByteIndex)
            stack[-1].children.append(o)
            waiting.append(o)

    def cdata_start():
        settle()
        in_cdata[0] = True

    def cdata_end():
        settle()
        in_cdata[0] = False

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.CommentHandler = other
    parser.ProcessingInstructionHandler = other
    parser.StartCdataSectionHandler = cdata_start
    parser.EndCdataSectionHandler = cdata_end
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise InputError(f"{name}: refused: the XML declares entities or external references ({exc})") from None
    except expat.ExpatError as exc:
        raise InputError(f"{name}: not well-formed XML at line {exc.lineno}, column {exc.offset + 1}: {expat.errors.messages.get(exc.code, exc)}") from None
    if not root:
        raise InputError(f"{name}: no XML element")
    final = data.rfind(b">") + 1  # the root's end tag is the last tag
    for obj in waiting:
        if isinstance(obj, tuple):
            obj[0].open_end = final
        else:
            obj.end = final
    encoding = xml_encoding(data)
    _mark_exact(root[0], data, encoding)
    return XmlDocument(data, encoding, root[0], name)


def _mark_exact(node: Node, data: bytes, encoding: str) -> None:
    for c in node.children:
        if isinstance(c, Text):
            try:
                c.exact = data[c.start : c.end].decode(encoding) == c.text
            except (UnicodeDecodeError, LookupError):
                c.exact = False
        elif isinstance(c, Node):
            _mark_exact(c, data, encoding)
