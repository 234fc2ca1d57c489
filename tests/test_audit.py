"""`letterlint audit`: the numbers match `check`, the reports are self-contained and complete."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import statistics
from pathlib import Path

import pytest

from letterlint import audit, check_paths
from letterlint.reports import render_report, write_report

from .conftest import ROOT, make_odt, make_pdf, run_cli

SAMPLES = ROOT / "sample_letters"
DAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def sample_audit():  # type: ignore[no-untyped-def]
    return audit([SAMPLES], client="Acme Energy", today=DAY)


@pytest.fixture(scope="module")
def sample_html(sample_audit) -> str:  # type: ignore[no-untyped-def]
    return render_report(sample_audit, ".html").decode("utf-8")


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
        assert s.with_category[cat] == sum(1 for fr in letters if any(f.category == cat for f in fr.findings))
    assert s.missing_cta == sum(1 for fr in letters if any(f.code == "LL401" for f in fr.findings))
    assert s.findings_by_severity["error"] == sum(f.severity == "error" for fr in letters for f in fr.findings)
    assert sum(s.findings_by_category.values()) == sum(len(fr.findings) for fr in letters)
    assert [fr.to_dict() for fr in sample_audit.report.files] == [fr.to_dict() for fr in report.files]
    # the five things to change first are the five rules that cost the most points
    points = [i.points for i in s.impacts]
    assert points == sorted(points, reverse=True)
    assert len(s.top_five) == 5 and all(i.letters >= 1 for i in s.top_five)


def test_the_html_states_the_numbers(sample_audit, sample_html: str) -> None:  # type: ignore[no-untyped-def]
    s = sample_audit.summary
    assert "Prepared for Acme Energy" in sample_html
    assert f"{s.letters} letters audited on 2026-11-25" in sample_html
    assert f'{s.mean:.0f}<small> / 100' in sample_html
    for i in s.top_five:
        assert i.rule.code in sample_html
    for section in ("Executive summary", "Five things to change first", "The findings in charts",
                    "Every letter, worst first", "Letter by letter", "Could not read", "Method"):
        assert section in sample_html
    assert sample_html.count("<svg ") == 5
    assert sample_html.count('<section class="letter"') == len(sample_audit.pages) == 15


def test_the_html_is_self_contained(sample_html: str) -> None:
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", sample_html, re.I)
    assert not re.search(r"\b(src|srcset)\s*=", sample_html, re.I)
    assert not re.search(r"url\((?!#)|@import", sample_html, re.I)  # only the SVGs' own clip paths
    hrefs = re.findall(r'href="([^"]*)"', sample_html)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert not re.search(r"https?://(?!www\.w3\.org/)", re.sub(r"<td>[^<]*</td>", "", sample_html))


def test_letter_text_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "evil.html").write_text(
        "<p>Dear debtor,</p><p>&lt;script&gt;alert(1)&lt;/script&gt; Failure to pay will result in legal action.</p>")
    (tmp_path / "evil.txt").write_text("Dear debtor, <img src=x onerror=alert(1)> pay now!!!\n")
    html = render_report(audit([tmp_path], today=DAY), ".html").decode()
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the greeting (LL501) and "debtor" (LL101) overlap: one mark, the worse severity, both codes
    assert '<mark class="error" title="LL501 LL101">Dear debtor</mark>' in html


def test_letter_pages_are_worst_first_with_rewrites(sample_audit) -> None:  # type: ignore[no-untyped-def]
    scores = [p.result.score for p in sample_audit.pages]
    assert scores == sorted(scores)
    docx_page = next(p for p in sample_audit.pages if p.result.path.endswith("bad-final-demand.docx"))
    assert docx_page.excerpts and docx_page.passages
    for ex in docx_page.excerpts:
        for m in ex.marks:
            assert 0 <= m.start < m.end <= len(ex.text)
    debtor = next(ps for ps in docx_page.passages if "debtor" in ps.before)
    assert debtor.after and "debtor" not in debtor.after and "customer" in debtor.after
    assert "£2,140.75" in debtor.after  # the facts are kept
    assert any(ps.after is None for ps in docx_page.passages)  # the employer threat is dropped
    assert any(f.code == "LL401" for f in docx_page.whole_letter)


def test_the_docx_report_holds_tables_and_charts(sample_audit) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    doc = Document(io.BytesIO(render_report(sample_audit, ".docx")))
    assert len(doc.inline_shapes) == 5
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    for section in ("Executive summary", "Five things to change first", "The findings in charts",
                    "Every letter, worst first", "Letter by letter", "Could not read", "Method"):
        assert section in headings
    first = doc.tables[0]
    assert first.rows[1].cells[1].text == "15"
    letters_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Letter")
    assert len(letters_table.rows) == 16
    rules_table = doc.tables[-1]
    assert len(rules_table.rows) == len(sample_audit.rules) + 1
    highlighted = [r for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert any("debtor" in r.text.lower() for r in highlighted)


def test_unreadable_files_are_listed_and_the_rest_audited(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    shutil.copytree(SAMPLES, folder)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a real docx")
    (folder / "scan.pdf").write_bytes(make_pdf([[]]))
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02")
    (folder / "letter.pdf").write_bytes(make_pdf([["Dear debtor,", "Failure to pay will result in legal action."]]))
    (folder / "letter.odt").write_bytes(make_odt(["Dear debtor,", "We hereby demand payment."]))
    out = tmp_path / "report.html"
    proc = run_cli("audit", str(folder), "--report", str(out), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "17 letters audited" in proc.stderr and "3 could not be read" in proc.stderr
    html = out.read_text()
    unread = html[html.index('id="unreadable"'):html.index('id="method"')]
    for name, code in (("broken.docx", "corrupt-docx"), ("scan.pdf", "unreadable"), ("binary.txt", "binary")):
        assert name in unread and code in unread
    assert "no text layer" in unread
    assert "letter.pdf" in html and "letter.odt" in html

    docx_out = tmp_path / "report.docx"
    assert run_cli("audit", str(folder), "--report", str(docx_out), "--pages", "2", cwd=tmp_path).returncode == 2
    from docx import Document

    doc = Document(str(docx_out))
    unread_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "File")
    assert {r.cells[0].text.rsplit("/", 1)[-1] for r in unread_table.rows[1:]} == {"broken.docx", "scan.pdf", "binary.txt"}


def test_audit_cli_writes_safely(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    ok = run_cli("audit", str(SAMPLES / "good-first-reminder.txt"), "--report", str(out), cwd=tmp_path)
    assert ok.returncode == 0 and out.is_file()
    before = out.read_bytes()
    again = run_cli("audit", str(SAMPLES), "--report", str(out), cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and out.read_bytes() == before
    forced = run_cli("audit", str(SAMPLES), "--report", str(out), "--force", cwd=tmp_path)
    assert forced.returncode == 0 and out.read_bytes() != before
    bad = run_cli("audit", str(SAMPLES), "--report", str(tmp_path / "r.pdf"), cwd=tmp_path)
    assert bad.returncode == 2 and ".html or .docx" in bad.stderr
    missing = run_cli("audit", str(tmp_path / "nope"), "--report", str(tmp_path / "r.html"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_pages_limit_keeps_every_letter_in_the_table(tmp_path: Path) -> None:
    a = audit([SAMPLES], pages=2, today=DAY)
    assert len(a.pages) == 2
    html = render_report(a, ".html").decode()
    assert html.count('<section class="letter"') == 2
    table = html[html.index('id="letters"'):html.index('id="pages"')]
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


def test_the_report_is_not_audited_on_the_next_run_and_duplicates_count_once(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    shutil.copytree(SAMPLES, folder)
    out = folder / "audit.html"
    first = run_cli("audit", str(folder), "--report", str(out), cwd=tmp_path)
    again = run_cli("audit", str(folder), str(folder / "bad-first-reminder.txt"), "--report", str(out), "--force",
                    cwd=tmp_path)
    assert first.returncode == again.returncode == 0, again.stderr
    assert "15 letters audited" in first.stderr and "15 letters audited" in again.stderr


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
    assert "Acme &#34;Energy&#34; &lt;Ltd&gt;" in html or "Acme &quot;Energy&quot; &lt;Ltd&gt;" in html
    from docx import Document

    doc = Document(io.BytesIO(render_report(a, ".docx")))
    assert any("caf?.txt" in p.text for p in doc.paragraphs)
