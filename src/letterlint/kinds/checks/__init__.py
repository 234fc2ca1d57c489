"""Python checks: the rules that data alone cannot express, one module each.

Each check is registered with the option keys it accepts; its word lists and
thresholds still live in the rule's YAML ``options`` so they are reviewed with the
rule's rationale and examples. This module holds what they share: the context a check
receives, the registry (`CHECKS`, `register`) and the helpers that build hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from letterlint.core.letter_context import EMPTY, LetterContext
from letterlint.kinds.matching import Hit

if TYPE_CHECKING:
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


@dataclass
class CheckContext:
    """What a check may need beyond the analysed text."""

    body: tuple[int, int]
    context_vars: frozenset[str] | None = None  # dotted names available in the sample context
    template_vars: tuple[
        tuple[str, int, int], ...
    ] = ()  # (dotted name, start, end) in analysed text
    readability: dict[str, float] = field(default_factory=dict)  # filled by reading-ease
    letter: LetterContext = EMPTY  # the letter's context (contract 7)
    # spans of wording a compliance pack prescribes (the mini-Miranda, Model Form B-1 text):
    # the engine drops core findings inside them and `rewrite` keeps them verbatim
    prescribed: list[tuple[int, int]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # context questions already asked in this letter


@dataclass(frozen=True)
class CheckSpec:
    func: Callable[[Rule, Analysis, CheckContext], Iterator[Hit]]
    options: frozenset[str]
    prepare: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: o


CHECKS: dict[str, CheckSpec] = {}


def register(
    name: str,
    options: tuple[str, ...] = (),
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Callable[..., Any]:
    def deco(func: Callable[..., Iterator[Hit]]) -> Callable[..., Iterator[Hit]]:
        CHECKS[name] = CheckSpec(func, frozenset(options), prepare or (lambda o: o))
        return func

    return deco


def _hit(
    rule: Rule,
    start: int,
    end: int,
    text: str,
    *,
    severity: str | None = None,
    suggestion: str | None = None,
    fix: str | None = None,
    **extra: Any,
) -> Hit:

    return Hit(
        rule,
        start,
        end,
        severity or rule.severity,
        rule.format_message(text, suggestion, **extra),
        suggestion,
        fix if suggestion is not None else None,
        suggestion,
    )


def _compile_list(
    key: str, flags: int = re.IGNORECASE
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def prep(opts: dict[str, Any]) -> dict[str, Any]:
        opts = dict(opts)
        if key in opts:
            opts[key] = re.compile("|".join(f"(?:{p})" for p in opts[key]), flags)
        return opts

    return prep


# one module per check; importing them registers them (and the compliance packs' checks)
from letterlint.kinds import compliance as _compliance  # noqa: E402,F401
from letterlint.kinds.checks import (  # noqa: E402,F401
    docx_emphasis,
    exclamations,
    long_sentence,
    passive_voice,
    readability,
    salutation,
    shouting,
    signature,
    undefined_variable,
)
from letterlint.kinds.checks.readability import readability_figures  # noqa: E402,F401
