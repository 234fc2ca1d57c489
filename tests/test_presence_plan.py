"""The fast presence search (lower-cased letter, gate words found once) answers as the plain one."""

from __future__ import annotations

import re
from typing import Any

from letterlint.batch.checking import get_linter
from letterlint.kinds.literals import (
    case_sensitive_twin,
    lower_is_exact,
    lowered_capitals,
    required_literals,
)
from letterlint.language.analysis import Analysis, parse
from letterlint.rulebook.loader import load_rules
from letterlint.templating.placeholders import find_placeholders, mask

from .conftest import SAMPLES


def _present_reference(a: Analysis, opts: dict[str, Any]) -> bool:
    """The search as it was: each pattern case-insensitively on the letter as written,
    skipped when none of its gate words is in the lower-cased letter."""
    lowered = a.text.lower()
    for pat in opts.get("text-patterns", ()):
        gate = required_literals(pat.pattern, pat.flags)
        if gate is not None and not any(g in lowered for g in gate):
            continue
        if pat.search(a.text):
            return True
    for pat in opts.get("placeholder-names", ()):
        if any(p.output and pat.search(p.name) for p in a.placeholders):
            return True
    anchored, floating = opts.get("sentence-anchored"), opts.get("sentence-floating")
    if floating is not None and floating.search(a.text) is None:
        floating = None
    for s, e in a.sentences:
        if (anchored is not None and anchored.match(a.text, s, e)) or (
            floating is not None and floating.search(a.text, s, e)
        ):
            return True
    return False


def _analyse(text: str) -> Analysis:
    ph = find_placeholders(text)
    mtext = mask(text, ph)
    doc, rows = parse(mtext)
    return Analysis(mtext, text, doc, ph, rows=rows)


def test_presence_plan_agrees_with_the_reference() -> None:
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in SAMPLES.iterdir()
        if p.suffix != ".docx"
    ]
    texts += [ex.text for r in load_rules(("core",)) for ex in (*r.fail_examples, *r.pass_examples)]
    # characters that case-insensitive matching folds differently from str.lower()
    texts += [
        "Pleaſe pay by 1 March.",
        "PLEASE PAY BY 1 MARCH. ΟΔΟΣ",
        "Pay ınstalments online",
        "Call İstanbul",
        # patterns that spell a capital ("(?:we|I) can help", "Rs"), searched lowered
        "Dear Sam, I can help. I WILL ASSIST you. i could support you.",
        "We are happy to help. Pay Rs. 500 or RS 20 or 500 POUNDS by Friday.",
        "Pay rs.5 now; I am here to help; ı can help",
    ]
    compiled = get_linter().compiled
    checked = 0
    for text in texts:
        a = _analyse(text)
        occ = compiled.gate_words(a)
        for exact in {lower_is_exact(a.text, a.lowered), False}:
            for rule, plan in compiled._presence:
                assert plan.present(a, occ, exact) == _present_reference(a, rule.compiled), (
                    rule.code,
                    exact,
                    text,
                )
                checked += 1
    assert checked > 500


def test_capitals_are_lowered_only_where_ignorecase_makes_them_the_same() -> None:
    assert lowered_capitals(r"\b(?:we|I)\s+can\S+\W") == r"\b(?:we|i)\s+can\S+\W"
    assert lowered_capitals(r"\bRs\.?\s?\d|a\\B") == r"\brs\.?\s?\d|a\\b"
    assert lowered_capitals(r"[\]x]AB") == r"[\]x]ab"
    for kept in (r"(?-i:\bXx*\b)", r"(?s-i:X)", r"[A-Z]x", r"[^]A]", r"(?P<Name>x)", r"(?(N)a|b)"):
        assert lowered_capitals(kept) is None, kept
    for kept in (r"\x41B", r"\N{LATIN CAPITAL LETTER A}", r"(a)\1B", r"\u0041"):
        assert lowered_capitals(kept) is None, kept
    twin = case_sensitive_twin(re.compile(r"\b(?:we|I)\s+can\b", re.IGNORECASE))
    assert twin is not None and twin.pattern == r"\b(?:we|i)\s+can\b" and not twin.flags & re.I
    assert case_sensitive_twin(re.compile(r"(?-i:X)y", re.IGNORECASE)) is None
