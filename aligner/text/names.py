"""Names: whether two spellings, in any script, denote one entity.

Split from :mod:`aligner.text.normalization` (which re-exports it). Names in other scripts
are transliterated with anyascii before they are compared; the cross-language alias
groups are read from the ``[aliases]`` tables of ``configs/cues/*.toml``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .locale_data import norm_token as _norm

__all__ = ["EntityMatch", "alias_group", "name_similarity", "same_entity"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "\u2011": "-", "\u2010": "-"})


@lru_cache(maxsize=1)
def _name_articles() -> frozenset[str]:
    """Articles that do not make a name different ("al-Nouri" / "Nuri", "the Hague" /
    « La Haye »): the ``name_articles`` of every language pack, after transliteration."""
    from ..config import known_languages, language_resources

    words: set[str] = set()
    for code in known_languages():
        words.update(_fold_accents(w.lower()) for w in language_resources(code).get("name_articles", []))
    return frozenset(words)


_TRANSLIT = (
    ("x", "ks"), ("sch", "§"), ("tch", "§"), ("sh", "§"), ("ch", "§"), ("kh", "k"), ("ph", "f"),
    ("th", "t"), ("dh", "d"), ("gh", "g"), ("zh", "j"), ("dj", "j"), ("ck", "k"), ("qu", "k"),
    ("q", "k"),
)
_VOWEL_CLASS = str.maketrans({"e": "i", "y": "i", "o": "u", "w": "u"})


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_tokens(name: str) -> list[str]:
    """Lower-case ASCII words of a name; other scripts are transliterated by anyascii
    (Игорь -> igor', 林慕白 -> linmubai, كمال -> kmal) so that a name and its
    romanisation compare by spelling."""
    from anyascii import anyascii

    s = _fold_accents(anyascii(_norm(name)).lower())
    s = re.sub(r"\b([ld])'", r"\1 ", s)
    s = re.sub(r"['ʿʾ]", "", s)
    words = [w for w in re.split(r"[^0-9a-z]+", s) if w]
    articles = _name_articles()
    kept = [w for w in words if w not in articles]
    return kept or words


def _translit(word: str) -> str:
    """One spelling per sound class: French "ou" and English "u", "ch"/"sh"/"sch",
    "q"/"k"/"c", e/i and o/u vowel classes, doubled letters."""
    s = word
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    s = re.sub(r"c(?=[eiy])", "s", s).replace("c", "k")
    s = s.translate(_VOWEL_CLASS)
    return re.sub(r"(.)\1+", r"\1", s)


def _skeleton(folded: str) -> str:
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aiu]", "", folded))


def _osa_distance(a: str, b: str) -> int:
    """Edit distance counting an adjacent transposition as one edit ("dle"/"del")."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _ratio(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return 1.0 - _osa_distance(a, b) / max(len(a), len(b))


def _folded_similarity(fa: str, fb: str) -> float:
    if fa == fb:
        return 0.95
    skel = _ratio(_skeleton(fa), _skeleton(fb))
    spelled = _ratio(fa, fb)
    score = 0.6 * skel + 0.4 * spelled
    if min(len(fa), len(fb)) <= 5:
        # On a short name one letter is a different name (Iraq/Iran, Gaza/Giza).
        score = min(score, 0.8 * spelled)
    return score


def name_similarity(a: str, b: str) -> float:
    """How likely two spellings name the same thing, in [0, 1].

    1.0 for the same name up to case, accents, hyphens and articles; 0.95 when they
    differ only by transliteration conventions; otherwise a mix of a consonant-
    skeleton comparison (vowels are what transliterations disagree on) and a plain
    edit ratio, capped on short names. A trailing surname ("Maliki" for "Nouri
    al-Maliki") scores 0.8 at most."""
    ta, tb = _name_tokens(a), _name_tokens(b)
    if not ta or not tb:
        return 1.0 if _norm(a).strip() == _norm(b).strip() else 0.0
    if ta == tb:
        return 1.0
    score = _folded_similarity("".join(map(_translit, ta)), "".join(map(_translit, tb)))
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) < len(long_):
        tail = long_[-len(short) :]
        if len("".join(short)) >= 4:
            inner = 1.0 if short == tail else _folded_similarity(
                "".join(map(_translit, short)), "".join(map(_translit, tail))
            )
            score = max(score, 0.8 * inner if inner >= 0.85 else 0.0)
    return round(min(score, 1.0), 4)


def _cues_dir() -> Path:
    from ..findings.lexicon import cues_dir  # the aliases live beside the cue lexicons

    return cues_dir()


def _alias_key(name: str) -> tuple[str, str]:
    """(case-sensitive acronym key, folded key). Acronyms keep their case so that the
    pronoun "us" never matches "US"; accents stay in acronyms so "É.-U." is not "EU"."""
    s = unicodedata.normalize("NFC", name).translate(_APOSTROPHES).strip()
    acronym = re.sub(r"[.\-\s]", "", s)
    folded = _fold_accents(s.lower())
    folded = re.sub(r"^(?:(?:the|les|le|la)\s+|l')", "", folded)
    folded = re.sub(r"[.]", "", folded)
    folded = " ".join(re.split(r"[\s\-_]+", folded)).strip()
    return acronym, folded


def _is_acronym(form: str) -> bool:
    letters = re.sub(r"[.\-\s]", "", form)
    return 1 < len(letters) <= 5 and letters.isupper()


@lru_cache(maxsize=1)
def _alias_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Acronym and folded-name lookups built from every ``[aliases]`` table under
    ``configs/cues``; a language file adds its own spellings to a shared group id."""
    acronyms: dict[str, str] = {}
    names: dict[str, str] = {}
    directory = _cues_dir()
    for path in sorted(directory.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for group, forms in data.get("aliases", {}).items():
            for form in [group, *forms]:
                acro, folded = _alias_key(form)
                if _is_acronym(form):
                    acronyms[acro] = group
                else:
                    names[folded] = group
    return acronyms, names


def alias_group(name: str) -> str | None:
    """The alias group id of a name ("Daech" -> "ISIS"), or None when it is not listed."""
    acronyms, names = _alias_tables()
    acro, folded = _alias_key(name)
    if _is_acronym(name):
        return acronyms.get(acro)
    return names.get(folded)


# Verdicts of :func:`same_entity` that come with a spelling similarity.
_SCORED = frozenset({"variant", "different"})


@dataclass(frozen=True, slots=True)
class EntityMatch:
    """Whether two names denote one entity, and why.

    ``reason``: ``"exact"``, ``"alias"``, ``"alias-conflict"`` (both listed, in different
    groups), ``"different acronym"``, ``"variant"`` (spelling similarity at or above
    0.7) or ``"different"``; ``score``: the spelling similarity (:func:`name_similarity`,
    to the two decimals the verdict shows) for a variant or a different name, 1.0 for
    an exact match, 0.0 where spelling was not compared (aliases, acronyms).
    ``str()`` gives the verdict as evidence text: "variant 0.87", "alias"."""

    same: bool
    reason: str
    score: float

    def __str__(self) -> str:
        return f"{self.reason} {self.score:.2f}" if self.reason in _SCORED else self.reason


def same_entity(a: str, b: str) -> EntityMatch:
    """Whether two names denote one entity, with the evidence (:class:`EntityMatch`)."""
    ka, kb = _alias_key(a), _alias_key(b)
    if ka[1] == kb[1] and ka[1] and (not (_is_acronym(a) or _is_acronym(b)) or ka[0] == kb[0]):
        return EntityMatch(True, "exact", 1.0)
    ga, gb = alias_group(a), alias_group(b)
    if ga is not None and gb is not None:
        return EntityMatch(True, "alias", 0.0) if ga == gb else EntityMatch(False, "alias-conflict", 0.0)
    if _is_acronym(a) or _is_acronym(b):
        # Acronyms are not spelled in variants: "EU" is not "É.-U.", "us" is not "US".
        return EntityMatch(False, "different acronym", 0.0)
    score = name_similarity(a, b)
    if score >= 0.7:
        return EntityMatch(True, "variant", round(score, 2))
    return EntityMatch(False, "different", round(score, 2))
