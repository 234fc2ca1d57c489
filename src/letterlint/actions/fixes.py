"""Fixes: apply the edits findings carry, re-lint, repeat until nothing changes.

Edits never touch template code or placeholders (the engine only offers an edit when the
source text under it is the literal text that was linted). Overlapping edits cannot both
apply: the first by position wins and the rest wait for the next round, which re-lints the
changed text, so an edit always applies to text it was computed from.
"""

from __future__ import annotations

import codecs
import difflib
import errno
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from letterlint.core.config import Config
from letterlint.core.model import Edit, Finding

MAX_ROUNDS = 10


def choose_edits(edits: Iterable[Edit]) -> list[Edit]:
    """The edits that can all be applied: in order, none overlapping the one before, and
    at most one insertion at a place."""
    chosen: list[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last_end or (
            chosen and e.start == last_end == chosen[-1].start == chosen[-1].end
        ):
            continue
        chosen.append(e)
        last_end = e.end
    return chosen


def apply_edits(source: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """Apply non-overlapping edits; returns the new text and how many were applied."""
    chosen = choose_edits(edits)
    out: list[str] = []
    pos = 0
    for e in chosen:
        out.append(source[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(source[pos:])
    return "".join(out), len(chosen)


def fix_edits(findings: Iterable[Finding], *, unsafe: bool = False) -> list[Edit]:
    """The edits of the findings whose fixes may be applied automatically."""
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    return [e for f in findings if f.fix and f.fix.applicability in allowed for e in f.fix.edits]


@dataclass(frozen=True)
class FixResult:
    """The fixed text, how many edits were applied over how many rounds, what is left."""

    text: str
    applied: int
    rounds: int
    remaining: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return self.applied > 0


def fix_text(
    text: str,
    *,
    kind: str = "text",
    path: str | None = None,
    config: Config | None = None,
    unsafe: bool = False,
    max_rounds: int = MAX_ROUNDS,
) -> FixResult:
    """Apply the safe fixes (``unsafe=True``: also the unsafe ones) until the text is stable."""
    from letterlint.batch.checking import check_text

    applied = rounds = 0
    findings = check_text(text, kind=kind, path=path, config=config)
    seen = {text}
    while rounds < max_rounds:
        edits = fix_edits(findings, unsafe=unsafe)
        if not edits:
            break
        new, n = apply_edits(text, _grammatical(text, edits))
        rounds += 1
        if n == 0 or new in seen:  # no progress, or a loop between two versions
            break
        seen.add(new)
        text = new
        applied += n
        findings = check_text(text, kind=kind, path=path, config=config)
    return FixResult(text, applied, rounds, tuple(findings))


def _grammatical(text: str, edits: list[Edit]) -> list[Edit]:
    """The edits apply_edits would choose, widened to their sentences and tidied (no
    leading comma, no doubled word, case by position; placeholders untouched)."""
    from letterlint.actions.tidy import tidy_edits

    chosen = choose_edits(edits)
    if not chosen:
        return chosen
    from letterlint.actions.rewrite import (
        _CAPS_SLOT,  # merge fields such as %BALANCE% or <AMOUNT> are never recased
    )

    slots = [m.span() for m in _CAPS_SLOT.finditer(text)]
    kept = []
    for e in chosen:
        inside = [
            (s, t)
            for s, t in slots
            if s >= e.start and t <= e.end and text[s:t] not in e.replacement
        ]
        if inside and len(e.replacement) == e.end - e.start:
            rep = list(e.replacement)
            for s, t in inside:
                rep[s - e.start : t - e.start] = text[s:t]
            e = Edit(e.start, e.end, "".join(rep))
        elif inside or any(s < e.start < t or s < e.end < t for s, t in slots):
            continue
        kept.append(e)
    return tidy_edits(text, kept)


# --------------------------------------------------------------------------- files


def encoding_of(data: bytes) -> tuple[str, bytes]:
    """The codec a text file was read with, and its byte-order mark, to write it back alike."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
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
