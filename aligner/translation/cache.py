"""The translation cache: one SQLite file per model, shared by concurrent runs.

Generation is by far the slowest part of the MT path, and the same sentences come back
across runs (a re-run after a fix, a batch over revisions of one text), so finished
translations are kept on disk. SQLite in WAL mode lets several ``aligner`` processes
read and write the same file; every row carries its source and a checksum, so a
damaged or hand-edited entry is recomputed, never returned; and a broken cache never
stops a run (it is rebuilt, or the run carries on uncached, told once).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..io.cache import locked, sha256_bytes
from .notices import warn_once

__all__ = ["CACHE_SCHEMA", "TranslationCache"]

#: Bumped when the table layout changes; a file of another schema is rebuilt.
CACHE_SCHEMA = 1


class TranslationCache:
    """Translations of sentence pieces, one SQLite file per model.

    Rows are keyed by sha256(namespace, source) where the namespace carries everything
    that changes the output (model identity, backend, decoding settings); each row also
    stores the source (checked on read, so a hash collision or a row edited by hand can
    never return a wrong translation) and a checksum over key+source+translation.
    Failures never stop a run: a file that is not a database or is malformed is warned
    about once and rebuilt; a cache that cannot be opened or is locked for too long is
    skipped (results are simply not cached)."""

    def __init__(self, path: Path, namespace: str) -> None:
        self.path = Path(path)
        self.namespace = namespace
        self._conn: sqlite3.Connection | None = None
        self._disabled = False
        self._open()

    # -- connection management --------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS translations ("
                " key TEXT PRIMARY KEY, source TEXT NOT NULL,"
                " translation TEXT NOT NULL, checksum TEXT NOT NULL)"
            )
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                conn.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(CACHE_SCHEMA),)
                )
            elif row[0] != str(CACHE_SCHEMA):
                raise sqlite3.DatabaseError(f"unknown cache schema {row[0]!r}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self) -> None:
        try:
            self._conn = self._connect()
        except sqlite3.OperationalError as exc:
            self._give_up(exc)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
        except OSError as exc:
            self._give_up(exc)

    def _give_up(self, exc: BaseException) -> None:
        warn_once(
            f"cache-off:{self.path}",
            f"translation cache {self.path} cannot be used ({exc}); translations from this "
            "run will not be cached",
        )
        self.close()
        self._disabled = True

    def _rebuild(self, exc: BaseException) -> None:
        warn_once(
            f"cache-damaged:{self.path}",
            f"translation cache {self.path} is damaged ({exc}); rebuilding it "
            "(cached translations for this model are recomputed)",
        )
        self.close()
        try:
            with locked(self.path, timeout=60.0):
                # Another process may have rebuilt it while we waited for the lock.
                with contextlib.suppress(sqlite3.DatabaseError):
                    conn = self._connect()
                    conn.execute("SELECT count(*) FROM translations").fetchone()
                    self._conn = conn
                    return
                for suffix in ("", "-wal", "-shm", "-journal"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{self.path}{suffix}")
                self._conn = self._connect()
        except (sqlite3.Error, OSError, TimeoutError) as again:
            self._give_up(again)

    def _run(self, action: Callable[[sqlite3.Connection], Any], default: Any) -> Any:
        """Run ``action``; on a damaged file rebuild once and retry, on anything else
        carry on without the cache."""
        for attempt in range(2):
            if self._disabled or self._conn is None:
                return default
            try:
                return action(self._conn)
            except sqlite3.OperationalError as exc:
                damaged = "malformed" in str(exc) or "not a database" in str(exc)
                if damaged and attempt == 0:
                    self._rebuild(exc)
                    continue
                warn_once(
                    f"cache-op:{self.path}",
                    f"translation cache {self.path}: {exc}; continuing without it",
                )
                return default
            except sqlite3.DatabaseError as exc:
                if attempt == 0:
                    self._rebuild(exc)
                    continue
                self._give_up(exc)
                return default
        return default

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    # -- entries ---------------------------------------------------------------------

    def _key(self, source: str) -> str:
        return sha256_bytes(f"{self.namespace}\x00{source}".encode())

    @staticmethod
    def _checksum(key: str, source: str, translation: str) -> str:
        return sha256_bytes(f"{key}\x00{source}\x00{translation}".encode())[:16]

    def get_many(self, sources: Sequence[str]) -> dict[str, str]:
        """Cached translations of ``sources`` (missing and damaged entries are absent)."""
        keys = {self._key(s): s for s in dict.fromkeys(sources)}

        def action(conn: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            damaged = 0
            key_list = list(keys)
            for start in range(0, len(key_list), 500):
                chunk = key_list[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, source, translation, checksum FROM translations WHERE key IN ({marks})",
                    chunk,
                ).fetchall()
                for key, source, translation, checksum in rows:
                    if (
                        isinstance(source, str)
                        and isinstance(translation, str)
                        and source == keys.get(key)
                        and checksum == self._checksum(key, source, translation)
                    ):
                        found[source] = translation
                    else:
                        damaged += 1
            if damaged:
                warn_once(
                    f"cache-rows:{self.path}",
                    f"translation cache {self.path}: "
                    f"{damaged} damaged entries ignored and recomputed",
                )
            return found

        return self._run(action, {})

    def put_many(self, items: dict[str, str]) -> None:
        if not items:
            return
        rows = []
        for source, translation in items.items():
            key = self._key(source)
            rows.append((key, source, translation, self._checksum(key, source, translation)))

        def action(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

        self._run(action, None)
