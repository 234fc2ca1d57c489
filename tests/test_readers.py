"""Readers: what is linted, how offsets map back, and every kind of bad input."""

from __future__ import annotations

import io
import zipfile

import pytest

from letterlint import check_bytes, check_text
from letterlint.reading.readers import ReadError, decode_text, html_visible_text, read_bytes

from .conftest import make_docx, make_odt, make_pdf


def test_html_visible_text_maps_entities_and_tags_back_to_the_source() -> None:
    src = "<html><head><title>x</title><style>p{}</style></head><body><p>Dear&nbsp;debtor,</p><p>Pay &pound;5 &amp; smile</p></body></html>"
    text, omap = html_visible_text(src)
    assert "Dear debtor," in text and "Pay £5 & smile" in text
    assert "p{}" not in text and "x" not in text.split()
    i = text.index("£")
    s, e = omap.span(i, i + 1)
    assert src[s:e] == "&pound;"
    j = text.index("debtor")
    s, e = omap.span(j, j + len("debtor"))
    assert src[s:e] == "debtor"


def test_html_finding_points_at_the_raw_html() -> None:
    src = "<p>Dear Sam,</p>\n<p>As a <b>debtor</b> you must pay &pound;40 by 3 May.</p>"
    findings = check_text(src, kind="html")
    f = next(f for f in findings if f.code == "LL101")
    assert src[f.start : f.end] == f.text == "debtor"
    assert (f.line, f.column) == (2, 12)


def test_html_block_elements_end_sentences() -> None:
    # without the <p> boundary the greeting and body would be one 30-word sentence
    body = " ".join(["word"] * 20)
    src = f"<p>Dear Sam</p><p>{body}.</p><div>Thanks</div>"
    findings = check_text(src, kind="html")
    assert not [f for f in findings if f.code == "LL602"]


def test_docx_reads_header_body_table_footer_and_text_box_once() -> None:
    data = make_docx(
        "Dear Sam,\nPlease pay by 3 May.",
        header="Acme Ltd",
        footer="Registered in England",
        table=[["Amount", "£40.00"], ["Due", "3 May 2026"]],
        textbox="Call 0300 123 4567",
    )
    src = read_bytes(data, "letter.docx")
    lines = src.text.split("\n")
    assert lines[0] == "Acme Ltd"
    assert (
        lines.index("Dear Sam,")
        < lines.index("Amount")
        < lines.index("£40.00")
        < lines.index("Registered in England")
    )
    assert src.text.count("Call 0300 123 4567") == 1
    assert lines[-1] == "Call 0300 123 4567"  # text boxes come last
    assert "See the box: " in lines


def test_docx_run_formatting_is_available_to_rules() -> None:
    data = make_docx("Hello Sam,\n[[PAY NOW]] please.")
    res = check_bytes(data, "x.docx")
    codes = {f.code for f in res.findings}
    assert "LL312" in codes  # bold red
    assert "LL310" in codes  # capitals
    red = next(f for f in res.findings if f.code == "LL312")
    assert red.text == "PAY NOW"


def test_docx_caps_formatting_counts_as_shouting() -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Dear Sam,")
    p = doc.add_paragraph()
    p.add_run("final notice before action").font.all_caps = True
    buf = io.BytesIO()
    doc.save(buf)
    res = check_bytes(buf.getvalue(), "caps.docx")
    assert any(f.code == "LL310" and f.text == "final notice before action" for f in res.findings)


def test_eml_subject_and_plain_body() -> None:
    raw = (
        b"From: a@example.com\r\nTo: b@example.com\r\nSubject: FINAL DEMAND\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nDear debtor,\r\nplease pay.\r\n"
    )
    res = check_bytes(raw, "mail.eml")
    assert res.error is None
    by_code = {f.code: f for f in res.findings}
    assert by_code["LL310"].line == 1 and by_code["LL310"].text == "FINAL DEMAND"
    assert by_code["LL101"].text == "debtor"


def test_eml_html_body_is_linted_as_visible_text() -> None:
    raw = (
        b"Subject: Your account\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Dear Sam,</p><p>You are a <b>debtor</b>.</p>"
    )
    res = check_bytes(raw, "mail.eml")
    f = next(f for f in res.findings if f.code == "LL101")
    assert f.text == "debtor"


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"\x00\x01\x02binary\x00", "x.txt", "binary"),
        (b"", "x.txt", "unreadable"),
        (b"   \n\n", "x.txt", "unreadable"),
        (b"Dear \x81\x8d\x8f\x90 Sam", "x.txt", "decode-error"),
        (b"PK\x03\x04 not really a zip", "x.docx", "corrupt-docx"),
        (b"%PDF-1.7 ...", "x.pdf", "unreadable"),
        (b"plain words", "x.pdf", "unreadable"),
        (b"{\\rtf1 hello}", "x.rtf", "unsupported-format"),
        (b"anything", "x.odt", "unreadable"),
        (b"PK\x03\x04 not really a zip", "x.odt", "unreadable"),
        (b"Dear {{ name }\n", "x.j2", "template-syntax"),
        (b"Dear {{#if a}}x\n", "x.hbs", "template-syntax"),
        (b"{% if a %}x", "x.liquid", "template-syntax"),
    ],
)
def test_bad_input_gets_a_per_file_error(data: bytes, name: str, code: str) -> None:
    res = check_bytes(data, name)
    assert res.error is not None and res.error.code == code, res
    assert res.score is None and res.findings == ()
    assert res.error.message


def test_template_syntax_error_names_the_line() -> None:
    res = check_bytes(b"Dear {{ customer.first_name }},\n\n{% if x %}\nHello\n", "t.j2")
    assert res.error is not None and res.error.code == "template-syntax"
    assert "line" in res.error.message


def test_windows_1252_fallback_adds_a_note() -> None:
    text, notes = decode_text("Pay \u00a340 by 3 May \u2013 thanks".encode("cp1252"))
    assert text == "Pay \u00a340 by 3 May \u2013 thanks"
    assert notes and "Windows-1252" in notes[0]


def test_utf8_bom_and_utf16_are_read() -> None:
    assert decode_text(b"\xef\xbb\xbfHello")[0] == "Hello"
    assert decode_text("\ufeffHello".encode("utf-16-le"))[0] == "Hello"


def test_too_large_text_file() -> None:
    res = check_bytes(b"a" * (3 * 1024 * 1024), "big.txt")
    assert res.error is not None and res.error.code == "too-large"


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/media/image1.png", b"\x00" * (60 * 1024 * 1024))
    return buf.getvalue()


def test_docx_zip_bomb_is_rejected_before_unpacking() -> None:
    data = _zip_bomb()
    assert len(data) < 200_000
    res = check_bytes(data, "bomb.docx")
    assert res.error is not None and res.error.code == "unsafe-archive"


def test_docx_with_lying_sizes_is_caught_by_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    from letterlint.reading import readers

    monkeypatch.setattr(readers, "MAX_ZIP_TOTAL", 1024)
    monkeypatch.setattr(readers, "MAX_ZIP_MEMBER", 10**9)
    res = check_bytes(make_docx("Hello Sam, please pay by 3 May."), "x.docx")
    assert res.error is not None and res.error.code == "unsafe-archive"


def test_corrupt_docx_member() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word document")
    res = check_bytes(buf.getvalue(), "x.docx")
    assert res.error is not None and res.error.code == "corrupt-docx"


def test_read_error_is_an_exception_with_a_code() -> None:
    with pytest.raises(ReadError) as exc:
        decode_text(b"\x00\x00")
    assert exc.value.code == "binary"


def test_readability_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    """textstat 0.7.13 calls nltk.download('cmudict') on first use; letterlint must not."""
    import nltk

    def refuse(*a, **k):
        raise AssertionError("letterlint tried to download NLTK data")

    monkeypatch.setattr(nltk, "download", refuse)
    long_letter = "Dear Sam,\n\n" + " ".join(
        ["Notwithstanding the aforementioned considerations, remittance is requisite."] * 20
    )
    findings = check_text(long_letter)
    assert any(f.code == "LL601" for f in findings)


def test_shouting_outside_ascii_is_still_found() -> None:
    findings = check_text("Dear Sam,\n\nÉNORME PROBLÈME: pay now.\n")
    assert any(f.code == "LL310" and f.text == "ÉNORME PROBLÈME" for f in findings)


# --------------------------------------------------------------------------- PDF and OpenDocument


def test_pdf_text_layer_is_linted_page_by_page() -> None:
    pdf = make_pdf(
        [
            ["Dear debtor,", "Failure to pay will result in legal action."],
            ["Page two (kind words)."],
        ]
    )
    src = read_bytes(pdf, "letter.pdf")
    assert src.kind == "pdf"
    assert (
        src.text
        == "Dear debtor,\nFailure to pay will result in legal action.\n\nPage two (kind words)."
    )
    res = check_bytes(pdf, "letter.pdf")
    assert res.error is None
    codes = {f.code for f in res.findings}
    assert {"LL101", "LL301"} <= codes
    debtor = next(f for f in res.findings if f.code == "LL101")
    assert (debtor.line, debtor.column, debtor.text) == (1, 6, "debtor")


def test_a_scanned_pdf_without_text_says_so() -> None:
    res = check_bytes(make_pdf([[], []]), "scan.pdf")
    assert res.error is not None and res.error.code == "unreadable"
    assert "no text layer" in res.error.message and "OCR" in res.error.message


def test_a_pdf_with_too_many_pages_is_refused() -> None:
    from letterlint.reading.document_text import MAX_PDF_PAGES

    res = check_bytes(make_pdf([["x"]] * (MAX_PDF_PAGES + 1)), "bundle.pdf")
    assert res.error is not None and res.error.code == "too-large"
    assert str(MAX_PDF_PAGES) in res.error.message


def test_odt_headers_body_tables_and_footers_are_read_once_in_order() -> None:
    odt = make_odt(
        ["Dear debtor,", "We hereby demand payment."],
        heading="Reminder",
        table=[["Amount", "£84.20"]],
        footer="Acme Ltd, 1 High Street",
    )
    src = read_bytes(odt, "letter.odt")
    assert src.kind == "odt"
    assert (
        src.text
        == "Reminder\nDear debtor,\nWe hereby demand payment.\nAmount\n£84.20\nAcme Ltd, 1 High Street"
    )
    res = check_bytes(odt, "letter.odt")
    assert {"LL101", "LL201"} <= {f.code for f in res.findings}


def test_a_zip_bomb_odt_is_refused_before_unpacking() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", b"\0" * (60 * 1024 * 1024))
    res = check_bytes(buf.getvalue(), "bomb.odt")
    assert res.error is not None and res.error.code == "unsafe-archive"
    assert ".odt" in res.error.message


def test_a_spreadsheet_saved_as_odt_is_named_for_what_it_is() -> None:
    from odfdo import Document

    out = io.BytesIO()
    Document("spreadsheet").save(out)
    res = check_bytes(out.getvalue(), "sheet.odt")
    assert res.error is not None and res.error.code == "unreadable"
    assert "spreadsheet" in res.error.message
