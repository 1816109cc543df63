"""Language identification (offline, py3langid's bundled model) and code checks.

Detection uses the whole text minus page debris, since a single sentence ("ISIS
profite") is too short to tell French from anything else.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from ..config import known_languages
from ..errors import InputError

_URL = regex.compile(r"(?:https?://|www\.)\S+")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid import langid

    return langid.LanguageIdentifier.from_model_file(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)


def supported_languages() -> set[str]:
    """ISO 639-1 codes the detector knows, plus those with resource files."""
    return set(_identifier().nb_classes) | known_languages() - {"xx"}


def detect_language(text: str) -> tuple[str, float]:
    """The most probable language of ``text`` and its probability."""
    cleaned = _URL.sub(" ", text)
    code, prob = _identifier().classify(cleaned[:20000])
    return str(code), float(prob)


def base_language(code: str) -> str:
    """``fr-CA``, ``pt_BR``, ``FR`` -> ``fr``; "" for an empty code. Resources, cue
    lexicons and MT models are per base language, so every stage looks codes up in
    this one form."""
    return code.strip().lower().replace("_", "-").split("-")[0] if code else ""


def check_language(code: str) -> str:
    """Normalise a user-given language code; unknown codes are an input error."""
    norm = base_language(code)
    if not norm or norm not in supported_languages():
        raise InputError(f"unknown language code {code!r} (use an ISO 639-1 code such as en, fr, de)")
    return norm
