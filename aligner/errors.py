"""Errors a user can act on, and how their text is made safe to print.

``InputError`` is the one exception the command line turns into a single line on
stderr and exit code 2; anything else is a bug and keeps its traceback (shown with
``--debug``).
"""

from __future__ import annotations

import re


class InputError(Exception):
    """Bad input from the user: missing or unreadable file, binary data, empty text,
    unknown language, an output path that would overwrite an input, a bad setting."""


class ModelUnavailable(Exception):
    """A model could not be resolved (offline, not cached). Callers that can go on
    without the model catch this and warn once."""


# C0/C1 controls (ESC, BEL, CR, CSI ...), line and paragraph separators, and the bidi
# marks, overrides and isolates that reorder what a terminal shows.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every character that could drive or reorder a terminal shown as
    an escape (``\\x1b``, ``\\u202e``), so a hostile file name or input line stays one
    harmless line. ``keep_newlines`` leaves ``\\n`` alone (multi-line output)."""

    def esc(m: re.Match[str]) -> str:
        ch = m.group()
        if keep_newlines and ch == "\n":
            return ch
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _UNSAFE.sub(esc, text)
