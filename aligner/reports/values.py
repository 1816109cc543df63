"""Defensive readers for report values: the writers accept hand-made or partial
report dictionaries (other tools produce them too), so a missing or non-numeric
field degrades to a neutral value instead of failing the whole report."""

from __future__ import annotations

import math
from typing import Any


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_float(value: Any, default: float = 0.0) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return default
    return x if math.isfinite(x) else default
