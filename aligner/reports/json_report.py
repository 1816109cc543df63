"""The JSON report, schema ``aligner.report/1`` (see README "JSON report").

Keys are emitted in a fixed order and floats rounded (by :mod:`.model`), so the same
inputs and models give byte-identical reports apart from ``timings``."""

from __future__ import annotations

import json
from typing import Any

from .model import SCHEMA, Report, as_report

__all__ = ["SCHEMA", "render_json", "to_json_dict", "to_json_text"]


def to_json_dict(c: Any) -> dict[str, Any]:
    """The report of a comparison (or a :class:`~.model.Report`) as plain data."""
    return as_report(c).to_dict()


def render_json(report: Report, *, timings: bool = True) -> str:
    """The report as ``aligner compare -f json`` writes it (``timings`` False: without
    them, so two runs on the same inputs give the same bytes)."""
    return json.dumps(report.to_dict(timings=timings), ensure_ascii=False, indent=1) + "\n"


def to_json_text(c: Any) -> str:
    """The JSON report text, exactly as ``aligner compare -f json`` writes it."""
    return render_json(as_report(c))
