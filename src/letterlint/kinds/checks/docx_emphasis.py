"""Bold red text in a Word letter: emphasis that reads as alarm."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _hit, register

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


def _is_red(hexcolor: str | None) -> bool:
    if not hexcolor or len(hexcolor) != 6:
        return False
    try:
        r, g, b = (int(hexcolor[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0x99 and g <= 0x55 and b <= 0x55


@register("docx-emphasis", ("min-words",))
def docx_emphasis(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Bold red text in a .docx: the visual equivalent of shouting."""
    min_words = int(rule.compiled.get("min-words", 1))
    for fmt in a.formatting:
        if fmt.bold and _is_red(fmt.color):
            seg = a.original[fmt.start : fmt.end]
            if len(seg.split()) >= min_words and seg.strip():
                lead = len(seg) - len(seg.lstrip())
                trail = len(seg.rstrip())
                yield _hit(rule, fmt.start + lead, fmt.start + trail, seg.strip())
