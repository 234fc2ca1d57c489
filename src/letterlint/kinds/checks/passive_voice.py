"""Passive voice: "payment must be made" hides who does what."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _hit, register
from letterlint.kinds.literals import lower_is_exact

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule

_BE = r"(?:am|is|are|was|were|be|been|being)"


_IRREGULAR = (
    "made|paid|sent|taken|given|done|seen|told|held|brought|bought|sold|kept|left|lost|found|"
    "put|set|shown|written|known|chosen|spoken|broken|frozen|owed|cut|struck|won|begun"
)


_PASSIVE_PATTERN = rf"\b{_BE}\s+(?:(?:not|now|already|also|still|being)\s+)?(\w+ed|{_IRREGULAR})\b"
_PASSIVE = re.compile(_PASSIVE_PATTERN, re.I)
_PASSIVE_LOWER = re.compile(_PASSIVE_PATTERN)


@register(
    "passive-voice",
    ("not-participles",),
    lambda o: {**o, "not-participles": frozenset(w.lower() for w in o.get("not-participles", ()))},
)
def passive_voice(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """A form of "be" followed by a past participle, without a tagger.

    Participles are words ending in -ed or a short list of irregular ones; adjectives that
    look like participles ("pleased", "concerned", "overdue") are listed as exceptions.
    """
    skip = rule.compiled.get("not-participles", frozenset())
    # on the lower-cased letter without IGNORECASE when that is exact (as the regex kind
    # does): the same matches, found faster
    if lower_is_exact(a.text, a.lowered):
        matches = _PASSIVE_LOWER.finditer(a.lowered)
    else:
        matches = _PASSIVE.finditer(a.text)
    for m in matches:
        word = m.group(1).lower()
        if word in skip or a.in_placeholder(m.start(), m.end()):
            continue
        yield _hit(rule, m.start(), m.end(), a.original[m.start() : m.end()])
