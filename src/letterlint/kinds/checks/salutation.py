"""The greeting: an impersonal "Dear Sir/Madam" instead of the reader's name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _compile_list, _hit, register

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


@register("impersonal-salutation", ("greetings", "max-line"), _compile_list("greetings"))
def impersonal_salutation(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """An impersonal greeting on a line of its own near the top ("Dear Sir/Madam,")."""
    greetings = rule.compiled.get("greetings")
    if greetings is None:
        return
    max_line = int(rule.compiled.get("max-line", 60))
    for m in re.finditer(r"[^\r\n]+", a.text):
        line = m.group(0)
        g = greetings.match(line.strip())
        # a greeting on a line of its own, or one ended by a comma or colon before the
        # letter runs on ("Dear Valued Customer, We would like to ...")
        if (
            g
            and len(line.strip()) > max_line
            and line.strip()[g.end() : g.end() + 1] not in (",", ":", ";")
        ):
            continue
        if g:
            lead = len(line) - len(line.lstrip())
            start = m.start() + lead
            end = start + g.end()
            yield _hit(
                rule,
                start,
                end,
                a.original[start:end],
                suggestion=_personal_greeting(a.original[start:end]),
                fix=rule.fix,
            )
            return


def _personal_greeting(greeting: str) -> str:
    word = greeting.split()[0] if greeting.split() else "Dear"
    if word.lower() in ("to", "the"):
        word = "Dear"
    return f"{word} [Customer Name]"
