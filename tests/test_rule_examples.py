"""Every rule's own examples, run as tests: `pytest -k LL101` runs one rule's cases."""

from __future__ import annotations

import pytest

from letterlint import Config, check_bytes, check_text
from letterlint.actions.fixes import MAX_ROUNDS, apply_edits, fix_edits, fix_text
from letterlint.rulebook.loader import Example, Rule, load_rules

from .conftest import make_docx

PACKS = ("core", "us-fdcpa", "uk-fca", "uk-b2b")
RULES = load_rules(PACKS)


def _cases(kind: str) -> list:
    out = []
    for rule in RULES:
        examples = rule.fail_examples if kind == "fail" else rule.pass_examples
        for i, ex in enumerate(examples):
            out.append(pytest.param(rule, ex, id=f"{rule.code}-{rule.name}-{kind}{i}"))
    return out


def _config(rule: Rule, ex: Example) -> Config:
    """Only this rule, with its pack and the example's letter context."""
    return Config(
        select=(rule.code,),
        context=None,
        packs=PACKS if rule.pack != "core" else ("core",),
        letter_overrides=ex.letter,
    )


def _lint(rule: Rule, ex: Example, context: bool = False):
    config = _config(rule, ex)
    if ex.kind == "docx":
        return list(check_bytes(make_docx(ex.text), "example.docx", config=config).findings), None
    if rule.check == "undefined-variable":
        # this rule needs a sample context: the built-in schema sample
        import json
        import os
        import tempfile

        from letterlint.core.config import SAMPLE_CONTEXT
        from letterlint.engine.linter import Linter
        from letterlint.reading.readers import read_text

        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(SAMPLE_CONTEXT, fh)
        try:
            linter = Linter(config, context_file=fh.name)
            return list(linter.lint(read_text(ex.text, "example.j2", "jinja")).findings), ex.text
        finally:
            os.unlink(fh.name)
    kind = ex.kind
    return check_text(ex.text, kind=kind, config=config), ex.text


@pytest.mark.parametrize("rule, example", _cases("fail"))
def test_fail_example_is_flagged(rule: Rule, example: Example) -> None:
    findings, source = _lint(rule, example)
    mine = [f for f in findings if f.code == rule.code]
    assert mine, f"{rule.code} did not flag its own fail example: {example.text!r}"
    for f in mine:
        assert f.name == rule.name and f.category == rule.category
        assert f.severity in ("error", "warning", "info")
        if source is not None:
            assert source[f.start : f.end] == f.text
    if example.expect is not None:
        text, severity = example.expect
        assert example.text.count(text) == 1, (
            f"{rule.code}: expect.text {text!r} must occur once in the example, to name one span"
        )
        start = example.text.index(text)
        at = [f.severity for f in mine if (f.start, f.end) == (start, start + len(text))]
        assert at == [severity], (
            f"{rule.code} on {example.text!r}: expected one finding on {text!r} "
            f"[{start}:{start + len(text)}] at {severity}, got "
            f"{[(f.text, f.start, f.end, f.severity) for f in mine]}"
        )


def _fix_cases() -> list:
    return [p for p in _cases("fail") if p.values[1].fix is not None]


@pytest.mark.parametrize("rule, example", _fix_cases())
def test_fail_example_fix_is_what_letterlint_fix_makes(rule: Rule, example: Example) -> None:
    """The example's ``fix:`` is checked through `fix_text`, the loop `letterlint fix` runs
    (fixes re-linted and applied until the text is stable), with only this rule selected:
    safe rules as `letterlint fix`, unsafe ones as `letterlint fix --unsafe-fixes` (and
    untouched without it). Display-only fixes are never applied by the loop; for them
    ``fix:`` is the text with the shown suggestion applied."""
    assert example.kind != "docx", "Word letters are never fixed in place: drop `fix:`"
    config = _config(rule, example)
    safe = fix_text(example.text, kind=example.kind, config=config)
    loose = fix_text(example.text, kind=example.kind, config=config, unsafe=True)
    for result, unsafe in ((safe, False), (loose, True)):  # converged: nothing left to apply
        assert result.rounds < MAX_ROUNDS and not fix_edits(result.remaining, unsafe=unsafe), (
            f"{rule.code}: the fix loop did not converge on {example.text!r}: {result.text!r}"
        )
    if rule.fix == "safe":
        assert safe.text == example.fix
    elif rule.fix == "unsafe":
        assert safe.text == example.text, (
            f"{rule.code} applied an unsafe fix without --unsafe-fixes"
        )
        assert loose.text == example.fix
    else:
        assert rule.fix == "display-only", f"{rule.code} has no fix, so its example has no `fix:`"
        assert loose.text == example.text, (
            f"{rule.code}: `letterlint fix` applied a display-only fix"
        )
        findings = check_text(example.text, kind=example.kind, config=config)
        shown = [e for f in findings if f.code == rule.code and f.fix for e in f.fix.edits]
        assert shown and apply_edits(example.text, shown)[0] == example.fix


@pytest.mark.parametrize("rule, example", _cases("pass"))
def test_pass_example_is_clean(rule: Rule, example: Example) -> None:
    findings, _ = _lint(rule, example)
    mine = [f for f in findings if f.code == rule.code]
    assert not mine, (
        f"{rule.code} flagged its own pass example {example.text!r}: {[f.text for f in mine]}"
    )


def test_every_rule_has_examples_sources_and_a_rationale() -> None:
    for rule in RULES:
        assert len(rule.fail_examples) >= 1 and len(rule.pass_examples) >= 1, rule.code
        assert rule.sources and all(s.strip() for s in rule.sources), rule.code
        assert len(rule.rationale.split()) >= 20, f"{rule.code} rationale is too thin"
        assert rule.message and rule.summary


def test_rules_with_safe_fixes_show_the_fix_in_an_example() -> None:
    for rule in RULES:
        if rule.fix == "safe" and rule.kind == "terms":
            assert any(ex.fix is not None for ex in rule.fail_examples), (
                f"{rule.code} has a safe fix but no example of it"
            )


def test_codes_are_unique_and_categorised() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
