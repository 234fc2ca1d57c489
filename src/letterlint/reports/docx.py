"""The audit as a Word document, for clients who edit and forward reports in Word.

It holds the same sections as the HTML report: real Word tables (summary, top five,
every letter, could not read, the rules), the same charts as PNG pictures, and for the
worst letters their flagged lines with highlighted spans and passages before and after.
"""

from __future__ import annotations

import io
from typing import Any

from ..audit import Audit, Excerpt
from ..scoring import REPEAT_FACTOR, RULE_CAP, WEIGHTS
from .charts import audit_charts, png
from .html import CHART_TITLES

_HIGHLIGHT = {"error": "RED", "warning": "YELLOW", "info": "TURQUOISE"}
_SEV_RGB = {"error": (0xB8, 0x45, 0x3A), "warning": (0xB0, 0x6E, 0x10), "info": (0x3B, 0x6D, 0x98)}


def render_docx(a: Audit) -> bytes:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Inches, Pt, RGBColor

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    s = a.summary

    doc.add_heading("Customer-first letter audit", level=0)
    if a.client:
        doc.add_paragraph().add_run(_clean(f"Prepared for {a.client}")).bold = True
    unread = len(a.unreadable)
    doc.add_paragraph(f"{s.letters} letter{'s' if s.letters != 1 else ''} audited on {a.created} with letterlint "
                      f"{a.tool_version}" + (f"; {unread} file{'s' if unread != 1 else ''} could not be read." if unread else "."))

    doc.add_heading("Executive summary", level=1)
    if s.letters:
        rows = [
            ("Letters audited", str(s.letters)),
            ("Average customer-first score", f"{s.mean:.0f} / 100 (spread ±{s.stdev:.0f}; median {s.median:g}; "
                                             f"lowest {s.lowest}, highest {s.highest})"),
            ("Use stigmatising words such as “debtor”", _count(s, s.with_category["stigmatising-language"])),
            ("Use legal jargon", _count(s, s.with_category["legal-jargon"])),
            ("Threaten or pressure the reader", _count(s, s.with_category["threatening-tone"])),
            ("Never say what to do next", _count(s, s.missing_cta)),
        ]
        _table(doc, ("Measure", "Result"), rows, widths=(2.6, 3.9))
        sev = s.findings_by_severity
        doc.add_paragraph(
            f"The score starts at 100 for a letter with nothing to improve and drops with every problem found; a "
            f"letter that scores 80 or more reads as customer-first. {sev['error']} findings must never appear in a "
            f"letter to a customer (errors), {sev['warning']} should be changed (warnings) and {sev['info']} are advice.")
        doc.add_heading("Five things to change first", level=2)
        if s.top_five:
            rows = []
            for i in s.top_five:
                example = f"“{i.example}”" if i.example else ""
                if i.example and i.suggestion is not None:
                    example += f" → “{i.suggestion}”" if i.suggestion else " → leave it out"
                rows.append((f"{i.rule.summary} ({i.rule.code})", f"{i.letters} of {s.letters}", f"{i.points:.1f}",
                             example or _shorten(i.rule.rationale, 220)))
            _table(doc, ("What to change", "Letters", "Points a letter", "Example"), rows, widths=(2.3, 0.8, 0.8, 2.6))
        else:
            doc.add_paragraph("Nothing to change: no rule found anything.")
    else:
        doc.add_paragraph("No letter could be read, so there is nothing to summarise.")

    doc.add_heading("The findings in charts", level=1)
    for name, fig in audit_charts(a).items():
        doc.add_picture(io.BytesIO(png(fig)), width=Inches(6.0))
        cap = doc.add_paragraph(CHART_TITLES[name])
        cap.runs[0].italic = True

    doc.add_heading("Every letter, worst first", level=1)
    rows = []
    for fr in a.worst_first():
        sev_list = [f.severity for f in fr.findings]
        fre = fr.readability.get("flesch_reading_ease")
        rows.append((fr.path, str(fr.score), str(sev_list.count("error")), str(sev_list.count("warning")),
                     str(sev_list.count("info")), f"{fre:.0f}" if fre is not None else "–"))
    _table(doc, ("Letter", "Score", "Errors", "Warnings", "Advice", "Reading ease"), rows,
           widths=(2.9, 0.6, 0.6, 0.8, 0.7, 0.9))

    doc.add_heading("Letter by letter", level=1)
    for n, p in enumerate(a.pages, start=1):
        fr = p.result
        doc.add_heading(_clean(f"{n}. {fr.path} — score {fr.score}"), level=2)
        if p.note:
            doc.add_paragraph(_clean(p.note))
        if not fr.findings:
            doc.add_paragraph("Nothing to improve.")
        for f in p.whole_letter:
            _finding_line(doc, f, RGBColor)
        for ex in p.excerpts:
            _excerpt(doc, ex, WD_COLOR_INDEX)
            for f in ex.findings:
                _finding_line(doc, f, RGBColor)
        if p.passages:
            doc.add_paragraph().add_run("The worst passages, rewritten").bold = True
            _table(doc, ("Now", "Friendlier"),
                   [(f"(line {ps.line}) {ps.before}", ps.after or "Leave this sentence out.") for ps in p.passages])

    doc.add_heading("Could not read", level=1)
    if a.unreadable:
        _table(doc, ("File", "Problem", "Details"),
               [(fr.path, fr.error.code, fr.error.message) for fr in a.unreadable if fr.error is not None])
    else:
        doc.add_paragraph("Every file was read.")

    doc.add_heading("Method", level=1)
    doc.add_paragraph(
        f"Every letter was checked by letterlint {a.tool_version} with the {len(a.rules)} rules below. The "
        f"customer-first score starts at 100. Each rule that finds something costs the weight of its most severe "
        f"finding (error {WEIGHTS['error']:.0f}, warning {WEIGHTS['warning']:.0f}, advice {WEIGHTS['info']:.0f}) for "
        f"its first finding and {REPEAT_FACTOR:.0%} of that for each further finding of the same rule, at most "
        f"{RULE_CAP:.0f} times the weight per rule; the score is 100 minus the total, never below 0. Reading ease is "
        f"the Flesch reading ease of the letter's body; the target is {a.reading_target:.0f} or more.")
    _table(doc, ("Rule", "Severity", "What it finds", "Sources"),
           [(f"{r.code} {r.name}", r.severity, r.summary, "; ".join(r.sources)) for r in a.rules],
           widths=(1.6, 0.7, 1.9, 2.3))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _count(s: Any, n: int) -> str:
    return f"{n} of {s.letters} letters ({s.share(n)})"


def _table(doc: Any, header: tuple[str, ...], rows: list[tuple[str, ...]],
           widths: tuple[float, ...] | None = None) -> Any:
    """A Word table with a header row; ``widths`` in inches (Word otherwise splits evenly)."""
    from docx.shared import Inches

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    table.autofit = widths is None
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = _clean(text)
    if widths:  # the grid (LibreOffice reads it) and every cell (Word reads those)
        for col, w in zip(table.columns, widths):
            col.width = Inches(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Inches(w)
    return table


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def _clean(text: str) -> str:
    """Text Word accepts: XML forbids most control characters, and a file name that was not
    valid UTF-8 carries lone surrogates, shown as "?"."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)


def _excerpt(doc: Any, ex: Excerpt, colours: Any) -> None:
    p = doc.add_paragraph(style="Quote")
    p.add_run(f"line {ex.line}  ").italic = True
    pos = 0
    for m in ex.marks:
        if m.start > pos:
            p.add_run(_clean(ex.text[pos:m.start]))
        run = p.add_run(_clean(ex.text[m.start:m.end]))
        run.font.highlight_color = getattr(colours, _HIGHLIGHT[m.severity])
        pos = m.end
    if pos < len(ex.text):
        p.add_run(_clean(ex.text[pos:]))


def _finding_line(doc: Any, f: Any, rgb: Any) -> None:
    p = doc.add_paragraph(style="List Bullet")
    head = p.add_run(f"{f.severity.upper()} ")
    head.bold = True
    head.font.color.rgb = rgb(*_SEV_RGB[f.severity])
    text = f"{f.code} {f.message}"
    if f.suggestion is not None:
        text += f" Suggestion: “{f.suggestion}”" if f.suggestion else " Suggestion: leave it out"
    p.add_run(_clean(text))

