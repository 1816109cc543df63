"""The on-disk cache (built models, translations) and safe file writing.

Everything written by the tool goes through :func:`atomic_write` (temporary file in
the same directory, fsync, rename), so an interrupted run never leaves a partial
report or a corrupt cache entry, and concurrent runs sharing the cache coordinate
through :func:`locked` (a file lock) so expensive builds happen once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, terminal_safe


def cache_dir() -> Path:
    """``$ALIGNER_CACHE``, else ``$XDG_CACHE_HOME/aligner``, else ``~/.cache/aligner``."""
    env = os.environ.get("ALIGNER_CACHE")
    if env:
        base = Path(env)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) / "aligner" if xdg else Path.home() / ".cache" / "aligner"
    # Only a cache that cannot exist is refused here: a read-only one still serves a
    # model built earlier (a write it would need fails later, naming the directory).
    try:
        base.mkdir(parents=True, exist_ok=True)
        problem = None if base.is_dir() else "a file, not a directory"
    except FileExistsError:
        problem = "a file, not a directory"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    if problem:
        raise InputError(
            f"cache directory {terminal_safe(str(base))} cannot be used ({problem}); "
            "set ALIGNER_CACHE to a writable directory"
        )
    return base


def writable_problem(directory: Path, create: bool = False) -> str | None:
    """Why files cannot be created in ``directory`` (None when they can). Tried for
    real with an anonymous temporary file: permission bits say nothing for root, nor
    for read-only or special file systems."""
    try:
        if create:
            directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except FileExistsError:
        return "a file, not a directory"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def atomic_write(
    path: Path, data: bytes | str, encoding: str = "utf-8", mode: int | None = None
) -> None:
    """Write ``data`` to ``path`` so readers see either the old file or the new one,
    never a partial one. ``mode`` sets the permissions before the rename (the temporary
    file is private, 0600, otherwise)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    # The temporary name stays short enough for any file system (NAME_MAX 255 bytes).
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(path: Path, timeout: float = 600.0) -> Iterator[None]:
    """Hold an inter-process lock named after ``path`` (``path.lock`` beside it)."""
    from filelock import FileLock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=timeout):
        yield
