"""The CTranslate2 backend: a faster engine for the same MarianMT checkpoint.

The transformers checkpoint is converted once per model identity into the aligner
cache (under a lock, into a temporary directory, then renamed, so concurrent runs wait
and reuse it and an interrupted conversion leaves only a temporary directory), with
the attention averaged over all heads of the last layer so evidence matches the
transformers backend. ctranslate2 is imported inside functions.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelUnavailable
from ..io.cache import atomic_write, locked
from .backend_transformers import EOS, quiet_transformers
from .forced import PiecePair
from .locate import Located, model_key
from .notices import warn_once

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CTranslate2Backend", "split_device"]


def split_device(device: str) -> tuple[str, int]:
    """``cuda:1`` -> (``cuda``, 1); ``cpu`` -> (``cpu``, 0)."""
    name, _, index = device.partition(":")
    return name, int(index) if index else 0


def _convert_to_ct2(model_dir: Path, output_dir: Path) -> None:
    """TransformersConverter, with the decoder's alignment set to average *all* heads of
    the last layer (the converter's default is head 0 only), so CTranslate2 attention
    matches what the transformers backend reports."""
    import ctranslate2
    import numpy as np

    class _Converter(ctranslate2.converters.TransformersConverter):
        def _load(self) -> Any:
            spec = super()._load()
            decoder = getattr(spec, "decoder", None)
            if decoder is not None and hasattr(decoder, "alignment_heads"):
                decoder.alignment_heads = np.dtype("int16").type(0)
            return spec

    _Converter(str(model_dir)).convert(str(output_dir), force=True)


def _converted_directory(located: Located, root: Path) -> Path:
    """Convert the checkpoint once per identity; concurrent runs wait on the lock and
    reuse the result, and an interrupted conversion leaves only a temp directory."""
    target = root / "ct2" / model_key(located)
    if (target / "model.bin").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target):
        if (target / "model.bin").is_file():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            with quiet_transformers():
                _convert_to_ct2(located.directory, tmp)
            atomic_write(
                tmp / "aligner-source.json",
                json.dumps({"model": located.model_id, "identity": located.identity}, indent=1),
            )
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except (
            OSError,
            ValueError,
            KeyError,
            RuntimeError,
            TypeError,
            AttributeError,
            ImportError,
        ) as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelUnavailable(
                f"cannot convert MT model {located.model_id!r} to CTranslate2: {exc}"
            ) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return target


class CTranslate2Backend:
    """A ``ctranslate2.Translator`` over the converted checkpoint; a conversion that
    will not load is redone once (told once) before giving up."""

    def __init__(
        self,
        located: Located,
        root: Path,
        *,
        device: str,
        threads: int | None,
        compute_type: str,
        num_beams: int,
    ) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelUnavailable(f"the ctranslate2 backend needs ctranslate2 ({exc})") from None
        self._num_beams = num_beams
        name, index = split_device(device)
        kwargs: dict[str, Any] = {
            "device": name,
            "device_index": index,
            "compute_type": compute_type,
        }
        if threads:
            kwargs["intra_threads"] = threads
        for attempt in range(2):
            directory = _converted_directory(located, root)
            try:
                self._ct2 = ctranslate2.Translator(str(directory), **kwargs)
                return
            except (RuntimeError, ValueError) as exc:
                if attempt == 1:
                    raise ModelUnavailable(
                        f"cannot load the CTranslate2 conversion of {located.model_id!r} "
                        f"from {directory}: {exc}"
                    ) from None
                warn_once(
                    f"ct2:{directory}",
                    f"CTranslate2 model {directory} is unusable ({exc}); converting again",
                )
                with locked(directory):
                    shutil.rmtree(directory, ignore_errors=True)

    def generate(self, batch: list[list[str]], limit: int) -> list[list[str]]:
        """Target pieces for each source piece list (EOS included), at most ``limit``
        decoding steps each; beam search as in the transformers backend."""
        results = self._ct2.translate_batch(
            batch,
            beam_size=self._num_beams,
            patience=1.0,
            length_penalty=1.0,
            max_decoding_length=limit,
            min_decoding_length=1,
            max_input_length=0,
        )
        return [list(r.hypotheses[0]) for r in results]

    def score(
        self, chunk: list[PiecePair], with_attention: bool
    ) -> tuple[list[list[float]], list[np.ndarray] | None, int]:
        """As :meth:`TransformersBackend.score`; attention costs a second model call."""
        import numpy as np

        sources = [[*pair.src_pieces[: pair.src_used], EOS] for pair in chunk]
        targets = [pair.tgt_pieces[: pair.tgt_used] for pair in chunk]
        results = self._ct2.score_batch(sources, targets, max_input_length=0)
        calls = 1
        scores = [list(r.log_probs) for r in results]
        attention = None
        if with_attention:
            # score_batch returns no attention; decoding with the target as a forced
            # prefix (one step past it) does, for the same positions.
            forced = self._ct2.translate_batch(
                sources,
                target_prefix=targets,
                beam_size=1,
                return_attention=True,
                max_decoding_length=max(len(t) for t in targets) + 1,
                min_decoding_length=0,
                max_input_length=0,
            )
            calls += 1
            attention = []
            for pair, result in zip(chunk, forced, strict=True):
                rows = np.asarray(result.attention[0], dtype=np.float32)
                attention.append(rows[: pair.tgt_used, : pair.src_used])
        return scores, attention, calls
