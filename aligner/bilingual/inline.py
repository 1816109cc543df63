"""Inline content of a ``<source>``/``<target>``/``<seg>``: plain text, the codes kept
out of it, and where every text position lies in the original bytes.

Each format names which inline elements *wrap text* (XLIFF 1.2 ``<g>``, ``<mrk>``;
XLIFF 2 ``<pc>``, ``<mrk>``; TMX ``<hi>``) and which are *codes* whose content is the
original document's markup, never text (``<x/>``, ``<ph>``, ``<bpt>``, ``<sc/>`` ...).

A :class:`Slot` is a place where a mark may be spliced: a text offset, a byte
position, and the chain of wrapping elements open there. A mark can only open and
close at the same depth, or the file would no longer be well formed; :meth:`Layout.pair`
finds such a pair of slots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import InlineCode
from .safexml import Node, Other, Text


@dataclass(frozen=True, slots=True)
class Slot:
    offset: int
    byte: int
    path: tuple[int, ...]
    cdata: bool = False


@dataclass(slots=True)
class Layout:
    """Byte geometry of one side of a segment (for splicing marks into the file)."""

    slots: list[Slot] = field(default_factory=list)
    runs: list[tuple[int, Text, tuple[int, ...]]] = field(default_factory=list)
    encoding: str = "utf-8"
    length: int = 0

    def at(self, offset: int) -> list[Slot]:
        """Every slot at text ``offset``, in document order (inside exact text runs too)."""
        out = [s for s in self.slots if s.offset == offset]
        for t0, run, path in self.runs:
            if run.exact and t0 < offset < t0 + len(run.text):
                byte = run.start + len(run.text[: offset - t0].encode(self.encoding))
                out.append(Slot(offset, byte, path, run.cdata))
        out.sort(key=lambda s: s.byte)
        return out

    def nearest(self, offset: int, forward: bool) -> int:
        """The closest offset at or beyond ``offset`` (towards the span's outside) with a slot."""
        step = 1 if forward else -1
        o = offset
        while 0 <= o <= self.length:
            if self.at(o):
                return o
            o += step
        return 0 if not forward else self.length

    def pair(self, start: int, end: int) -> tuple[Slot, Slot] | None:
        """Slots for a mark over ``[start, end)`` at the same depth, outermost first;
        the span is widened (never narrowed) to the nearest positions that allow it."""
        start = self.nearest(start, forward=False)
        end = self.nearest(end, forward=True)
        while True:
            opens, closes = self.at(start), self.at(end)
            # Outermost depth first, then the tightest pair (codes standing at the
            # span's edges stay outside the mark).
            pairs = [(a, b) for a in opens for b in closes if a.path == b.path and a.byte <= b.byte]
            if pairs:
                return min(pairs, key=lambda p: (len(p[0].path), -p[0].byte, p[1].byte))
            if start == 0 and end == self.length:
                return None
            if start > 0:
                start = self.nearest(start - 1, forward=False)
            if end < self.length:
                end = self.nearest(end + 1, forward=True)


@dataclass(frozen=True, slots=True)
class InlineRules:
    """Which inline elements wrap text; every other inline element is a code."""

    wrapping: frozenset[str]


def close_tag_start(node: Node) -> int:
    """Byte position of ``node``'s end tag (its open end when it has no content)."""
    last = node.children[-1] if node.children else None
    return last.end if last is not None else node.open_end


def flatten(container: Node, data: bytes, encoding: str, rules: InlineRules) -> tuple[str, list[InlineCode], Layout]:
    """Text, inline codes and byte layout of ``container``'s content."""
    parts: list[str] = []
    codes: list[InlineCode] = []
    layout = Layout(encoding=encoding)
    offset = 0
    counter = [0]

    def raw(a: int, b: int) -> str:
        return data[a:b].decode(encoding, errors="replace")

    def walk(node: Node, path: tuple[int, ...]) -> None:
        nonlocal offset
        layout.slots.append(Slot(offset, node.open_end, path))
        for c in node.children:
            if isinstance(c, Text):
                layout.slots.append(Slot(offset, c.start, path, c.cdata))
                layout.runs.append((offset, c, path))
                parts.append(c.text)
                offset += len(c.text)
                layout.slots.append(Slot(offset, c.end, path, c.cdata))
            elif isinstance(c, Other):
                layout.slots.append(Slot(offset, c.start, path))
                layout.slots.append(Slot(offset, c.end, path))
            elif c.name in rules.wrapping:
                layout.slots.append(Slot(offset, c.start, path))
                codes.append(InlineCode(offset, raw(c.start, c.open_end)))
                counter[0] += 1
                walk(c, (*path, counter[0]))
                if c.end > c.open_end:
                    codes.append(InlineCode(offset, raw(close_tag_start(c), c.end)))
                layout.slots.append(Slot(offset, c.end, path))
            else:  # a code, known or not: never text
                layout.slots.append(Slot(offset, c.start, path))
                codes.append(InlineCode(offset, raw(c.start, c.end)))
                layout.slots.append(Slot(offset, c.end, path))
        layout.slots.append(Slot(offset, close_tag_start(node), path))

    walk(container, ())
    layout.length = offset
    return "".join(parts), codes, layout
