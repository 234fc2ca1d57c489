"""The literal gate never skips a pattern that could match (checked on every rule text)."""

from __future__ import annotations

import re

import pytest

from letterlint.kinds.literals import has_upper_literal, leading_literals, required_literals
from letterlint.rulebook.loader import load_rules

from .conftest import SAMPLES


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"\bbailiffs?\b", {"bailiff"}),
        (r"\b(?:legal|court)\s+action\b", {"action"}),
        (r"\b(?:pay|call)\b", {"pay", "call"}),
        (r"\b(?:pa|ca)\b", None),  # two letters are too short to be worth a gate
        (r"\bfinal\s+(?:demand|notice)", {"final"}),  # "notice" is too common to be a good gate
        (r"(?:\+?\d[\d ().-]{7,}\d)", None),
        (r"x?court", {"court"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    got = required_literals(pattern, re.I)
    assert (set(got) if got is not None else None) == expected


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"\b(?:will|shall)\s+be\b", {"will", "shall"}),
        (r"\b(?:made\s+)?payable\s+to\b", {"made", "payable"}),  # an optional start
        (r"(?:ab)*cd", {"ab", "cd"}),
        (r"(?:ab)?(?:cd)?", None),  # may match the empty string: could start anywhere
        (r"x?yz", None),  # "x" alone is too short a lead
        (r"(?:ab)?\s*cd", None),
    ],
)
def test_leading_literals(pattern: str, expected: set[str] | None) -> None:
    got = leading_literals(pattern, re.I)
    assert (set(got) if got is not None else None) == expected


def test_leads_are_sound_on_every_example_and_sample() -> None:
    rules = load_rules(("core",))
    texts = [ex.text for r in rules for ex in (*r.fail_examples, *r.pass_examples)]
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in SAMPLES.iterdir()
        if p.suffix != ".docx"
    ]
    patterns = [p.regex for r in rules for p in r.patterns]
    patterns += [p for r in rules for p in r.compiled.get("text-patterns", ())]
    checked = 0
    for pat in patterns:
        lead = leading_literals(pat.pattern, pat.flags)
        if lead is None:
            continue
        for text in texts:
            for m in pat.finditer(text):
                checked += 1
                assert text.lower().startswith(tuple(lead), m.start()), (pat.pattern, m.group())
    assert checked > 200


def test_gate_is_sound_on_every_example_and_sample() -> None:
    rules = load_rules(("core",))
    texts = [ex.text for r in rules for ex in (*r.fail_examples, *r.pass_examples)]
    texts += [
        p.read_text(encoding="utf-8", errors="replace")
        for p in SAMPLES.iterdir()
        if p.suffix != ".docx"
    ]
    patterns = [p.regex for r in rules for p in r.patterns]
    patterns += [p for r in rules for p in r.compiled.get("text-patterns", ())]
    checked = 0
    for pat in patterns:
        gate = required_literals(pat.pattern, pat.flags)
        for text in texts:
            if pat.search(text):
                checked += 1
                assert gate is None or any(g in text.lower() for g in gate), (pat.pattern, text)
    assert checked > 200


def test_has_upper_literal_ignores_escapes() -> None:
    assert not has_upper_literal(r"\bfoo\S+\W")
    assert has_upper_literal(r"\bCCJ\b")


def test_windowed_search_finds_what_a_full_scan_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    import letterlint.kinds.matching as matching
    from letterlint import check_text
    from letterlint.core.config import Config

    letters = [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("bad-*.txt"))
    ]
    long_text = "\n\n".join(letters * 3)
    assert len(long_text) > 4 * matching.WINDOW
    cfg = Config(select=("threatening-tone", "stigmatising-language.blame"))
    windowed = [(f.code, f.start, f.end) for f in check_text(long_text, config=cfg)]
    monkeypatch.setattr(matching, "WINDOW", 10**9)
    full = [(f.code, f.start, f.end) for f in check_text(long_text, config=cfg)]
    assert windowed == full and len(full) > 20


def test_letters_whose_lower_case_is_not_exact_are_searched_whole() -> None:
    from letterlint import check_text

    from .conftest import SAMPLES

    # "ı" (dotless i) matches "i" under IGNORECASE but is not lower-cased to it
    assert "LL301" in {
        f.code for f in check_text("Dear Sam, we will take legal act\u0131on against you.")
    }
    # "İ" lower-cases to two characters, which would shift every gate offset
    letter = (SAMPLES / "bad-final-demand.txt").read_text(encoding="utf-8")
    plain = {(f.code, f.text) for f in check_text(letter)}
    shifted = {(f.code, f.text) for f in check_text("Ref: " + "\u0130" * 700 + "\n\n" + letter)}
    assert plain <= shifted
