"""Baselines: adopt letterlint on an archive without fixing every old letter first.

``check --write-baseline FILE`` records the findings there are today; ``check --baseline
FILE`` then reports only findings that are not in it. A finding is recorded by its rule
and the words it flagged (case and spacing ignored), counted per file, not by line: an
edit elsewhere in the letter moves lines but does not bring old findings back, while a
second "debtor" where the baseline knew one is reported. Findings about the whole letter
(no call to action, hard reading) or a whole long sentence are recorded by rule alone,
so rewording the letter does not bring them back either. Paths are stored relative to the
baseline file's folder, with ``/``, so the file can be committed and used on any machine.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from letterlint.core.config import ConfigError
from letterlint.core.files import read_capped, write_atomic
from letterlint.core.model import Finding, Report, is_whole_letter
from letterlint.core.version import __version__

BASELINE_SCHEMA = 1


#: Findings about the letter as a whole (`is_whole_letter`), and readability findings (about
#: a whole sentence), are recorded by rule only: their text is the body or the sentence,
#: which any edit changes (and which should not be copied into a file meant to be committed).
_MAX_WORDS_KEY = 60


def _key(f: Finding) -> tuple[str, str]:
    words = " ".join(f.text.split()).casefold()
    if is_whole_letter(f) or f.category == "readability" or len(words) > _MAX_WORDS_KEY:
        return f.code, ""
    return f.code, words


def _rel(path: str, base: Path) -> str:
    if path == "-":
        return path
    try:
        rel = os.path.relpath(Path(path).resolve(), base.resolve())
    except ValueError:  # another drive on Windows
        rel = str(Path(path).resolve())
    return Path(rel).as_posix()


def baseline_data(report: Report, baseline_file: str | Path) -> dict[str, Any]:
    """The baseline document for ``report`` (what `write_baseline` stores)."""
    base = Path(baseline_file).resolve().parent
    files: dict[str, list[dict[str, Any]]] = {}
    for fr in report.files:
        if not fr.findings:
            continue
        counts = Counter(_key(f) for f in fr.findings)
        files[_rel(fr.path, base)] = [
            {"code": c, "text": t, "count": n} for (c, t), n in sorted(counts.items())
        ]
    return {
        "schema_version": BASELINE_SCHEMA,
        "tool": {"name": "letterlint", "version": __version__},
        "files": dict(sorted(files.items())),
    }


def write_baseline(report: Report, baseline_file: str | Path) -> int:
    """Record every finding of ``report`` in ``baseline_file`` (atomically); returns how many."""
    data = baseline_data(report, baseline_file)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_atomic(Path(baseline_file), text.encode("utf-8"), overwrite=True)
    return sum(e["count"] for entries in data["files"].values() for e in entries)


MAX_BASELINE_BYTES = 64 * 1024 * 1024
MAX_BASELINE_COUNT = 1_000_000
"""No letter has this many findings of one rule with the same words."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a count")


def load_baseline(baseline_file: str | Path) -> dict[str, Counter[tuple[str, str]]]:
    """Recorded findings per relative path; a missing or malformed file is a config error."""
    p = Path(baseline_file)
    try:
        data = json.loads(
            read_capped(p, MAX_BASELINE_BYTES).decode("utf-8"), parse_constant=_no_constant
        )
    except FileNotFoundError:
        raise ConfigError(f"baseline {p} not found (create it with --write-baseline {p})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the baseline {p}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{p}:{exc.lineno}: the baseline is not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(
            f"{p}: the baseline is nested too deeply to be a letterlint baseline"
        ) from None
    except (
        ValueError
    ) as exc:  # a NUL in the path, a number with thousands of digits, NaN or Infinity
        raise ConfigError(f"{p}: the baseline is not valid: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("schema_version") != BASELINE_SCHEMA
        or not isinstance(data.get("files"), dict)
    ):
        raise ConfigError(
            f"{p}: not a letterlint baseline "
            f"(schema_version {BASELINE_SCHEMA} with a 'files' mapping)"
        )
    out: dict[str, Counter[tuple[str, str]]] = {}
    for path, entries in data["files"].items():
        counter: Counter[tuple[str, str]] = Counter()
        if not isinstance(entries, list):
            raise ConfigError(f"{p}: the entry for {path!r} must be a list")
        for e in entries:
            count = e.get("count", 1) if isinstance(e, dict) else None
            if (
                not isinstance(count, int)
                or isinstance(count, bool)
                or not 0 <= count <= MAX_BASELINE_COUNT
                or not isinstance(e.get("code"), str)
                or not isinstance(e.get("text"), str)
            ):
                raise ConfigError(
                    f"{p}: a finding of {path!r} needs 'code', 'text' (strings) and a "
                    f"whole-number 'count' from 0 to {MAX_BASELINE_COUNT:,}"
                )
            counter[(e["code"], e["text"])] += count
        out[path] = counter
    return out


def apply_baseline(report: Report, baseline_file: str | Path) -> tuple[Report, int]:
    """``report`` without the recorded findings, and how many were hidden.

    Within a file, the first findings of a (rule, words) pair are the recorded ones;
    any beyond the recorded count are new and stay. Scores are not changed: they grade
    the letter, not the change.
    """
    recorded = load_baseline(baseline_file)
    base = Path(baseline_file).resolve().parent
    hidden = 0
    files = []
    for fr in report.files:
        left = Counter(recorded.get(_rel(fr.path, base), ()))
        if not left or not fr.findings:
            files.append(fr)
            continue
        kept = []
        for f in fr.findings:
            k = _key(f)
            if left[k] > 0:
                left[k] -= 1
                hidden += 1
            else:
                kept.append(f)
        files.append(replace(fr, findings=tuple(kept)))
    return replace(report, files=tuple(files)), hidden
