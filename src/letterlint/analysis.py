"""The language analysis: one spaCy pipeline per process, nothing downloaded.

The pipeline is a blank English tokenizer, the rule-based sentencizer, a component that
also ends sentences at line breaks that a letter uses as boundaries (blank lines,
greetings, headings, sign-offs), and lower-cased lookup lemmas from the
``spacy-lookups-data`` table (so ``DEBTORS`` and ``Debtors`` both lemmatise to
``debtor``). POS tags and parses are not available offline, and no rule relies on them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .templating import Placeholder

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_CLOSING = ".!?:;,"


def _register_components() -> None:
    from spacy.language import Language
    from spacy.lookups import load_lookups

    if "letterlint_line_breaks" not in Language.factories:

        @Language.component("letterlint_line_breaks")
        def line_breaks(doc: "Doc") -> "Doc":
            """A line break ends a sentence unless the next line continues in lower case.

            Wrapped prose continues with a lower-case word; greetings, headings, list
            items and sign-offs are followed by a capital, digit or symbol.
            """
            n = len(doc)
            for i, tok in enumerate(doc):
                if "\n" in tok.text or "\r" in tok.text or "\n" in tok.whitespace_ or "\r" in tok.whitespace_:
                    j = i + 1
                    while j < n and doc[j].is_space:
                        j += 1
                    if j >= n:
                        continue
                    nxt = doc[j]
                    blank = tok.text.count("\n") + tok.whitespace_.count("\n") >= 2 or (tok.is_space and j > i + 1)
                    if blank or not nxt.text[:1].islower():
                        doc[j].is_sent_start = True
            return doc

    if "letterlint_lower_lemmas" not in Language.factories:

        @Language.factory("letterlint_lower_lemmas")
        def lower_lemmas(nlp: "Language", name: str) -> Any:
            table = load_lookups(nlp.lang, ["lemma_lookup"]).get_table("lemma_lookup")
            cache: dict[str, str] = {}

            def component(doc: "Doc") -> "Doc":
                for t in doc:
                    low = t.lower_
                    lem = cache.get(low)
                    if lem is None:
                        lem = table.get(low, low)
                        cache[low] = lem
                    t.lemma_ = lem
                return doc

            return component


@lru_cache(maxsize=1)
def get_nlp() -> "Language":
    """Build the pipeline once per process."""
    import spacy

    _register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("letterlint_line_breaks")
    nlp.add_pipe("letterlint_lower_lemmas")
    return nlp


@dataclass
class Analysis:
    """A masked text and what the pipeline found in it."""

    text: str  # the linted text, placeholders masked (same length as the original)
    original: str  # the linted text as written
    doc: "Doc"
    placeholders: list[Placeholder]
    sentences: list[tuple[int, int]] = field(default_factory=list)
    formatting: tuple[Any, ...] = ()
    kind: str = "text"
    _sent_starts: list[int] = field(default_factory=list)
    _ph_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sentences = []
        for s in self.doc.sents:
            toks = [t for t in s if not t.is_space]
            if toks:
                self.sentences.append((toks[0].idx, toks[-1].idx + len(toks[-1].text)))
        self._sent_starts = [a for a, _ in self.sentences]
        self._ph_starts = [p.start for p in self.placeholders]

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        i = bisect_right(self._sent_starts, offset) - 1
        if i < 0:
            return None
        a, b = self.sentences[i]
        return (a, b) if offset < b else None

    def placeholder_at(self, offset: int) -> Placeholder | None:
        i = bisect_right(self._ph_starts, offset) - 1
        if i >= 0 and self.placeholders[i].start <= offset < self.placeholders[i].end:
            return self.placeholders[i]
        return None

    def in_placeholder(self, start: int, end: int) -> bool:
        """True when the span touches any placeholder or template code."""
        i = bisect_right(self._ph_starts, end - 1) - 1
        while i >= 0:
            p = self.placeholders[i]
            if p.end <= start:
                return False
            if p.start < end:
                return True
            i -= 1
        return False

    @property
    def words(self) -> list[Any]:
        return [t for t in self.doc if not (t.is_space or t.is_punct)]


_WORDISH = re.compile(r"\w")


def is_word(tok: Any) -> bool:
    return not tok.is_space and not tok.is_punct and bool(_WORDISH.search(tok.text))
