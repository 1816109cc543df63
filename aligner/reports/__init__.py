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


AUDIT_FORMATS = ("text", "json", "html", "tsv", "xliff")


def render_audit(audit, fmt: str, *, quiet: bool = False) -> str | bytes:
    """Render an :class:`~aligner.bilingual.audit.Audit`; ``xliff`` gives the annotated
    copy of the input file as bytes (in the file's own encoding)."""
    if fmt == "xliff":
        from ..bilingual.writeback import write_back

        data = write_back(audit)
        enc = audit.file.xml.encoding if audit.file.xml is not None else "utf-8"
        return data.decode("utf-8") if enc in ("utf-8", "utf8") else data
    from .audit_json import audit_dict, render_audit_json

    if fmt == "json":
        return render_audit_json(audit)
    report = audit_dict(audit)
    if fmt == "text":
        from .audit_text import render_audit_text

        return render_audit_text(report, quiet=quiet)
    if fmt == "html":
        from .audit_html import render_audit_html

        return render_audit_html(report)
    if fmt == "tsv":
        from .audit_tsv import render_audit_tsv

        return render_audit_tsv(report)
    raise ValueError(f"unknown audit format {fmt!r}")
