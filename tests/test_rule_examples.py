"""Every rule's own examples, run as tests: `pytest -k LL101` runs one rule's cases."""

from __future__ import annotations

import pytest

from letterlint import Config, check_bytes, check_text
from letterlint.actions.fixes import apply_edits
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


def _lint(rule: Rule, ex: Example, context: bool = False):
    config = Config(
        select=(rule.code,),
        context=None,
        packs=PACKS if rule.pack != "core" else ("core",),
        letter_overrides=ex.letter,
    )
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
        got = [(f.text, f.severity) for f in mine]
        assert (text, severity) in got, (
            f"{rule.code} on {example.text!r}: expected {text!r} at {severity}, got {got}"
        )
    if example.fix is not None:
        edits = [
            e
            for f in mine
            if f.fix and f.fix.applicability in ("safe", "unsafe", "display-only")
            for e in f.fix.edits
        ]
        fixed, _ = apply_edits(source, edits)
        assert fixed == example.fix


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
