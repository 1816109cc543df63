"""What every HTML page of the tool shares (the compare report, the audit, the trace):
input text made safe for HTML, and the Jinja2 environment over ``templates/``.

Input text never reaches a page raw: :func:`esc` and :func:`esc_text` (the templates'
``esc`` and ``esc_text`` filters) make control and bidi-override characters visible
and HTML-escape the rest; autoescaping is on underneath, so a value a template forgets
to filter is still escaped."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

# Control characters, C1 controls, bidi overrides/isolates, lone surrogates and
# non-characters: shown visibly instead of being passed to the page.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")

_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI"}


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    return f"\u27e8{_NAMES.get(c) or f'U+{c:04X}'}\u27e9"  # ⟨ESC⟩, ⟨U+202E⟩


def clean(value: Any) -> str:
    """Input text with control/bidi characters made visible (not yet HTML-escaped)."""
    return _UNSAFE.sub(_visible, "" if value is None else str(value))


def esc(value: Any) -> str:
    """Input text escaped for HTML text or a double-quoted attribute."""
    return html.escape(clean(value), quote=True)


def esc_text(value: Any) -> str:
    """Like :func:`esc`, for element content: the visible stand-ins for control
    characters are wrapped in ``<span class="ctl">`` so that they stand out."""
    s = "" if value is None else str(value)
    out: list[str] = []
    last = 0
    for m in _UNSAFE.finditer(s):
        out.append(html.escape(s[last : m.start()], quote=True))
        out.append(f'<span class="ctl">{html.escape(_visible(m))}</span>')
        last = m.end()
    out.append(html.escape(s[last:], quote=True))
    return "".join(out)


def json_for_script(data: Any) -> str:
    """JSON safe to place inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ------------------------------------------------------------------------ templates


def template_text(name: str) -> str:
    """A file of ``templates/`` (a stylesheet or script), without its final newline."""
    text = files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    return text.removesuffix("\n")


@cache
def environment() -> Any:
    """The Jinja2 environment of the HTML pages (compare, audit, trace): autoescaping
    on, and the filters ``esc`` (:func:`esc`) and ``esc_text`` (:func:`esc_text`) that
    every piece of input text goes through."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["esc"] = lambda value: Markup(esc(value))
    env.filters["esc_text"] = lambda value: Markup(esc_text(value))
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source of an inline script or stylesheet."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
