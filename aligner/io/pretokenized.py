"""Word alignment of pre-tokenised parallel text (``source ||| target`` per line).

This is the fast_align / awesome-align interface that benchmarks and research
pipelines use. The file is processed in chunks: each chunk's sentences are embedded
in a few large batches (both sides), then every pair is matched, so memory stays
bounded for files of any length and the model runs once per batch instead of once
per pair.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..alignment.word_alignment import align_words, mean_vector
from ..config import WordAlignmentSettings, default_settings
from ..encoder.embedding import Encoder
from ..errors import InputError, terminal_safe


@dataclass(frozen=True, slots=True)
class Pair:
    line: int
    source: list[str]
    target: list[str]


def parse_pairs(lines: Iterable[str], path: str = "-") -> Iterator[Pair]:
    """Parse ``source ||| target`` lines; an empty line is an empty pair."""
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            yield Pair(n, [], [])
            continue
        separators = line.count("|||")
        if separators != 1:
            found = "no" if not separators else f"{separators}"
            raise InputError(f"{terminal_safe(path)}:{n}: expected 'source ||| target', found {found} '|||' separators")
        left, right = line.split("|||", 1)
        yield Pair(n, left.split(), right.split())


def align_pairs(
    encoder: Encoder,
    pairs: Iterable[Pair],
    method: str | None = None,
    token_type: str | None = None,
    chunk: int = 2000,
    progress: bool = False,
    total: int | None = None,
    center: bool | None = None,
    layer: int | Sequence[int] | None = None,
    settings: WordAlignmentSettings | None = None,
) -> Iterator[list[tuple[int, int]]]:
    """Links (0-indexed) for each pair, in input order. With ``center`` the mean piece
    vector of each side of the chunk is subtracted before matching. ``layer`` picks the
    word layer(s) for these pairs without changing ``encoder``.

    ``method``, ``token_type``, ``center`` and ``layer`` left as None come from
    ``settings`` (the ``[word_alignment]`` section, ``pretokenized_layer`` for the
    layer; None: the defaults of ``configs/``), which is what ``aligner words`` uses."""
    defaults = settings if settings is not None else default_settings().word_alignment
    method = defaults.method if method is None else method
    token_type = defaults.token_type if token_type is None else token_type
    center = defaults.center if center is None else center
    layer = defaults.pretokenized_layer if layer is None else layer
    bar = None
    if progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, desc="aligning", unit="pair", file=sys.stderr, leave=False)
    buffer: list[Pair] = []

    def flush() -> Iterator[list[tuple[int, int]]]:
        sides = encoder.embed([p.source for p in buffer] + [p.target for p in buffer], pooled=False, layer=layer)
        n = len(buffer)
        src_shift = mean_vector(e.pieces for e in sides[:n]) if center else None
        tgt_shift = mean_vector(e.pieces for e in sides[n:]) if center else None
        for k, p in enumerate(buffer):
            if not p.source or not p.target:
                yield []
                continue
            wa = align_words(
                sides[k].pieces, sides[n + k].pieces, method=method, token_type=token_type, src_shift=src_shift, tgt_shift=tgt_shift
            )
            yield [(a, b) for a, b, _ in wa.links]
        if bar:
            bar.update(n)
        buffer.clear()

    for p in pairs:
        buffer.append(p)
        if len(buffer) >= chunk:
            yield from flush()
    if buffer:
        yield from flush()
    if bar:
        bar.close()


def pharaoh(links: list[tuple[int, int]]) -> str:
    return " ".join(f"{a}-{b}" for a, b in links)


def render_links(pairs: Sequence[Pair], aligned: Iterable[list[tuple[int, int]]], fmt: str) -> str:
    """The output of ``aligner words``: one line per pair, Pharaoh ``i-j`` links or
    (``json``) an object with the line number, both sides and the links. ``aligned``
    (from :func:`align_pairs`) is consumed here, so the alignment runs as it is written."""
    out: list[str] = []
    for p, links in zip(pairs, aligned, strict=True):
        if fmt == "pharaoh":
            out.append(pharaoh(links))
        else:
            out.append(json.dumps({"line": p.line, "source": p.source, "target": p.target, "links": links}, ensure_ascii=False))
    return "\n".join(out) + ("\n" if out else "")
