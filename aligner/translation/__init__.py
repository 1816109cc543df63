"""Machine translation to English with MarianMT (opus-mt), for glosses and a second
alignment path.

The pipeline translates non-English sentences so a reader who does not know the source
language can follow the report, and scores the English rendition under the model
("how surprising is this word given the source?") to find additions and omissions.
One module per job:

* :mod:`.settings` -- the ``[translation]`` table, defaults from ``configs/translation.toml``;
* :mod:`.locate` -- which model for a language, where its files are, its identity;
* :mod:`.cache` -- the per-model SQLite translation cache shared by concurrent runs;
* :mod:`.clauses` -- cutting over-long sentences at clause boundaries;
* :mod:`.translator` -- the :class:`Translator` (batching, caching, forced scoring);
* :mod:`.backend_transformers`, :mod:`.backend_ctranslate2` -- the two engines, and the
  one-time CTranslate2 conversion;
* :mod:`.forced` -- forced-decoding results;
* :mod:`.mt_alignment` -- the second alignment path and MT evidence for findings;
* :mod:`.translate_file` -- the ``translate`` command.

torch, transformers and ctranslate2 are imported only inside functions so that
``import aligner.translation`` stays cheap.
"""

from __future__ import annotations

from .cache import TranslationCache
from .forced import ForcedScores
from .locate import describe_mt, resolve_mt_model
from .settings import BACKENDS, TranslationSettings, translation_settings
from .translator import Translator, load_translator

__all__ = [
    "BACKENDS",
    "ForcedScores",
    "TranslationCache",
    "TranslationSettings",
    "Translator",
    "describe_mt",
    "load_translator",
    "resolve_mt_model",
    "translation_settings",
]
