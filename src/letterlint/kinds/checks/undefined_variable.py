"""Template variables that the sample context does not define."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _hit, register

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


@register("undefined-variable", ())
def undefined_variable(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Template variables that the given sample context does not define."""
    if ctx.context_vars is None:
        return
    for name, start, end in ctx.template_vars:
        parts = name.split(".")
        # defined: the full path exists, or a prefix is a plain value (its attributes
        # cannot be checked from a sample file); context_vars marks values with "="
        if name in ctx.context_vars or any(
            ".".join(parts[:i]) + "=" in ctx.context_vars for i in range(1, len(parts))
        ):
            continue
        yield _hit(rule, start, end, a.original[start:end], variable=name)
