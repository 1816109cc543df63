"""Report writers: one module per output format. The compare writers render the
typed report of :mod:`.model` (built once from a :class:`~aligner.pipeline.Comparison`);
the audit and trace writers render their own JSON dictionaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Report

FORMATS = ("text", "json", "html", "xliff", "tsv")


def render(comparison: Any, fmt: str, *, color: bool = False, quiet: bool = False) -> str:
    """Render a comparison (or a :class:`~.model.Report`) in one of :data:`FORMATS`."""
    from .model import as_report

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    report = as_report(comparison)
    if fmt == "json":
        from .json_report import render_json

        return render_json(report)
    if fmt == "text":
        from .text_report import render_text

        return render_text(report, color=color, quiet=quiet)
    if fmt == "html":
        from .html_report import render_html

        return render_html(report)
    if fmt == "xliff":
        from .xliff_report import render_xliff

        return render_xliff(report)
    from .tsv_report import render_tsv

    return render_tsv(report)


class ReportViews:
    """The reports of a comparison as methods; mixed into
    :class:`aligner.pipeline.Comparison`, so a result of :func:`aligner.compare`
    renders itself."""

    def report(self) -> Report:
        """The typed report (:class:`~.model.Report`), built anew on each call."""
        from .model import Report

        return Report.from_comparison(self)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (schema ``aligner.report/1``) as plain data."""
        return self.report().to_dict()

    def to_json(self) -> str:
        """The JSON report, exactly as ``aligner compare -f json`` writes it."""
        return render(self, "json")

    def to_html(self) -> str:
        """The side-by-side HTML page of ``aligner compare -f html``."""
        return render(self, "html")

    def to_text(self, *, color: bool = False, quiet: bool = False) -> str:
        """The terminal report of ``aligner compare``."""
        return render(self, "text", color=color, quiet=quiet)

    def render(self, fmt: str, *, color: bool = False, quiet: bool = False) -> str:
        """The report in one of :data:`FORMATS` (text, json, html, xliff, tsv)."""
        return render(self, fmt, color=color, quiet=quiet)


AUDIT_FORMATS = ("text", "json", "html", "tsv", "xliff")
TRACE_FORMATS = ("text", "json", "html", "tsv")


def audit_format(fmt: str | None, output: str | None, input_format: str, path: str) -> str:
    """The audit report's format: ``fmt``, else xliff when ``output`` is an XLIFF file
    name, else text. ``xliff`` writes an annotated copy of the input, so the input
    (of ``input_format``, read from ``path``) must be XLIFF."""
    from ..errors import InputError

    fmt = fmt or ("xliff" if output and output.lower().endswith((".xlf", ".xliff")) else "text")
    if fmt == "xliff" and input_format not in ("xliff1", "xliff2"):
        raise InputError(f"-f xliff writes an annotated copy of an XLIFF input; {path} is {input_format}")
    return fmt


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


def trace_pages(output: str | None, fmt: str, count: int) -> dict[str, str]:
    """File name -> path of the side-by-side pages that an HTML trace written to
    ``output`` links to, one per rendition, in order (none for other formats). The
    HTML trace needs a file to put them beside."""
    from ..errors import InputError

    if fmt != "html":
        return {}
    if output is None or output == "-":
        raise InputError("-f html writes the matrix and one side-by-side report per rendition: give -o FILE.html")
    names = [f"{Path(output).stem}.pair{i + 1}.html" for i in range(count)]
    return {name: str(Path(output).with_name(name)) for name in names}


def render_trace(trace, fmt: str, pair_files: list[str] | None = None) -> str:
    """Render a :class:`~aligner.trace.matrix.Trace` in one of :data:`TRACE_FORMATS`
    (``pair_files``: the names of the pages the HTML matrix links to, :func:`trace_pages`)."""
    from .trace_json import trace_to_dict, trace_to_json

    if fmt == "json":
        return trace_to_json(trace)
    if fmt == "tsv":
        from .trace_tsv import render_trace_tsv

        return render_trace_tsv(trace_to_dict(trace))
    if fmt == "html":
        from .trace_html import render_trace_html

        return render_trace_html(trace_to_dict(trace), pair_files or [])
    if fmt == "text":
        from .trace_text import render_trace_text

        return render_trace_text(trace_to_dict(trace))
    raise ValueError(f"unknown trace format {fmt!r}")
