"""`letterlint audit`: the numbers match `check`, the reports are self-contained and complete."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import statistics
from dataclasses import replace as replace_
from pathlib import Path

import pytest

from letterlint import audit, check_paths
from letterlint.reporting.reports import render_report, write_report

from .conftest import ROOT, make_odt, make_pdf, run_cli

SAMPLES = ROOT / "sample_letters"
DAY = dt.date(2026, 11, 25)
# a bad and a good letter: for tests where what is audited, not how many, is the point
FEW = ("bad-first-reminder.txt", "good-first-reminder.txt")


#: The sections of both audit reports (HTML and Word), in order.
REPORT_SECTIONS = (
    "Executive summary",
    "Five things to change first",
    "The findings in charts",
    "Every letter, worst first",
    "Letter by letter",
    "Could not read",
    "Method",
)


def _few_samples(folder: Path, names: tuple[str, ...] = FEW) -> Path:
    folder.mkdir()
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def sample_audit():  # type: ignore[no-untyped-def]
    return audit([SAMPLES], client="Acme Energy", today=DAY)


@pytest.fixture(scope="module")
def sample_html(sample_audit) -> str:  # type: ignore[no-untyped-def]
    return render_report(sample_audit, ".html").decode("utf-8")


@pytest.fixture(scope="module")
def sample_docx(sample_audit) -> bytes:  # type: ignore[no-untyped-def]
    """The Word report of the samples, rendered once (its charts take seconds); each test
    parses its own `Document` from these bytes."""
    return render_report(sample_audit, ".docx")


def test_the_numbers_match_check(sample_audit) -> None:  # type: ignore[no-untyped-def]
    report = check_paths([SAMPLES])
    letters = [fr for fr in report.files if fr.error is None]
    scores = [fr.score for fr in letters]
    s = sample_audit.summary
    assert s.letters == len(letters) == 15
    assert s.mean == round(statistics.fmean(scores), 1)
    assert s.median == statistics.median(scores)
    assert (s.lowest, s.highest) == (min(scores), max(scores))
    for cat in ("stigmatising-language", "legal-jargon", "threatening-tone"):
        assert s.with_category[cat] == sum(
            1 for fr in letters if any(f.category == cat for f in fr.findings)
        )
    assert s.missing_cta == sum(1 for fr in letters if any(f.code == "LL401" for f in fr.findings))
    assert s.findings_by_severity["error"] == sum(
        f.severity == "error" for fr in letters for f in fr.findings
    )
    assert sum(s.findings_by_category.values()) == sum(len(fr.findings) for fr in letters)
    assert [fr.to_dict() for fr in sample_audit.report.files] == [
        fr.to_dict() for fr in report.files
    ]
    # the five things to change first are the five rules that cost the most points
    points = [i.points for i in s.impacts]
    assert points == sorted(points, reverse=True)
    assert len(s.top_five) == 5 and all(i.letters >= 1 for i in s.top_five)


def test_the_html_states_the_numbers(sample_audit, sample_html: str) -> None:  # type: ignore[no-untyped-def]
    s = sample_audit.summary
    assert "Prepared for Acme Energy" in sample_html
    assert f"{s.letters} letters audited on 2026-11-25" in sample_html
    assert f"{s.mean:.0f}<small> / 100" in sample_html
    for i in s.top_five:
        assert i.rule.code in sample_html
    for section in REPORT_SECTIONS:
        assert section in sample_html
    assert sample_html.count("<svg ") == 5
    assert sample_html.count('<section class="letter"') == len(sample_audit.pages) == 15


def test_the_html_is_self_contained(sample_html: str) -> None:
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", sample_html, re.I)
    assert not re.search(r"\b(src|srcset)\s*=", sample_html, re.I)
    assert not re.search(r"url\((?!#)|@import", sample_html, re.I)  # only the SVGs' own clip paths
    # links go to the report's own sections, or (the rules' sources) are links a reader may follow;
    # nothing is loaded from anywhere
    hrefs = re.findall(r'href="([^"]*)"', sample_html)
    method = _linked_sections(sample_html)
    assert hrefs and all(
        h.startswith("#") or (h.startswith(("https://", "http://")) and f'href="{h}"' in method)
        for h in hrefs
    )
    outside = re.sub(r'<a href="https?://[^"]*" rel="noopener noreferrer">', "", sample_html)
    # a sample payment link a rewrite adds is shown as text, marked as a sample value
    outside = re.sub(r'<span class="sample"[^>]*>[^<]*</span>', "", outside)
    assert not re.search(
        r"https?://(?!www\.w3\.org/)", re.sub(r"<td>[^<]*</td>", "", outside.replace(method, ""))
    )


def _linked_sections(html: str) -> str:
    """The sections whose rule sources are links: the method (and the compliance section)."""
    method = html[html.index('id="method"') :]
    if 'id="compliance"' in html:
        start = html.index('id="compliance"')
        method = html[start : html.index('id="letters"', start)] + method
    return method


def test_sources_are_links_titled_by_the_source(sample_audit, sample_html: str) -> None:  # type: ignore[no-untyped-def]
    from letterlint.reporting.audit import split_source

    linked = [(r, src) for r in sample_audit.rules for src in r.sources if "://" in src]
    assert linked
    for _, src in linked:
        title, url = split_source(src)
        assert (
            url and url in src and url not in title and title and not title.endswith((",", " at"))
        )
        assert f'<a href="{url}" rel="noopener noreferrer">{title}</a>'.replace(
            "&", "&amp;"
        ) in sample_html.replace("&#39;", "'").replace("&#34;", '"')
    assert split_source("Plain English Campaign (2010)") == ("Plain English Campaign (2010)", None)


def test_letter_text_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "evil.html").write_text(
        "<p>Dear debtor,</p><p>&lt;script&gt;alert(1)&lt;/script&gt; Failure to pay will result in legal action.</p>"
    )
    (tmp_path / "evil.txt").write_text("Dear debtor, <img src=x onerror=alert(1)> pay now!!!\n")
    html = render_report(audit([tmp_path], today=DAY), ".html").decode()
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the greeting (LL501) and "debtor" (LL101) overlap: one mark, the worse severity, both codes
    assert '<mark class="error" title="LL501 LL101">Dear debtor</mark>' in html


def test_letter_pages_are_worst_first_with_rewrites(sample_audit) -> None:  # type: ignore[no-untyped-def]
    scores = [p.result.score for p in sample_audit.pages]
    assert scores == sorted(scores)
    docx_page = next(
        p for p in sample_audit.pages if p.result.path.endswith("bad-final-demand.docx")
    )
    assert docx_page.excerpts and docx_page.passages
    for ex in docx_page.excerpts:
        for m in ex.marks:
            assert 0 <= m.start < m.end <= len(ex.text)
    debtor = next(ps for ps in docx_page.passages if "debtor" in ps.before)
    assert debtor.after and "debtor" not in debtor.after and "customer" in debtor.after
    assert "£2,140.75" in debtor.after  # the facts are kept
    assert any(ps.after is None for ps in docx_page.passages)  # the employer threat is dropped
    assert any(f.code == "LL401" for f in docx_page.whole_letter)


def test_the_docx_report_holds_tables_and_charts(  # type: ignore[no-untyped-def]
    sample_audit, sample_docx: bytes
) -> None:
    from docx import Document

    doc = Document(io.BytesIO(sample_docx))
    assert len(doc.inline_shapes) == 5
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for section in REPORT_SECTIONS:
        assert section in headings
    first = doc.tables[0]
    assert first.rows[1].cells[1].text == "15"
    letters_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Letter")
    assert len(letters_table.rows) == 16
    rules_table = doc.tables[-1]
    assert len(rules_table.rows) == len(sample_audit.rules) + 1
    from docx.oxml.ns import qn

    shaded = [
        r
        for p in doc.paragraphs
        for r in p.runs
        if r._r.rPr is not None and r._r.rPr.find(qn("w:shd")) is not None
    ]
    assert any(
        "debtor" in r.text.lower() for r in shaded
    )  # flagged words are shaded, not highlighted loudly
    assert not [r for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None]


def test_unreadable_files_are_listed_and_the_rest_audited(tmp_path: Path) -> None:
    folder = _few_samples(tmp_path / "letters")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a real docx")
    (folder / "scan.pdf").write_bytes(make_pdf([[]]))
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02")
    (folder / "letter.pdf").write_bytes(
        make_pdf([["Dear debtor,", "Failure to pay will result in legal action."]])
    )
    (folder / "letter.odt").write_bytes(make_odt(["Dear debtor,", "We hereby demand payment."]))
    out = tmp_path / "report.html"
    proc = run_cli("audit", str(folder), "--report", str(out), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "4 letters audited" in proc.stderr and "3 could not be read" in proc.stderr
    html = out.read_text()
    unread = html[html.index('id="unreadable"') : html.index('id="method"')]
    for name, code in (
        ("broken.docx", "corrupt-docx"),
        ("scan.pdf", "unreadable"),
        ("binary.txt", "binary"),
    ):
        assert name in unread and code in unread
    assert "no text layer" in unread
    assert "letter.pdf" in html and "letter.odt" in html

    docx_out = tmp_path / "report.docx"
    assert (
        run_cli(
            "audit", str(folder), "--report", str(docx_out), "--pages", "2", cwd=tmp_path
        ).returncode
        == 2
    )
    from docx import Document

    doc = Document(str(docx_out))
    unread_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "File")
    assert {r.cells[0].text.rsplit("/", 1)[-1] for r in unread_table.rows[1:]} == {
        "broken.docx",
        "scan.pdf",
        "binary.txt",
    }


def test_audit_cli_writes_safely(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    ok = run_cli(
        "audit", str(SAMPLES / "good-first-reminder.txt"), "--report", str(out), cwd=tmp_path
    )
    assert ok.returncode == 0 and out.is_file()
    before = out.read_bytes()
    again = run_cli("audit", str(SAMPLES), "--report", str(out), cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and out.read_bytes() == before
    forced = run_cli(
        "audit",
        str(SAMPLES / "bad-first-reminder.txt"),
        "--report",
        str(out),
        "--force",
        cwd=tmp_path,
    )
    assert forced.returncode == 0 and out.read_bytes() != before
    bad = run_cli("audit", str(SAMPLES), "--report", str(tmp_path / "r.pdf"), cwd=tmp_path)
    assert bad.returncode == 2 and ".html or .docx" in bad.stderr
    missing = run_cli(
        "audit", str(tmp_path / "nope"), "--report", str(tmp_path / "r.html"), cwd=tmp_path
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_pages_limit_keeps_every_letter_in_the_table(tmp_path: Path) -> None:
    a = audit([SAMPLES], pages=2, today=DAY)
    assert len(a.pages) == 2
    html = render_report(a, ".html").decode()
    assert html.count('<section class="letter"') == 2
    table = html[html.index('id="letters"') : html.index('id="pages"')]
    assert table.count("<tr>") == 16
    write_report(a, tmp_path / "r.html")
    with pytest.raises(FileExistsError):
        write_report(a, tmp_path / "r.html")


def test_the_same_audit_gives_the_same_report(sample_audit, sample_html: str) -> None:  # type: ignore[no-untyped-def]
    assert render_report(sample_audit, ".html").decode() == sample_html


def test_an_empty_audit_still_writes_a_report(tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"nope")
    a = audit([tmp_path], today=DAY)
    html = render_report(a, ".html").decode()
    assert "No letter could be read" in html and "broken.docx" in html
    from docx import Document

    assert Document(io.BytesIO(render_report(a, ".docx"))).tables


def test_the_report_is_not_audited_on_the_next_run_and_duplicates_count_once(
    tmp_path: Path,
) -> None:
    folder = _few_samples(tmp_path / "letters", (*FEW, "bad-final-demand.txt"))
    out = folder / "audit.html"
    first = run_cli("audit", str(folder), "--report", str(out), cwd=tmp_path)
    again = run_cli(
        "audit",
        str(folder),
        str(folder / "bad-first-reminder.txt"),
        "--report",
        str(out),
        "--force",
        cwd=tmp_path,
    )
    assert first.returncode == again.returncode == 0, again.stderr
    assert "3 letters audited" in first.stderr and "3 letters audited" in again.stderr


def test_excerpts_name_the_lines_check_names(tmp_path: Path) -> None:
    letter = SAMPLES / "bad-medical-bill.html"
    a = audit([letter], today=DAY)
    (page,) = a.pages
    lines = {f.line for f in page.result.findings}
    assert page.excerpts and all(ex.line in lines for ex in page.excerpts)
    assert all(ex.line == min(f.line for f in ex.findings) for ex in page.excerpts)


def test_odd_file_names_do_not_break_the_reports(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "letters"
    folder.mkdir()
    body = b"Dear debtor,\n\nFailure to pay will result in legal action. Pay $5 or $10 now!!!\n"
    (folder / "ctl\x01name.txt").write_bytes(body)
    (folder / "<img src=x onerror=alert(1)>.txt").write_bytes(body)
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:
        fh.write(body)
    a = audit([folder], client='Acme "Energy" <Ltd>', today=DAY)
    html = render_report(a, ".html").decode("utf-8")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert (
        "Acme &#34;Energy&#34; &lt;Ltd&gt;" in html or "Acme &quot;Energy&quot; &lt;Ltd&gt;" in html
    )
    from docx import Document

    doc = Document(io.BytesIO(render_report(a, ".docx")))
    assert any("caf?.txt" in p.text for p in doc.paragraphs)


# --------------------------------------------------------------------------- what a reader sees


def _docx(a_or_bytes) -> object:  # type: ignore[no-untyped-def]
    from docx import Document

    raw = a_or_bytes if isinstance(a_or_bytes, bytes) else render_report(a_or_bytes, ".docx")
    return Document(io.BytesIO(raw))


def test_the_word_report_has_a_title_page_page_numbers_and_properties(sample_docx: bytes) -> None:
    from docx.oxml.ns import qn

    doc = _docx(sample_docx)
    props = doc.core_properties
    assert props.title == "Customer-first letter audit for Acme Energy"
    assert props.author == props.last_modified_by == "letterlint"
    assert props.created.date() == DAY
    import zipfile

    with zipfile.ZipFile(io.BytesIO(sample_docx)) as z:
        assert not [n for n in z.namelist() if b"python-docx" in z.read(n)]
    sec = doc.sections[0]
    assert sec.different_first_page_header_footer  # no number on the title page
    footer = sec.footer._element.xml
    assert "PAGE" in "".join(t.text for t in sec.footer._element.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in footer
    summary = next(
        i
        for i, p in enumerate(doc.paragraphs)
        if p.text == "Executive summary" and p.style.name == "Heading 1"
    )
    title_page = doc.paragraphs[:summary]
    assert any(p.text == "Customer-first letter audit" for p in title_page)
    assert any("Prepared for Acme Energy" in p.text for p in title_page)
    assert any('w:type="page"' in p._p.xml for p in title_page)  # the summary starts on page 2


def test_the_author_option_names_the_firm(tmp_path: Path) -> None:
    a = audit(
        [SAMPLES / "bad-first-reminder.txt"], client="Acme", author="Harbour Consulting", today=DAY
    )
    doc = _docx(a)
    assert doc.core_properties.author == "Harbour Consulting"
    assert any("Prepared by Harbour Consulting" in p.text for p in doc.paragraphs)
    assert "Prepared by Harbour Consulting" in render_report(a, ".html").decode()


def test_word_tables_have_fixed_widths_that_fit_the_page(sample_docx: bytes) -> None:
    from docx.oxml.ns import qn

    doc = _docx(sample_docx)
    sec = doc.sections[0]
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    for table in doc.tables:
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        widths = [col.width for col in table.columns]
        assert sum(widths) <= text_width
        for cell, width in zip(table.rows[0].cells, widths):  # each header word fits its column
            longest = max(cell.text.split(), key=len)
            assert len(longest) * 0.62 * 9 / 72 * 914400 + 0.12 * 914400 <= width, (
                cell.text,
                width,
            )
    letters = next(t for t in doc.tables if t.rows[0].cells[0].text == "Letter")
    assert [c.text for c in letters.rows[0].cells[:2]] == ["Letter", "Folder"]
    first = letters.rows[1].cells
    assert "/" not in first[0].text and first[1].text == f"{SAMPLES}/"


def test_sample_values_in_rewrites_are_marked(
    sample_audit, sample_html: str, sample_docx: bytes
) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn

    from letterlint.core.config import SAMPLE_CONTEXT

    sampled = [ps for p in sample_audit.pages for ps in p.passages if ps.has_samples]
    assert sampled
    for ps in sampled:
        assert "".join(t for t, _ in ps.parts) == ps.after
        for text, sample in ps.parts:
            if sample:
                assert text in {str(v) for group in SAMPLE_CONTEXT.values() for v in group.values()}
                assert (
                    f'<span class="sample" title="sample value: replace it">{text}</span>'
                    in sample_html
                )
    assert "are sample values" in sample_html
    doc = _docx(sample_docx)
    cells = [c for t in doc.tables for row in t.rows for c in row.cells]
    runs = [r for c in cells for p in c.paragraphs for r in p.runs]
    marked = [r for r in runs if r.italic and r._r.rPr.find(qn("w:shd")) is not None]
    assert {r.text for r in marked} == {t for ps in sampled for t, s in ps.parts if s}
    assert any("are sample values" in p.text for p in doc.paragraphs)
    # a value the letter gave itself is never marked
    docx_page = next(
        p for p in sample_audit.pages if p.result.path.endswith("bad-final-demand.docx")
    )
    assert not any(s and "2,140.75" in t for ps in docx_page.passages for t, s in ps.parts)


def _finding(text: str, code: str = "LL310") -> object:
    from letterlint.core.model import Finding

    return Finding(
        code=code,
        name="threatening-tone.shouting",
        category="threatening-tone",
        severity="warning",
        message="m",
        start=0,
        end=len(text),
        line=1,
        column=1,
        end_line=1,
        end_column=len(text) + 1,
        text=text,
    )


def test_examples_are_wording_not_placeholders_or_reference_codes(sample_audit) -> None:  # type: ignore[no-untyped-def]
    from letterlint.reporting.audit import is_good_example

    for text in (
        "{{ customer.name }}",
        "[Customer Name]",
        "*|FNAME|*",
        "INV-40218",
        "AC-558201 / INV-20931",
        "12345",
        "«Amount»",
        "x" * 120,
    ):
        assert not is_good_example(_finding(text)), text
    for text in (
        "FINAL DEMAND",
        "debtor",
        "!!!",
        "pay the sum of £40 IMMEDIATELY",
        "RE: INVOICE INV-40218 OVERDUE",
    ):
        assert is_good_example(_finding(text)), text
    for i in sample_audit.summary.impacts:
        if i.example is not None:
            assert is_good_example(_finding(i.example, i.rule.code))
            assert i.example.lower() in {
                " ".join(f.text.split()).lower()
                for fr in sample_audit.readable
                for f in fr.findings
                if f.code == i.rule.code
            }
    # the examples come from letters that need work, not from the customer-first ones
    good_texts = {
        " ".join(f.text.split())
        for fr in sample_audit.readable
        if fr.score >= 80
        for f in fr.findings
    }
    bad_texts = {
        " ".join(f.text.split())
        for fr in sample_audit.readable
        if fr.score < 80
        for f in fr.findings
    }
    for i in sample_audit.summary.top_five:
        if i.example:
            assert i.example in bad_texts or i.example not in good_texts


# --------------------------------------------------------------------------- compliance section

COMPLIANCE = ROOT / "examples" / "compliance"
ALL_PACKS = ("core", "us-fdcpa", "uk-fca", "uk-b2b")
US_CONTEXT = (
    "<!-- letterlint: letter jurisdiction=US sender-type=third-party-collector letter-type=validation-notice "
    "initial-communication=true sent-date=2026-03-02 debt-type=consumer-financial-product channel=letter -->\n"
)


@pytest.fixture(scope="module")
def compliance_audit(tmp_path_factory):  # type: ignore[no-untyped-def]
    from letterlint.core.config import Config

    folder = tmp_path_factory.mktemp("compliance")
    for f in COMPLIANCE.glob("*.md"):
        shutil.copy(f, folder / f.name)
    (folder / "threat-us.md").write_text(
        US_CONTEXT + "Dear debtor,\n\nYou owe $1,250.00. If this balance is not "
        "paid you could face arrest. Pay within 30 days.\n\nRegards, Collections\n"
    )
    good = (COMPLIANCE / "good-us-validation-notice.md").read_text()
    miranda = "We will use any information you give us to help collect the debt."
    assert miranda in good
    # the prescribed sentences share a line with wording that needs work
    (folder / "notice-with-debtor.md").write_text(
        good.replace(miranda, miranda + " Pay now, debtor!!!")
    )
    (folder / "no-context.txt").write_text(
        "Dear customer,\n\nYour balance of $40 is overdue. Please pay it by "
        "March 30, 2026 at example.com/pay.\n\nThank you,\nAccounts\n"
    )
    return audit([folder], config=Config(packs=ALL_PACKS), today=DAY)


def test_no_compliance_section_without_a_pack(sample_audit, sample_html: str) -> None:  # type: ignore[no-untyped-def]
    assert sample_audit.compliance is None
    assert 'id="compliance"' not in sample_html


def test_the_compliance_section_counts_letters_per_provision(compliance_audit) -> None:  # type: ignore[no-untyped-def]
    c = compliance_audit.compliance
    assert c is not None and c.packs == ("us-fdcpa", "uk-fca", "uk-b2b")
    by_code = {r.rule.code: r for r in c.rows}
    # every compliance finding of the run is in the table, counted once per letter
    fired: dict[str, set[str]] = {}
    for fr in compliance_audit.readable:
        for f in fr.findings:
            if f.category == "compliance" and f.code in by_code:
                fired.setdefault(f.code, set()).add(fr.path)
    assert fired and {code: r.letters for code, r in by_code.items()} == {
        code: len(p) for code, p in fired.items()
    }
    arrest = by_code["LL720"]
    assert arrest.kind == "breach" and arrest.provision == "15 USC 1692e(4), (7)"
    assert arrest.examples == ((str(next(p for p in fired["LL720"])), "arrest"),)
    assert arrest.in_scope >= 3  # the three US letters are within it; the UK ones are not
    miranda = by_code["LL701"]
    assert miranda.kind == "missing" and miranda.provision == "15 USC 1692e(11)"
    assert [Path(p).name for p, _ in miranda.examples] == ["threat-us.md"] and miranda.examples[0][
        1
    ] is None
    assert c.no_context == 1 and c.with_required_text == 2
    # breaches first, then by letters
    assert [r.kind for r in c.rows] == sorted((r.kind for r in c.rows), key=lambda k: k != "breach")


def test_the_html_compliance_section_links_its_provisions(compliance_audit) -> None:  # type: ignore[no-untyped-def]
    from letterlint.reporting.audit import split_source

    html = render_report(compliance_audit, ".html").decode()
    section = html[html.index('<h2 id="compliance">') : html.index('<h2 id="letters">')]
    assert (
        "Wording that must not be used" in section and "Required content that is missing" in section
    )
    for r in compliance_audit.compliance.rows:
        title, url = split_source(r.rule.sources[0])
        assert f'<a href="{url}" rel="noopener noreferrer">{title}</a>'.replace(
            "&", "&amp;"
        ) in section.replace("&#39;", "'")
        assert f"{r.letters} of {r.in_scope}" in section
    assert "threat-us.md</a>: “arrest”" in section
    assert "1 letter had no context" in section
    test_the_html_is_self_contained(html)


def test_prescribed_text_is_marked_and_does_not_rank_a_letter_worst(compliance_audit) -> None:  # type: ignore[no-untyped-def]
    from letterlint.reporting.audit import ranking_score

    page = next(
        p for p in compliance_audit.pages if p.result.path.endswith("notice-with-debtor.md")
    )
    ex = next(ex for ex in page.excerpts if ex.required)
    required = "".join(t for t, _, req in ex.pieces() if req)
    assert "We are trying to collect a debt" in required and "debtor!!!" not in required
    assert any(
        m is not None and not req for _, m, req in ex.pieces()
    )  # "debtor" is flagged, outside it
    html = render_report(compliance_audit, ".html").decode()
    assert '<span class="required" title="required text' in html
    assert (
        ranking_score(page.result) == page.result.score
    )  # its findings are not on the required text
    docx = _docx(compliance_audit)
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert "Compliance" in headings and "Required content that is missing" in headings
    from docx.oxml.ns import qn

    shaded = [
        r.text
        for p in docx.paragraphs
        for r in p.runs
        if (shd := r._r.find(qn("w:rPr") + "/" + qn("w:shd"))) is not None
        and shd.get(qn("w:fill")) == "E4EFE7"
    ]
    assert any("trying to collect a debt" in t for t in shaded)


def test_findings_on_prescribed_wording_do_not_count_for_the_ranking() -> None:
    from letterlint.core.model import FileResult, Report
    from letterlint.engine.scoring import score
    from letterlint.reporting.audit import on_required_text, ranking_score, worst_first

    on = _finding("x" * 40)  # 0..40, a tone finding
    whole = replace_(_finding("y" * 400), code="LL401", category="call-to-action")
    spans = ((0, 38),)
    assert on_required_text(on, spans) and not on_required_text(whole, spans)
    assert not on_required_text(replace_(on, category="compliance"), spans)
    statutory = FileResult(
        "a-notice.md", score([on, whole]), findings=(on, whole), prescribed=spans
    )
    other = FileResult(
        "b-letter.md", score([whole]) - 1, findings=(whole, replace_(on, code="LL311"))
    )
    assert ranking_score(statutory) == score([whole]) > ranking_score(other)
    assert statutory.score < other.score  # by its score alone it would be ranked worst
    assert [fr.path for fr in worst_first(Report(files=(statutory, other)))] == [
        "b-letter.md",
        "a-notice.md",
    ]


def test_audit_cli_takes_the_letter_context_and_packs_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "threat.txt").write_text(
        "Dear customer,\n\nYou owe $1,250.00. If this balance is not "
        "paid you could face arrest.\n\nRegards, Collections\n"
    )
    cfg = tmp_path / "letterlint.toml"
    cfg.write_text('packs = ["core", "us-fdcpa"]\n')
    out = tmp_path / "audit.html"
    r = run_cli(
        "audit",
        str(tmp_path / "letters"),
        "--report",
        str(out),
        "--config",
        str(cfg),
        "-q",
        "--letter",
        "jurisdiction=US",
        "--letter",
        "sender-type=third-party-collector",
        "--letter",
        "recipient-type=consumer",
        "--letter",
        "letter-type=reminder",
        "--no-cache",
    )
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    section = html[html.index('<h2 id="compliance">') : html.index('<h2 id="letters">')]
    assert "LL720" in section and "15 USC 1692e(4), (7)" in section
    out.unlink()
    r = run_cli(
        "audit",
        str(tmp_path / "letters"),
        "--report",
        str(out),
        "--config",
        str(cfg),
        "-q",
        "--no-cache",
    )
    section = out.read_text()
    section = section[section.index('<h2 id="compliance">') : section.index('<h2 id="letters">')]
    assert "LL720" not in section and "1 letter had no context" in section


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every file read by the batch layer (the only place letters are read), by path."""
    from letterlint.batch import checking

    reads: dict[str, int] = {}
    real = checking._read_raw

    def spy(path: str):  # type: ignore[no-untyped-def]
        reads[Path(path).name] = reads.get(Path(path).name, 0) + 1
        return real(path)

    monkeypatch.setattr(checking, "_read_raw", spy)
    return reads


@pytest.mark.parametrize("cache", [False, True])
def test_pages_come_from_the_letters_as_checked_never_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    """Each letter is read once, by the check; a letter edited once the check has read it is
    shown on its page as it was checked (the report's numbers and its pages agree)."""
    monkeypatch.chdir(tmp_path)
    folder = _few_samples(tmp_path / "letters")
    if cache:
        audit([folder], cache=True, today=DAY)  # every letter cached: no lint this time
    reads = _count_reads(monkeypatch)
    checked = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}

    def edit_all(done: int, total: int) -> None:  # the check has read every letter
        if done == total:
            for p in folder.iterdir():
                p.write_text("Dear Sam, thank you.\n", encoding="utf-8")

    a = audit([folder], cache=cache, today=DAY, progress=edit_all)
    assert reads == {name: 1 for name in FEW}
    assert len(a.pages) == 2
    assert all(page.note is None for page in a.pages)
    bad = next(p for p in a.pages if p.result.path.endswith(FEW[0]))
    assert bad.excerpts and all(e.text in checked[FEW[0]] for e in bad.excerpts)
    assert bad.passages and all(p.before in checked[FEW[0]] for p in bad.passages)


def test_a_page_rewrite_takes_the_checks_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rewrite on a letter's page starts from the check's own lint of the letter (its
    `LintedLetter`), so the letter is not linted a second time."""
    from letterlint.actions import rewrite as rw

    folder = _few_samples(tmp_path / "letters")
    bad = (folder / FEW[0]).read_text(encoding="utf-8")
    linted: list[str] = []
    real = rw._lint_with

    def spy(text: str, *args):  # type: ignore[no-untyped-def]
        linted.append(text)
        return real(text, *args)

    monkeypatch.setattr(rw, "_lint_with", spy)
    a = audit([folder], today=DAY)
    assert any(p.passages for p in a.pages)
    assert bad not in linted  # only the rewritten drafts were linted


def test_parallel_checks_keep_the_worst_letters_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes send back the bytes of each batch's worst letters, so the run's
    worst letters are kept however the work was spread."""
    from letterlint.batch import checking
    from letterlint.reporting.audit import worst_first, worst_key

    monkeypatch.setattr(checking, "PARALLEL_MIN_FILES", 2)
    folder = tmp_path / "letters"
    folder.mkdir()
    names = sorted(p.name for p in SAMPLES.glob("*.txt"))[:6]
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    kept = checking.KeptLetters(2, worst_key)
    report = check_paths([folder], jobs=2, keep=kept)
    worst = [fr.path for fr in worst_first(report)[:2]]
    assert kept.paths() == set(worst)
    for path in worst:
        assert kept.get(path) == Path(path).read_bytes()


def test_kept_letters_hold_the_first_n_by_rank_and_no_more() -> None:
    from letterlint.batch.checking import KeptLetters
    from letterlint.core.model import FileResult

    kept = KeptLetters(3, lambda fr: fr.score)
    for i in range(100):
        kept.offer(FileResult(path=f"l{i}.txt", score=(i * 37) % 100), f"{i}".encode())
        assert len(kept._items) < 2 * 3 + 16
    assert kept.paths() == {"l0.txt", "l73.txt", "l46.txt"}  # scores 0, 1, 2
    assert kept.get("l73.txt") == b"73"
    assert kept.get("l5.txt") is None
    kept.offer(FileResult(path="broken.txt", score=None), b"x")
    assert "broken.txt" not in kept.paths()


def test_a_cached_audit_keeps_the_rewritten_passages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second audit of unchanged letters takes the pages' rewritten passages from the
    result cache (they are most of a cached audit's time) and shows the same ones; an
    edited letter's passages are rewritten again."""
    from letterlint.reporting import audit as audit_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LETTERLINT_NO_CACHE", raising=False)
    folder = _few_samples(tmp_path / "letters")
    first = audit([folder], cache=True, today=DAY)
    assert any(page.passages for page in first.pages)
    calls: list[str] = []
    real = audit_module._worst_passages

    def spy(src, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(src.path)
        return real(src, *args, **kwargs)

    monkeypatch.setattr(audit_module, "_worst_passages", spy)
    again = audit([folder], cache=True, today=DAY)
    assert calls == []
    assert [p.passages for p in again.pages] == [p.passages for p in first.pages]
    assert [p.note for p in again.pages] == [p.note for p in first.pages]
    edited = folder / FEW[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nPay NOW!\n", encoding="utf-8")
    audit([folder], cache=True, today=DAY)
    assert [Path(c).name for c in calls] == [FEW[0]]
