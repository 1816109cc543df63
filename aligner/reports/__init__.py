"""Report writers: one module per output format, each a pure function of a
:class:`~aligner.pipeline.Comparison` (or of the JSON report built from it)."""

from __future__ import annotations

FORMATS = ("text", "json", "html", "xliff", "tsv")


def render(comparison, fmt: str, *, color: bool = False, quiet: bool = False) -> str:
    """Render a comparison in one of :data:`FORMATS`."""
    from .json_report import to_json_dict, to_json_text

    if fmt == "json":
        return to_json_text(comparison)
    if fmt == "text":
        from .text_report import render_text

        return render_text(comparison, color=color, quiet=quiet)
    if fmt == "html":
        from .html_report import render_html

        return render_html(to_json_dict(comparison))
    if fmt == "xliff":
        from .xliff_report import render_xliff

        return render_xliff(to_json_dict(comparison))
    if fmt == "tsv":
        from .tsv_report import render_tsv

        return render_tsv(to_json_dict(comparison))
    raise ValueError(f"unknown format {fmt!r}")
