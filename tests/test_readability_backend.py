"""letterlint counts syllables with pyphen directly; textstat 0.7.13 must agree word for word."""

from __future__ import annotations

import re

from letterlint.kinds.checks.readability import _syllable_counter
from letterlint.rulebook.loader import load_rules

from .conftest import SAMPLES


def _textstat_count(word: str) -> int:
    from textstat.backend.counts import _count_syllables

    _count_syllables.get_cmudict = lambda lang: (
        None
    )  # offline: its pyphen fallback, as letterlint used
    return max(1, _count_syllables.count_syllables(word, "en_US"))


def test_syllables_match_textstat_on_every_word_of_the_samples_and_examples() -> None:
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in SAMPLES.iterdir()
        if p.suffix != ".docx"
    ]
    texts += [ex.text for r in load_rules(("core",)) for ex in (*r.fail_examples, *r.pass_examples)]
    words = {w.lower() for t in texts for w in re.findall(r"\S+", t)}
    words |= {
        "don't",
        "'tis",
        "o'clock",
        "rock'n'roll",
        "x-ray",
        "£84.20",
        "—",
        "...",
        "naïve",
        "café",
        "'",
        "",
    }
    count = _syllable_counter()
    mismatched = [w for w in sorted(words) if w and count(w) != _textstat_count(w)]
    assert not mismatched and len(words) > 500
