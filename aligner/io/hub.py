"""Model resolution without surprises: local path, Hugging Face cache, hub.

Asking an unreachable hub costs transformers about 25 s of retries per file, so the
tool checks once, quickly, whether the hub answers at all; when it does not (or
``HF_HUB_OFFLINE`` is set) every later lookup is local-only and falls back at once.
"""

from __future__ import annotations

import os
import socket
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse


def offline_forced() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


@lru_cache(maxsize=1)
def hub_reachable(timeout: float = 2.0) -> bool:
    """Whether the Hugging Face hub accepts a TCP connection (one probe per process)."""
    if offline_forced():
        return False
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    parsed = urlparse(endpoint)
    host = parsed.hostname or "huggingface.co"
    port = parsed.port or (443 if parsed.scheme != "http" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def go_offline_if_unreachable() -> bool:
    """Set ``HF_HUB_OFFLINE=1`` for this process when the hub cannot be reached.

    Must run before huggingface_hub is imported (it reads the variable once).
    Returns whether the process now works offline."""
    if offline_forced():
        return True
    if not hub_reachable():
        os.environ["HF_HUB_OFFLINE"] = "1"
        return True
    return False


def cached_snapshot(model_id: str) -> Path | None:
    """The local snapshot directory of a hub model, if its config is cached."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - transformers always brings it
        return None
    try:
        found = try_to_load_from_cache(model_id, "config.json")
    except Exception:  # invalid repo id and similar: not cached
        return None
    if isinstance(found, str) and os.path.exists(found):
        return Path(found).parent
    return None


def looks_like_path(spec: str) -> bool:
    return spec.startswith((".", "/", "~")) or (os.sep in spec and Path(spec).expanduser().exists()) or Path(spec).expanduser().is_dir()


def _typed_as_path(spec: str) -> bool:
    """What a user typed as a path: hub ids have at most one slash and no backslash."""
    return spec.startswith(("/", ".", "~")) or "\\" in spec or spec.count("/") > 1


def check_model_path(spec: str | None, option: str) -> None:
    """A model named by a path that does not exist is an input error (exit 2), for
    every model option alike, before anything loads."""
    from ..errors import InputError, terminal_safe

    if not spec:
        if spec == "":
            raise InputError(f"{option}: empty model name")
        return
    if _typed_as_path(spec):
        path = Path(spec).expanduser()
        try:
            exists = path.exists()
        except (OSError, ValueError):
            exists = False
        if not exists:
            raise InputError(f"{option} {terminal_safe(spec)}: no such directory")
        if not path.is_dir():
            raise InputError(f"{option} {terminal_safe(spec)}: not a model directory")


def check_model_options(device: str, encoder: str | None = None, mt_model: str | None = None) -> None:
    """The ``--encoder``, ``--mt-model`` and ``--device`` of a command, checked before
    anything loads."""
    check_model_path(encoder, "--encoder")
    check_model_path(mt_model, "--mt-model")
    check_device(device)


def check_device(device: str) -> str:
    """``cpu``, ``cuda`` or ``cuda:N`` with a GPU torch can use; anything else (``mps``
    on a machine without it, a typo) is an input error before any model loads."""
    from ..errors import InputError, terminal_safe

    text = device.strip().lower()
    kind, _, index = text.partition(":")
    if kind == "cpu" and not index:
        return "cpu"
    if kind != "cuda" or (index and not index.isdigit()):
        raise InputError(f"--device {terminal_safe(device)}: not supported (use cpu, cuda or cuda:N)")
    import torch

    if not torch.cuda.is_available():
        raise InputError(f"--device {terminal_safe(device)}: no CUDA GPU is available to torch")
    if index and int(index) >= torch.cuda.device_count():
        raise InputError(f"--device {terminal_safe(device)}: only {torch.cuda.device_count()} CUDA device(s)")
    return text
