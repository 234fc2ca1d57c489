"""The customer-first score: 0–100, where 100 means nothing to improve.

Each rule that fires costs the weight of its most severe finding (error 20, warning 8,
info 2) for its first finding and half that weight for every further finding of the
same rule, up to three times the weight per rule, so one repeated word cannot outweigh
a threat. The
score is ``max(0, round(100 - total))``. Adding a finding, or making one more severe,
never raises the score.
"""

from __future__ import annotations

from collections.abc import Iterable

from letterlint.core.model import Finding

WEIGHTS: dict[str, float] = {"error": 20.0, "warning": 8.0, "info": 2.0}
REPEAT_FACTOR = 0.5
RULE_CAP = 3.0


def rule_penalty(severity: str, count: int) -> float:
    """What ``count`` findings of one rule at ``severity`` cost."""
    if count <= 0:
        return 0.0
    w = WEIGHTS[severity]
    return min(w * RULE_CAP, w * (1 + REPEAT_FACTOR * (count - 1)))


def rule_penalties(findings: Iterable[Finding]) -> dict[str, float]:
    """What each rule that fired costs one letter (its most severe finding sets the weight)."""
    worst: dict[str, str] = {}
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
        if f.code not in worst or WEIGHTS[f.severity] > WEIGHTS[worst[f.code]]:
            worst[f.code] = f.severity
    return {code: rule_penalty(worst[code], n) for code, n in counts.items()}


def score(findings: Iterable[Finding]) -> int:
    """The customer-first score of one letter's findings."""
    return max(0, round(100 - sum(rule_penalties(findings).values())))
