"""Compliance packs and the letter's context (contract 7): how context is given, what the
packs require and forbid, the computed checks, and prescribed text."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest

from letterlint import Config, check_paths, check_text
from letterlint.batch.checking import lint_text
from letterlint.core.config import ConfigError
from letterlint.kinds.compliance import add_business_days, earliest_validation_end
from letterlint.rulebook.loader import load_rules

from .conftest import ROOT, run_cli

PACKS = ("core", "us-fdcpa", "uk-fca", "uk-b2b")
ALL = Config(packs=PACKS)
SAMPLES = ROOT / "examples" / "compliance"
US = SAMPLES / "good-us-validation-notice.md"
UK_ARREARS = SAMPLES / "good-uk-arrears-letter.md"
UK_CLAIM = SAMPLES / "good-uk-letter-of-claim.md"
SCHEMA = json.loads((ROOT / "src/letterlint/schemas/output-v1.schema.json").read_text())


def compliance(findings, *, serious: bool = True) -> set[str]:
    """The compliance codes found (errors and warnings only, unless ``serious`` is off)."""
    return {
        f.code
        for f in findings
        if f.category == "compliance" and (not serious or f.severity != "info")
    }


def lint(text: str, kind: str = "markdown", config: Config = ALL, **letter: object):
    return check_text(
        text,
        kind=kind,
        config=config,
        letter={k.replace("_", "-"): v for k, v in letter.items()} or None,
    )


# --------------------------------------------------------------------------- the sample letters


@pytest.mark.parametrize("sample", [US, UK_ARREARS, UK_CLAIM], ids=lambda p: p.name)
def test_sample_letters_pass_their_packs(sample: Path) -> None:
    findings = lint(sample.read_text(encoding="utf-8"))
    assert not [f for f in findings if f.category == "compliance"], [
        (f.code, f.message) for f in findings
    ]
    assert not [f for f in findings if f.severity != "info"], [(f.code, f.text) for f in findings]


US_REMOVALS = {
    "LL701": [("We will use any information you give us to help collect the debt.", "")],
    "LL703": [(re.compile(r"IL 62\d{3}"), "Illinois")],
    "LL704": [("As of January 5, 2026, you owed", "Before that, you owed")],
    "LL705": [("you owed: $1,250.00", "your account was opened")],
    "LL706": [("You were charged this amount in fees: + $0.00\n", "")],
    "LL707": [("Total amount of the debt now: $1,182.40\n", "")],
    "LL708": [("by April 13, 2026", "within 30 days")],
    "LL710": [
        (
            "- If you write to us by April 13, 2026, we must stop collection on any amount you dispute until we send "
            "you information that shows you owe the debt. ",
            "- ",
        )
    ],
    "LL711": [
        (
            "Write to ask for the name and address of the original creditor, if different from the current "
            "creditor. ",
            "",
        )
    ],
    "LL712": [(" If you do not, we will assume that our information is correct.", "")],
    "LL713": [
        (
            "- Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law. For instance, "
            "you have the right to stop or limit how we contact you.\n",
            "",
        )
    ],
    "LL715": [("**How do you want to respond?**\n", "")],
}
UK_ARREARS_REMOVALS = {
    "LL741": [
        (
            re.compile(
                r"\*\*Free, independent advice\*\*\n\nYou can get free[^\n]*\(0808 808 4000\)\."
            ),
            "",
        )
    ],
    "LL742": [(re.compile(r"- If you can't pay it all at once[^\n]*\n"), "")],
    "LL743": [(re.compile(r"\*\*If something has made paying hard\*\*\n\n[^\n]*\n"), "")],
}
UK_CLAIM_REMOVALS = {
    "LL750": [("£2,300.00", "the balance")],
    "LL751": [
        (
            " Interest is no longer being added to this balance, and we will not add any other charges.",
            "",
        )
    ],
    "LL752": [
        (
            " under your loan agreement with Harbour Finance Ltd dated 4 May 2024, between you and us. You can ask us "
            "for a copy of the agreement at any time.",
            ".",
        )
    ],
    "LL754": [
        (re.compile(r"You can pay online at [^\n]*? reference 55820194\. "), ""),
        (" To discuss payment options, call us free on 0800 123 4567.", ""),
    ],
    "LL755": [
        (
            re.compile(
                r"Please send the completed Reply Form to [^\n]*?claims@harbour\.example\. "
            ),
            "",
        )
    ],
    "LL756": [("- an up-to-date statement of your account\n", "")],
    "LL757": [("- the Information Sheet\n", "")],
    "LL758": [("- the Reply Form\n", "")],
    "LL759": [("- a Financial Statement form\n", "")],
    "LL760": [
        ("within 30 days of the date of this letter", "within 7 days of the date of this letter")
    ],
}


def _remove(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        pattern = old if isinstance(old, re.Pattern) else re.compile(re.escape(old))
        changed = pattern.sub(lambda _m, new=new: new, text)
        assert changed != text, f"the sample no longer contains {old!r}"
        text = changed
    return text


@pytest.mark.parametrize(
    "sample, code, edits",
    [
        *[(US, c, e) for c, e in US_REMOVALS.items()],
        *[(UK_ARREARS, c, e) for c, e in UK_ARREARS_REMOVALS.items()],
        *[(UK_CLAIM, c, e) for c, e in UK_CLAIM_REMOVALS.items()],
    ],
    ids=lambda v: v if isinstance(v, str) else (v.stem if isinstance(v, Path) else ""),
)
def test_removing_a_required_element_gives_exactly_its_finding(
    sample: Path, code: str, edits
) -> None:
    text = _remove(sample.read_text(encoding="utf-8"), edits)
    assert compliance(lint(text)) == {code}


def test_every_required_content_rule_is_exercised_by_a_removal() -> None:
    covered = set(US_REMOVALS) | set(UK_ARREARS_REMOVALS) | set(UK_CLAIM_REMOVALS)
    required = {r.code for r in load_rules(PACKS) if r.check == "required-content"}
    # the rest need a context the samples do not have: later communications, email, debt buyers,
    # default notices and arrears notices; their rule examples cover them
    assert required - covered == {"LL702", "LL714", "LL732", "LL745", "LL746", "LL748", "LL753"}


# --------------------------------------------------------------------------- prohibited wording


@pytest.mark.parametrize(
    "code, bad, lawful, letter",
    [
        (
            "LL720",
            "If you do not pay you could be arrested.",
            "You will not be arrested because of this debt.",
            {"jurisdiction": "US", "sender-type": "third-party-collector"},
        ),
        (
            "LL722",
            "We will file suit against you.",
            "We will not file suit against you.",
            {
                "jurisdiction": "US",
                "sender-type": "third-party-collector",
                "litigation-intended": False,
            },
        ),
        (
            "LL723",
            "We may take legal action to collect.",
            "We will not take legal action to collect.",
            {"jurisdiction": "US", "sender-type": "debt-buyer", "time-barred": True},
        ),
        (
            "LL728",
            "We will contact your employer.",
            "We will never contact your employer.",
            {"jurisdiction": "US", "sender-type": "third-party-collector"},
        ),
        (
            "LL764",
            "Our bailiffs will visit next week.",
            "Bailiffs will not visit you.",
            {
                "jurisdiction": "UK",
                "recipient-type": "consumer",
                "sender-type": "third-party-collector",
            },
        ),
        (
            "LL768",
            "This may be passed to the police.",
            "This is not a matter for the police.",
            {"jurisdiction": "UK", "recipient-type": "consumer"},
        ),
        (
            "LL769",
            "We may contact your employer.",
            "We will not contact your employer.",
            {"jurisdiction": "UK", "recipient-type": "consumer"},
        ),
    ],
)
def test_prohibited_wording_and_its_negated_form(
    code: str, bad: str, lawful: str, letter: dict
) -> None:
    assert code in compliance(lint(bad, "text", **_kw(letter)))
    assert code not in compliance(lint(lawful, "text", **_kw(letter)), serious=False)


def _kw(letter: dict) -> dict:
    return {k.replace("-", "_"): v for k, v in letter.items()}


def test_every_prohibited_rule_has_a_failing_and_a_lawful_example() -> None:
    forbidden = [r for r in load_rules(PACKS) if r.check == "forbidden-wording"]
    assert len(forbidden) >= 25
    for rule in forbidden:  # tests/test_rule_examples.py runs them; here: they are really there
        assert rule.fail_examples and rule.pass_examples, rule.code
        assert all(ex.letter for ex in (*rule.fail_examples, *rule.pass_examples)), rule.code


def test_a_creditor_gets_conduct_rules_as_warnings_and_no_validation_rules() -> None:
    text = "Dear Jordan,\n\nIf this is not paid you could be arrested. Please call us on (800) 555-0142."
    as_collector = lint(
        text,
        "text",
        jurisdiction="US",
        sender_type="third-party-collector",
        letter_type="validation-notice",
    )
    as_creditor = lint(
        text, "text", jurisdiction="US", sender_type="creditor", letter_type="validation-notice"
    )
    assert {f.severity for f in as_collector if f.code == "LL720"} == {"error"}
    assert {f.severity for f in as_creditor if f.code == "LL720"} == {"warning"}
    assert "LL701" in compliance(as_collector) and "LL715" in compliance(as_collector)
    assert compliance(as_creditor) == {"LL720"}
    in_california = lint(
        text, "text", jurisdiction="US-CA", sender_type="creditor", letter_type="reminder"
    )
    assert {f.severity for f in in_california if f.code == "LL720"} == {"error"}


def test_a_letter_without_context_gets_core_findings_and_one_question() -> None:
    text = "Dear Sir/Madam,\n\nAs a debtor you must pay forthwith. We may contact your employer."
    core = check_text(text)
    with_packs = check_text(text, config=ALL)
    assert [f for f in with_packs if f.category != "compliance"] == core
    extra = [f for f in with_packs if f.category == "compliance"]
    assert [(f.code, f.severity) for f in extra] == [("LL700", "info")]


def test_a_missing_fact_is_asked_for_once() -> None:
    text = (
        "Call or write to us by March 20, 2026, to dispute all or part of the debt.\n"
        "We will file suit, and we will garnish your wages."
    )
    found = lint(
        text,
        "text",
        jurisdiction="US",
        sender_type="third-party-collector",
        letter_type="validation-notice",
    )
    asks = [f for f in found if f.severity == "info" and f.category == "compliance"]
    assert sorted(re.search(r"`([a-z-]+)`", f.message).group(1) for f in asks) == [
        "debt-type",
        "litigation-intended",
        "sent-date",
    ]


# --------------------------------------------------------------------------- computed checks


def test_assumed_receipt_skips_weekends_and_federal_holidays() -> None:
    assert add_business_days(dt.date(2026, 3, 2), 5) == dt.date(2026, 3, 9)  # Monday → next Monday
    # Friday 22 May 2026; Memorial Day is Monday 25 May
    assert add_business_days(dt.date(2026, 5, 22), 5) == dt.date(2026, 6, 1)
    # Thanksgiving (26 November 2026) and the weekend
    assert earliest_validation_end(dt.date(2026, 11, 24)) == (
        dt.date(2026, 12, 2),
        dt.date(2027, 1, 1),
    )


@pytest.mark.parametrize("end, ok", [("June 30, 2026", False), ("July 1, 2026", True)])
def test_validation_end_date_against_the_sent_date(end: str, ok: bool) -> None:
    text = f"Call or write to us by {end}, to dispute all or part of the debt."
    found = lint(
        text,
        "text",
        jurisdiction="US",
        sender_type="third-party-collector",
        letter_type="validation-notice",
        sent_date="2026-05-22",
    )
    assert ("LL709" not in compliance(found)) is ok


def test_itemization_arithmetic() -> None:
    lines = (
        "As of January 5, 2026, you owed: $800.00\nYou were charged this amount in interest: + $30.00\n"
        "You were charged this amount in fees: + $15.00\n"
        "You paid or were credited this amount toward the debt: - $50.00\nTotal amount of the debt now: {total}\n"
    )
    ctx = {"jurisdiction": "US", "sender_type": "third-party-collector", "letter_type": "reminder"}
    wrong = [f for f in lint(lines.format(total="$830.00"), "text", **ctx) if f.code == "LL716"]
    assert len(wrong) == 1 and wrong[0].text == "$830.00" and "795.00" in wrong[0].message
    assert "LL716" not in compliance(lint(lines.format(total="$795.00"), "text", **ctx))


def test_letter_of_claim_window_counts_from_the_letter_date() -> None:
    text = UK_CLAIM.read_text(encoding="utf-8").replace(
        "within 30 days of the date of this letter", "by 20 March 2026"
    )
    assert compliance(lint(text)) == {"LL760"}
    later = text.replace("by 20 March 2026", "by 1 April 2026")
    assert compliance(lint(later)) == set()


def test_late_payment_fixed_sum_band() -> None:
    letter = {"jurisdiction": "UK", "recipient_type": "business"}
    bad = lint(
        "Invoice 1042 for £12,500.00 is overdue.\n\nWe have added £70 compensation.",
        "text",
        **letter,
    )
    assert [f.text for f in bad if f.code == "LL782"] == ["£70"]
    good = lint(
        "Invoice 1042 for £12,500.00 is overdue.\n\nWe have added £100 compensation.",
        "text",
        **letter,
    )
    assert "LL782" not in compliance(good)


# --------------------------------------------------------------------------- prescribed text


def test_prescribed_wording_is_not_reported_by_core_rules() -> None:
    text = US.read_text(encoding="utf-8")
    core_only = check_text(text, kind="markdown")
    assert {"LL602", "LL603"} <= {
        f.code for f in core_only
    }  # B-1's long sentence and passive lines
    result = lint_text(text, kind="markdown", config=ALL)
    assert not {"LL602", "LL603"} & {f.code for f in result.findings}
    spans = [text[s:e] for s, e in result.prescribed]
    assert any("we must stop collection on any amount you dispute" in s for s in spans)
    assert any(s.startswith("You were charged this amount in interest") for s in spans)


def test_statutory_default_notice_wording_is_not_jargon() -> None:
    text = (
        "Dear Ms Patel,\n\nThis notice is served under section 87(1) of the Consumer Credit Act 1974 pursuant to "
        "your agreement.\n\nPlease call us on 0800 123 4567."
    )
    assert "legal-jargon.legalese" in {f.name for f in check_text(text)}
    found = lint(
        text, "text", jurisdiction="UK", recipient_type="consumer", letter_type="default-notice"
    )
    assert "legal-jargon.legalese" not in {f.name for f in found}
    assert "LL748" not in compliance(found)


def test_the_subsequent_disclosure_in_capitals_is_not_shouting() -> None:
    text = "Dear Jordan,\n\nPlease call us on (800) 555-0142 about your account.\n\nTHIS COMMUNICATION IS FROM A DEBT COLLECTOR."
    letter = {
        "jurisdiction": "US",
        "sender_type": "third-party-collector",
        "letter_type": "reminder",
        "initial_communication": False,
    }
    assert [f.name for f in check_text(text)] == ["threatening-tone.shouting"]
    found = lint(text, "text", **letter)
    assert [f.name for f in found] == []  # the prescribed disclosure is there, and is not shouting


# --------------------------------------------------------------------------- giving the context

US_TEXT = "Dear Jordan,\n\nPlease call us on (800) 555-0142 about your account.\n"


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "letterlint.toml").write_text(
        'packs = ["core", "us-fdcpa"]\n' + table, encoding="utf-8"
    )
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "later.txt").write_text(US_TEXT, encoding="utf-8")
    return tmp_path


def test_context_from_config_defaults(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[letter]\njurisdiction = "US"\nsender-type = "third-party-collector"\n'
        'letter-type = "reminder"\ninitial-communication = false\n',
    )
    report = check_paths([root / "letters"], config=Config.load(root / "letterlint.toml"))
    fr = report.files[0]
    assert fr.letter == {
        "jurisdiction": "US",
        "sender-type": "third-party-collector",
        "letter-type": "reminder",
        "initial-communication": False,
    }
    assert compliance(fr.findings) == {"LL702"}


def test_context_from_a_glob_table_wins_over_defaults(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[letter]\njurisdiction = "US"\nsender-type = "creditor"\nletter-type = "reminder"\n'
        '[letters."letters/later*"]\nsender-type = "debt-buyer"\ninitial-communication = false\n'
        '[letters."*.md"]\nsender-type = "law-firm"\n',
    )
    fr = check_paths([root / "letters"], config=Config.load(root / "letterlint.toml")).files[0]
    assert fr.letter["sender-type"] == "debt-buyer"
    assert compliance(fr.findings) == {"LL702"}


def test_context_from_an_inline_comment_in_any_comment_syntax() -> None:
    for kind, comment in (
        ("markdown", "<!-- {} -->"),
        ("jinja", "{{# {} #}}"),
        ("handlebars", "{{{{! {} }}}}"),
        ("html", "<!-- {} -->"),
    ):
        line = comment.format(
            "letterlint: letter jurisdiction=US sender-type=debt-buyer initial-communication=false "
            "letter-type=reminder"
        )
        result = lint_text(line + "\n" + US_TEXT, kind=kind, config=ALL)
        assert result.letter["sender-type"] == "debt-buyer", kind
        assert compliance(result.findings) == {"LL702"}, kind


def test_context_from_the_api_wins_over_the_inline_comment() -> None:
    text = (
        "<!-- letterlint: letter jurisdiction=US sender-type=debt-buyer initial-communication=false -->\n"
        + US_TEXT
    )
    result = lint_text(
        text,
        kind="markdown",
        config=ALL,
        letter={"sender-type": "creditor", "letter-type": "reminder"},
    )
    assert result.letter["sender-type"] == "creditor"
    assert compliance(result.findings) == set()


def test_context_from_the_command_line(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    args = [
        "check",
        "letters/later.txt",
        "--format",
        "json",
        "--no-cache",
        "--letter",
        "jurisdiction=US",
        "--letter",
        "sender-type=third-party-collector",
        "--letter",
        "initial-communication=false",
        "--letter",
        "letter-type=reminder",
    ]
    r = run_cli(*args, cwd=root)
    data = json.loads(r.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["files"][0]["letter"]["sender-type"] == "third-party-collector"
    assert {f["code"] for f in data["files"][0]["findings"] if f["category"] == "compliance"} == {
        "LL702"
    }
    assert r.returncode == 1


@pytest.mark.parametrize(
    "where, text",
    [
        ("config", '[letter]\nsender-type = "bank"\n'),
        ("config", '[letter]\ncolour = "blue"\n'),
        ("config", '[letters."*.txt"]\nsent-date = "next week"\n'),
    ],
)
def test_a_bad_context_in_the_config_is_an_error_naming_it(
    tmp_path: Path, where: str, text: str
) -> None:
    root = _project(tmp_path, text)
    r = run_cli("check", "letters", "--no-cache", cwd=root)
    assert r.returncode == 2
    assert re.search(r"sender-type|colour|sent-date", r.stderr)
    with pytest.raises(ConfigError):
        Config.load(root / "letterlint.toml")


def test_a_bad_context_on_the_command_line_or_api_is_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    r = run_cli("check", "letters", "--no-cache", "--letter", "time-barred=maybe", cwd=root)
    assert r.returncode == 2 and "time-barred" in r.stderr
    r = run_cli("check", "letters", "--no-cache", "--letter", "jurisdiction", cwd=root)
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr
    with pytest.raises(ConfigError, match="letter-type"):
        check_text(US_TEXT, config=ALL, letter={"letter-type": "postcard"})


def test_a_bad_inline_context_is_that_file_s_error(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    (root / "letters" / "bad.md").write_text(
        "<!-- letterlint: letter channel=pigeon -->\n" + US_TEXT, encoding="utf-8"
    )
    r = run_cli("check", "letters", "--no-cache", "--format", "json", cwd=root)
    assert r.returncode == 2
    jsonschema.validate(json.loads(r.stdout), SCHEMA)
    files = {Path(f["path"]).name: f for f in json.loads(r.stdout)["files"]}
    assert files["bad.md"]["error"]["code"] == "letter-context"
    assert (
        "bad.md:1" in files["bad.md"]["error"]["message"]
        and "channel" in files["bad.md"]["error"]["message"]
    )
    assert files["later.txt"]["error"] is None


def test_the_cache_keeps_letters_with_different_context_apart(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    base = [
        "check",
        "letters/later.txt",
        "--format",
        "json",
        "--letter",
        "jurisdiction=US",
        "--letter",
        "initial-communication=false",
        "--letter",
        "letter-type=reminder",
        "--letter",
    ]
    first = json.loads(run_cli(*base, "sender-type=third-party-collector", cwd=root).stdout)
    second = json.loads(run_cli(*base, "sender-type=creditor", cwd=root).stdout)
    assert {f["code"] for f in first["files"][0]["findings"]} >= {"LL702"}
    assert "LL702" not in {f["code"] for f in second["files"][0]["findings"]}
    assert second["files"][0]["letter"]["sender-type"] == "creditor"


# --------------------------------------------------------------------------- the CLI around the packs


def test_rules_lists_a_pack(tmp_path: Path) -> None:
    r = run_cli("rules", "--pack", "us-fdcpa", cwd=tmp_path)
    codes = re.findall(r"^(LL\d{3})", r.stdout, re.M)
    assert r.returncode == 0 and codes and all(c.startswith("LL7") for c in codes)
    assert "LL709" in codes and "LL741" not in codes


def test_rule_explains_a_compliance_rule_with_its_provision_link(tmp_path: Path) -> None:
    r = run_cli("rule", "LL709", cwd=tmp_path)
    assert r.returncode == 0
    assert "1006.34(b)(5)" in r.stdout and "https://www.ecfr.gov/" in r.stdout


def test_sarif_help_uri_links_the_provision(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[letter]\njurisdiction = "US"\nsender-type = "debt-buyer"\nletter-type = "reminder"\n'
        "initial-communication = false\n",
    )
    data = json.loads(
        run_cli("check", "letters", "--format", "sarif", "--no-cache", cwd=root).stdout
    )
    rules = {r["id"]: r for r in data["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["LL702"]["helpUri"].startswith("https://www.law.cornell.edu/uscode/text/15/1692e")


@pytest.mark.parametrize(
    "words", ["dispute the debt ", "interest you owed ", "by May 2, 2026 dispute "]
)
def test_long_one_line_letters_stay_linear(words: str) -> None:
    """Compliance patterns are bounded: one 300,000-character line of matching words took
    two minutes when a pattern could scan to the end of the line from every match."""
    import time

    text = words * (300_000 // len(words))
    start = time.perf_counter()
    lint(
        text,
        "text",
        jurisdiction="US",
        sender_type="third-party-collector",
        letter_type="validation-notice",
        sent_date="2026-03-02",
    )
    assert time.perf_counter() - start < 20


def test_check_bytes_takes_the_letter_context_for_a_docx() -> None:
    from letterlint import check_bytes

    from .conftest import make_docx

    data = make_docx("Dear Jordan,\nPlease call us on (800) 555-0142 about your account.")
    letter = {
        "jurisdiction": "US",
        "sender-type": "debt-buyer",
        "initial-communication": False,
        "letter-type": "reminder",
    }
    result = check_bytes(data, "later.docx", config=ALL, letter=letter)
    assert result.letter["sender-type"] == "debt-buyer"
    assert compliance(result.findings) == {"LL702"}
