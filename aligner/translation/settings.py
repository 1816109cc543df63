"""The effective ``[translation]`` table for a caller that may hold only part of it.

The pipeline passes the whole merged configuration, but a library caller or a test may
pass ``{"translation": {"num_beams": 1}}`` or the table alone. The missing keys come
from ``configs/translation.toml`` through :mod:`aligner.config` (the one source of
defaults), and the result is checked by the same typed section as a ``--config`` file,
so a wrong value names its key the same way wherever it comes from.
"""

from __future__ import annotations

from typing import Any

from ..config import TranslationSettings, section_settings

__all__ = ["BACKENDS", "TranslationSettings", "translation_settings"]

#: The generation backends a :class:`~aligner.translation.Translator` can run on.
BACKENDS = ("transformers", "ctranslate2")


def translation_settings(config: dict[str, Any] | None = None) -> TranslationSettings:
    """The ``[translation]`` settings: the TOML defaults with ``config``'s table merged
    over them (``models`` key by key), validated (:class:`~aligner.errors.InputError`
    naming the key).

    ``config`` may be the whole configuration (with a ``translation`` table) or the
    table itself, so callers holding either can pass it."""
    table: dict[str, Any] = {}
    if config:
        if isinstance(config.get("translation"), dict):
            table = config["translation"]
        elif TranslationSettings.known_keys() & set(config):
            table = config
    return section_settings({"translation": table}, TranslationSettings)
