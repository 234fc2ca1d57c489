"""The result cache: a re-run over unchanged letters is a file read and a lookup.

Results are stored in one SQLite file in ``.letterlint_cache/`` (beside the config file,
or in the current folder when there is none), keyed by

- the *run key*: letterlint's version and code, the Python version, the rule files'
  bytes, the effective configuration and the context file's bytes; and
- the file's *content key*: its bytes, how it is read (its kind) and the per-file
  ignores that apply to its path.

So a renamed or moved letter is still a hit, and any change to a rule, the config or the
tool is a miss. The cache is best effort: if it cannot be opened or written (read-only
folder or file, a locked database, a full disk) the run goes on uncached and the file is
left alone; a damaged database is removed and rebuilt. Nothing here imports spaCy, so a fully
cached run never loads it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from letterlint.core.config import Config
from letterlint.core.version import __version__
from letterlint.rulebook.loader import builtin_rules_dir

CACHE_DIR = ".letterlint_cache"
DB_NAME = "results-v1.sqlite"
PRUNE_AFTER_DAYS = 14
"""Entries unused this long are dropped: old versions of edited letters, and results of
other rules, configs or letterlint versions."""

_GITIGNORE = "# Created by letterlint; safe to delete.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file marks a cache folder of letterlint (https://bford.info/cachedir/).\n"
)


def cache_dir_for(config: Config) -> Path:
    """``.letterlint_cache`` beside the config file, or in the current folder."""
    base = Path(config.root) if config.path else Path.cwd()
    return base / CACHE_DIR


#: Libraries whose version can change what a letter reads as or what is found in it.
_DEPENDENCIES = (
    "spacy",
    "spacy-lookups-data",
    "pyphen",
    "textstat",
    "pyahocorasick",
    "jinja2",
    "python-docx",
    "pypdf",
    "odfdo",
    "lxml",
    "pyyaml",
)


def _files_digest(h: Any, folders: Iterable[Path], pattern: str) -> None:
    for folder in folders:
        if not folder.is_dir():
            continue
        for f in sorted(folder.rglob(pattern)):
            h.update(str(f.relative_to(folder)).encode())
            h.update(f.read_bytes())


def run_key(config: Config, context_file: str | None = None) -> str:
    """What every cached result of this run depends on, besides the file itself."""
    h = hashlib.blake2b(digest_size=16)
    h.update(
        (
            f"letterlint {__version__} python {sys.version_info[:3]} marshal {marshal.version}\n"
        ).encode()
    )
    # the code itself: a changed checkout is a new tool even before its version changes
    pkg = Path(__file__).resolve().parents[1]  # the whole letterlint package
    for f in sorted(pkg.rglob("*.py")):
        st = f.stat()
        h.update(f"{f.relative_to(pkg)} {st.st_size} {st.st_mtime_ns}\n".encode())
    from importlib.metadata import version

    for dist in _DEPENDENCIES:
        try:
            h.update(f"{dist} {version(dist)}\n".encode())
        except Exception:  # noqa: BLE001 - a missing distribution only makes the key stricter
            h.update(f"{dist} missing\n".encode())
    base = builtin_rules_dir()
    _files_digest(h, [base / p for p in config.packs], "*.yaml")
    _files_digest(h, [Path(d) for d in config.extend_rules], "*.yaml")
    # the effective configuration, minus what only says where the config file was
    h.update(
        repr(
            (
                config.select,
                config.ignore,
                config.packs,
                config.extend_rules,
                config.per_file_ignores,
                config.allow_words,
                config.context,
            )
        ).encode()
    )
    ctx = context_file or config.context
    if ctx:
        try:
            h.update(Path(ctx).read_bytes())
        except OSError:
            h.update(b"context unreadable")
    return h.hexdigest()


def content_key(
    run: str, data: bytes, kind: str | None, suffix: str, ignores: Sequence[str]
) -> str:
    """The key of one file's result in this run."""
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{run}\0{kind}\0{suffix}\0{','.join(ignores)}\0".encode())
    h.update(data)
    return h.hexdigest()


class ResultCache:
    """Packed results (see `model.pack_result`) by content key, in one SQLite file."""

    def __init__(self, folder: Path, run: str) -> None:
        self.folder = folder
        self.run = run
        self._db: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        self._touch: list[str] = []  # hits last marked as used more than a day ago

    @classmethod
    def open(
        cls, config: Config, context_file: str | None = None, folder: Path | None = None
    ) -> ResultCache:
        return cls(folder or cache_dir_for(config), run_key(config, context_file))

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        try:
            fresh = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
            if fresh:
                (self.folder / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
                (self.folder / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="utf-8")
            self._db = self._open_db(self.folder / DB_NAME)
        except (OSError, sqlite3.Error):
            self._db = None
        return self._db

    @staticmethod
    def _open_db(path: Path) -> sqlite3.Connection:
        for attempt in (1, 2):
            db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, run TEXT NOT NULL, "
                    "used INTEGER NOT NULL, value BLOB NOT NULL)"
                )
                return db
            except sqlite3.DatabaseError as exc:
                db.close()
                if attempt == 2 or not _is_damage(exc):
                    raise  # locked, read-only, disk full: run uncached, leave the file alone
                _remove(path)
        raise AssertionError("unreachable")

    def _on_error(self, exc: sqlite3.Error) -> None:
        """A damaged database is removed (the next run rebuilds it); anything else is left."""
        if _is_damage(exc):
            self.close()
            _remove(self.folder / DB_NAME)

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[Any, ...]]:
        """Packed results (without their path) for the keys that are stored."""
        db = self._connect()
        found: dict[str, tuple[Any, ...]] = {}
        if db is None or not keys:
            return found
        stale_before = int(time.time()) - 86400
        try:
            for i in range(0, len(keys), 900):  # SQLite's limit on bound parameters
                chunk = keys[i : i + 900]
                q = (
                    "SELECT key, used, value FROM results "
                    f"WHERE key IN ({','.join('?' * len(chunk))})"
                )
                for key, used, value in db.execute(q, chunk):
                    packed = _unseal(value)
                    if packed is None:
                        continue  # a damaged entry is a miss
                    found[key] = packed
                    if used < stale_before:
                        self._touch.append(key)
        except sqlite3.Error as exc:
            self._on_error(exc)
            return {}
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put_many(self, items: Sequence[tuple[str, tuple[Any, ...]]]) -> None:
        """Store packed results, mark old hits as used, and drop entries unused for a while.

        Hits are marked at most once a day, so a fully cached run usually writes nothing.
        Failures only mean the next run is not faster.
        """
        if not items and not self._touch:
            return
        db = self._connect()
        if db is None:
            return
        now = int(time.time())
        rows = [(key, self.run, now, _seal(value)) for key, value in items]
        try:
            db.execute("BEGIN")
            db.executemany(
                "INSERT OR REPLACE INTO results (key, run, used, value) VALUES (?, ?, ?, ?)", rows
            )
            db.executemany(
                "UPDATE results SET used = ? WHERE key = ?", [(now, k) for k in self._touch]
            )
            db.execute("DELETE FROM results WHERE used < ?", (now - PRUNE_AFTER_DAYS * 86400,))
            db.execute("COMMIT")
            self._touch.clear()
        except sqlite3.Error as exc:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._on_error(exc)

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None


_DIGEST = 16


def _seal(packed: tuple[Any, ...]) -> bytes:
    """A stored value: a checksum of the marshalled result, then the result."""
    data = marshal.dumps(packed)
    return hashlib.blake2b(data, digest_size=_DIGEST).digest() + data


def _unseal(value: Any) -> tuple[Any, ...] | None:
    """The packed result of a stored value, or None when it is damaged in any way.

    The checksum catches bit flips and random bytes before ``marshal`` reads anything;
    the shape check, entries from a bug or another version.
    """
    if not isinstance(value, bytes) or len(value) <= _DIGEST:
        return None
    digest, data = value[:_DIGEST], value[_DIGEST:]
    if hashlib.blake2b(data, digest_size=_DIGEST).digest() != digest:
        return None
    try:
        packed = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    return packed if isinstance(packed, tuple) and len(packed) >= 2 else None


def _is_damage(exc: sqlite3.Error) -> bool:
    """Corruption or not a database at all, as opposed to a lock, permissions or a full disk."""
    return getattr(exc, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or (
        isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc)
    )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError:
            pass


def strip_path(packed: tuple[Any, ...]) -> tuple[Any, ...]:
    """A packed result without its path: the same letter elsewhere is the same result."""
    return (None, *packed[1:])


def with_path(packed: tuple[Any, ...], path: str) -> tuple[Any, ...]:
    return (path, *packed[1:])


def cache_enabled_by_env() -> bool:
    """``LETTERLINT_NO_CACHE=1`` turns the cache off (for read-only CI images)."""
    return os.environ.get("LETTERLINT_NO_CACHE", "") in ("", "0")
