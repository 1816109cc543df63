"""Antonyms: pairs within one language, and concepts shared by every cue file.

Within one language, a cue file lists antonym pairs (``[antonyms] pairs``, with
generated inflections): "rose" / "fell". Across languages, a rendition that turns
German "stieg" into English "fell", or Spanish "ganó" into "lost", contradicts its
source, but no per-language antonym list can say so: the two words are in different
files. Each cue file therefore files its words under
language-neutral concept ids (``[antonyms.concepts] rise = ["stieg", ...]``), and any
file may declare two concepts opposed (``[antonyms.opposed] pairs = [["rise",
"fall"]]``); the union of all files is used. A concept word is one word, or a stem
ending in ``*`` that matches every word starting so (Russian "вырос*": вырос,
выросла, выросли), since news verbs inflect too much to list.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ..text.language import base_language as _base
from .lexicon import cue_form, cues_dir, lexicon

__all__ = ["antonyms_of", "are_antonyms", "are_opposed", "concepts_of"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_MIN_STEM = 3


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).translate(_APOSTROPHES).lower().strip()


@dataclass(frozen=True)
class _Concepts:
    words: Mapping[str, Mapping[str, frozenset[str]]]  # lang -> word -> concepts
    stems: Mapping[str, tuple[tuple[str, str], ...]]  # lang -> (stem, concept), longest first
    opposed: frozenset[tuple[str, str]]


@lru_cache(maxsize=1)
def _concepts() -> _Concepts:
    words: dict[str, dict[str, set[str]]] = {}
    stems: dict[str, list[tuple[str, str]]] = {}
    opposed: set[tuple[str, str]] = set()
    for path in sorted(cues_dir().glob("*.toml")):
        with open(path, "rb") as fh:
            table = tomllib.load(fh).get("antonyms", {})
        lang = path.stem
        for concept, entries in table.get("concepts", {}).items():
            for entry in entries:
                w = _norm(entry)
                if w.endswith("*"):
                    stem = w[:-1]
                    if len(stem) < _MIN_STEM:
                        raise ValueError(f"{path} [antonyms.concepts] {concept}: stem {entry!r} is shorter than {_MIN_STEM}")
                    stems.setdefault(lang, []).append((stem, concept))
                elif " " not in w:
                    words.setdefault(lang, {}).setdefault(w, set()).add(concept)
        for pair in table.get("opposed", {}).get("pairs", []):
            if len(pair) != 2:
                raise ValueError(f"{path} [antonyms.opposed]: pairs have two concepts: {pair!r}")
            a, b = pair
            opposed |= {(a, b), (b, a)}
    return _Concepts(
        words={lang: {w: frozenset(c) for w, c in table.items()} for lang, table in words.items()},
        stems={lang: tuple(sorted(pairs, key=lambda p: -len(p[0]))) for lang, pairs in stems.items()},
        opposed=frozenset(opposed),
    )


def concepts_of(word: str, lang: str) -> frozenset[str]:
    """The concept ids of ``word`` in ``lang`` ("stieg", "de" -> {"rise"}); empty when
    the word is not filed or the language has no cue file."""
    data = _concepts()
    base = _base(lang)
    w = _norm(word)
    found = set(data.words.get(base, {}).get(w, ()))
    for stem, concept in data.stems.get(base, ()):
        if w.startswith(stem):
            found.add(concept)
    return frozenset(found)


def are_opposed(word_a: str, lang_a: str, word_b: str, lang_b: str) -> bool:
    """Whether two words, each in its own language, name opposed concepts: German
    "stieg" and English "fell", Spanish "ganó" and French « perdu ». Works within one
    language too, as a complement to the per-language ``are_antonyms`` pairs."""
    ca = concepts_of(word_a, lang_a)
    if not ca:
        return False
    cb = concepts_of(word_b, lang_b)
    opposed = _concepts().opposed
    return any((a, b) in opposed for a in ca for b in cb)


def antonyms_of(word: str, lang: str) -> frozenset[str]:
    """Every listed form opposite to ``word`` in its own language's pairs ("rose" ->
    fall, falls, fell, ...)."""
    w = cue_form(word)
    out: set[str] = set()
    for left, right in lexicon(lang).antonyms:
        if w in left:
            out |= right
        if w in right:
            out |= left
    return frozenset(out)


def are_antonyms(a: str, b: str, lang: str) -> bool:
    """Whether two words (any listed or generated form) are a known antonym pair;
    a polarity flip such as "increased" vs "decreased" is a contradiction candidate."""
    return cue_form(b) in antonyms_of(a, lang)
