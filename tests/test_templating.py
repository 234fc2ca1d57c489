"""Placeholders and templates (contract 4): opaque tokens, branches, slice maps."""

from __future__ import annotations

import pytest

from letterlint import Config, check_text
from letterlint.templating.placeholders import find_placeholders, jinja_variants, mask


@pytest.mark.parametrize(
    "token, output",
    [
        ("{{ customer.first_name }}", True),
        ("{{{ customer.first_name }}}", True),
        ("{% if late %}", False),
        ("{# a note #}", False),
        ("{{! a note }}", False),
        ("{{#if late}}", False),
        ("{{/if}}", False),
        ("{first_name}", True),
        ("%(first_name)s", True),
        ("${first_name}", True),
        ("[Customer Name]", True),
        ("<<FIRST_NAME>>", True),
        ("«FirstName»", True),
        ("*|FNAME|*", True),
        ("{!Contact.FirstName}", True),
        ("*|IF:FNAME|*", False),
    ],
)
def test_every_placeholder_syntax_is_one_token(token: str, output: bool) -> None:
    text = f"Dear {token}, thanks."
    phs = find_placeholders(text)
    assert len(phs) == 1 and text[phs[0].start : phs[0].end] == token
    assert phs[0].output is output
    masked = mask(text, phs)
    assert len(masked) == len(text)
    assert masked.startswith("Dear ") and masked.endswith(", thanks.")


def test_prose_brackets_are_not_slots() -> None:
    assert find_placeholders("He said [sic] and see note [1].") == []


@pytest.mark.parametrize(
    "greeting",
    [
        "Dear {{ customer.first_name }},",
        "Dear [Customer Name],",
        "Dear *|FNAME|*,",
        "Dear {!Contact.FirstName},",
        "Dear «FirstName»,",
    ],
)
def test_placeholder_in_greeting_is_personal(greeting: str) -> None:
    findings = check_text(
        f"{greeting}\n\nPlease pay by 3 May.", config=Config(select=("personalisation",))
    )
    assert not findings


def test_placeholders_are_never_flagged_or_shouting() -> None:
    text = "Dear {{ DEBTOR_NAME }},\n\nYour balance is *|AMOUNT_DUE|* and {{ hereby }} stays.\n"
    findings = check_text(text, kind="jinja")
    for f in findings:
        assert "{{" not in f.text and "*|" not in f.text, f


def test_jinja_variants_cover_every_branch_and_tile_the_source() -> None:
    src = (
        "Hello {{ customer.first_name }},\n"
        "{% if invoice.days_overdue > 30 %}You are a debtor.{% elif x %}Middle text.{% else %}Thanks for paying.{% endif %}\n"
        "Bye."
    )
    variants = jinja_variants(src)
    texts = [v.text for v in variants]
    assert any("You are a debtor." in t for t in texts)
    assert any("Middle text." in t for t in texts)
    assert any("Thanks for paying." in t for t in texts)
    for v in variants:
        # the pieces tile the variant, and each piece is the source text at its span
        pos = 0
        for start, piece in zip(v.var_starts, v.pieces):
            assert start == pos
            assert v.text[start : start + piece.end - piece.start] == src[piece.start : piece.end]
            pos += piece.end - piece.start
        assert pos == len(v.text)
        assert "{{ customer.first_name }}" in v.text  # the expression stays, never rendered


def test_finding_in_a_branch_names_the_branch_line() -> None:
    src = (
        "Hello {{ name }},\n\n{% if late %}\nYou are a debtor.\n{% else %}\nThanks.\n{% endif %}\n"
    )
    findings = check_text(src, kind="jinja")
    f = next(f for f in findings if f.code == "LL101")
    assert src[f.start : f.end] == "debtor"
    assert f.line == 4
    assert "branch at line 3" in f.message


def test_nothing_is_reported_on_template_code() -> None:
    src = "Hello {{ name }},\n{% if debtor_is_late and final_demand %}Please pay by 3 May.{% endif %}\n{# debtor #}\n"
    findings = check_text(src, kind="jinja")
    for f in findings:
        assert "{%" not in src[f.start : f.end] and "{#" not in src[f.start : f.end]
    assert not [f for f in findings if f.code == "LL101"]


def test_undefined_variable_never_renders_empty() -> None:
    # if {{ name }} rendered as "", the greeting would become the impersonal "Dear ,"
    src = "Dear {{ name }},\n\nPlease pay {{ amount }} by {{ date }}.\n"
    assert not [f for f in check_text(src, kind="jinja") if f.code == "LL501"]


def test_loops_are_followed_once() -> None:
    src = "Hello {{ name }},\n{% for inv in invoices %}Invoice {{ inv.number }} makes you a debtor.\n{% endfor %}"
    findings = check_text(src, kind="jinja")
    assert len([f for f in findings if f.code == "LL101"]) == 1


def test_handlebars_blocks_are_masked_and_their_text_linted() -> None:
    src = "Dear {{first_name}},\n{{#if late}}You are a debtor.{{else}}Thanks.{{/if}}\n"
    findings = check_text(src, kind="handlebars")
    f = next(f for f in findings if f.code == "LL101")
    assert src[f.start : f.end] == "debtor"


def test_include_without_loader_falls_back_to_masking_with_a_note() -> None:
    from letterlint import check_bytes

    res = check_bytes(b"Dear {{ name }},\n{% include 'footer.j2' %}\nYou are a debtor.\n", "x.j2")
    assert res.error is None
    assert any("control flow" in n for n in res.notes)
    assert any(f.code == "LL101" for f in res.findings)


def test_smarty_plugin_calls_and_hyphenated_fields_are_one_placeholder_each() -> None:
    text = "Total {formatMoney value=$balanceDue currency='EUR'} after {plan.grace-days} days."
    found = [(text[p.start : p.end], p.output, p.name) for p in find_placeholders(text)]
    assert found == [
        ("{formatMoney value=$balanceDue currency='EUR'}", True, "balanceDue"),
        ("{plan.grace-days}", True, "plan.grace"),
    ]


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("Please pay within the next ....days of this letter.", "...."),
        ("Please call us within (....) days.", "...."),
        ("Yours.........", "........."),
    ],
)
def test_a_row_of_dots_to_fill_in_is_a_blank(text: str, blank: str) -> None:
    found = [text[p.start : p.end] for p in find_placeholders(text)]
    assert blank in found, found


def test_an_ellipsis_and_a_full_stop_are_not_blanks() -> None:
    for text in ("We wrote... and then we waited.", "It is due. Please pay."):
        assert not [p for p in find_placeholders(text) if set(text[p.start : p.end]) == {"."}]
