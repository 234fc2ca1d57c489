"""Reading and writing the user's files safely: a capped read that never blocks, and an atomic
write that never loses what is on disk (a crash, a full disk or a concurrent save)."""

from __future__ import annotations

import codecs
import difflib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def read_capped(path: str | Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; `OSError` for anything else.

    A FIFO would block and ``/dev/zero`` would never end, so what is not a regular file
    is refused (checked on the open file: a file swapped for a FIFO after a check still
    cannot block, as it is opened without blocking), and no read goes past ``limit``:
    a longer file raises `FileTooLarge`.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, device, FIFO or socket)")
        if st.st_size > limit:
            raise FileTooLarge(st.st_size, limit)
        # read the size the file says it has (a buffer of ``limit`` bytes per letter
        # costs more than reading it), then whatever it grew by or a /proc file holds
        data = fh.read(st.st_size + 1)
        if len(data) > st.st_size:
            data += fh.read(limit + 1 - len(data))
    if len(data) > limit:
        raise FileTooLarge(len(data), limit)
    return data


class FileTooLarge(OSError):
    """A file over the size limit of `read_capped`."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"file is {size:,} bytes or more; the limit is {limit:,}")
        self.size = size
        self.limit = limit


def is_regular_file(path: str | Path) -> bool:
    """Whether ``path`` is (or links to) a regular file: what a folder walk may read."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


#: The byte-order marks a text file may start with, and the codec each one means (the
#: readers decode with it, and `fix` writes the file back with the same mark).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> tuple[str, bytes]:
    """The codec a text file was read with, and its byte-order mark, to write it back alike."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return enc, bom
    try:
        data.decode("utf-8")
        return "utf-8", b""
    except UnicodeDecodeError:
        return "cp1252", b""


class WriteConflict(OSError):
    """The file changed on disk after it was read: writing would lose that change."""


_TMP_TAG = "letterlint-"


_cleaned: set[Path] = set()


def clean_stale_temps(folder: Path) -> int:
    """Remove the temporary files a killed run left in ``folder``; how many were removed.

    Each is named ``.NAME.letterlint-PID-XXXX.tmp``; one whose process is gone is stale
    (a running letterlint's own file is left alone).
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(".tmp") and f".{_TMP_TAG}" in name):
            continue
        pid_text = name.rsplit(f".{_TMP_TAG}", 1)[1].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            os.unlink(entry.path)
            removed += 1
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no permission to ask: assume it runs
        return True
    return True


def write_atomic(
    path: Path,
    data: bytes | Iterable[bytes],
    *,
    overwrite: bool = True,
    expect: bytes | None = None,
) -> None:
    """Write through a temporary file in the same folder, then rename it into place.

    A crash or a full disk leaves the old file untouched (and the temporary file a killed
    run leaves is removed by the next write in that folder). ``overwrite=False`` refuses
    to replace an existing file (checked again at the last moment with a hard link).
    ``expect``: the bytes the new text was computed from; if the file no longer holds
    them just before the rename (someone saved it meanwhile), `WriteConflict` is raised
    and the file is left as it is. ``data`` may come in pieces (a large report is never
    held whole).
    """
    shown = Path(path)
    if not overwrite and (shown.exists() or shown.is_symlink()):
        raise FileExistsError(f"{shown} already exists; use --force to replace it")
    path = shown.resolve()  # a symlink's target is written, the link stays a link
    folder = path.parent
    if folder not in _cleaned:
        _cleaned.add(folder)
        clean_stale_temps(folder)
    if path.exists():
        mode = os.stat(path).st_mode & 0o7777
    else:  # mkstemp makes 0600 files; a new file gets the usual permissions
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix=f".{path.name}.{_TMP_TAG}{os.getpid()}-", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (bytes, bytearray)):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if expect is not None and _current(path) != expect:
            raise WriteConflict(
                errno.EAGAIN, f"{shown} changed on disk while it was being fixed; run again"
            )
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared in the meantime
            os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _current(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
    return out
