"""Reading ease: the Flesch score of the body, and the figures the reports chart."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from letterlint.kinds.checks import CheckContext, _hit, register

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule

# textstat 0.7.13's word clean-up before counting syllables (remove_punctuation with
# rm_apostrophe=False): apostrophes survive only before a contraction ending.
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")


_NOT_WORD_CHAR = re.compile(r"[^\w\s\']")


@lru_cache(maxsize=1)
def _syllable_counter() -> Callable[[str], int]:
    """textstat's syllable count with its pyphen backend (en_US), never its CMUdict.

    textstat 0.7.13's ``count_syllables(word, "en_US")`` without a CMU dictionary (it
    would call ``nltk.download('cmudict')``, which fails offline) removes punctuation
    except contraction apostrophes, splits on white space and counts
    ``len(pyphen.positions(w)) + 1`` per word. That is done here directly with pyphen
    (pinned to 0.18.1, en_US): importing textstat imports NLTK, a fifth of a second of
    a cold ``letterlint check`` (tests/test_readability_backend.py checks both agree).
    """
    from pyphen import Pyphen

    positions = Pyphen(lang="en_US").positions

    def count(word: str) -> int:
        cleaned = _NOT_WORD_CHAR.sub("", _NONCONTRACTION_APOSTROPHE.sub("", word)).lower()
        return sum(len(positions(w)) + 1 for w in cleaned.split())

    class _Cache(dict):  # type: ignore[type-arg]
        def __missing__(self, word: str) -> int:
            n = self[word] = max(1, count(word))
            return n

    return _Cache().__getitem__  # called with lower-case words; counted once each


def readability_figures(a: Analysis, body: tuple[int, int]) -> dict[str, float]:
    """Words, sentences, syllables, Flesch reading ease and Flesch-Kincaid grade of the body."""
    syl = _syllable_counter()
    words = syllables = sentences = 0
    text = a.text
    lowered = a.lowered if len(a.lowered) == len(text) else None
    has_placeholders = bool(a.placeholders)
    toks = a.toks
    for (s, e), (first, last) in zip(a.sentences, a.sentence_toks):
        if s < body[0] or e > body[1]:
            continue
        if lowered is not None and not has_placeholders:  # most letters: no span list
            lows = [lowered[t.start : t.end] for t in toks[first:last] if t.word]
            if lows:
                syllables += sum(map(syl, lows))
                words += len(lows)
                sentences += 1
            continue
        spans = [(t.start, t.end) for t in toks[first:last] if t.word]
        if not spans:
            continue
        if has_placeholders:
            syllables += sum(
                1 if a.in_placeholder(x, x + 1) else syl(text[x:y].lower()) for x, y in spans
            )
        else:
            syllables += sum(syl(text[x:y].lower()) for x, y in spans)
        words += len(spans)
        sentences += 1
    if not words:
        return {"words": 0, "sentences": 0, "syllables": 0}
    wps = words / sentences
    spw = syllables / words
    return {
        "words": words,
        "sentences": sentences,
        "syllables": syllables,
        "words_per_sentence": round(wps, 1),
        "flesch_reading_ease": round(206.835 - 1.015 * wps - 84.6 * spw, 1),
        "flesch_kincaid_grade": round(0.39 * wps + 11.8 * spw - 15.59, 1),
    }


@register("reading-ease", ("target", "min-words"))
def reading_ease(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Flesch reading ease of the body below the target (only for long enough letters)."""
    figs = ctx.readability or readability_figures(a, ctx.body)
    ctx.readability = figs
    target = float(rule.compiled.get("target", 60))
    if figs.get("words", 0) < int(rule.compiled.get("min-words", 100)):
        return
    score = figs["flesch_reading_ease"]
    if score < target:
        s, e = ctx.body
        yield _hit(
            rule,
            s,
            e,
            a.original[s:e],
            score=f"{score:.0f}",
            target=f"{target:.0f}",
            words_per_sentence=figs["words_per_sentence"],
        )
