"""The sign-off: a letter signed by a department rather than a person."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _compile_list, _hit, register
from letterlint.language.letter_parts import SIGN_OFF

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


@register("department-signature", ("departments",), _compile_list("departments"))
def department_signature(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """A letter signed by a team ("Credit Control Department") instead of a person."""
    departments = rule.compiled.get("departments")
    if departments is None:
        return
    lines = [
        (m.start(), m.group(0)) for m in re.finditer(r"[^\r\n]*", a.text) if m.group(0).strip()
    ]
    for i, (_pos, line) in enumerate(lines):
        if SIGN_OFF.match(line):
            after = lines[i + 1 : i + 2]
            if not after:
                return
            start, sig = after[0]
            lead = len(sig) - len(sig.lstrip())
            s = start + lead
            e = start + len(sig.rstrip())
            if a.in_placeholder(s, e):
                return
            if departments.search(sig.strip()):
                yield _hit(rule, s, e, a.original[s:e])
            return
