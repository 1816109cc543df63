"""Configuration: models per language, thresholds, language resources.

The defaults live in ``configs/default.toml`` (installed as the ``aligner_configs``
package) and per-language resources in ``configs/languages/XX.toml``. A user file
given with ``--config`` is merged over the defaults key by key, so it only needs the
values it changes.
"""

from __future__ import annotations

import copy
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError


def configs_root() -> Path:
    """The ``configs`` directory: the installed package, or the source checkout."""
    try:
        import aligner_configs

        return Path(aligner_configs.__file__).parent
    except ImportError:  # running from a checkout without installing
        return Path(__file__).resolve().parent.parent / "configs"


def _deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@lru_cache(maxsize=8)
def _read_toml(path: str) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_config(user_file: str | Path | None = None) -> dict[str, Any]:
    """The default configuration, with ``user_file`` merged over it."""
    config = copy.deepcopy(_read_toml(str(configs_root() / "default.toml")))
    # Stage-specific files (translation.toml, ...) are merged in alphabetical order.
    for extra in sorted(configs_root().glob("*.toml")):
        if extra.name != "default.toml":
            config = _deep_merge(config, _read_toml(str(extra)))
    if user_file is not None:
        path = Path(user_file)
        if not path.is_file():
            raise InputError(f"config file not found: {path}")
        try:
            with open(path, "rb") as fh:
                user = tomllib.load(fh)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"config file {path} is not valid TOML: {exc}") from None
        config = _deep_merge(config, user)
    return config


def known_languages() -> set[str]:
    """Languages that have a resource file (segmentation rules, stopwords)."""
    return {p.stem for p in (configs_root() / "languages").glob("*.toml")}


def language_resources(lang: str) -> dict[str, Any]:
    """Per-language resources; an unknown language gets the neutral ``xx`` set."""
    path = configs_root() / "languages" / f"{lang}.toml"
    if not path.is_file():
        path = configs_root() / "languages" / "xx.toml"
    return _read_toml(str(path))
