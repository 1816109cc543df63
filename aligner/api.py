"""The Python API: :func:`compare` two texts and :func:`load_models` once for many
comparisons. ``import aligner`` exports both lazily (see ``aligner/__init__.py``);
the command line's ``compare`` is built on them.

Inputs follow one rule, so nothing is guessed: an :class:`os.PathLike` (such as
:class:`pathlib.Path`) is a file, read like the command line reads it (encoding
detection, HTML and Word to text); a :class:`str` is always the text itself, never a
file name; a :class:`~aligner.io.reading.ReadText` is an input already read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .config import Settings, load_settings
from .errors import InputError, ModelUnavailable
from .io.cache import sha256_bytes
from .io.reading import ReadText, read_text
from .pipeline import CompareOptions, Comparison, Models, compare_texts
from .pipeline import load_models as _load_models

__all__ = ["compare", "load_models"]

Input = str | os.PathLike[str] | ReadText
Config = str | os.PathLike[str] | Mapping[str, Any] | Settings


def _raw_config(config: Config | None) -> dict[str, Any]:
    """The merged, validated configuration dictionary the stages read."""
    if isinstance(config, Settings):
        return config.raw
    if config is None or isinstance(config, str | os.PathLike):
        return load_settings(config).raw
    if isinstance(config, Mapping):
        return load_settings(overrides=dict(config)).raw
    raise TypeError(f"config must be a TOML file path, a dict of settings or Settings, not {type(config).__name__}")


def load_models(
    config: Config | None = None,
    *,
    encoder: str | None = None,
    mt_model: str | None = None,
    mt_backend: str = "transformers",
    device: str = "cpu",
    progress: bool = False,
) -> Models:
    """Load the encoder (a few seconds) for any number of :func:`compare` calls; MT
    models load on first use, one per source language.

    ``config``: None for the defaults (``configs/*.toml``); a path of a TOML file
    merged over them (like ``--config``); a dict shaped like the TOML files, e.g.
    ``{"findings": {"min_confidence": 0.5}}``, merged over them; or
    :class:`~aligner.config.Settings`. ``encoder`` and ``mt_model`` are Hugging Face
    ids or local directories (default: the configured ones)."""
    return _load_models(
        _raw_config(config), encoder=encoder, mt_model=mt_model, mt_backend=mt_backend, device=device, progress=progress
    )


def load_models_for_command(config: dict[str, Any], **options: Any) -> Models:
    """The models as a command loads them (``config``: the merged settings' ``raw``;
    ``options``: those of :func:`aligner.pipeline.load_models`): offline at once when
    the hub cannot be reached, and a model that cannot be had or a cache that cannot
    be written reported as an :class:`InputError` saying what to do (one line and
    exit 2 on the command line)."""
    from .io.hub import go_offline_if_unreachable

    go_offline_if_unreachable()
    try:
        return _load_models(config, **options)
    except ModelUnavailable as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:  # a cache that cannot be written (read-only, full disk ...)
        from .io.cache import cache_dir

        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        raise InputError(
            f"models could not be loaded: {exc.strerror or exc}{where}; check the cache directory "
            f"{cache_dir()} or set ALIGNER_CACHE to a writable one"
        ) from None


def read_input(value: Input, role: str = "input") -> ReadText:
    """One input by the rule of this module: a path is read, a string is the text."""
    if isinstance(value, ReadText):
        return value
    if isinstance(value, os.PathLike):
        return read_text(os.fsdecode(value))
    if isinstance(value, str):
        if not value.strip():
            raise InputError(f"{role}: empty text")
        data = value.encode("utf-8", "surrogatepass")
        return ReadText(text=value, path=f"<{role}>", encoding="utf-8", sha256=sha256_bytes(data))
    raise TypeError(f"{role} must be a str (the text), an os.PathLike (a file) or a ReadText, not {type(value).__name__}")


def compare(
    source: Input,
    rendition: Input,
    *,
    source_lang: str | None = None,
    rendition_lang: str | None = None,
    translate: bool = True,
    method: str | None = None,
    min_confidence: float | None = None,
    models: Models | None = None,
    config: Config | None = None,
    encoder: str | None = None,
    mt_model: str | None = None,
    device: str | None = None,
    timer: Any = None,
) -> Comparison:
    """Compare a source with its rendition; the result has ``findings``, ``summary``,
    ``to_json()``, ``to_dict()``, ``to_html()``, ``render(fmt)``.

    ``source``/``rendition``: a :class:`str` is the text itself; a
    :class:`pathlib.Path` (any :class:`os.PathLike`) is a file to read. Languages
    (ISO 639-1) are detected when not given. ``translate``: use the English MT of the
    source when the rendition is English and an MT model is available. ``method``:
    word matching (argmax, itermax, mwmf; default from the config);
    ``min_confidence``: leave out less confident findings.

    ``models``: from :func:`load_models`, to pay for loading once; without it the
    models are loaded for this call from ``config``, ``encoder``, ``mt_model`` and
    ``device`` (which must then not be combined with ``models``). ``timer``: a stage
    timer such as :func:`aligner.progress.stage_timer` (the command line's progress).

    Bad input raises :class:`aligner.errors.InputError` with a one-line message."""
    if models is None:
        models = load_models(config, encoder=encoder, mt_model=mt_model, device=device or "cpu")
    elif config is not None or encoder is not None or mt_model is not None or device is not None:
        raise ValueError("pass either models or what to load them from (config, encoder, mt_model, device), not both")
    src = read_input(source, "source")
    ren = read_input(rendition, "rendition")
    options = CompareOptions(source_lang, rendition_lang, translate, method, min_confidence)
    return compare_texts(src, ren, models, options, timer)
