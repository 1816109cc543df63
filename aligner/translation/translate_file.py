"""The ``translate`` command: English MT of a file, one sentence per line.

Sentences come from the tool's own segmenter (so the lines match the sentences a
``compare`` report shows) unless the file is presegmented, where an empty input line
stays an empty output line so line numbers match."""

from __future__ import annotations

from typing import Any

from ..errors import InputError, ModelUnavailable
from ..io.reading import read_text
from ..pipeline import prepare_document
from .locate import resolve_mt_model
from .translator import load_translator


def translate_file(
    path: str,
    config: dict[str, Any],
    source_lang: str | None,
    mt_model: str | None,
    backend: str,
    device: str,
    presegmented: bool,
    progress: bool,
) -> list[str]:
    """English translations of the sentences of the file at ``path``, one string per
    line to write: empty where the presegmented input line was empty. An unusable
    model is an :class:`InputError` here (this command has no other path to fall
    back on)."""
    read = read_text(path)
    doc = prepare_document(read, source_lang, config, "source")
    if presegmented:
        sentences = [line for line in read.text.splitlines()]
        keep = [bool(line.strip()) for line in sentences]
    else:
        sentences = [s.text for s in doc.sentences]
        keep = [bool(s.text.strip()) for s in doc.sentences]
    if doc.lang == "en" and not mt_model:
        raise InputError(f"{path} is English already (pass --source-lang if the detection is wrong)")
    model_id = resolve_mt_model(doc.lang, mt_model, config)
    try:
        translator = load_translator(model_id, backend=backend, device=device, config=config, progress=progress)
    except ModelUnavailable as exc:
        raise InputError(str(exc)) from None
    todo = [s for s, k in zip(sentences, keep, strict=True) if k]
    done = iter(translator.translate(todo))
    return [next(done) if k else "" for k in keep]
