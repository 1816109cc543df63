"""Where reports go: checked before any work starts, written atomically, never over
a file the command reads, and never left half-written by a signal.

Every command that writes a file uses :func:`check_output` before the expensive work
(so a read-only directory or an existing file fails in a second, not after the
comparison) and :func:`write_output` at the end. :class:`Signals` turns SIGINT,
SIGTERM and SIGHUP into :class:`KeyboardInterrupt`, so the temporary file of an
interrupted write is removed whatever stopped the run; :func:`install_console_hooks`
also routes what Python would print on its own through the command's one-line
messages.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import stat
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, terminal_safe
from .cache import atomic_write, writable_problem


def _stat(path: str, name: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # a NUL byte in the name
        raise InputError(f"{name}: not a valid file name") from None
    except OSError as exc:  # name too long, symlink loop, permission ...
        raise InputError(f"{name}: cannot be written ({exc.strerror or exc})") from None


def _stdin_identity() -> tuple[int, int] | None:
    try:
        info = os.fstat(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _is_input(out: Path, st: os.stat_result | None, src: str) -> bool:
    if src == "-":
        return st is not None and _stdin_identity() == (st.st_dev, st.st_ino)
    try:
        if st is not None and os.path.exists(src) and os.path.samefile(out, src):
            return True
        return out.resolve() == Path(src).resolve()
    except (OSError, ValueError):
        return False


def _name_max(directory: Path) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def check_output(output: str | None, inputs: list[str | None], force: bool) -> None:
    """Refuse, before any work, an output that is one of ``inputs`` (files, ``-`` for
    standard input when it is a file, the config file), a directory, an existing file
    without ``force``, an empty or over-long name, or a place that cannot be written."""
    if output is None or output == "-":
        return
    if output == "":
        raise InputError("--output: empty file name")
    name = terminal_safe(output)
    st = _stat(output, name)
    out = Path(output)
    for src in inputs:
        if src is not None and _is_input(out, st, src):
            what = "standard input" if src == "-" else terminal_safe(src)
            raise InputError(f"refusing to write the report over the input file {what}")
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{name} is a directory")
    if st is not None and not force:
        raise InputError(f"{name} exists; pass --force to overwrite it")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if not os.access(output, os.W_OK):
            raise InputError(f"{name}: permission denied")
        return
    target = out.resolve() if st is not None else Path(os.path.abspath(output))
    if len(target.name.encode("utf-8", "surrogateescape")) > _name_max(target.parent if target.parent.exists() else Path("/")):
        raise InputError(f"{name}: file name too long")
    parent = target.parent
    while not parent.exists():
        if parent == parent.parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"{name}: {terminal_safe(str(parent))} is not a directory")
    problem = writable_problem(parent)
    if problem:
        raise InputError(f"{name}: directory {terminal_safe(str(parent))} is not writable ({problem})")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(name: str, exc: OSError) -> InputError:
    if exc.errno == errno.ENOSPC:
        return InputError(f"{name}: no space left on the device; nothing was written")
    if exc.errno == errno.EDQUOT:
        return InputError(f"{name}: disk quota exceeded; nothing was written")
    return InputError(f"{name}: cannot be written ({exc.strerror or exc})")


def write_output(text: str, output: str, inputs: list[str | None], force: bool) -> None:
    """Write ``text`` to ``output`` atomically (the old file or the new one, never a
    part), with the permissions an ordinary write would give (the umask; ``force``
    keeps an existing file's mode). A pipe or device (``/dev/null``) is written
    through, never replaced; a symbolic link updates its target."""
    check_output(output, inputs, force)
    name = terminal_safe(output)
    out = Path(output)
    try:
        if out.exists() and not out.resolve().is_file():
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
            return
        target = out.resolve()
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        atomic_write(target, text, mode=mode)
    except OSError as exc:
        raise _write_error(name, exc) from None


class Signals:
    """SIGINT, SIGTERM and SIGHUP all stop the run the same way: a
    :class:`KeyboardInterrupt` (so ``finally`` blocks remove temporary files) and
    exit status 128 + the signal number."""

    HANDLED = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.received: int | None = None

    def install(self) -> None:
        for sig_name in self.HANDLED:
            sig = getattr(signal, sig_name, None)
            if sig is not None:
                signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        self.received = signum
        raise KeyboardInterrupt

    def note(self, signum: int = signal.SIGINT) -> None:
        """Remember an interruption that was swallowed (in a finalizer, say)."""
        if self.received is None:
            self.received = signum

    @property
    def exit_status(self) -> int:
        return 128 + (self.received or signal.SIGINT)


class _WarningLines(logging.Handler):
    """Records of the ``aligner`` logger as one warning line each."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        super().__init__()
        self.warn = warn

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # stderr gone: nothing to tell
            self.warn(record.getMessage())


def install_console_hooks(signals: Signals, warn: Callable[[str], None]) -> None:
    """Set up a command-line run: ``signals`` installed; Ctrl-C landing inside a
    finalizer (an "unraisable" exception: Python would print it and go on) noted in
    ``signals``, so the run stops before writing anything; Python warnings (a cache
    rebuilt, an MT model missing) and the records of the ``aligner`` logger passed to
    ``warn`` as one line each."""
    signals.install()

    def unraisable(hook_args) -> None:
        if isinstance(hook_args.exc_value, KeyboardInterrupt):
            signals.note()
            return
        sys.__unraisablehook__(hook_args)

    sys.unraisablehook = unraisable
    warnings.showwarning = lambda message, *args, **kwargs: warn(str(message))
    logger = logging.getLogger("aligner")
    if not any(isinstance(h, _WarningLines) for h in logger.handlers):
        logger.addHandler(_WarningLines(warn))
    logger.propagate = False
