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
