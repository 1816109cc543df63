"""Cue words that set how strongly a sentence asserts its claim.

A rendition can keep every fact and still change the claim: "the US uses Al-Tanf"
becomes "the website wrote that the US uses Al-Tanf" (attributed), "it is possible
that the US is using" (hedged), « ils n'ont pas utilisé » loses its negation, or the
French reporting conditional « aurait utilisé » ("reportedly used") becomes a plain
"used". The difference finder needs those cues, with their token spans, on both
sides of an aligned sentence pair. The word lists live in ``configs/cues/XX.toml``
so that linguists can extend them without touching code (see the README there);
this module only knows how to match them.

Matching is on one sentence's word tokens, as the segmenter makes them (punctuation
and French elisions split off), case-insensitive, accent-sensitive (« a » is not
« à »), with typographic apostrophes folded. Entries may be multi-word ("according
to"), discontinuous ("ne ... pas": one cue whose ``parts`` name both pieces), list
inflected forms, or ask for regular forms to be generated from the language's
``[meta.inflection]`` rules.
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
from .opposites import are_opposed, concepts_of

__all__ = [
    "ConditionalRule",
    "Cue",
    "CueEntry",
    "CueLexicon",
    "Ending",
    "antonyms_of",
    "are_antonyms",
    "are_opposed",
    "clause_of",
    "concepts_of",
    "cues_dir",
    "find_cues",
    "has_lexicon",
    "lexicon",
    "scope_of",
]

Slot = frozenset[str] | None  # None is a gap of up to ``gap`` tokens
Pattern = tuple[Slot, ...]
Parts = tuple[tuple[int, int], ...]

_GAP_MARKS = frozenset({"...", "…"})
_NUM = "<num>"
_NUM_KEY = "\x00num"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "\u2011": "-", "\u2010": "-"})
_ELISION = re.compile(r"^(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|quelqu|presqu)'(.+)$")
_EDGE_PUNCT = ",;:!?()«»\"“”"
# A gap never runs across these: "ne" in one clause, "pas" in the next, is no negation.
_GAP_BLOCKERS = frozenset({",", ";", ":", ".", "!", "?", "(", ")", "«", "»", '"', "“", "”", "—", "–"})
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles|ce|je|tu|nous|vous)$")
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


def _norm(tok: str) -> str:
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
    max_gap: int = 4  # ``[meta] max_gap``: the widest "..." in an excluded phrase

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

    prefixes = {_norm(e).rstrip("'") for code in known_languages() for e in language_resources(code).get("elisions", [])}
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

    return [_norm(t.text) for t in tokenize(chunk, 0, len(chunk), lang)]


def _entry_tokens(chunk: str, lang: str = "") -> list[str]:
    """Tokenise one whitespace-free chunk of a lexicon phrase the way the segmenter
    tokenises text: edge punctuation and elisions become their own tokens, and an
    unspaced chunk is cut by the language's word segmenter."""
    words = _segmented(chunk, lang)
    if words is not None:
        return words
    s = _norm(chunk)
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
            slots.extend(frozenset({t}) for t in _entry_tokens(chunk, lang))
            continue
        options: set[str] = set()
        for alt in alternatives:
            toks = _entry_tokens(alt, lang) if not alt.endswith("*") else [_norm(alt)]
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
        texts.extend(sorted(_inflect(_norm(cue), rules) - {_norm(cue)}))
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
    affix = _norm(spec[key])
    name = spec.get("cue", "-" + affix if key == "ending" else affix + "-")
    return Ending(
        category, affix, name, _strength(spec.get("strength", default_strength), where),
        int(spec.get("min_length", len(affix) + 3)),
    )


def _build(lang: str, data: Mapping[str, Any], source: str) -> CueLexicon:
    meta = data.get("meta", {})
    rules: Mapping[str, Sequence[str]] = meta.get("inflection", {})
    default_gap = int(meta.get("max_gap", 4))
    proclitics = tuple(_norm(p) for p in meta.get("proclitics", []))
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
            extend_left[category] = frozenset(_norm(t) for t in table["extend_left"])
        if table.get("perfect_auxiliaries"):
            conditional = ConditionalRule(
                auxiliaries=frozenset(_norm(t) for t in table["perfect_auxiliaries"]),
                participle_endings=tuple(_norm(t) for t in table.get("participle_endings", [])),
                skip=frozenset(_norm(t) for t in table.get("skip", [])),
                not_participles=frozenset(_norm(t) for t in table.get("not_participles", [])),
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
                index.setdefault(_NUM_KEY if tok == _NUM else tok, []).append((entry, pattern))
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
            words = {_norm(w) for w in side.split("|")}
            if inflect and "|" not in side:
                words = _inflect(_norm(side), rules)
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
    base = _base_lang(lang)
    return bool(base) and (cues_dir() / f"{base}.toml").is_file()


# ------------------------------------------------------------------------- matching


def _slot_ok(slot: frozenset[str], tok: str) -> bool:
    if tok in slot or (_NUM in slot and any(c.isdigit() for c in tok)):
        return True
    # "stem*" (not in a first slot) matches any word starting so: Arabic « قد ي* »
    return any(s.endswith("*") and len(s) > 1 and tok.startswith(s[:-1]) and len(tok) >= len(s) for s in slot)


def _match(pattern: Pattern, norm: Sequence[str], i: int, gap: int) -> Parts | None:
    """Token ranges of ``pattern`` matched from ``i``; a gap takes the nearest next
    word, never across clause punctuation."""
    first = pattern[0]
    if first is None or not _slot_ok(first, norm[i]):
        return None
    n = len(norm)
    parts: list[tuple[int, int]] = []
    run_start, pos, k = i, i + 1, 1
    while k < len(pattern):
        slot = pattern[k]
        if slot is None:
            nxt = pattern[k + 1]
            assert nxt is not None
            found = None
            for j in range(pos, min(n, pos + gap + 1)):
                if _slot_ok(nxt, norm[j]):
                    found = j
                    break
                if norm[j] in _GAP_BLOCKERS:
                    break
            if found is None:
                return None
            if found > pos:
                parts.append((run_start, pos))
                run_start = found
            pos, k = found + 1, k + 2
        elif pos < n and _slot_ok(slot, norm[pos]):
            pos, k = pos + 1, k + 1
        else:
            return None
    parts.append((run_start, pos))
    return tuple(parts)


@dataclass(frozen=True)
class _Candidate:
    category: str
    cue: str
    strength: float | None
    parts: Parts

    @property
    def indices(self) -> frozenset[int]:
        return frozenset(i for s, e in self.parts for i in range(s, e))


def _strip_inversion(tok: str) -> str:
    return _INVERSION.sub("", tok)


def _conditional_at(rule: ConditionalRule, tokens: Sequence[str], norm: Sequence[str], i: int) -> _Candidate | None:
    if _strip_inversion(norm[i]) not in rule.auxiliaries:
        return None
    last = None
    k = i + 1
    while k < len(norm) and k <= i + rule.reach + (0 if last is None else 2):
        tok = norm[k]
        if tok in rule.skip:
            k += 1
            continue
        if (
            tok not in rule.not_participles
            and tok.isalpha()
            and len(tok) >= 2
            and not tokens[k][:1].isupper()  # « serait Paris »: a name, not a participle
            and tok.endswith(rule.participle_endings)
        ):
            last = k  # keep going: « aurait été tué »
            k += 1
            continue
        break
    if last is None:
        return None
    return _Candidate(rule.category, rule.cue, rule.strength, ((i, last + 1),))


def _resolve(cands: Iterable[_Candidate]) -> list[_Candidate]:
    """Within a category, longer matches win ("it is possible that" over "possible",
    « n' ... pas » over a lone « pas »); categories may overlap each other."""
    by_cat: dict[str, list[_Candidate]] = {}
    for c in dict.fromkeys(cands):
        by_cat.setdefault(c.category, []).append(c)
    kept: list[_Candidate] = []
    for group in by_cat.values():
        group.sort(key=lambda c: (-len(c.indices), c.parts[-1][1] - c.parts[0][0], c.parts[0][0]))
        taken: set[int] = set()
        for c in group:
            if taken.isdisjoint(c.indices):
                kept.append(c)
                taken |= c.indices
    return kept


def find_cues(tokens: Sequence[str], lang: str, categories: Iterable[str] | None = None) -> list[Cue]:
    """All cues of one sentence, sorted by position; ``categories`` restricts the search.

    Spans are token indices ``[start, end)`` into ``tokens``. The same words may give
    cues in several categories ("might": modal 0.3 and hedge), never two overlapping
    cues of one category."""
    lex = lexicon(lang)
    if not tokens or lex.is_empty:
        return []
    wanted = None if categories is None else frozenset(categories)
    norm = [_norm(t) for t in tokens]
    cands: list[_Candidate] = []
    for i, tok in enumerate(norm):
        keys = (tok, _NUM_KEY) if any(c.isdigit() for c in tok) else (tok,)
        for key in keys:
            for entry, pattern in lex.index.get(key, ()):
                parts = _match(pattern, norm, i, entry.gap)
                if parts is not None:
                    cands.append(_Candidate(entry.category, entry.cue, entry.strength, parts))
        if tok.replace("'", "").replace("-", "").isalpha():
            stem = _strip_inversion(tok)
            for end in lex.endings:
                if stem.endswith(end.ending) and len(stem) >= end.min_length:
                    cands.append(_Candidate(end.category, end.cue, end.strength, ((i, i + 1),)))
        for pre in lex.prefixes:
            if tok.startswith(pre.ending) and len(tok) >= pre.min_length:
                cands.append(_Candidate(pre.category, pre.cue, pre.strength, ((i, i + 1),)))
        if lex.conditional is not None:
            cand = _conditional_at(lex.conditional, tokens, norm, i)
            if cand is not None:
                cands.append(cand)
    if wanted is not None:
        cands = [c for c in cands if c.category in wanted]
    cands = _drop_excluded(cands, lex, norm)
    cands = [_extend(c, lex.extend_left.get(c.category), norm) for c in cands]
    found = [
        Cue(c.category, c.cue, c.strength, c.parts[0][0], c.parts[-1][1], c.parts) for c in _resolve(cands)
    ]
    return sorted(found, key=lambda c: (c.start, c.end, c.category, c.cue))


def _drop_excluded(cands: list[_Candidate], lex: CueLexicon, norm: Sequence[str]) -> list[_Candidate]:
    """Drop a cue that lies inside an excluded phrase of its category ("no" in
    "no doubt", « sans » in « sans doute », "may" before a number (a date), « portrait »)."""
    if not lex.excludes:
        return cands
    spans: dict[str, list[tuple[int, int]]] = {}
    for category in {c.category for c in cands}:
        patterns = lex.excludes.get(category, ())
        if not patterns:
            continue
        # An excluded phrase must start at or before a cue and reach over it: only the
        # few positions just before each cue can hold one.
        longest = max(sum(slot is not None for slot in p) for p in patterns)
        starts = sorted(
            {i for c in cands if c.category == category for i in range(max(0, c.parts[0][0] - longest + 1), c.parts[0][0] + 1)}
        )
        for i in starts:
            for pattern in patterns:
                parts = _match(pattern, norm, i, lex.max_gap)
                if parts is not None:
                    spans.setdefault(category, []).append((parts[0][0], parts[-1][1]))
    return [
        c
        for c in cands
        if not any(s <= c.parts[0][0] and c.parts[-1][1] <= e for s, e in spans.get(c.category, ()))
    ]


def _extend(c: _Candidate, left: frozenset[str] | None, norm: Sequence[str]) -> _Candidate:
    """Take auxiliaries into the cue ("a déclaré", "has been reported")."""
    if not left:
        return c
    s = c.parts[0][0]
    while s > 0 and norm[s - 1] in left:
        s -= 1
    if s == c.parts[0][0]:
        return c
    return _Candidate(c.category, c.cue, c.strength, ((s, c.parts[0][1]), *c.parts[1:]))


# -------------------------------------------------------------------------- antonyms


def antonyms_of(word: str, lang: str) -> frozenset[str]:
    """Every listed form opposite to ``word`` ("rose" -> fall, falls, fell, ...)."""
    w = _norm(word)
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
    return _norm(b) in antonyms_of(a, lang)


# --------------------------------------------------------------------------- clauses

_HARD_BOUNDARIES = frozenset({";", ":", ".", "!", "?", "(", ")", "[", "]", "—", "–", "…", "...", "；", "：", "。", "！", "？", "؟", "؛"})
_COMMAS = frozenset({",", "，", "،", "、"})


@dataclass(frozen=True)
class _ClauseWords:
    """Clause words of every cue file together (``[clauses]``): a clause boundary is
    a property of the sentence's words whatever their language."""

    after_comma: frozenset[str]
    complementisers: frozenset[str]
    multi: frozenset[tuple[str, str]]
    not_before: frozenset[str]


@lru_cache(maxsize=1)
def _clause_words() -> _ClauseWords:
    after: set[str] = set()
    comps: set[str] = set()
    multi: set[tuple[str, str]] = set()
    not_before: set[str] = set()
    for path in sorted(cues_dir().glob("*.toml")):
        with open(path, "rb") as fh:
            table = tomllib.load(fh).get("clauses", {})
        after.update(_norm(w) for w in table.get("after_comma", []))
        comps.update(_norm(w) for w in table.get("complementisers", []))
        for phrase in table.get("conjunctions", []):
            toks = [t for chunk in phrase.split() for t in _entry_tokens(chunk)]
            if len(toks) == 2:
                multi.add((toks[0], toks[1]))
        not_before.update(_norm(w) for w in table.get("not_before_complementiser", []))
    return _ClauseWords(frozenset(after), frozenset(comps), frozenset(multi), frozenset(not_before))


def _clause_starts(norm: Sequence[str]) -> tuple[set[int], set[int]]:
    """(indices that start a clause, boundary tokens that belong to no clause)."""
    words = _clause_words()
    starts: set[int] = {0}
    breaks: set[int] = set()
    n = len(norm)
    for k, tok in enumerate(norm):
        if tok in _HARD_BOUNDARIES or (tok in _COMMAS and k + 1 < n and norm[k + 1] in words.after_comma):
            breaks.add(k)
            starts.add(k + 1)
        elif k > 0 and (norm[k - 1], tok) in words.multi:
            starts.add(k - 1)
        elif tok in words.complementisers and k > 0 and norm[k - 1] not in words.not_before:
            starts.add(k)
    return starts, breaks


def clause_of(tokens: Sequence[str], index: int) -> tuple[int, int]:
    """The rough clause ``[start, end)`` around token ``index``.

    Clauses end at ; : . ! ? ( ) and dashes, at a comma followed by a conjunction or
    relative pronoun, and before a complementiser ("that", « que »), so "Reports
    indicate | that ISIS attacked" are two clauses: use :func:`scope_of` for what a
    cue governs. A boundary token is its own one-token clause. Commas alone do not
    split ("According to X, the US ..." stays one clause)."""
    n = len(tokens)
    if not 0 <= index < n:
        raise IndexError(f"token index {index} out of range for {n} tokens")
    norm = [_norm(t) for t in tokens]
    starts, breaks = _clause_starts(norm)
    if index in breaks:
        return index, index + 1
    start = max(s for s in starts if s <= index)
    end = n
    for k in range(index + 1, n):
        if k in breaks or k in starts:
            end = k
            break
    return start, end


_GOVERNING = frozenset({"attribution", "hedge", "booster", "conditional"})


def scope_of(tokens: Sequence[str], cue: Cue) -> tuple[int, int]:
    """The token range a cue plausibly governs: its clause, and for attribution,
    hedge, booster and conditional cues also the complement clauses that follow
    ("Reports indicate [that ISIS ...]", "wrote: [...]"). Negators, modals and
    downtoners govern their own clause only."""
    norm = [_norm(t) for t in tokens]
    start, end = clause_of(tokens, cue.start)
    end = max(end, clause_of(tokens, cue.end - 1)[1])
    if cue.category not in _GOVERNING:
        return start, end
    n = len(tokens)
    comps = _clause_words().complementisers
    while end < n:
        tok = norm[end]
        if tok in comps or (tok == ":" and cue.category == "attribution"):
            nxt = end + 1 if tok == ":" else end
            if nxt >= n:
                break
            end = clause_of(tokens, nxt)[1]
            continue
        if tok in _COMMAS and end + 1 < n and norm[end + 1] in _clause_words().after_comma and end + 2 < n and norm[end + 2] in comps:
            end = clause_of(tokens, end + 2)[1]  # "said that A, and that B"
            continue
        break
    return start, end
