"""The transformers (PyTorch) backend: MarianMT generation and forced scoring.

It is the reference backend: the CTranslate2 backend must decode the same way, so the
generation config here is the tool's own, not the checkpoint's (no forced EOS at the
limit, pad never generated, beam search stopping when ``num_beams`` hypotheses are
finished, as CTranslate2 does). torch and transformers are imported inside functions.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelUnavailable
from .forced import PiecePair

if TYPE_CHECKING:
    import numpy as np

__all__ = ["EOS", "TokenIds", "TransformersBackend", "quiet_transformers"]

EOS = "</s>"


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """transformers prints progress bars and advice (``pip install sacremoses``) on every
    load; the tool's own stderr should carry only what the user needs."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@dataclass(frozen=True)
class TokenIds:
    """The vocabulary of a Marian tokenizer as ids: source and target maps (the same
    map unless the model has separate vocabularies) and the special ids."""

    src_vocab: dict[str, int]
    tgt_vocab: dict[str, int]
    tgt_inverse: dict[int, str]
    unk_token: str
    unk_id: int
    eos_id: int
    pad_id: int
    start_id: int

    @classmethod
    def from_tokenizer(cls, tok: Any, model_config: dict[str, Any]) -> TokenIds:
        """From a ``MarianTokenizer`` and the checkpoint's ``config.json``, whose pad and
        decoder-start ids win over the tokenizer's."""
        src_vocab: dict[str, int] = dict(tok.encoder)
        tgt_vocab: dict[str, int] = (
            dict(tok.target_encoder) if getattr(tok, "separate_vocabs", False) else src_vocab
        )
        unk_id = src_vocab[tok.unk_token]
        eos_id = src_vocab[EOS]
        pad_id = int(model_config.get("pad_token_id", tok.pad_token_id))
        start_id = int(model_config.get("decoder_start_token_id", pad_id))
        return cls(
            src_vocab=src_vocab,
            tgt_vocab=tgt_vocab,
            tgt_inverse={i: p for p, i in tgt_vocab.items()},
            unk_token=tok.unk_token,
            unk_id=unk_id,
            eos_id=eos_id,
            pad_id=pad_id,
            start_id=start_id,
        )


class TransformersBackend:
    """A ``MarianMTModel`` on ``device``, decoding with ``num_beams``."""

    def __init__(
        self,
        directory: Path,
        model_id: str,
        ids: TokenIds,
        *,
        device: str,
        threads: int | None,
        num_beams: int,
    ) -> None:
        self._ids = ids
        self._device = device
        try:
            import torch
            from transformers import GenerationConfig, MarianMTModel

            if threads:
                torch.set_num_threads(threads)
            with quiet_transformers():
                model = MarianMTModel.from_pretrained(str(directory), attn_implementation="eager")
        except (OSError, ValueError, KeyError, RuntimeError, ImportError) as exc:
            raise ModelUnavailable(
                f"cannot load MT model {model_id!r} from {directory}: {exc}"
            ) from None
        model.eval()
        model.to(device)
        # A generation config of our own, not the checkpoint's: see the module docstring.
        beam_options: dict[str, Any] = (
            {"early_stopping": True, "length_penalty": 1.0} if num_beams > 1 else {}
        )
        with quiet_transformers():
            model.generation_config = GenerationConfig(
                decoder_start_token_id=ids.start_id,
                pad_token_id=ids.pad_id,
                eos_token_id=ids.eos_id,
                bad_words_ids=[[ids.pad_id]],
                num_beams=num_beams,
                min_new_tokens=1,
                do_sample=False,
                **beam_options,
            )
        self._model = model

    def generate(self, batch: list[list[str]], limit: int) -> list[list[str]]:
        """Target pieces for each source piece list (EOS included), at most ``limit``
        new tokens each."""
        import torch

        ids = self._ids
        rows = [[ids.src_vocab.get(p, ids.unk_id) for p in toks] for toks in batch]
        input_ids, mask = _pad(rows, ids.pad_id, self._device)
        with torch.inference_mode(), quiet_transformers():
            output = self._model.generate(
                input_ids=input_ids, attention_mask=mask, max_new_tokens=limit
            )
        pieces: list[list[str]] = []
        for row in output.tolist():
            out: list[str] = []
            for token_id in row[1:]:
                if token_id == ids.eos_id:
                    break
                if token_id != ids.pad_id:
                    out.append(ids.tgt_inverse.get(token_id, ids.unk_token))
            pieces.append(out)
        return pieces

    def score(
        self, chunk: list[PiecePair], with_attention: bool
    ) -> tuple[list[list[float]], list[np.ndarray] | None, int]:
        """Log-probabilities of each pair's used target pieces then EOS, the last
        layer's cross-attention averaged over heads (or None), and the model calls
        spent (one forward pass)."""
        import torch

        ids = self._ids
        src_ids = [
            [ids.src_vocab.get(p, ids.unk_id) for p in pair.src_pieces[: pair.src_used]]
            + [ids.eos_id]
            for pair in chunk
        ]
        labels = [
            [ids.tgt_vocab.get(p, ids.unk_id) for p in pair.tgt_pieces[: pair.tgt_used]]
            + [ids.eos_id]
            for pair in chunk
        ]
        input_ids, mask = _pad(src_ids, ids.pad_id, self._device)
        decoder_ids, _ = _pad(
            [[ids.start_id, *lab[:-1]] for lab in labels], ids.pad_id, self._device
        )
        with torch.inference_mode(), quiet_transformers():
            output = self._model(
                input_ids=input_ids,
                attention_mask=mask,
                decoder_input_ids=decoder_ids,
                output_attentions=with_attention,
            )
            logits = output.logits.float()
            # Pad is never a prediction (CTranslate2 drops it from the vocabulary): the
            # distribution is over the other tokens.
            logits[..., ids.pad_id] = -math.inf
            logp = torch.log_softmax(logits, dim=-1)
            scores = []
            for k, lab in enumerate(labels):
                index = torch.tensor(lab, device=logp.device)
                scores.append(logp[k, : len(lab)].gather(1, index[:, None])[:, 0].cpu().tolist())
            attention = None
            if with_attention:
                last = output.cross_attentions[-1].float().mean(dim=1).cpu().numpy()
                attention = [
                    last[k, : pair.tgt_used, : pair.src_used] for k, pair in enumerate(chunk)
                ]
        return scores, attention, 1


def _pad(rows: list[list[int]], pad_id: int, device: str) -> tuple[Any, Any]:
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for k, row in enumerate(rows):
        ids[k, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[k, : len(row)] = 1
    return ids.to(device), mask.to(device)
