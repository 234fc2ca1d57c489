"""Exclamation marks: a run of them, or one after a demand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _compile_list, _hit, register

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule

_BANGS = re.compile(r"[!¡]{2,}|!(?:\s*1)+")


_ONE_BANG = re.compile(r"(?<![!])!(?![!])")


@register("exclamations", ("demand-words",), _compile_list("demand-words"))
def exclamations(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Repeated "!" anywhere; a single "!" only in a sentence that asks for money."""
    if "!" not in a.text and "\u00a1" not in a.text:
        return  # (both patterns need one: two substring tests instead of two regex scans)
    demand = rule.compiled.get("demand-words")
    for m in _BANGS.finditer(a.text):
        if a.in_placeholder(m.start(), m.end()):
            continue
        hit = _hit(
            rule, m.start(), m.end(), a.original[m.start() : m.end()], suggestion=".", fix=rule.fix
        )
        if m.start() > 0 and a.text[m.start() - 1] == " ":  # "Pay now !!!" → "Pay now."
            hit = replace(hit, edit_span=(m.start() - 1, m.end()))
        yield hit
    if demand is None:
        return
    for m in _ONE_BANG.finditer(a.text):
        if a.in_placeholder(m.start(), m.end()):
            continue
        sent = a.sentence_at(m.start()) or a.sentence_at(max(0, m.start() - 1))
        st = a.text[sent[0] : sent[1]] if sent else ""
        if demand.search(st):
            yield _hit(rule, m.start(), m.end(), "!", severity="info", suggestion=".", fix=rule.fix)
