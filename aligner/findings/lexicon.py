"""Cue lexicons: the per-language word lists of ``configs/cues/XX.toml``, compiled.

A rendition can keep every fact and still change the claim: "the US uses Al-Tanf"
becomes "the website wrote that the US uses Al-Tanf" (attributed), "it is possible
that the US is using" (hedged), « ils n'ont pas utilisé » loses its negation, or the
French reporting conditional « aurait utilisé » ("reportedly used") becomes a plain
"used". The word lists live in ``configs/cues/XX.toml`` so that linguists can extend
them without touching code (see the README there); this module reads and checks them
and compiles every entry to token patterns. :mod:`.cue_matching` finds them in a
sentence, :mod:`.scope` says what they govern.

Entries may be multi-word ("according to"), discontinuous ("ne ... pas": one cue whose
``parts`` name both pieces), list inflected forms, or ask for regular forms to be
generated from the language's ``[meta.inflection]`` rules. Words are compared in
:func:`cue_form`: case-insensitive, accent-sensitive (« a » is not « à »), with
typographic apostrophes folded.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..config import configs_root
from ..text.language import base_language as _base_lang

__all__ = [
    "ConditionalRule",
    "Cue",
    "CueEntry",
    "CueLexicon",
    "Ending",
    "cue_form",
    "cues_dir",
    "entry_tokens",
    "has_lexicon",
    "lexicon",
]

Slot = frozenset[str] | None  # None is a gap of up to ``gap`` tokens
Pattern = tuple[Slot, ...]
Parts = tuple[tuple[int, int], ...]

# A pattern slot that matches any token holding a digit, and its index key.
NUM = "<num>"
NUM_KEY = "\x00num"
# The widest gap ("...") of an entry when neither the entry nor ``[meta] max_gap`` of
# its file sets one (configs/cues/README.md).
DEFAULT_MAX_GAP = 4

_GAP_MARKS = frozenset({"...", "…"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "\u2011": "-", "\u2010": "-"})
_ELISION = re.compile(r"^(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|quelqu|presqu)'(.+)$")
_EDGE_PUNCT = ",;:!?()«»\"“”"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_RESERVED_SECTIONS = frozenset({"meta", "antonyms", "aliases", "clauses"})
_CATEGORY_KEYS = frozenset(
    {
        "entries", "strength", "inflect", "gap", "exclude", "extend_left", "endings",
        "perfect_auxiliaries", "participle_endings", "skip", "not_participles",
        "perfect_cue", "reach", "description", "prefixes",
    }
)
# "cue" is matched and names the entry; "lemma" only names it ("state" must not match
# "Islamic State", so that entry lists "stated", "states that", ... as forms).
_ENTRY_KEYS = frozenset({"cue", "lemma", "forms", "strength", "inflect", "gap"})


def cue_form(tok: str) -> str:
    """Comparison form: NFC (a decomposed é equals é), ASCII apostrophe, lower case."""
    return unicodedata.normalize("NFC", tok).translate(_APOSTROPHES).lower()


def cues_dir() -> Path:
    """``configs/cues``: from the installed ``aligner_configs`` package, else the checkout."""
    return configs_root() / "cues"


# ---------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Cue:
    """One cue found in a sentence. ``start``/``end`` cover every part; ``parts`` are
    the token ranges actually matched (two for « n' ... pas »), so a highlighter does
    not paint the verb in between."""

    category: str
    cue: str
    strength: float | None
    start: int
    end: int
    parts: Parts


@dataclass(frozen=True)
class CueEntry:
    """A lexicon entry compiled to token patterns (one per listed or generated form)."""

    category: str
    cue: str
    strength: float | None
    patterns: tuple[Pattern, ...]
    gap: int


@dataclass(frozen=True)
class Ending:
    """A cue recognised by a word ending ("n't" in "didn't", "-rait" in « utiliserait»),
    for open classes that no list can enumerate."""

    category: str
    ending: str
    cue: str
    strength: float | None
    min_length: int


@dataclass(frozen=True)
class ConditionalRule:
    """The French reporting conditional: a conditional auxiliary followed, within
    ``reach`` tokens, by a past participle (« aurait déjà utilisé »)."""

    auxiliaries: frozenset[str]
    participle_endings: tuple[str, ...]
    skip: frozenset[str]
    not_participles: frozenset[str]
    cue: str
    strength: float | None
    reach: int
    category: str = "conditional"


@dataclass(frozen=True)
class CueLexicon:
    """Everything loaded for one language. An unknown language gets an empty one,
    so callers need no special case (``has_lexicon`` tells them apart)."""

    lang: str
    entries: tuple[CueEntry, ...] = ()
    endings: tuple[Ending, ...] = ()
    conditional: ConditionalRule | None = None
    excludes: Mapping[str, tuple[Pattern, ...]] = field(default_factory=lambda: MappingProxyType({}))
    extend_left: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    antonyms: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()
    index: Mapping[str, tuple[tuple[CueEntry, Pattern], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    prefixes: tuple[Ending, ...] = ()  # "نمی‌کند": a cue recognised by how a word starts
    max_gap: int = DEFAULT_MAX_GAP  # ``[meta] max_gap``: the widest "..." in an excluded phrase

    @property
    def categories(self) -> tuple[str, ...]:
        cats = {e.category for e in self.entries} | {e.category for e in self.endings}
        if self.conditional is not None:
            cats.add(self.conditional.category)
        return tuple(sorted(cats))

    @property
    def is_empty(self) -> bool:
        return not (self.entries or self.endings or self.conditional or self.prefixes)


# -------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _elision_re() -> re.Pattern[str]:
    """Elided prefixes of every language pack (French « l' », Italian « dell' »)."""
    from ..config import known_languages, language_resources

    prefixes = {cue_form(e).rstrip("'") for code in known_languages() for e in language_resources(code).get("elisions", [])}
    if not prefixes:
        return _ELISION
    alternatives = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
    return re.compile(rf"^({alternatives})'(.+)$")


def _segmented(chunk: str, lang: str) -> list[str] | None:
    """Words of an unspaced chunk (Chinese) cut by the language's segmenter, as the
    text is; None when the language has none or the chunk needs none."""
    from ..config import language_resources

    if not lang or language_resources(lang).get("segmenter") is None or not _HAN.search(chunk):
        return None
    from ..text.segmentation import tokenize

    return [cue_form(t.text) for t in tokenize(chunk, 0, len(chunk), lang)]


def entry_tokens(chunk: str, lang: str = "") -> list[str]:
    """Tokenise one whitespace-free chunk of a lexicon phrase the way the segmenter
    tokenises text: edge punctuation and elisions become their own tokens, and an
    unspaced chunk is cut by the language's word segmenter."""
    words = _segmented(chunk, lang)
    if words is not None:
        return words
    s = cue_form(chunk)
    lead: list[str] = []
    trail: list[str] = []
    while len(s) > 1 and s[0] in _EDGE_PUNCT:
        lead.append(s[0])
        s = s[1:]
    while len(s) > 1 and s[-1] in _EDGE_PUNCT:
        trail.insert(0, s[-1])
        s = s[:-1]
    m = _elision_re().match(s)
    core = [m.group(1) + "'", m.group(2)] if m and s != "n't" else [s]
    return lead + core + trail


def _pattern(text: str, where: str, lang: str = "") -> Pattern:
    slots: list[Slot] = []
    for chunk in text.split():
        if chunk in _GAP_MARKS:
            if not slots or slots[-1] is None:
                raise ValueError(f"{where}: a gap '...' must sit between two words: {text!r}")
            slots.append(None)
            continue
        alternatives = chunk.split("|")
        if len(alternatives) == 1:
            slots.extend(frozenset({t}) for t in entry_tokens(chunk, lang))
            continue
        options: set[str] = set()
        for alt in alternatives:
            toks = entry_tokens(alt, lang) if not alt.endswith("*") else [cue_form(alt)]
            if len(toks) != 1:
                raise ValueError(f"{where}: each '|' alternative must be one token: {alt!r} in {text!r}")
            options.add(toks[0])
        slots.append(frozenset(options))
    if not slots or slots[-1] is None:
        raise ValueError(f"{where}: empty entry or trailing gap: {text!r}")
    if any(t.endswith("*") for t in slots[0] or ()):
        raise ValueError(f"{where}: a prefix 'stem*' may not be the first word: {text!r}")
    return tuple(slots)


def _inflect(word: str, rules: Mapping[str, Sequence[str]]) -> set[str]:
    """Regular forms of ``word``: the longest rule key that ends the word is replaced
    by each of its endings (fr ``"er" = ["e", "ent", "é", ...]``: affirmer -> affirme)."""
    forms = {word}
    for key in sorted(rules, key=len, reverse=True):
        if word.endswith(key) and len(word) > len(key):
            stem = word[: len(word) - len(key)] if key else word
            forms.update(stem + ending for ending in rules[key])
            break
    return forms


def _forms_of(cue: str | None, forms: Sequence[str], inflect: bool, rules: Mapping[str, Sequence[str]]) -> list[str]:
    texts = [*([cue] if cue else []), *forms]
    if inflect and cue and len(cue.split()) == 1 and "|" not in cue:
        texts.extend(sorted(_inflect(cue_form(cue), rules) - {cue_form(cue)}))
    return texts


def _canonical(cue: str) -> str:
    """The display form of an entry: first alternative of each slot ("ne ... pas")."""
    return " ".join(chunk.split("|")[0] for chunk in cue.split())


def _strength(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}: strength must be a number in [0, 1], got {value!r}")
    return float(value)


def _affix(category: str, item: Any, key: str, default_strength: float | None, where: str) -> Ending:
    """One word ending ("n't", Turkish "-madı") or prefix (Persian "نمی‌") entry: a cue
    that is part of a longer word, named "-ending" / "prefix-" unless given a name."""
    spec = {key: item} if isinstance(item, str) else dict(item)
    affix = cue_form(spec[key])
    name = spec.get("cue", "-" + affix if key == "ending" else affix + "-")
    return Ending(
        category, affix, name, _strength(spec.get("strength", default_strength), where),
        int(spec.get("min_length", len(affix) + 3)),
    )


def _build(lang: str, data: Mapping[str, Any], source: str) -> CueLexicon:
    meta = data.get("meta", {})
    rules: Mapping[str, Sequence[str]] = meta.get("inflection", {})
    default_gap = int(meta.get("max_gap", DEFAULT_MAX_GAP))
    proclitics = tuple(cue_form(p) for p in meta.get("proclitics", []))
    prefixes: list[Ending] = []
    entries: list[CueEntry] = []
    endings: list[Ending] = []
    excludes: dict[str, tuple[Pattern, ...]] = {}
    extend_left: dict[str, frozenset[str]] = {}
    conditional: ConditionalRule | None = None
    for category, table in data.items():
        if category in _RESERVED_SECTIONS:
            continue
        where = f"{source} [{category}]"
        if not isinstance(table, dict):
            raise ValueError(f"{where}: expected a table")
        unknown = set(table) - _CATEGORY_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        default_strength = _strength(table.get("strength"), where)
        default_inflect = bool(table.get("inflect", False))
        gap = int(table.get("gap", default_gap))
        for item in table.get("entries", []):
            spec = {"cue": item} if isinstance(item, str) else dict(item)
            if set(spec) - _ENTRY_KEYS or ("cue" in spec) == ("lemma" in spec):
                raise ValueError(f"{where}: bad entry {item!r} (one of cue/lemma; keys: {sorted(_ENTRY_KEYS)})")
            if "lemma" in spec and not spec.get("forms"):
                raise ValueError(f"{where}: entry {item!r} has a lemma but no forms")
            texts = _forms_of(
                spec.get("cue"), spec.get("forms", []), bool(spec.get("inflect", default_inflect)), rules
            )
            patterns = tuple(dict.fromkeys(_with_proclitics((_pattern(t, where, lang) for t in texts), proclitics)))
            strength = _strength(spec["strength"], where) if "strength" in spec else default_strength
            name = _canonical(spec.get("cue") or spec["lemma"])
            entries.append(CueEntry(category, name, strength, patterns, int(spec.get("gap", gap))))
        endings += [_affix(category, item, "ending", default_strength, where) for item in table.get("endings", [])]
        prefixes += [_affix(category, item, "prefix", default_strength, where) for item in table.get("prefixes", [])]
        if table.get("exclude"):
            excludes[category] = tuple(_pattern(t, where, lang) for t in table["exclude"])
        if table.get("extend_left"):
            extend_left[category] = frozenset(cue_form(t) for t in table["extend_left"])
        if table.get("perfect_auxiliaries"):
            conditional = ConditionalRule(
                auxiliaries=frozenset(cue_form(t) for t in table["perfect_auxiliaries"]),
                participle_endings=tuple(cue_form(t) for t in table.get("participle_endings", [])),
                skip=frozenset(cue_form(t) for t in table.get("skip", [])),
                not_participles=frozenset(cue_form(t) for t in table.get("not_participles", [])),
                cue=table.get("perfect_cue", category),
                strength=default_strength,
                reach=int(table.get("reach", 3)),
                category=category,
            )
    antonyms = _antonyms(data.get("antonyms", {}), rules)
    index: dict[str, list[tuple[CueEntry, Pattern]]] = {}
    for entry in entries:
        for pattern in entry.patterns:
            first = pattern[0]
            assert first is not None
            for tok in first:
                index.setdefault(NUM_KEY if tok == NUM else tok, []).append((entry, pattern))
    return CueLexicon(
        lang=lang,
        entries=tuple(entries),
        endings=tuple(endings),
        conditional=conditional,
        excludes=MappingProxyType(excludes),
        extend_left=MappingProxyType(extend_left),
        antonyms=antonyms,
        index=MappingProxyType({k: tuple(v) for k, v in index.items()}),
        prefixes=tuple(prefixes),
        max_gap=default_gap,
    )


def _with_proclitics(patterns: Iterable[Pattern], proclitics: Sequence[str]) -> list[Pattern]:
    """Each pattern, and each again with a proclitic written on its first word
    (Arabic وقال = و + قال): ``[meta] proclitics``."""
    out: list[Pattern] = []
    for pattern in patterns:
        out.append(pattern)
        first = pattern[0]
        if proclitics and first is not None:
            out.append((frozenset(p + t for p in proclitics for t in first), *pattern[1:]))
    return out


def _antonyms(table: Mapping[str, Any], rules: Mapping[str, Sequence[str]]) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    inflect = bool(table.get("inflect", False))
    pairs = []
    for pair in table.get("pairs", []):
        if len(pair) != 2:
            raise ValueError(f"antonym pairs have two sides: {pair!r}")
        sides = []
        for side in pair:
            words = {cue_form(w) for w in side.split("|")}
            if inflect and "|" not in side:
                words = _inflect(cue_form(side), rules)
            sides.append(frozenset(words))
        pairs.append((sides[0], sides[1]))
    return tuple(pairs)


@lru_cache(maxsize=32)
def _load(lang: str) -> CueLexicon:
    path = cues_dir() / f"{lang}.toml"
    if not lang or not path.is_file():
        return CueLexicon(lang)
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return _build(lang, data, str(path))


def lexicon(lang: str) -> CueLexicon:
    """The cue lexicon of ``lang`` ("fr", "fr-FR", "FR"); empty, never an error, for a
    language without a file. A malformed file raises ValueError naming the entry."""
    return _load(_base_lang(lang))


def has_lexicon(lang: str) -> bool:
    """Whether ``lang`` has a cue file (else its cue checks find nothing)."""
    base = _base_lang(lang)
    return bool(base) and (cues_dir() / f"{base}.toml").is_file()
