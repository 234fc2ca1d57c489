"""Applying fix edits to a source text.

Edits come from findings (``Finding.fix.edits``). Overlapping edits cannot both apply;
the first by position wins and the rest wait for the next round, as in Ruff.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Edit, Finding

APPLY_ORDER = {"safe": 0, "unsafe": 1}


def apply_edits(source: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """Apply non-overlapping edits; returns the new text and how many were applied."""
    chosen: list[Edit] = []
    last_end = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last_end or (e.start == last_end and chosen and chosen[-1].start == chosen[-1].end == e.start):
            continue
        chosen.append(e)
        last_end = e.end
    out: list[str] = []
    pos = 0
    for e in chosen:
        out.append(source[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(source[pos:])
    return "".join(out), len(chosen)


def fix_edits(findings: Iterable[Finding], *, unsafe: bool = False) -> list[Edit]:
    """The edits of the findings whose fixes may be applied automatically."""
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    return [e for f in findings if f.fix and f.fix.applicability in allowed for e in f.fix.edits]
