"""Long sentences: more words than a reader holds at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _hit, register

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


@register("long-sentence", ("max-words", "warning-words"))
def long_sentence(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Sentences longer than the limit (25 words by default).

    A sentence a little over the limit is advice; from ``warning-words`` on (35 by
    default, where readers lose the thread) it is the rule's own severity.
    """
    limit = int(rule.compiled.get("max-words", 25))
    warn = int(rule.compiled.get("warning-words", 35))
    words = a.word_prefix()
    for (s, e), (first, last) in zip(a.sentences, a.sentence_toks):
        n = words[last] - words[first]
        if n > limit:
            yield _hit(
                rule,
                s,
                e,
                a.original[s:e],
                severity=None if n >= warn else "info",
                words=n,
                limit=limit,
            )
