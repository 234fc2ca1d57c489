"""Fixes: apply the edits findings carry, re-lint, repeat until nothing changes.

Edits never touch template code or placeholders (the engine only offers an edit when the
source text under it is the literal text that was linted). Overlapping edits cannot both
apply: the first by position wins and the rest wait for the next round, which re-lints the
changed text, so an edit always applies to text it was computed from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from letterlint.actions.tidy import tidy_edits
from letterlint.batch.checking import check_text
from letterlint.core.config import Config
from letterlint.core.model import Edit, Finding
from letterlint.templating.placeholders import CAPS_SLOT

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
    chosen = choose_edits(edits)
    if not chosen:
        return chosen
    # merge fields such as %BALANCE% or <AMOUNT> are never recased
    slots = [m.span() for m in CAPS_SLOT.finditer(text)]
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
