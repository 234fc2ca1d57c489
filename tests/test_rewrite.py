"""`letterlint rewrite`: every bad sample becomes a template that re-lints clean in the
stigma, jargon and threat categories, has a call to action and a personal greeting, keeps
every amount, date and reference, and renders with its context."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from letterlint import Config, Finding, check_text
from letterlint.actions.rewrite import facts_of, rewrite_text, to_jinja
from letterlint.reading.readers import read_bytes

from .conftest import SAMPLES, run_cli

BAD = sorted(p for p in SAMPLES.iterdir() if p.name.startswith("bad-"))
KIND = {"markdown": "markdown", "html": "html", "handlebars": "handlebars"}


def _rewrite(path: Path):
    src = read_bytes(path.read_bytes(), str(path))
    kind = KIND.get(src.kind, "text")
    text = src.source if kind in ("html", "handlebars") else src.text
    visible = src.text
    return rewrite_text(text, kind=kind), visible


def _out_kind(letter: Path, rw) -> str:
    kind = KIND.get(read_bytes(letter.read_bytes(), str(letter)).kind)
    return kind or ("jinja" if rw.jinja else "text")


@pytest.mark.parametrize("letter", BAD, ids=lambda p: p.name)
def test_rewrite_of_bad_sample_is_clean_and_keeps_facts(letter: Path) -> None:
    rw, visible = _rewrite(letter)
    findings = check_text(rw.template, kind=_out_kind(letter, rw))
    serious = [
        (f.code, f.text)
        for f in findings
        if f.severity in ("error", "warning")
        and f.category in ("stigmatising-language", "legal-jargon", "threatening-tone")
    ]
    reported = [(f.code, f.text) for f in rw.unrewritten]
    assert serious == reported  # what is left is what the rewrite says it could not rewrite
    assert len(serious) <= 3
    codes = {f.code for f in findings}
    assert "LL401" not in codes and "LL501" not in codes
    rendered = rw.render()  # StrictUndefined: every variable has a value
    for fact in facts_of(visible.replace("\r\n", "\n")):
        assert fact in rendered, fact
    assert "{{ customer." in rw.template  # a personal greeting from the data


def test_calm_next_step_is_said_once_and_bailiffs_are_dropped() -> None:
    text = (
        "Dear Sir/Madam,\n\nWe will take legal action. We will issue court proceedings. "
        "Bailiffs will call at your home. Please pay £40 by 3 May 2026.\n\nCredit Control\n"
    )
    rw = rewrite_text(text)
    assert rw.template.count("court") == 1
    assert "ailiff" not in rw.template
    assert "{{ invoice.amount }}" in rw.template and rw.context["invoice"]["amount"] == "£40"
    assert rw.context["invoice"]["due_date"] == "3 May 2026"


def test_specifics_become_schema_variables() -> None:
    text = (
        "Dear Ms Patel,\n\nInvoice INV-20931 for £84.20 was due on 1 May 2026. Please pay by 14 May 2026 at "
        "https://pay.example.com/x or call 0300 123 4567, or email billing@example.com. If paying is hard, "
        "call us and we will agree a plan.\n\nKind regards,\nTom Hughes\nAccounts Adviser\n"
    )
    rw = rewrite_text(text)
    for var in (
        "customer.title",
        "customer.last_name",
        "invoice.number",
        "invoice.amount",
        "payment.link",
        "company.phone",
        "company.email",
        "sender.name",
        "sender.role",
    ):
        assert "{{ " + var + " }}" in rw.template, var
    assert rw.context["customer"] == {"title": "Ms", "last_name": "Patel"}
    assert rw.context["sender"] == {"name": "Tom Hughes", "role": "Accounts Adviser"}
    assert rw.context["invoice"]["due_date"] == "14 May 2026"
    assert rw.render().startswith("Dear Ms Patel,")


def test_handlebars_to_jinja() -> None:
    assert (
        to_jinja("Hi {{first_name}} {{#if late}}x{{else}}y{{/if}}{{! note }}")
        == "Hi {{ first_name }} {% if late %}x{% else %}y{% endif %}"
    )


def test_rewrite_cli_outputs_and_refuses_to_overwrite(tmp_path: Path) -> None:
    r = run_cli(
        "rewrite",
        str(SAMPLES / "bad-final-demand.txt"),
        "-o",
        "out.j2",
        "--context-out",
        "ctx.yaml",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    ctx = yaml.safe_load((tmp_path / "ctx.yaml").read_text())
    assert ctx["invoice"]["amount"] == "£1,876.43"
    before = (tmp_path / "out.j2").read_bytes()
    r = run_cli("rewrite", str(SAMPLES / "bad-first-reminder.txt"), "-o", "out.j2", cwd=tmp_path)
    assert r.returncode == 2 and "already exists" in r.stderr
    assert (tmp_path / "out.j2").read_bytes() == before
    r = run_cli("rewrite", str(SAMPLES / "bad-final-demand.txt"), "-o", "x.docx", cwd=tmp_path)
    assert r.returncode == 2 and "docx" in r.stderr and not (tmp_path / "x.docx").exists()
    r = run_cli("check", "out.j2", "--context", "ctx.yaml", "--select", "template", cwd=tmp_path)
    assert r.returncode == 0, r.stdout


def test_docx_rewrite_keeps_layout_and_re_lints_clean(tmp_path: Path) -> None:
    from letterlint import check_bytes

    r = run_cli(
        "rewrite",
        str(SAMPLES / "bad-final-demand.docx"),
        "-o",
        "friendly.docx",
        "--context-out",
        "c.yaml",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    data = (tmp_path / "friendly.docx").read_bytes()
    res = check_bytes(data, "friendly.docx")
    assert res.error is None
    body = [
        f
        for f in res.findings
        if f.severity in ("error", "warning")
        and f.category in ("stigmatising-language", "legal-jargon")
        or f.severity == "error"
    ]
    assert not body, [(f.code, f.text) for f in body]
    text = read_bytes(data, "x.docx").text
    assert text.splitlines()[0] == "Acme Recoveries – Ref AR-2291"  # the header is kept
    assert "Dear {{ customer.first_name }}," in text and "£2,140.75" in text  # the table is kept
    assert "debtor" not in text and "ailiff" not in text and "employer" not in text
    ctx = yaml.safe_load((tmp_path / "c.yaml").read_text())
    assert ctx["invoice"]["amount"] == "£2,140.75"
    r = run_cli("rewrite", str(SAMPLES / "bad-first-reminder.txt"), "-o", "x.docx", cwd=tmp_path)
    assert r.returncode == 2 and "needs a .docx letter" in r.stderr


def test_docx_default_notice_statement_is_recased_and_stays_bold() -> None:
    """A prescribed statement of a .docx default notice keeps its words and its bold (the
    prominence SI 2020/1248 allows); only its capitals go."""
    import io

    from docx import Document

    from letterlint.actions.rewrite import rewrite_docx

    doc = Document()
    doc.add_paragraph("Dear Ms Khan,")
    doc.add_paragraph("This notice is served under section 87(1) of the Consumer Credit Act 1974.")
    p = doc.add_paragraph()
    p.add_run("IF YOU DO NOT TAKE THE ACTION REQUIRED BY THIS NOTICE BEFORE THE DATE SHOWN, ")
    p.add_run("THEN THE FURTHER ACTION SET OUT BELOW MAY BE TAKEN AGAINST YOU.")
    for r in p.runs:
        r.bold = True
    doc.add_paragraph("Kind regards,")
    doc.add_paragraph("Tom Hughes")
    buf = io.BytesIO()
    doc.save(buf)
    data, rw = rewrite_docx(buf.getvalue())
    out = Document(io.BytesIO(data))
    stated = next(q for q in out.paragraphs if "action required by this notice" in q.text)
    assert stated.text == (
        "If you do not take the action required by this notice before the date shown, "
        "then the further action set out below may be taken against you."
    )
    assert stated.runs and all(r.bold for r in stated.runs)
    assert any("before 2 December 2020" in n for n in rw.notes)


def test_rewrite_of_templates_keeps_their_code_and_renders() -> None:
    src = "Dear {{ name }},\n{% if overdue %}If you do not pay we will take you to court. Thank you.{% endif %}\n"
    rw = rewrite_text(src)
    assert "{% if overdue %}" in rw.template and "{% endif %}" in rw.template
    rw.render()
    dunning = rewrite_text((SAMPLES / "good-saas-dunning.j2").read_text(encoding="utf-8"))
    assert "{% if invoice.days_overdue > 30 -%}" in dunning.template
    dunning.render()


@pytest.mark.parametrize(
    "amount",
    ["£1,234.56", "$ 40", "€12,00", "GBP 1,234.56", "1 234,56 EUR", "EUR 1.234,56", "12.00 USD"],
)
def test_amounts_in_common_currency_formats_become_the_amount_variable(amount: str) -> None:
    rw = rewrite_text(
        f"Dear Sam,\n\nPlease pay {amount} by 3 May 2026.\n\nKind regards,\nTom Hughes\n"
    )
    assert rw.context["invoice"]["amount"] == amount
    assert amount not in rw.template and amount in rw.render()


def test_info_level_threats_are_softened_once() -> None:
    """Loss-of-service and added-cost warnings at info level are rewritten too, and the calm
    sentence a rewrite wrote is not rewritten again (no doubled sentence)."""
    letter = (
        "Dear Sam,\n\nYour invoice of £120.00 is now overdue. Please pay by 3 May 2026.\n\n"
        "If it stays unpaid, your service will be suspended and reactivation costs will be added.\n\n"
        "Regards,\nAnn\n"
    )
    out = rewrite_text(letter).template
    assert "suspended" not in out and "reactivation costs" not in out
    assert "Please pay by" in out
    again = rewrite_text(out).template
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", again) if s.strip()]
    assert len(sentences) == len(set(sentences)), again


def test_jargon_without_plain_wording_gets_a_fallback() -> None:
    letter = (
        "Dear Sam,\n\nWe note that you are now in default of our agreement. Please pay £80.00 by 3 May 2026.\n\n"
        "Regards,\nAnn\n"
    )
    out = rewrite_text(letter).template
    assert "in default" not in out
    assert "you are now not keeping to our agreement." in out


def test_every_relint_in_a_rewrite_uses_the_callers_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rewrite re-lints drafts (a shortened clause, the added paragraph, an HTML title):
    each of those uses the caller's packs and words, never a fresh default Config."""
    from letterlint.actions import rewrite as rw

    seen: list[Config | None] = []
    real = rw.check_text

    def spy(text: str, **kw: object) -> list[Finding]:
        seen.append(kw.get("config"))  # type: ignore[arg-type]
        return real(text, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(rw, "check_text", spy)
    config = Config(packs=("core", "uk-fca"), allow_words=("arrears",))
    letter = (
        "<html><head><title>FINAL DEMAND</title></head><body><p>Dear Sam,</p>"
        "<p>Your account is in arrears. Please contact us immediately. If you do not pay, "
        "we will pass your account to a debt collection agency.</p>"
        "<p>Yours sincerely,<br>Accounts Department</p></body></html>"
    )
    rw.rewrite_text(letter, kind="html", config=config)
    assert len(seen) >= 3
    assert all(c is not None and c.packs == config.packs for c in seen)
    assert all(c.allow_words == config.allow_words for c in seen if c is not None)


@pytest.mark.parametrize(
    ("greeting", "expected"),
    [
        ("To whom it may concern,", "Dear {{ customer.first_name }},"),
        ("Dear Sir/Madam,", "Dear {{ customer.first_name }},"),
        ("Good morning Customer,", "Good morning {{ customer.first_name }},"),
        ("Hello valued customer,", "Hello {{ customer.first_name }},"),
    ],
)
def test_every_greeting_the_engine_knows_is_personalised(greeting: str, expected: str) -> None:
    """The rewrite reads greetings with the same word list as the engine (letter_parts)."""
    letter = (
        f"{greeting}\n\nPlease pay the £50 you owe by 3 May 2026 at https://pay.example.com."
        "\n\nKind regards,\nJo Smith\n"
    )
    assert rewrite_text(letter).template.splitlines()[0] == expected


def test_rewrite_reads_standard_input_in_the_format_its_name_gives(tmp_path: Path) -> None:
    letter = b"<p>Dear Sir/Madam,</p><p>Pay now or we will take you to court.</p>"
    r = run_cli("rewrite", "-", "--stdin-filename", "note.html", cwd=tmp_path, input=letter)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("<p>Dear {{ customer.first_name }},</p>"), r.stdout
    assert "take you to court" not in r.stdout
    assert "note.html: score after the rewrite:" in r.stderr
    r = run_cli("rewrite", "-", cwd=tmp_path, input=b"\x00\x01\xff\xfe")
    assert r.returncode == 2 and r.stderr.startswith("-: error[binary]"), r.stderr
    assert "Traceback" not in r.stderr
