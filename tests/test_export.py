"""`letterlint export`: each dialect rendered by its own engine gives the Jinja2 text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from jinja2 import Environment, StrictUndefined

from letterlint.actions.export import DIALECTS, ExportError, export_template, parse_template

from .conftest import SAMPLES, run_cli

TEMPLATE = """Dear {{ customer.first_name | default('there') }},
Your bill {{ invoice.number }} for {{ invoice.amount }} is due on {{ invoice.due_date }}.
{% if payment.link %}Pay at {{ payment.link }}.{% else %}Call us on {{ company.phone }}.{% endif %}
{% if not help.url %}We can also talk about a plan.{% endif %}
Kind regards,
{{ sender.name }}
"""

CONTEXTS = [
    {
        "customer": {"first_name": 'Zoë & <Sam> "O\'Neil"'},
        "invoice": {"number": "INV-1", "amount": "£5 & 6p", "due_date": "3 May 2026"},
        "payment": {"link": "https://pay.example.com/?a=1&b=<2>"},
        "company": {"phone": "0300 123 4567"},
        "help": {"url": ""},
        "sender": {"name": "Renée D'Arcy"},
    },
    {
        "customer": {"first_name": "Åsa"},
        "invoice": {"number": "INV-2", "amount": "€12.00", "due_date": "4 June 2026"},
        "payment": {"link": ""},
        "company": {"phone": "+44 300 123 4567"},
        "help": {"url": "https://help.example.com"},
        "sender": {"name": "Tom"},
    },
]


def jinja(ctx: dict) -> str:
    return (
        Environment(undefined=StrictUndefined, keep_trailing_newline=True)
        .from_string(TEMPLATE)
        .render(ctx)
    )


@pytest.mark.parametrize("ctx", CONTEXTS, ids=["escapes", "empty-values"])
def test_liquid_round_trip(ctx: dict) -> None:
    import liquid

    out = export_template(TEMPLATE, "liquid")
    assert liquid.Environment().from_string(out).render(**ctx) == jinja(ctx)


@pytest.mark.parametrize("ctx", CONTEXTS, ids=["escapes", "empty-values"])
def test_mustache_round_trip(ctx: dict) -> None:
    import pystache

    out = export_template(TEMPLATE, "mustache")
    assert pystache.Renderer(missing_tags="strict").render(out, ctx) == jinja(ctx)


@pytest.mark.parametrize("ctx", CONTEXTS, ids=["escapes", "empty-values"])
def test_handlebars_round_trip(ctx: dict) -> None:
    import pybars

    out = export_template(TEMPLATE, "handlebars")
    assert str(pybars.Compiler().compile(out)(ctx)) == jinja(ctx)


def test_jinja2_round_trip_is_identity_in_output() -> None:
    out = export_template(TEMPLATE, "jinja2")
    for ctx in CONTEXTS:
        assert Environment(undefined=StrictUndefined, keep_trailing_newline=True).from_string(
            out
        ).render(ctx) == jinja(ctx)


def test_mailchimp_hubspot_salesforce_plain_syntax() -> None:
    mc = export_template(TEMPLATE, "mailchimp")
    assert "*|IF:FNAME|**|FNAME|**|ELSE:|*there*|END:IF|*" in mc and "*|INVOICE_AMOUNT|*" in mc
    assert "*|IFNOT:HELP_URL|*" in mc
    hub = export_template(TEMPLATE, "hubspot")
    assert "{{ contact.firstname }}" in hub and "{% if contact.payment_link %}" in hub
    simple = "Dear {{ customer.first_name | default('Customer') }}, pay {{ invoice.amount }}.\n"
    sf = export_template(simple, "salesforce")
    assert (
        sf
        == 'Dear {!BLANKVALUE(Contact.FirstName, "Customer")}, pay {!Contact.InvoiceAmount__c}.\n'
    )
    plain = export_template("Dear {{ customer.first_name }}, {braces} stay.\n", "plain")
    assert plain == "Dear {customer_first_name}, {{braces}} stay.\n"
    assert plain.format(customer_first_name="Sam") == "Dear Sam, {braces} stay.\n"


@pytest.mark.parametrize(
    "dialect, source, needle",
    [
        ("salesforce", TEMPLATE, "line 3"),
        ("plain", TEMPLATE, "line 1"),
        ("jinja2", "{% for x in items %}{{ x }}{% endfor %}", "{% for %}"),
        ("liquid", "{{ a + b }}", "line 1"),
        ("mailchimp", "{% if a > 3 %}x{% endif %}", "condition"),
    ],
)
def test_untranslatable_constructs_fail_with_the_line(
    dialect: str, source: str, needle: str
) -> None:
    with pytest.raises(ExportError) as exc:
        export_template(source, dialect)
    assert needle in str(exc.value)


def test_mapping_renames_fields_and_rejects_unknown_names() -> None:
    out = export_template(
        "Hi {{ customer.first_name }}\n", "mailchimp", mapping={"customer.first_name": "FIRSTNAME"}
    )
    assert out == "Hi *|FIRSTNAME|*\n"
    with pytest.raises(ExportError, match="does not use"):
        export_template(
            "Hi {{ customer.first_name }}\n", "mailchimp", mapping={"customer.nickname": "NICK"}
        )


def test_docx_has_real_mergefields_that_a_mail_merge_fills(tmp_path: Path) -> None:
    from docx import Document
    from mailmerge import MailMerge

    src = "Dear {{ customer.first_name }},\nPlease pay {{ invoice.amount }} by {{ invoice.due_date }}.\n"
    data = export_template(src, "docx")
    xml = Document(io.BytesIO(data)).element.xml
    assert xml.count("MERGEFIELD") == 3 and "MERGEFIELD customer_first_name" in xml
    path = tmp_path / "t.docx"
    path.write_bytes(data)
    with MailMerge(str(path)) as mm:
        assert mm.get_merge_fields() == {
            "customer_first_name",
            "invoice_amount",
            "invoice_due_date",
        }
        mm.merge(
            customer_first_name="Zoë & Sam", invoice_amount="£5", invoice_due_date="3 May 2026"
        )
        mm.write(str(tmp_path / "out.docx"))
    text = "\n".join(p.text for p in Document(str(tmp_path / "out.docx")).paragraphs)
    assert "Dear Zoë & Sam," in text and "Please pay £5 by 3 May 2026." in text


def test_html_email_escapes_the_text_and_keeps_placeholders() -> None:
    out = export_template(
        "Dear {{ customer.first_name }},\n\nA & B <ltd> owe you nothing.\n", "html-email"
    )
    assert (
        "A &amp; B &lt;ltd&gt;" in out and "{{ customer.first_name }}" in out and "<p style=" in out
    )


def test_export_cli(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text(TEMPLATE, encoding="utf-8")
    r = run_cli("export", "t.j2", "--to", "liquid", cwd=tmp_path)
    assert r.returncode == 0 and "{% if help.url == blank %}" in r.stdout
    r = run_cli("export", "t.j2", "--to", "salesforce", "-o", "sf.txt", cwd=tmp_path)
    assert r.returncode == 2 and "line 3" in r.stderr and not (tmp_path / "sf.txt").exists()
    r = run_cli("export", "t.j2", "--to", "klingon", cwd=tmp_path)
    assert r.returncode == 2 and "unknown dialect" in r.stderr
    r = run_cli("export", "t.j2", "--to", "docx", cwd=tmp_path)
    assert r.returncode == 2 and "-o" in r.stderr
    (tmp_path / "map.yaml").write_text("customer.first_name: FIRSTNAME\n")
    r = run_cli(
        "export", "t.j2", "--to", "mailchimp", "--map", "map.yaml", "-o", "mc.txt", cwd=tmp_path
    )
    assert r.returncode == 0 and "*|FIRSTNAME|*" in (tmp_path / "mc.txt").read_text()
    r = run_cli("export", "t.j2", "--to", "mailchimp", "-o", "mc.txt", cwd=tmp_path)
    assert r.returncode == 2 and "already exists" in r.stderr


def test_every_dialect_exports_a_rewrite_of_a_sample(tmp_path: Path) -> None:
    from letterlint.actions.rewrite import rewrite_text

    rw = rewrite_text((SAMPLES / "bad-first-reminder.txt").read_text(encoding="utf-8"))
    parse_template(rw.template)
    for dialect in DIALECTS:
        out = export_template(rw.template, dialect)
        assert out


@pytest.mark.parametrize(
    "ctx, expected",
    [
        (
            {
                "customer_first_name": 'Zoë "Z" & Co',
                "payment_link": "https://pay.example.com/?a=1&b=2",
                "company_phone": "0300",
            },
            ['Dear Zoë "Z" & Co,', "Pay at https://pay.example.com/?a=1&b=2.", "Bye."],
        ),
        (
            {"customer_first_name": "", "payment_link": "", "company_phone": "0300 123 4567"},
            ["Dear there,", "Call us on 0300 123 4567.", "Bye."],
        ),
    ],
)
def test_docx_defaults_and_conditions_are_word_if_fields(
    tmp_path: Path, ctx: dict, expected: list[str]
) -> None:
    from docx import Document
    from mailmerge import MailMerge
    from mailmerge.mergeoptions import MailMergeOptions

    src = (
        "Dear {{ customer.first_name | default('there') }},\n"
        "{% if payment.link %}Pay at {{ payment.link }}.{% else %}Call us on {{ company.phone }}.{% endif %}\nBye.\n"
    )
    data = export_template(src, "docx")
    xml = Document(io.BytesIO(data)).element.xml
    assert ' IF "' in xml and '" = "" "' in xml and '" &lt;&gt; "" "' in xml
    path = tmp_path / "t.docx"
    path.write_bytes(data)
    with MailMerge(str(path), options=MailMergeOptions(merge_if_fields=True)) as mm:
        mm.merge(**ctx)
        mm.write(str(tmp_path / "out.docx"))
    assert [p.text for p in Document(str(tmp_path / "out.docx")).paragraphs if p.text] == expected


def test_docx_condition_across_paragraphs_is_refused() -> None:
    with pytest.raises(ExportError, match="line 1: this condition spans several paragraphs"):
        export_template("{% if late %}First line.\nSecond line.{% endif %}\n", "docx")


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("Hi {{ customer.first_name }}\n", encoding="utf-8")
    r = run_cli("export", "t.j2", "--to", "liquid", "-o", "no/such/folder/out.liquid", cwd=tmp_path)
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr
    r = run_cli(
        "rewrite",
        str(SAMPLES / "bad-first-reminder.txt"),
        "-o",
        "no/such/folder/x.j2",
        cwd=tmp_path,
    )
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr
