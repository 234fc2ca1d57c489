"""Rule files are validated strictly, and the core pack covers what the issue asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from letterlint.rulebook.loader import RuleFileError, load_rule_file, load_rules

GOOD = """rules:
  - code: LL290
    name: legal-jargon.test
    severity: info
    summary: s
    message: m
    rationale: r
    sources: [s]
    kind: terms
    terms: {hereby: ""}
    examples: {fail: ["hereby"], pass: ["here"]}
"""


def _write(tmp: Path, text: str) -> Path:
    p = tmp / "x.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_valid_rule_loads(tmp_path: Path) -> None:
    (rule,) = load_rule_file(_write(tmp_path, GOOD), "extra")
    assert (
        rule.code == "LL290" and rule.category == "legal-jargon" and rule.terms == (("hereby", ""),)
    )


@pytest.mark.parametrize(
    "change, message, line",
    [
        (("    kind: terms", "    kind: terms\n    colour: red"), "unknown key 'colour'", 10),
        (("    severity: info", "    severity: fatal"), "bad severity", 4),
        (("code: LL290", "code: LL390"), "does not fit category", 2),
        (("    summary: s\n", ""), "missing 'summary'", 2),
        (
            ('kind: terms\n    terms: {hereby: ""}', "kind: regex\n    patterns: ['(unclosed']"),
            "bad regular expression",
            10,
        ),
        (("name: legal-jargon.test", "name: jargon.test"), "bad name", 3),
        (
            ('examples: {fail: ["hereby"], pass: ["here"]}', 'examples: {fail: ["hereby"]}'),
            "non-empty 'fail' and 'pass'",
            11,
        ),
    ],
)
def test_bad_rule_files_name_file_and_line(
    tmp_path: Path, change: tuple[str, str], message: str, line: int
) -> None:
    text = GOOD.replace(*change)
    path = _write(tmp_path, text)
    with pytest.raises(RuleFileError) as exc:
        load_rule_file(path, "extra")
    assert message in str(exc.value)
    assert str(exc.value).startswith(f"{path}:")
    assert f":{line}:" in str(exc.value), str(exc.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "rules:\n  - code: [unclosed\n")
    with pytest.raises(RuleFileError, match=r"x\.yaml:\d+: invalid YAML"):
        load_rule_file(path, "extra")


def test_duplicate_codes_across_folders(tmp_path: Path) -> None:
    _write(tmp_path, GOOD.replace("LL290", "LL201"))
    with pytest.raises(RuleFileError, match="LL201 is already defined"):
        load_rules(("core",), (str(tmp_path),))


def test_extend_rules_adds_a_rule(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    rules = load_rules(("core",), (str(tmp_path),))
    assert any(r.code == "LL290" for r in rules)


def test_core_pack_coverage() -> None:
    rules = load_rules(("core",))
    jargon = {phrase for r in rules if r.category == "legal-jargon" for phrase, _ in r.terms}
    assert len(jargon) >= 60
    for must in (
        "hereby",
        "pursuant to",
        "remit",
        "forthwith",
        "notwithstanding",
        "aforementioned",
        "herewith",
        "in default",
        "without prejudice",
        "the sum of",
        "in accordance with",
    ):
        assert must in jargon, must
    threat_patterns = sum(len(r.patterns) for r in rules if r.category == "threatening-tone")
    assert threat_patterns >= 40
    stigma = {
        phrase for r in rules if r.category == "stigmatising-language" for phrase, _ in r.terms
    }
    for must in ("debtor", "defaulter", "delinquent", "deadbeat", "bad payer", "non-payer"):
        assert must in stigma, must
    names = {r.name for r in rules}
    assert {"call-to-action.missing", "personalisation.impersonal-salutation"} <= names
