"""Properties every rewrite and every fix keep, over our sample letters and generated letters:
facts and placeholders survive exactly, no sentence starts with a comma, no doubled word
or sentence fragment is introduced, and a sentence after a full stop starts with a capital."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from letterlint import check_text
from letterlint.actions.fixes import fix_text
from letterlint.actions.rewrite import rewrite_eml, rewrite_source, rewrite_text
from letterlint.reading.readers import read_bytes

from .conftest import SAMPLES

#: The fragment a bad split leaves ("... 2013. Are legally entitled to do so.").
FRAGMENT = re.compile(
    r"(?:^|[.!?]\s+)(Are|Is|Was|Were|Will|Shall|Have|Has|Had|Can|Could|Would|Should|Must|May)\s+"
    r"(?!you\b|we\b|they\b|it\b|there\b|this\b|that\b|these\b|those\b|your\b|our\b|the\b|a\b|an\b|I\b)[a-z]"
)
DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.I)
LEADING_COMMA = re.compile(r"(?:^|[.!?]\s+|\n)[,;]", re.M)
LOWER_START = re.compile(r"[.!?]\s+[a-z]")

OPENERS = [
    "We wrote to you last month about your account",
    "Our records show the balance is unpaid",
    "Pursuant to our terms, in line with Section 9.2, the balance is due",
    "You have failed to pay",
    "The debtor must pay IMMEDIATELY",
    "Please pay the amount",
    "We hereby demand payment forthwith",
]
THREATS = [
    "or we will take you to court",
    "and bailiffs will visit your home",
    "otherwise we will tell your employer",
    "failing which we will have no choice but to pass the matter to our solicitors",
    "and we thank you",
]
FACTS = [
    "£1,234.56",
    "$40.00",
    "INV-2041",
    "3 May 2026",
    "https://pay.example.com/a1",
    "billing@example.com",
    "0300 123 4567",
    "{{ invoice.amount }}",
    "{{ $total }}",
    "{{ .Amount }}",
    "{$amount}",
    "%BALANCE%",
    "[Customer Name]",
    "<<Amount>>",
]


def _sentence() -> st.SearchStrategy[str]:
    return st.builds(
        lambda o, t, f: f"{o} ({f}), {t}." if t else f"{o} ({f}).",
        st.sampled_from(OPENERS),
        st.sampled_from(THREATS + [""]),
        st.sampled_from(FACTS),
    )


LETTERS = st.builds(
    lambda s, greet: f"{greet}\n\n" + " ".join(s) + "\n\nKind regards,\nTom Hughes\n",
    st.lists(_sentence(), min_size=1, max_size=5),
    st.sampled_from(["Dear Sir/Madam,", "Dear Ms Patel,", "Hello Sam,"]),
)


def _keeps_promises(before: str, after: str, *, values: list[str]) -> None:
    for v in values:
        assert v in after, v
    assert len(LEADING_COMMA.findall(after)) <= len(LEADING_COMMA.findall(before)), after
    assert len(DOUBLED.findall(after)) <= len(DOUBLED.findall(before)), after
    assert len(FRAGMENT.findall(after)) <= len(FRAGMENT.findall(before)), after
    assert len(LOWER_START.findall(after)) <= len(LOWER_START.findall(before)), after


def _facts_in(text: str) -> list[str]:
    return [f for f in FACTS if f in text]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LETTERS)
def test_rewrite_of_generated_letters_keeps_its_promises(letter: str) -> None:
    rw = rewrite_text(letter)
    out = rw.render() if rw.jinja else rw.template
    _keeps_promises(letter, out, values=[])
    for v in _facts_in(
        letter
    ):  # a literal value in the rendered letter, a placeholder in the template
        assert v in out or v in rw.template, v
    assert "ailiff" not in out and "employer" not in out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LETTERS, st.booleans())
def test_fix_of_generated_letters_keeps_its_promises(letter: str, unsafe: bool) -> None:
    out = fix_text(letter, unsafe=unsafe).text
    _keeps_promises(letter, out, values=_facts_in(letter))


TEXT_SAMPLES = sorted(p for p in SAMPLES.iterdir() if p.suffix != ".docx")


@pytest.mark.parametrize("letter", TEXT_SAMPLES, ids=lambda p: p.name)
def test_rewrite_and_fix_of_sample_letters_keep_their_promises(letter: Path) -> None:
    from letterlint.language.facts import AMOUNT, DATE, EMAIL, INVOICE, URL
    from letterlint.templating.placeholders import find_placeholders

    src = read_bytes(letter.read_bytes(), str(letter))
    rw = rewrite_eml(letter.read_bytes()) if src.kind == "eml" else rewrite_source(src)
    after = read_bytes((rw.render() if rw.jinja else rw.template).encode("utf-8"), letter.name).text
    facts = [
        m.group(0) for rx in (AMOUNT, DATE, EMAIL, INVOICE, URL) for m in rx.finditer(src.text)
    ]
    _keeps_promises(src.text, after, values=facts)
    if src.kind != "eml":
        placeholders = [src.source[p.start : p.end] for p in find_placeholders(src.source)]
        for ph in placeholders:  # the letter's own template code is kept exactly
            assert ph in rw.template, ph
        fixed = fix_text(
            src.source, kind=src.kind if src.kind != "eml" else "text", unsafe=True
        ).text
        _keeps_promises(src.source, fixed, values=placeholders)


def test_prescribed_wording_and_off_regions_are_kept_verbatim() -> None:
    text = (
        "Dear Sir/Madam,\n\nYOU MUST PAY NOW!!! This communication is from a debt collector. This is an attempt "
        "to collect a debt and any information obtained will be used for that purpose.\n\n"
        "<!-- letterlint: off -->\nWe hereby demand payment forthwith.\n<!-- letterlint: on -->\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    rw = rewrite_text(text, kind="markdown")
    assert "This communication is from a debt collector." in rw.template
    assert (
        "This is an attempt to collect a debt and any information obtained will be used for that purpose."
        in rw.template
    )
    assert "We hereby demand payment forthwith." in rw.template
    assert "YOU MUST" not in rw.template


def test_html_keeps_markup_links_and_its_own_deadline() -> None:
    text = (
        "<html><body><p>Dear Customer,</p><p>You have failed to pay <b>£50</b>. Pay by 3 June 2026 at "
        '<a href="https://pay.example.com/x">Make a payment</a> or we will take you to court.</p>'
        "<p>Kind regards,<br>Tom Hughes</p></body></html>"
    )
    rw = rewrite_text(text, kind="html")
    assert '<a href="https://pay.example.com/x">Make a payment</a>' in rw.template
    # the cut next to the link leaves one sentence: the date in its place, the link once
    assert (
        'Pay by {{ invoice.due_date }} at <a href="https://pay.example.com/x">Make a payment</a>.'
        in rw.template
    ), rw.template
    assert rw.template.count("Make a payment") == 1
    assert rw.template.startswith("<html><body><p>") and "<b></b>" not in rw.template
    assert "court" not in rw.template.lower() or "ask a court" in rw.template
    assert rw.context["invoice"]["due_date"] == "3 June 2026"
    assert "failed" not in rw.template


def test_foreign_template_syntax_is_kept() -> None:
    for text in (
        "Dear {{ $name }},\n\nPay {{ $amount }} IMMEDIATELY or we will sue you.\n",
        "{% load humanize %}Dear {{ name }},\n\nPay {{ amount|intcomma }} now!!!\n",
        "{{/* note */}}Dear {{ .Name }},\n\nYou have failed to pay {{ .Amount }}.\n",
        "{{> header}}\nDear {{name}},\n\nThe debtor must pay.\n",
    ):
        rw = rewrite_text(text, path="letter.txt")
        assert not rw.jinja
        for ph in re.findall(r"\{[{%].*?[}%]\}", text):
            assert ph in rw.template, ph


def test_html_title_is_rewritten_as_the_subject_the_reader_sees() -> None:
    text = (
        "<html><head><title>FINAL DEMAND BEFORE LEGAL ACTION</title></head><body>"
        "<p>Dear Ms Khan,</p><p>Your invoice of £80 is overdue. Please pay by 3 June 2026.</p>"
        "<p>Kind regards,<br>Tom Hughes</p></body></html>"
    )
    rw = rewrite_text(text, kind="html")
    title = re.search(r"<title>(.*?)</title>", rw.template).group(1)
    assert title and "LEGAL" not in title.upper() and "DEMAND" not in title.upper()
    plain = (
        "<html><head><title>OVERDUE REMINDER</title></head><body><p>Dear Ms Khan,</p></body></html>"
    )
    assert "<title>Overdue reminder</title>" in rewrite_text(plain, kind="html").template
    kept = (
        "<html><head><title>Invoice {{ number }}</title></head><body><p>Hi Sam,</p></body></html>"
    )
    assert "<title>Invoice {{ number }}</title>" in rewrite_text(kept, kind="html").template


@pytest.mark.parametrize(
    "sentence",
    [
        "Unless we hear from you within 14 days, or you miss another payment, we will pass your "
        "account to a debt collection agency.",
        "Please note that if the balance is still unpaid on 3 June, we will hand the account to "
        "our solicitors.",
    ],
)
def test_a_condition_never_loses_its_main_clause(sentence: str) -> None:
    text = f"Dear Ms Khan,\n\nYour invoice of £80 is overdue. {sentence}\n\nKind regards,\nTom\n"
    rw = rewrite_text(text)
    for para in rw.template.split("\n\n"):
        for s in re.split(r"(?<=[.!?])\s+", para.strip()):
            assert not re.match(r"(?:Unless|If)\b[^,]*(?:, or [^,]*)?\.$", s), s
            assert not re.search(r"\bthat if\b[^,]*\.$", s), s
    assert (
        "solicitor" not in rw.template
        and "collection agency" not in rw.template
        or ("we may pass your account" in rw.template)
    )


def test_uk_default_notice_statement_is_kept_verbatim() -> None:
    statement = (
        "This notice is served under section 87(1) of the Consumer Credit Act 1974 in respect of "
        "your loan agreement."
    )
    text = f"Dear Ms Khan,\n\n{statement} You must pay IMMEDIATELY.\n\nKind regards,\nTom Hughes\n"
    rw = rewrite_text(text)
    assert statement in rw.template
    assert "IMMEDIATELY" not in rw.template


def test_a_lost_service_is_named_in_the_calm_sentence() -> None:
    text = (
        "Dear Sam,\n\nYour invoice of £80 is overdue. Pay now or your account will be paused "
        "and you will lose access to your files.\n\nKind regards,\nTom Hughes\n"
    )
    rw = rewrite_text(text)
    assert "next steps" not in rw.template
    assert "pause" in rw.template


def test_a_replaced_threat_keeps_its_own_date_and_takes_its_bracket() -> None:
    text = (
        "Dear Sam,\n\nYour invoice is overdue. Unless it is paid by {{ pay_by }}, we will hand the "
        "account to our solicitors.\n\nWe wrote on 3 May 2026. (Court proceedings will follow.) "
        "Your balance is {{ balance }}.\n\n"
        "Kind regards,\nTom\n"
    )
    rw = rewrite_text(text, kind="jinja")
    assert "solicitors" not in rw.template
    # the ask the threat made ("unless it is paid by ...") stays, with its when
    assert "Please pay {{ balance }} by {{ pay_by }}." in rw.template
    assert "For reference: {{ pay_by }}" not in rw.template
    assert rw.template.count("(") == rw.template.count(")")


def test_jargon_with_no_plain_wording_stays_unless_it_reserves_rights() -> None:
    text = (
        "Dear Sam,\n\nThis Default Notice is issued because two instalments of £40.00 are unpaid. "
        "Please pay by 3 June 2026.\n\nAll of our rights are expressly reserved.\n\n"
        "Kind regards,\nTom\n"
    )
    rw = rewrite_text(text)
    assert "This Default Notice is issued because two instalments" in rw.template
    assert "next steps" not in rw.template
    assert "reserved" not in rw.template
    assert any(f.text == "Default Notice" for f in rw.unrewritten)  # reported, not hidden


def test_a_cut_never_leaves_the_rest_of_the_removed_clause() -> None:
    text = (
        "Dear Sam,\n\nYour invoice of £80 is overdue. So, we will pass your account to a debt "
        "collection agency next week unless you pay, or a plan is agreed.\n\nKind regards,\nTom\n"
    )
    rw = rewrite_text(text)
    assert not re.search(r"\b\w+, or a plan is agreed", rw.template), rw.template
    assert "debt collection agency next week" not in rw.template


def test_a_threat_through_a_merge_field_is_rewritten_and_keeps_its_reason() -> None:
    """A service or a cost written as a merge field is still a threat ("Your {{ plan_tier }}
    will be stopped"); the calm sentence speaks of it, so the field is not listed "for
    reference", and the reason the threat gave stays as a sentence of its own."""
    text = (
        "Dear {{ first_name }},\n\nYour {{ hosting_package }} will be suspended on Friday "
        "because your last {{ months_unpaid }} invoices are still open.\n\n"
        "Please pay through the portal.\n\nKind regards,\nTom Hughes\n"
    )
    rw = rewrite_text(text, kind="jinja")
    assert "will be suspended" not in rw.template
    assert "Your last {{ months_unpaid }} invoices are still open." in rw.template
    assert "For reference" not in rw.template
    assert "pause your service" in rw.template


def test_a_cost_named_by_a_blank_to_fill_in_is_softened_without_its_blanks() -> None:
    text = (
        "Dear ________ (customer name),\n\nThe invoice of ________ (insert amount) is still "
        "unpaid. Please note that if payment is delayed again, ______ (late fee or interest) "
        "will be charged.\n\nPlease call us on ________ (phone number).\n\nRegards,\nAccounts\n"
    )
    rw = rewrite_text(text)
    assert "(late fee or interest)" not in rw.template
    assert "For reference" not in rw.template
    assert "If ________ (insert amount) is not paid" in rw.template  # the letter's own slot


def test_help_withdrawn_after_a_deadline_is_cut_and_an_apology_for_the_threat_goes() -> None:
    text = (
        "Dear Sam,\n\nYour balance of £120.00 is overdue. If we do not hear from you by "
        "1 June 2026, we will pass your account to a debt collection agency.\n\n"
        "If paying in full is hard, we can set up a repayment plan with you; however, this "
        "plan is only available if you ring us within the next 7 days.\n\n"
        "We regret having to take this step, but we hope to hear from you soon.\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    assert any(f.code == "LL321" for f in check_text(text))
    rw = rewrite_text(text)
    out = rw.render()
    assert "we can set up a repayment plan with you." in out
    assert "however" not in out and "7 days" not in out
    assert "this step" not in out and "We hope to hear from you soon." in out
    assert not rw.unrewritten


def test_a_second_escalation_is_said_in_short_and_a_pressing_line_is_no_second_ask() -> None:
    text = (
        "Dear Sam,\n\nThis needs your urgent attention. Please pay the £95.00 through our "
        "payment portal by 4 July 2026. We will pass this account to a debt collection agency "
        "next week. Our solicitors will then start court proceedings against you.\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert out.count("We would much rather") == 1, out
    assert "We may also ask a court to decide." in out
    assert out.count("Please pay") == 1, out  # the letter's own ask, not a second one
    assert "urgent" not in out


def test_a_threat_s_deadline_stays_as_an_ask_and_a_pointer_at_it_goes() -> None:
    text = (
        "Dear [Name],\n\nLegal action will follow if you ignore this letter. We have written "
        "twice. If the account is not paid by [date] we will issue court proceedings.\n\n"
        "LEGAL ACTION WILL FOLLOW\n\nThis course of action can only be halted by full payment.\n\n"
        "To prevent this from happening, please send a cheque to our office.\n\n"
        "Yours sincerely,\nThe Accounts Team\n"
    )
    out = rewrite_text(text).render()
    assert "by [date]" in out and "For reference" not in out, out
    assert "course of action" not in out
    assert "Please send a cheque to our office." in out
    assert "{{" not in out


def test_a_letter_of_bracket_slots_gets_slots_for_what_it_lacks() -> None:
    text = (
        "Dear [Customer Name],\n\nYour account shows [Amount Due] unpaid since [Due Date]. "
        "We will pass the account to a collection agency if we do not hear from you.\n\n"
        "Yours sincerely,\n[Your Name]\n"
    )
    rw = rewrite_text(text)
    assert "[Payment Link]" in rw.template and "[Phone Number]" in rw.template
    assert "{{ payment.link }}" not in rw.template
    assert any("[Payment Link]" in n for n in rw.notes)


def test_receipt_of_the_letter_is_the_reader_s() -> None:
    text = "Dear Sam,\n\nPlease call us upon receipt of this letter.\n\nKind regards,\nTom Hughes\n"
    assert "when you get this letter" in rewrite_text(text).render()


def test_a_default_notice_keeps_its_prescribed_form_in_sentence_case() -> None:
    """In a notice served under s.87(1) the form's heading, its statements about the action
    required by the notice and the further action it states keep their words; their block
    capitals go, since SI 2020/1248 lets only bold or underlining give them prominence, and a
    note says the notice follows the old form. The covering words around them are still
    rewritten."""
    form = [
        "DEFAULT NOTICE",
        "IMPORTANT - YOU SHOULD READ THIS CAREFULLY",
        "IF YOU DO NOT TAKE THE ACTION REQUIRED BY THIS NOTICE BY 30 JUNE 2026, THE FURTHER "
        "ACTION BELOW MAY BE TAKEN AGAINST YOU.",
        "Further action: we will end the agreement and take court proceedings for the balance.",
    ]
    text = (
        "Dear Ms Khan,\n\n" + "\n\n".join(form[:2]) + "\n\nThis notice is served under section "
        "87(1) of the Consumer Credit Act 1974.\n\n" + "\n\n".join(form[2:]) + "\n\n"
        "Pay IMMEDIATELY or we will pass your account to our solicitors.\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    rw = rewrite_text(text)
    for line in form:
        assert line not in rw.template or line == form[3], line  # no block capitals left
        assert re.search(re.escape(line), rw.template, re.I), line  # every word kept
    assert "Default notice\n\nImportant - you should read this carefully\n" in rw.template
    # the date is a fact and keeps its own case
    assert "If you do not take the action required by this notice by 30 JUNE 2026, the " in (
        rw.template
    )
    assert "IMMEDIATELY" not in rw.template
    assert "our solicitors" not in rw.template
    assert any("before 2 December 2020" in n for n in rw.notes)
    assert not any("2 December 2020" in n for n in rewrite_text(form[3]).notes)
    current = (  # a notice in today's form: sentence case, no "enforcement action"
        "Dear Ms Khan,\n\nThis notice is served under section 87(1) of the Consumer Credit Act "
        "1974.\n\nIf you do not take the action required by this notice by 30 June 2026, the "
        "further action below may be taken against you.\n\nKind regards,\nTom Hughes\n"
    )
    assert not any("2 December 2020" in n for n in rewrite_text(current).notes)


def test_a_smarty_amount_is_asked_for_whole_and_kept_values_are_listed_once() -> None:
    text = (
        "Dear {$firstname},\n\nYou owe {formatMoney value=$balanceDue}. This needs your "
        "immediate attention. Your hosting will be suspended after {$graceDays} days. Your "
        "domain will be deleted after {$deleteDays} days.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).template
    assert "Please pay {formatMoney value=$balanceDue}, or get in touch" in out, out
    assert "$balanceDue" not in out.replace("{formatMoney value=$balanceDue}", "")
    assert "immediate" not in out and "deleted" not in out
    assert out.count("For reference") == 1, out
    assert "{$graceDays}" in out and "{$deleteDays}" in out


def test_the_amount_to_pay_is_the_labelled_total_not_a_line_item() -> None:
    text = (
        "Dear Sam,\n\nThese items are unpaid:\nDesk lamp £35.00\nOffice chair £120.00\n"
        "Total due: £155.00\n\nIf this stays unpaid, late fees will be charged.\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    rw = rewrite_text(text)
    assert rw.context["invoice"]["amount"] == "£155.00"
    assert "If {{ invoice.amount }} is not paid" in rw.template
    assert "£35.00" in rw.render() and "£120.00" in rw.render()


def test_a_letter_of_paren_slots_gets_paren_slots_and_its_own_route_is_enough() -> None:
    text = (
        "Dear Sir or Madam,\n\nOur invoice (invoice number) for (amount) is now overdue. We "
        "will pass the account to a collection agency if it is not settled.\n\n"
        "Yours faithfully,\n(your name)\n"
    )
    rw = rewrite_text(text)
    assert "Dear (first name)," in rw.template
    assert "(payment link)" in rw.template and "{{" not in rw.template.split("Yours")[0]
    own = text.replace(
        "if it is not settled.", "if it is not settled. Please call the number above."
    )
    assert "pay online" not in rewrite_text(own).template


def test_an_html_heading_that_goes_leaves_no_empty_element() -> None:
    text = (
        "<html><body><p>Dear Sam,</p><p></p><h2 style='color:red'>LEGAL ACTION WILL FOLLOW</h2>"
        "<p><b>WE WILL TAKE YOU TO COURT</b></p><p>Your balance of £80.00 is overdue. Please "
        "pay it by 3 May 2026.</p><p>Kind regards,<br>Tom Hughes</p></body></html>"
    )
    rw = rewrite_text(text, kind="html")
    out = rw.template
    assert "<h2" not in out and "<b></b>" not in out and "<p><b>" not in out, out
    assert out.count("<p></p>") == 1  # the letter's own empty paragraph stays
    assert "3 May 2026" in rw.render()


def test_a_removed_paragraph_leaves_one_blank_line_and_the_letters_own_gaps_stay() -> None:
    text = (
        "Northfield Lettings\n\n\n\nDear Mr Okafor,\n\n"
        "Your rent of £640.00 for March has not reached us yet.\n\n"
        "If it is not paid, our enforcement agents will call at your home.\n\n"
        "Please pay it by 12 March 2026 at https://pay.northfield.example.\n\n"
        "Kind regards,\nPriya Shah\n"
    )
    out = rewrite_text(text).template
    assert "enforcement" not in out
    assert "Northfield Lettings\n\n\n\nDear" in out  # the letterhead's own gap
    body = out.split("Dear", 1)[1]
    assert "\n\n\n" not in body, out


def test_a_labelled_condition_is_not_left_without_its_consequence() -> None:
    text = (
        "Dear Jo,\n\nYour gym membership fee of £42.00 is two months overdue. Please pay it "
        "by 5 June 2026 at https://pay.example/gym.\n\n"
        "Please note: if our recovery partner is asked to collect it, you will be liable "
        "for every cost they charge us.\n\nKind regards,\nThe membership team\n"
    )
    out = rewrite_text(text).template
    assert "liable" not in out
    assert "asked to collect it." not in out, out  # the if-clause is not left as a sentence


def test_the_rewrite_asks_once_and_the_addition_goes_before_a_closing_thank_you() -> None:
    text = (
        "Dear Sam,\n\nOur invoice 2231 for £310.00 is now well overdue.\n\n"
        "Pay immediately or we will pass the account to a collection agency.\n\n"
        "Thank you for your attention to this matter.\n\n"
        "Dana Reyes\nAccounts Receivable\ndana@example.com\n0161 496 0000\n"
    )
    out = rewrite_text(text).template
    assert len(re.findall(r"Please pay", out)) == 1, out
    thanks = out.index("Thank you for your attention")
    assert out.index("Please pay") < thanks < out.index("Dana Reyes"), out


def test_a_signature_slot_line_is_the_signature() -> None:
    text = (
        "Dear [Name],\n\nYour account with our surgery shows [amount] unpaid for more than "
        "60 days. Unless you pay within 10 days, the account goes to a collection agency.\n\n"
        "\n\n[Practice manager's name and signature, with the practice stamp]\n"
    )
    out = rewrite_text(text).template
    assert out.rstrip().endswith("[Practice manager's name and signature, with the practice stamp]")
    assert out.index("[Payment Link]") < out.index("[Practice manager")


def test_the_payment_details_on_the_invoice_are_the_letters_own_route() -> None:
    text = (
        "Dear Lee,\n\nInvoice 88 for £95.00 was due on 1 May 2026 and is still unpaid.\n\n"
        "Unless you pay promptly, your account will be forwarded to a collection agency.\n\n"
        "To avoid that, please make sure we receive payment before 20 May 2026. See your "
        "invoice or contact us if you need the payment details again.\n\n"
        "Thank you for your attention to this matter.\n\nAmir Haddad\nAccounts\n"
    )
    assert "LL402" in {f.code for f in check_text(text)}  # no link, phone or bank details
    out = rewrite_text(text).template
    assert "pay online" not in out and "payment.link" not in out, out


def test_a_pressure_adverb_inside_a_helpful_sentence_goes_and_the_offer_stays() -> None:
    text = (
        "Dear Alex,\n\nYour balance of $120.00 is now 45 days past due. If you cannot pay it "
        "all at once, please call our billing office immediately to set up a payment plan.\n\n"
        "We ask that you remit full payment by June 30, 2026.\n\nSincerely,\nBilling Office\n"
    )
    out = rewrite_text(text).template
    assert "please call our billing office to set up a payment plan." in out, out
    assert "pay full payment" not in out and "pay in full by" in out, out


def test_a_dotted_blank_is_no_sentence_end_and_a_dotted_sign_off_is_the_sign_off() -> None:
    text = (
        "Dear Sirs .............\n\nOur records show that the amount above is still unpaid.\n\n"
        "If it is not paid within the next ....days, the account will be passed to our "
        "collection agency.\n\nPlease call the writer on the number above if there is a "
        "reason it is unpaid.\n\nYours.........\n\nAccounts Office\n"
    )
    out = rewrite_text(text).template
    assert "within the next ....If" not in out, out
    assert not re.search(r"\bIf [^.\n]*\.\.\.\.\s", out), out  # no if-clause left hanging
    assert out.index("Yours.........") > out.rindex("agency"), out  # additions come before it


def test_a_hand_over_that_has_happened_stays_as_news_and_is_not_threatened_again() -> None:
    text = (
        "Dear Ms Ryan,\n\nYour gas account shows £230.00 unpaid since March.\n\n"
        "Your account has been passed to Northgate Collections Ltd, and it may be reported "
        "to the credit reference agencies, which could ruin your credit rating.\n\n"
        "If you do not pay, we will pass the account to a debt collection agency.\n\n"
        "Please call Northgate on 0161 496 0100 to pay.\n\nYours sincerely,\nKim Lowe\n"
    )
    out = rewrite_text(text).template
    assert "Your account has been passed to Northgate Collections Ltd" in out, out
    assert "ruin" not in out, out
    # the account is with the agency already: no later "we may pass it to an agency"
    assert "collection agency" not in out and "pass the account" not in out, out


def test_a_threat_that_asks_for_a_sum_keeps_the_ask_and_its_currency_sign() -> None:
    """When the court is already spoken of, a later threat that also asks for the money keeps
    the ask (not "For reference: {{ total_due }}"), with the "$" written before the field."""
    text = (
        "Dear Sam,\n\nUnless we hear from you, our client will start court proceedings against "
        "you next week.\n\nTo avoid the cost of legal proceedings we require that payment of "
        "${{ total_due }} be made at once.\n\nYours sincerely,\nTom Hughes\n"
    )
    out = rewrite_text(text, kind="jinja").template
    assert "Please pay ${{ total_due }}." in out, out
    assert "For reference" not in out and "at once" not in out


def test_a_bracketed_label_that_threatens_goes_without_a_stand_in() -> None:
    text = (
        "Dear Sam,\n\nWe refer to our letter of 3 May 2026. (Demand for Payment)\n\nPlease pay "
        "the £80.00 by 1 June 2026.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).template
    assert "Demand" not in out and "(" not in out, out
    assert "next steps" not in out
    assert "We refer to our letter of 3 May 2026" in out


@pytest.mark.parametrize(
    ("sentence", "ask"),
    [
        ("To avoid legal action, please pay by 3 June 2026.", "Please pay by 3 June 2026."),
        ("To avoid court action, you must pay by 3 June 2026.", "Please pay by 3 June 2026."),
        (
            "In order to stop us cutting off your supply, you must ring us on 0300 123 4567.",
            "Please ring us on 0300 123 4567.",
        ),
        (
            "To prevent the account going to a debt collector, you need to pay the £80.00 "
            "within 14 days.",
            "Please pay the £80.00 within 14 days.",
        ),
        # a purpose that ends the ask
        (
            "Please arrange payment promptly to avoid further action.",
            "Please arrange payment promptly.",
        ),
        ("Please call us this week in order to avoid legal action.", "Please call us this week."),
        # a wish to stay out of court, said as the reader's
        (
            "If you wish to avoid court action, you must pay by 3 June 2026 or ring us on "
            "0300 123 4567 to agree a plan.",
            "Please pay by 3 June 2026 or ring us on 0300 123 4567 to agree a plan.",
        ),
        (
            "If you would like to settle this account without a lawsuit, you must, within 30 "
            "days, either pay the £80.00 or phone us on 0300 123 4567.",
            "Please, within 30 days, either pay the £80.00 or phone us on 0300 123 4567.",
        ),
    ],
)
def test_a_threat_given_as_a_purpose_loses_the_purpose_and_keeps_the_ask(
    sentence: str, ask: str
) -> None:
    text = f"Dear Sam,\n\nYour bill of £80.00 is overdue. {sentence}\n\nKind regards,\nTom Hughes\n"
    out = rewrite_text(text).render()
    assert f"Your bill of £80.00 is overdue. {ask}\n" in out, out


def test_a_validation_notice_stays_and_the_suit_threatened_around_it_goes() -> None:
    """The safe-harbour paragraph that pairs a threat of suit with a US validation notice is
    not itself required: its ask stays, its threats go, and no calm "ask a court" stands in
    (nothing may overshadow the right to dispute, 15 U.S.C. 1692g(b)). The notice stays
    verbatim bar the sentence in it that only threatens suit."""
    notice = (
        "Federal law gives you thirty days after you receive this letter to dispute the "
        "validity of the debt or any part of it. If you do not dispute it within that period, "
        "we will assume that it is valid."
    )
    text = (
        "Dear Mr Ortiz,\n\nWe are writing about $412.50 owed to Harlow Dental.\n\n"
        "If you want to settle this account without a lawsuit, you must, within 30 days, "
        "either pay $412.50 or phone us at (800) 555-0142 to arrange a plan. If you do "
        "neither, we will have our attorney sue you for the balance.\n\n"
        f"{notice} Nothing in the law makes us wait until those thirty days end before suing "
        "you. If you ask for verification of the debt within that period, we will pause "
        "collection until we have mailed it to you.\n\nSincerely,\nDana Reyes\n"
    )
    out = rewrite_text(text).render()
    assert "either pay $412.50 or phone us at (800) 555-0142 to arrange a plan." in out, out
    assert f"{notice} If you ask for verification of the debt within that period" in out, out
    for word in ("lawsuit", "sue", "suing", "attorney", "court"):
        assert not re.search(rf"\b{word}\b", out, re.I), (word, out)


def test_a_wish_to_avoid_a_threat_is_not_cut_into_a_fragment() -> None:
    """Only an ask loses its purpose clause: "It is our wish to avoid collection action"
    without its purpose would be "It is our wish."."""
    text = (
        "Dear Sam,\n\nYour bill of £80.00 is overdue. It is our sincere wish to avoid "
        "collection action. Please call us.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "It is our sincere wish." not in out, out
    assert "Please call us." in out


def test_what_a_removed_threat_said_is_overdue_stays_as_a_sentence() -> None:
    """A blaming sentence that goes keeps its fact in a sentence of its own, not as a bare
    value "for reference"."""
    text = (
        "Dear Sam,\n\nAs you normally pay on time, we are surprised that you have not yet "
        "settled the above invoice which is currently [one month] overdue.\n\nPlease pay the "
        "£80.00 by 3 June 2026.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "The above invoice is currently [one month] overdue." in out, out
    assert "For reference" not in out and "surprised" not in out


def test_a_period_kept_from_a_threat_keeps_its_unit_and_its_place() -> None:
    """ "within [Number] days" of a threat that goes stays, with its unit (a bare "[Number]"
    for reference says nothing), in the ask to pay the threat made."""
    text = (
        "Dear Sam,\n\nYour bill of £80.00 is overdue.\n\nIf payment is not received within "
        "[Number] days of this notice, we will pass your account to a collection agency.\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert (
        "Please pay £80.00 within [Number] days. If we cannot agree a way forward, we may pass"
        in out
    ), out
    assert "For reference" not in out


def test_a_named_settlement_is_kept_by_the_rewrite() -> None:
    """ "Early settlement rebate" names what the reader is owed: "early payment rebate" would
    not say it; "settle" as a verb is still made plain."""
    text = (
        "Dear Sam,\n\nYour early settlement rebate is £42.00. Please settle the balance of "
        "£610.00 by 3 June 2026.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "Your early settlement rebate is £42.00." in out, out
    assert "Please pay the balance of £610.00 by 3 June 2026." in out


def test_a_threatened_disconnection_is_said_as_a_disconnection_not_a_pause() -> None:
    """A household supply that would be cut off is named as it is in the calm sentence; a
    "pause" would mislead the reader about what is at stake."""
    text = (
        "Dear Sam,\n\nYour gas bill of £140.00 is overdue. Your gas supply will be cut off "
        "next week unless you pay.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "we may have to disconnect your supply" in out, out
    assert "pause" not in out and "cut off" not in out
    assert not [f for f in check_text(out) if f.code == "LL320" and f.severity != "info"]


def test_a_polite_ask_is_an_ask_and_a_letter_of_slots_gets_a_slot_for_its_date() -> None:
    """ "We would be grateful if you would pay" asks already: no second "Please pay" is added.
    Its vague "at your earliest convenience" becomes a slot to fill in a letter of slots (the
    letter's own "[Date]" line is its date, not a date to pay by), and "soon" in a letter
    that gives no date and has no slots (nothing is invented)."""
    slots = (
        "[Date]\n\nDear [Name],\n\nOur statement of [date] shows [amount] unpaid, which is "
        "now two months overdue and well past our terms. We would be grateful if you would pay "
        "it at your earliest convenience.\n\nYours sincerely,\n[Your Name]\n"
    )
    rw = rewrite_text(slots)
    out = rw.render()
    assert "would pay it by [Due Date]." in out, out
    assert "Please pay" not in out
    assert any("[Due Date]" in n for n in rw.notes)
    plain = slots.replace("[Date]\n\n", "").replace("[Name]", "Sam").replace("[date]", "3 May")
    plain = plain.replace("[amount]", "£80.00").replace("[Your Name]", "Tom Hughes")
    rw = rewrite_text(plain)
    assert "would pay it soon." in rw.render()
    assert not any("Due Date" in n for n in rw.notes)


@pytest.mark.parametrize(
    ("threat", "ask"),
    [
        (
            "Unless full payment is made in next 8 days, legal action will be taken.",
            "Please pay £80.00 within the next 8 days.",
        ),
        (
            "If payment is not received within 14 days of the date of this letter, we will "
            "pass your account to a debt collection agency.",
            "Please pay £80.00 within 14 days of the date of this letter.",
        ),
    ],
)
def test_a_threat_that_gave_the_deadline_to_pay_leaves_the_ask_and_its_deadline(
    threat: str, ask: str
) -> None:
    """The reader still needs to know what to pay and by when once the threat goes."""
    text = f"Dear Sam,\n\nYour bill of £80.00 is overdue. {threat}\n\nKind regards,\nTom Hughes\n"
    out = rewrite_text(text).render()
    assert ask in out, out
    assert "legal action will" not in out and "we will pass" not in out


def test_charges_stated_with_their_amounts_stay_and_are_not_the_sum_to_pay() -> None:
    """ "A late charge of £25 has been applied, and £25 more every 14 days" is what LL317
    asks a letter to say; £25 is the charge's amount, not the balance to ask for."""
    text = (
        "Dear Sam,\n\nYour payment is overdue. A late payment charge of £25 has been applied to "
        "your account, and a further £25 will be added every 14 days until it is paid.\n\n"
        "Your balance is now £____. Remit payment without delay.\n\nKind regards,\nTom Hughes\n"
    )
    rw = rewrite_text(text)
    out = rw.render()
    assert "a further £25 will be added every 14 days" in out, out
    assert "Please pay £25" not in out and "invoice.amount" not in rw.template
    assert "Please pay." in out and "\nPay." not in out and ". Pay." not in out


def test_a_blamed_reader_is_offered_help_not_told_what_we_cannot_know() -> None:
    text = (
        "Dear Sam,\n\nYou have chosen to ignore our reminders and your failure to pay is "
        "unacceptable.\n\nPlease pay £80.00 by 3 June 2026.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "ignore" not in out and "unacceptable" not in out and "failure" not in out
    assert "not heard from you" not in out  # the reader may have phoned, or promised to pay
    # what was sent stays, said from our side, as LL318's own fix for "ignored our letters"
    assert "We have not heard back from you about our reminders." in out, out
    assert "please get in touch and we can agree a plan" in out, out  # help is offered


def test_a_cut_never_leaves_the_subordinate_clause_alone() -> None:
    text = (
        "Dear Sam,\n\nWe regret to inform you that, as we have not received payment of £80.00, "
        "your account will shortly be transferred to an external debt purchaser.\n\n"
        "Kind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "as we have not received payment of £80.00." not in out, out
    assert "debt purchaser" not in out


def test_a_letter_of_its_own_slots_gets_no_jinja_variables() -> None:
    """A letter filled in by its own system ("[Name]", "<firstname>") keeps its values as
    written: a "{{ account.number }}" among its slots would be a second syntax."""
    text = (
        "Dear [Name],\n\nRe: Account no: 123456\n\nYour balance of $90.00 is overdue and we "
        "will pass it to a collection agency.\n\nCall us on 0161 496 0000.\n\nYours,\n"
        "Jan Daniel\nCredit Controller\n"
    )
    rw = rewrite_text(text)
    assert "{{" not in rw.template, rw.template
    assert "123456" in rw.template and "0161 496 0000" in rw.template
    assert "Jan Daniel" in rw.template


def test_a_second_round_keeps_the_letters_own_plain_variables() -> None:
    """A template with plain variables ("{{ amount }}") whose first round left a finding for
    a second: the second round takes the first one's context (plain values among groups)
    instead of failing."""
    text = (
        "Dear Customer,\n\nYour account is seriously in arrears and you have ignored our "
        "letters.\n\nUnless the balance of {{ amount }} is cleared by {{ deadline }}, your file "
        "will be passed to our recovery partners, who will contact you directly. Any costs they "
        "incur will be added to your balance.\n\nFailure to act now will leave us with no "
        "choice.\n\nCredit Control\n"
    )
    rw = rewrite_text(text, kind="jinja")
    assert "we have not heard back from you about our letters." in rw.template
    assert "Please pay {{ amount }} by {{ deadline }}." in rw.template
    assert rw.context["amount"] and rw.context["deadline"]


def test_a_letter_of_lowercase_slots_with_an_envelope_gets_no_second_route() -> None:
    """ "[indicate amount]" is a slot however it is worded; "the enclosed self-addressed
    envelope" is the letter's way to pay; "Very truly yours," is a sign-off, and what is
    added goes before it; a named greeting in a letter of slots stays as written."""
    text = (
        "Dear Mr. Addressee:\n\nYour payment of [indicate amount] due on [indicate date] "
        "pursuant to our records did not arrive. This could have been an oversight. Please "
        "send the payment at the soonest possible time using the enclosed self-addressed "
        "envelope. Please disregard this reminder if you have already paid. Our sincerest "
        "thanks to you, and we look forward to hearing from you soon about this account.\n\n"
        "Very truly yours,\n\nname of officer\ndesignation\n"
    )
    rw = rewrite_text(text)
    out = rw.render()
    assert "{{" not in rw.template, rw.template
    assert "Dear Mr. Addressee:" in out
    assert "pay online" not in out and "call us on" not in out
    assert "according to our records" in out
    closing = out.index("Very truly yours,")
    assert out.rstrip().endswith("designation")
    assert all(p < closing for p in (out.find("If paying is hard"),) if p != -1)


def test_the_calm_hand_over_names_the_collector_as_the_letter_does() -> None:
    """An in-house team or a tax office's own collection service is no "collection agency":
    the calm sentence keeps the letter's own name for who would collect."""
    text = (
        "Dear Sam,\n\nYour tax bill of £80.00 is overdue. If you do not pay now we will pass "
        "your debt to our debt collection services.\n\nKind regards,\nTom Hughes\n"
    )
    out = rewrite_text(text).render()
    assert "we may pass your account to our debt collection services." in out, out
    assert "collection agency" not in out


def test_an_ask_with_a_threatening_purpose_and_an_intensified_lateness_keep_their_facts() -> None:
    """ "A payment must be made within ten days ... to prevent severe collection action"
    keeps its ask and deadline; "seriously delinquent" becomes "overdue", not a removed
    sentence (which left "these letters" pointing at nothing)."""
    text = (
        "Dear Sam,\n\nWe have sent a number of notices advising you that your account is "
        "seriously delinquent. We have not received any response to these letters.\n\n"
        "A payment must be made within ten (10) days from the date of this letter to prevent "
        "severe collection action.\n\nPlease call us on 0161 496 0000.\n\nRegards,\nTom\n"
    )
    out = rewrite_text(text).render()
    assert "advising you that your account is overdue. We have not received" in out, out
    assert "A payment must be made within ten (10) days from the date of this letter." in out
    assert "collection action" not in out


@pytest.mark.parametrize(
    ("threat", "ask"),
    [
        ("PAY NOW or we will send the bailiffs!!!", "Please pay"),
        ("You must pay today or we will send the bailiffs round.", "Please pay"),
        # the sum the threat names is the one to pay, not the cost it threatens
        (
            "Unless you pay £{amount} within 10 days, we will get a warrant to enter your home. "
            "The warrant costs £150, which will be charged to you.",
            "Please pay £{amount} within 10 days.",
        ),
        # a deadline of hours is pressure itself: the ask goes without it; capitals go too
        (
            "IF WE DO NOT RECEIVE PAYMENT WITHIN 48 HOURS, BAILIFFS WILL BE INSTRUCTED.",
            "Please pay",
        ),
        (
            "UNLESS YOU PAY WITHIN 14 DAYS OF THIS LETTER, BAILIFFS WILL BE INSTRUCTED.",
            "within 14 days of this letter",
        ),
    ],
)
def test_a_threat_that_goes_whole_keeps_its_ask_to_pay(threat: str, ask: str) -> None:
    """A threat with no calm wording (bailiffs) goes with its sentence; the order or condition
    to pay in it stays as a plain ask, even in a letter too short for the added paragraph."""
    text = f"Dear Mr Cole,\n\nYour account of £240.00 is overdue. {threat}\n\nCredit Control\n"
    out = rewrite_text(text).template
    assert ask in out, out
    assert out.count("Please pay") == 1, out
    assert "bailiff" not in out.lower() and "hours" not in out.lower(), out
    assert "£150" not in out.split("Please pay")[1].split(".")[0], out


def test_an_order_to_pay_that_stays_is_the_letters_ask_and_blame_adds_none() -> None:
    """ "You must pay ..." and "Payment of X must be made by ..." ask already: no second
    "Please pay" is added, and a blaming "failure to pay" is no ask to restate."""
    for body in (
        "Your failure to pay is a breach of your agreement with us. You must pay the full "
        "balance of £420.00.",
        "Your failure to pay is a breach of your agreement with us. Payment of £420.00 must "
        "be made by 5 April 2026.",
    ):
        text = (
            "Dear Mr Hollis,\n\nYou have ignored our reminders of 3 March and 17 March. "
            f"{body}\n\nHead of Credit\n"
        )
        out = rewrite_text(text).render()
        assert "Please pay" not in out, out
        assert "£420.00" in out and "breach" not in out, out


def test_a_purpose_that_points_at_a_threat_goes_with_the_pressure() -> None:
    text = (
        "Dear Mr Kerr,\n\nEnforcement agents may now visit your home to take goods. To prevent "
        "this, you must pay [AMOUNT] immediately.\n\nRevenues Section\n"
    )
    out = rewrite_text(text).template
    assert "Please pay [AMOUNT]." in out, out
    assert "prevent" not in out and "immediately" not in out, out


def test_the_deadline_given_back_to_an_ask_goes_after_the_sum_not_inside_it() -> None:
    from letterlint.actions.rewrite import _calm_with_by

    assert (
        _calm_with_by("Please pay {{ invoice.amount }}. We may ...", " by 5 May")
        == "Please pay {{ invoice.amount }} by 5 May. We may ..."
    )
    assert _calm_with_by("Please pay £1.50 or call us.", " by 5 May") == (
        "Please pay £1.50 by 5 May or call us."
    )
    assert _calm_with_by("Please pay £9 by 5 May.", " by 5 May") == "Please pay £9 by 5 May."


@pytest.mark.parametrize(
    ("order", "asked"),
    [
        ("The balance must be paid forthwith.", True),
        ("Payment must be made forthwith.", False),
        ("You must pay immediately.", False),
    ],
)
def test_an_order_left_bare_by_its_pressure_word_is_the_ask_or_goes(
    order: str, asked: bool
) -> None:
    """Cutting "forthwith" from "Payment must be made forthwith." leaves an order that says
    nothing more: where the letter asks already it goes, otherwise it becomes the ask."""
    ask = " Please send £75.00 to the account on your statement by 9 June." if asked else ""
    text = f"Dear Ms Amadi,\n\nYour June bill of £75.00 is unpaid.{ask}\n\n{order}\n\nThe Billing Team\n"
    out = rewrite_text(text).render()
    assert "must" not in out and "forthwith" not in out and "immediately" not in out, out
    assert out.count("Please") == 1, out
    assert "£75.00" in out, out


def test_an_order_phrased_as_a_requirement_becomes_a_request() -> None:
    text = (
        "Dear Mr Faulk,\n\nYour March invoice is overdue. You are hereby required to remit "
        "the full amount of £310.00 forthwith.\n\nAccounts\n"
    )
    out = rewrite_text(text).render()
    assert "Please pay the full amount of £310.00." in out, out
    assert "required" not in out and "hereby" not in out, out


def test_a_cut_never_leaves_only_the_phrase_that_opened_the_sentence() -> None:
    """ "Under clause 4 of our terms, interest runs at 8% a year" must not lose its main
    clause and leave "Under clause 4 of our terms." with the rate gone."""
    text = (
        "Dear Ms Roe,\n\nOur invoice of 2 May is unpaid. Pursuant to clause 4 of our terms of "
        "business, interest accrues on late invoices at 8% a year.\n\nPlease pay £500.00 by "
        "30 May.\n\nAccounts\n"
    )
    out = rewrite_text(text).render()
    assert "8% a year" in out, out
    assert not re.search(r"(?:Under|Pursuant to) clause 4 of our terms of business\.", out), out


def test_a_question_that_asks_for_an_excuse_becomes_the_fact_it_implies() -> None:
    text = (
        "Dear Mr Quinn,\n\nIs there some reason why you have not paid our invoice 7702 dated "
        "4 March for £96.50? Please pay by 30 April.\n\nThe Accounts Team\n"
    )
    out = rewrite_text(text).render()
    assert "We have not yet received payment for our invoice 7702 dated 4 March for £96.50." in (
        out
    ), out
    assert "reason" not in out and "?" not in out, out


def test_a_reproach_joined_by_and_goes_and_the_fact_before_it_stays() -> None:
    text = (
        "Dear Ms Tan,\n\nYour hosting plan ended 9 days ago and you still haven't paid. Please "
        "renew it by 12 June.\n\nSupport\n"
    )
    out = rewrite_text(text).render()
    assert "Your hosting plan ended 9 days ago." in out, out
    assert "still" not in out and "For reference" not in out, out


def test_an_html_ask_in_bold_keeps_its_bold_when_its_sentence_is_replaced() -> None:
    source = (
        "<html><body><p>Dear Mr Lowe,</p><p><strong>If you have not paid you need to pay now</strong>, otherwise "
        "we will pass your debt to a collection agency.</p><p>Pay at "
        '<a href="https://pay.example.com">our website</a>.</p></body></html>'
    )
    out = rewrite_source(read_bytes(source.encode(), "bold.html")).template
    assert re.search(r"<strong>Please pay [^<]*\.</strong> \w", out), out
    assert "<strong></strong>" not in out and "pay.example.com" in out, out


def test_a_calm_sentence_after_an_ask_names_the_sum_once() -> None:
    text = (
        "Dear Ms Yu,\n\nYour invoice of £48.00 is unpaid. Unless payment is made we will "
        "suspend your account.\n\nBilling\n"
    )
    out = rewrite_text(text).render()
    assert "If it is not paid" in out or out.count("£48.00") <= 2, out


def test_a_value_kept_for_reference_is_not_listed_when_the_rewrite_says_it() -> None:
    from letterlint.actions.rewrite import _without_said_references

    out = "We may pass it on. For reference: [Amount], 3 May.\n\nPlease pay [Amount].\n"
    assert _without_said_references(out) == "We may pass it on. For reference: 3 May.\n\n" + (
        "Please pay [Amount].\n"
    )
    assert _without_said_references("For reference: [Amount].\n\nPlease pay [Amount].\n") == (
        "\n\nPlease pay [Amount].\n"
    )
    text = (
        "Dear [Customer Name],\n\nAs we have not received payment of [Amount], your account "
        "will shortly be sold to a debt purchaser.\n\nWe urge you to pay today to avoid this "
        "outcome.\n\nAccounts\n"
    )
    out = rewrite_text(text).render()
    assert "[Amount]" in out and "For reference" not in out, out


def test_a_threat_on_a_condition_of_payment_keeps_the_ask_and_a_pointer_at_it_goes() -> None:
    text = (
        "Dear <<NAME>>,\n\nAbsent receipt of payment of <<AMOUNT>> within seven (7) days, this "
        "matter will be referred to counsel to issue a claim.\n\nTo halt this process, payment "
        "must reach us by <<DATE>>.\n\nRecoveries\n"
    )
    out = rewrite_text(text).render()
    assert "Please pay <<AMOUNT>> within seven (7) days." in out, out
    assert "halt" not in out and "this process" not in out and "For reference" not in out, out


def test_a_threat_that_opens_the_letter_has_its_calm_next_step_after_what_is_owed() -> None:
    text = (
        "Dear Mr Obi,\n\nCourt action will be the result of your ignoring this letter.\n\n"
        "Your account of £640.00 is two months overdue. Please pay it by 30 June.\n\n"
        "Credit Control\n"
    )
    out = rewrite_text(text).render()
    body = out.split("Dear Mr Obi,")[1] if "Dear Mr Obi," in out else out.split(",", 1)[1]
    assert body.index("is two months overdue") < body.index("we may ask a court"), out
    assert "  " not in out and "ignoring" not in out, out
