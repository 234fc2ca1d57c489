"""`Hit`: a rule matched a span of the analysed text; `match_case` gives a suggestion the
case of the words it replaces.

Their own module so that both the frames (`kinds.frames`) and the data rule kinds
(`kinds.matching`, which runs the frames) import them at the top; `kinds.matching` still
exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from letterlint.rulebook.loader import Rule  # kinds sit below the rulebook


@dataclass(slots=True)
class Hit:
    """A rule matched ``[start, end)`` of the analysed text.

    Not frozen: a frozen dataclass sets each field through ``object.__setattr__``, six
    times slower to build, and a letter makes dozens of hits. Treat it as read-only.
    """

    rule: Rule
    start: int
    end: int
    severity: str
    message: str
    suggestion: str | None = None
    fix: str | None = None  # applicability
    replacement: str | None = None  # text that replaces [start, end) when fixed
    edit_span: tuple[int, int] | None = None  # when the edit covers more than the match


def match_case(original: str, suggestion: str) -> str:
    """Give ``suggestion`` the case pattern of ``original`` (Debtor → Customer)."""
    if not suggestion:
        return suggestion
    if original.isascii():  # every letter is cased: isupper() says all of them are capitals
        shouted = original.isupper() and sum(map(str.isalpha, original)) > 1
    else:
        letters = [c for c in original if c.isalpha()]
        shouted = len(letters) > 1 and all(c.isupper() for c in letters)
    if shouted:
        return suggestion.upper()
    if original[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion
