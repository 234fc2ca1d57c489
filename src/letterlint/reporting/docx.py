"""The audit as a Word document, for clients who edit and forward reports in Word.

It holds the same sections as the HTML report: a title page, real Word tables (summary,
top five, every letter, could not read, the rules), the same charts as PNG pictures, and
for the worst letters their flagged lines with shaded spans and passages before and after.
The layout is set explicitly (A4, fixed column widths, a page number in the footer,
document properties) so it looks the same in Word and LibreOffice.
"""

from __future__ import annotations

import datetime as _dt
import io
from typing import Any

from letterlint.engine.scoring import REPEAT_FACTOR, RULE_CAP, WEIGHTS
from letterlint.reporting.audit import (
    GOOD_SCORE,
    Audit,
    Excerpt,
    Passage,
    file_and_folder,
    split_source,
)
from letterlint.reporting.charts import audit_charts, png
from letterlint.reporting.html import CHART_TITLES

#: Calm shades behind flagged words (as in the HTML report), with a stronger underline.
SHADE = {"error": "F6D5D1", "warning": "FBE8C8", "info": "DDE9F5"}
INK = {"error": "B8453A", "warning": "B06E10", "info": "3B6D98"}
SAMPLE_SHADE = "ECE8F4"
REQUIRED_SHADE = "E4EFE7"  # wording a compliance pack prescribes (as in the HTML report)
HEADER_SHADE = "E8EEF3"
GRID = "C9D3DD"
ACCENT = "2F6F8F"
TABLE_PT = 9
#: Column widths in inches; each set sums to the A4 text width with 2 cm margins (6.69").
W_SUMMARY = (2.6, 4.09)
W_TOP = (2.4, 0.75, 0.75, 2.79)
W_LETTERS = (1.95, 1.15, 0.6, 0.65, 0.9, 0.7, 0.74)  # "Warnings" fits even in DejaVu Sans
W_PAIR = (3.345, 3.345)
W_UNREAD = (1.7, 1.2, 1.0, 2.79)
W_RULES = (1.6, 0.78, 1.85, 2.46)
W_PROVISIONS = (1.9, 2.0, 0.8, 1.99)
SAMPLE_NOTE = (
    "Shaded italic values are sample values: the letter did not give them, so replace them "
    "with the customer's own before sending."
)


def render_docx(a: Audit) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    _page_setup(doc)
    _properties(doc, a)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.color.rgb = RGBColor.from_string(
            "1F2933" if name != "Title" else ACCENT
        )
    s = a.summary

    _title_page(doc, a)

    doc.add_heading("Executive summary", level=1)
    if s.letters:
        rows = [
            ("Letters audited", str(s.letters)),
            (
                "Average customer-first score",
                f"{s.mean:.0f} / 100 (spread ±{s.stdev:.0f}; median {s.median:g}; "
                f"lowest {s.lowest}, highest {s.highest})",
            ),
            (
                "Use stigmatising words such as “debtor”",
                _count(s, s.with_category["stigmatising-language"]),
            ),
            ("Use legal jargon", _count(s, s.with_category["legal-jargon"])),
            ("Threaten or pressure the reader", _count(s, s.with_category["threatening-tone"])),
            ("Never say what to do next", _count(s, s.missing_cta)),
        ]
        _table(doc, ("Measure", "Result"), rows, W_SUMMARY)
        sev = s.findings_by_severity
        doc.add_paragraph(
            "The score starts at 100 for a letter with nothing to improve and drops with every "
            f"problem found; a letter that scores {GOOD_SCORE} or more reads as customer-first. "
            f"{sev['error']} findings must never appear in a letter to a customer (errors), "
            f"{sev['warning']} should be changed (warnings) and {sev['info']} are advice."
        )
        doc.add_heading("Five things to change first", level=2)
        if s.top_five:
            doc.add_paragraph(
                "Ranked by what each costs in score points, averaged over all "
                f"{s.letters} letters: "
                "fix these and the scores rise most."
            )
            rows = []
            for i in s.top_five:
                example = f"“{i.example}”" if i.example else ""
                if i.example and i.suggestion is not None:
                    example += f" → “{i.suggestion}”" if i.suggestion else " → leave it out"
                rows.append(
                    (
                        f"{i.rule.summary} ({i.rule.code})",
                        f"{i.letters} of {s.letters}",
                        f"{i.points:.1f}",
                        example or _shorten(i.rule.rationale, 220),
                    )
                )
            _table(
                doc,
                ("What to change", "Letters", "Points a letter", "Example"),
                rows,
                W_TOP,
                numeric=(1, 2),
            )
        else:
            doc.add_paragraph("Nothing to change: no rule found anything.")
    else:
        doc.add_paragraph("No letter could be read, so there is nothing to summarise.")

    doc.add_heading("The findings in charts", level=1)
    width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    for name, fig in audit_charts(a, width / 914400).items():  # EMU to inches
        doc.add_picture(io.BytesIO(png(fig)), width=width)
        cap = doc.add_paragraph(CHART_TITLES[name])
        cap.runs[0].italic = True

    if a.compliance is not None:
        _compliance(doc, a)

    doc.add_heading("Every letter, worst first", level=1)
    rows = []
    for fr in a.worst_first():
        sev_list = [f.severity for f in fr.findings]
        fre = fr.readability.get("flesch_reading_ease")
        counts = [str(sev_list.count(sev)) for sev in ("error", "warning", "info")]
        rows.append(
            (
                *file_and_folder(fr.path),
                str(fr.score),
                *counts,
                f"{fre:.0f}" if fre is not None else "–",
            )
        )
    _table(
        doc,
        ("Letter", "Folder", "Score", "Errors", "Warnings", "Advice", "Reading ease"),
        rows,
        W_LETTERS,
        numeric=(2, 3, 4, 5, 6),
    )

    doc.add_heading("Letter by letter", level=1)
    for n, p in enumerate(a.pages, start=1):
        _letter_page(doc, n, p)

    doc.add_heading("Could not read", level=1)
    if a.unreadable:
        _table(
            doc,
            ("File", "Folder", "Problem", "Details"),
            [
                (*file_and_folder(fr.path), fr.error.code, fr.error.message)
                for fr in a.unreadable
                if fr.error is not None
            ],
            W_UNREAD,
        )
    else:
        doc.add_paragraph("Every file was read.")

    doc.add_heading("Method", level=1)
    doc.add_paragraph(
        f"Every letter was checked by letterlint {a.tool_version} with the {len(a.rules)} rules "
        "below. The customer-first score starts at 100. Each rule that finds something costs the "
        f"weight of its most severe finding (error {WEIGHTS['error']:.0f}, warning "
        f"{WEIGHTS['warning']:.0f}, advice {WEIGHTS['info']:.0f}) for its first finding and "
        f"{REPEAT_FACTOR:.0%} of that for each further finding of the same rule, at most "
        f"{RULE_CAP:.0f} times the weight per rule; the score is 100 minus the total, never below "
        "0. Reading ease is the Flesch reading ease of the letter's body; the target is "
        f"{a.reading_target:.0f} or more."
    )
    doc.add_paragraph(
        _clean(
            f"Written on {_long_date(a.created)} by letterlint {a.tool_version} from "
            f"{', '.join(a.paths)}."
        )
    ).runs[0].italic = True
    table = _table(
        doc,
        ("Rule", "Severity", "What it finds", "Sources"),
        [(f"{r.code}\n{_breakable(r.name)}", r.severity, r.summary, "") for r in a.rules],
        W_RULES,
        spacer=False,
    )
    for row, rule in zip(table.rows[1:], a.rules):
        _sources(row.cells[3], rule.sources)
    end = (
        doc.add_paragraph()
    )  # a body ends with a paragraph; a 1-point one never needs a page of its own
    end.paragraph_format.space_before = end.paragraph_format.space_after = Pt(0)
    end.paragraph_format.line_spacing = Pt(1)
    end.add_run(" ").font.size = Pt(1)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- page and document


def _page_setup(doc: Any) -> None:
    """A4 with 2 cm margins, and a footer with the page number (none on the title page)."""
    from docx.shared import Cm, Mm, Pt

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Cm(2)
    sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
    sec.different_first_page_header_footer = True
    para = sec.footer.paragraphs[0]
    para.alignment = 1  # centred
    run = para.add_run("Page ")
    run.font.size = Pt(9)
    _page_field(para, Pt(9))


def _page_field(para: Any, size: Any) -> None:
    """A PAGE field (Word and LibreOffice fill in the number when they lay the page out)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run_with(child: Any) -> None:
        run = para.add_run()
        run.font.size = size
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for child in (begin, instr, sep, shown, end):
        run_with(child)


def _properties(doc: Any, a: Audit) -> None:
    """Title, author (the consultant's firm, else letterlint) and dates of the report itself."""
    props = doc.core_properties
    day = (
        _dt.datetime.combine(_dt.date.fromisoformat(a.created), _dt.time(9)) if a.created else None
    )
    props.title = a.title
    props.author = props.last_modified_by = a.author
    props.subject = "Customer-first review of credit-control letters"
    props.keywords = "letterlint; letter audit; credit control"
    props.comments = f"Written by letterlint {a.tool_version}."
    props.category = "Audit report"
    props.revision = 1
    if day is not None:
        props.created = props.modified = day
        props.last_printed = day


def _title_page(doc: Any, a: Audit) -> None:
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    s = a.summary
    for _ in range(6):
        doc.add_paragraph()
    doc.add_heading("Customer-first letter audit", level=0)
    if a.client:
        run = doc.add_paragraph().add_run(_clean(f"Prepared for {a.client}"))
        run.bold, run.font.size = True, Pt(16)
    unread = len(a.unreadable)
    facts = doc.add_paragraph()
    line = (
        f"{s.letters} letter{'s' if s.letters != 1 else ''} audited"
        + (f"; {unread} file{'s' if unread != 1 else ''} could not be read" if unread else "")
        + (f"; average customer-first score {s.mean:.0f} / 100" if s.mean is not None else "")
    )
    facts.add_run(line).font.size = Pt(13)
    by = doc.add_paragraph()
    who = (
        f"Prepared by {a.author} with letterlint {a.tool_version}"
        if a.author != "letterlint"
        else f"Prepared with letterlint {a.tool_version}"
    )
    run = by.add_run(_clean(f"{who} on {_long_date(a.created)}"))
    run.font.color.rgb = RGBColor.from_string("616E7C")
    doc.add_paragraph()
    contents = doc.add_paragraph()
    contents.add_run("Contents").bold = True
    sections = [
        "Executive summary",
        "The findings in charts",
        "Every letter, worst first",
        "Letter by letter",
        "Could not read",
        "Method",
    ]
    if a.compliance is not None:
        sections.insert(2, "Compliance")
    for section in sections:
        doc.add_paragraph(section, style="List Number")
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _long_date(iso: str) -> str:
    try:
        d = _dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d:%B %Y}"


# --------------------------------------------------------------------------- tables


def _count(s: Any, n: int) -> str:
    return f"{n} of {s.letters} letters ({s.share(n)})"


def _table(
    doc: Any,
    header: tuple[str, ...],
    rows: list[tuple[str, ...]],
    widths: tuple[float, ...],
    numeric: tuple[int, ...] = (),
    spacer: bool = True,
) -> Any:
    """A Word table with a shaded header row repeated on every page and fixed column widths
    (``widths`` in inches), so neither Word nor LibreOffice squeezes a column mid-word.
    ``spacer`` adds an empty paragraph after it (two tables in a row would merge)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _table_look(table._tbl.tblPr, sum(widths))
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(head.cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _shade_cell(cell, HEADER_SHADE)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            lines = _clean(text).split("\n")
            para = cell.paragraphs[0]
            for k, line in enumerate(lines):
                run = para.add_run(line)
                if k + 1 < len(lines):
                    run.add_break()
    for col, w in zip(
        table.columns, widths
    ):  # the grid (LibreOffice reads it) and every cell (Word reads those)
        col.width = Inches(w)
    for r in table.rows:
        for k, (cell, w) in enumerate(zip(r.cells, widths)):
            cell.width = Inches(w)
            for para in cell.paragraphs:
                para.paragraph_format.space_after = Pt(0)
                if k in numeric:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in para.runs:
                    run.font.size = Pt(TABLE_PT)
    if spacer:
        doc.add_paragraph()
    return table


def _table_look(tbl_pr: Any, inches: float) -> None:
    """Light grey rules and a little room above and below the text of a cell (the fixed
    layout comes from ``table.autofit = False``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    width = tbl_pr.find(qn("w:tblW"))
    if width is not None:  # the table's own width, as the sum of its columns (Word reads it)
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(round(inches * 1440)))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", GRID)):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", "40"), ("left", "85"), ("bottom", "40"), ("right", "85")):
        m = OxmlElement(f"w:{edge}")
        m.set(qn("w:w"), twips)
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    # the schema's order inside w:tblPr: ... tblBorders, shd, tblLayout, tblCellMar, tblLook
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is not None:
        layout.addprevious(borders)
        layout.addnext(margins)
    else:
        look = tbl_pr.find(qn("w:tblLook"))
        for el in (borders, margins):
            look.addprevious(el) if look is not None else tbl_pr.append(el)


def _shade_cell(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _breakable(name: str) -> str:
    """A rule name that may wrap after its dot ("threatening-tone.​bailiffs") in a narrow column."""
    return name.replace(".", ".\u200b")


def _sources(cell: Any, sources: tuple[str, ...]) -> None:
    """A rule's sources in a cell: each a link titled by the source, or plain text when printed
    only."""
    from docx.shared import Pt

    para = cell.paragraphs[0]
    for k, source in enumerate(sources):
        if k:
            para = cell.add_paragraph()
            para.paragraph_format.space_before, para.paragraph_format.space_after = Pt(3), Pt(0)
        title, url = split_source(source)
        if url:
            _hyperlink(para, _clean(title), url, Pt(TABLE_PT))
        else:
            para.add_run(_clean(title)).font.size = Pt(TABLE_PT)


def _hyperlink(para: Any, text: str, url: str, size: Any) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    r_id = para.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    link.set(qn("w:tooltip"), url[:250])
    run = para.add_run(text)
    run.font.size = size
    run.font.underline = True
    run.font.color.rgb = RGBColor.from_string(ACCENT)
    link.append(run._r)  # moves the run into the link
    para._p.append(link)


# --------------------------------------------------------------------------- compliance


def _compliance(doc: Any, a: Audit) -> None:
    """Per provision, the letters that breach or miss it, with example letters; sources as links."""
    c = a.compliance
    assert c is not None
    doc.add_heading("Compliance", level=1)
    packs = ", ".join(c.packs)
    doc.add_paragraph(
        f"The compliance pack{'s' if len(c.packs) != 1 else ''} {packs} checked what the "
        "regulations say a letter must and must not contain, for each letter whose context brings "
        "it within a rule. This is not legal advice: a person still confirms what letterlint "
        "cannot see."
    )
    if c.no_context:
        doc.add_paragraph(
            f"{c.no_context} letter{'s' if c.no_context != 1 else ''} had no context, so only the "
            "core rules ran on them: describe the letters (--letter KEY=VALUE, a "
            '[tool.letterlint.letters."GLOB"] table or an inline comment) to check them.'
        )
    if c.asked:
        doc.add_paragraph(
            "Some checks need a fact the text cannot show: "
            + ", ".join(f"{k} ({n} letter{'s' if n != 1 else ''})" for k, n in c.asked)
            + "."
        )
    if c.with_required_text:
        doc.add_paragraph(
            f"{c.with_required_text} letter{'s' if c.with_required_text != 1 else ''} carry "
            "wording a pack prescribes (shaded green in the excerpts); it is kept as written, and "
            "findings on it do not push a letter up the worst-first list."
        )
    for title, rows, verb in (
        ("Wording that must not be used", c.breaches, "use it"),
        ("Required content that is missing", c.missing, "miss it"),
    ):
        doc.add_heading(title, level=2)
        if not rows:
            doc.add_paragraph("None found.")
            continue
        table = _table(
            doc,
            ("Provision", "Rule", f"Letters that {verb}", "For example"),
            [
                (
                    "",
                    f"{r.rule.code} {r.rule.summary}",
                    f"{r.letters} of {r.in_scope}",
                    "; ".join(
                        file_and_folder(path)[0] + (f": “{_shorten(q, 90)}”" if q else "")
                        for path, q in r.examples
                    ),
                )
                for r in rows
            ],
            W_PROVISIONS,
            numeric=(2,),
        )
        for row, r in zip(table.rows[1:], rows):
            _sources(row.cells[0], r.rule.sources)


# --------------------------------------------------------------------------- a letter's page


def _letter_page(doc: Any, n: int, p: Any) -> None:
    from docx.shared import Pt, RGBColor

    fr = p.result
    name, folder = file_and_folder(fr.path)
    doc.add_heading(_clean(f"{n}. {name} — score {fr.score}"), level=2)
    where = doc.add_paragraph()
    run = where.add_run(_clean(f"in {folder}"))
    run.font.size, run.font.color.rgb = Pt(9), RGBColor.from_string("616E7C")
    if p.note:
        doc.add_paragraph(_clean(p.note))
    if not fr.findings:
        doc.add_paragraph("Nothing to improve.")
    if p.whole_letter:
        doc.add_paragraph().add_run("About the letter as a whole").bold = True
        for f in p.whole_letter:
            _finding_line(doc, f)
    for ex in p.excerpts:
        _excerpt(doc, ex)
        for f in ex.findings:
            _finding_line(doc, f)
    if p.passages:
        doc.add_paragraph().add_run("The worst passages, rewritten").bold = True
        table = _table(
            doc,
            ("Now", "Friendlier"),
            [(f"(line {ps.line}) {ps.before}", "") for ps in p.passages],
            W_PAIR,
        )
        for row, ps in zip(table.rows[1:], p.passages):
            _passage_after(row.cells[1].paragraphs[0], ps)
        if any(ps.has_samples for ps in p.passages):
            note = doc.paragraphs[-1]  # the spacing paragraph after the table
            run = note.add_run(SAMPLE_NOTE)
            run.italic, run.font.size = True, Pt(9)


def _passage_after(para: Any, ps: Passage) -> None:
    from docx.shared import Pt

    if not ps.after:
        run = para.add_run("Leave this sentence out.")
        run.italic, run.font.size = True, Pt(TABLE_PT)
        return
    for text, sample in ps.parts or ((ps.after, False),):
        run = para.add_run(_clean(text))
        run.font.size = Pt(TABLE_PT)
        if sample:
            run.italic = True
            _shade_run(run, SAMPLE_SHADE)


def _excerpt(doc: Any, ex: Excerpt) -> None:
    from docx.shared import Inches, Pt, RGBColor

    p = doc.add_paragraph()
    p.paragraph_format.left_indent = Inches(0.25)
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.space_after = Pt(2)
    ln = p.add_run(f"line {ex.line}   ")
    ln.font.size, ln.font.color.rgb = Pt(8.5), RGBColor.from_string("616E7C")
    for text, mark, required in ex.pieces():
        run = _serif(p.add_run(_clean(text)))
        if mark is not None:
            run.font.underline = True
            _underline_colour(run, INK[mark.severity])
        if required:
            _shade_run(run, REQUIRED_SHADE)
        elif mark is not None:
            _shade_run(run, SHADE[mark.severity])
    if ex.required:
        note = doc.add_paragraph()
        note.paragraph_format.left_indent = Inches(0.25)
        run = note.add_run(
            "Shaded green: required text a compliance pack prescribes; keep it as written."
        )
        run.italic, run.font.size = True, Pt(8.5)


def _serif(run: Any) -> Any:
    """The letter's own words in a serif, set apart from the report's text (as in the HTML)."""
    from docx.shared import Pt

    run.font.name = "Georgia"
    run.font.size = Pt(10)
    return run


def _underline_colour(run: Any, colour: str) -> None:
    from docx.oxml.ns import qn

    u = run._r.get_or_add_rPr().find(qn("w:u"))
    if u is not None:
        u.set(qn("w:color"), colour)


def _shade_run(run: Any, fill: str) -> None:
    """A shade behind a run (any colour, unlike Word's few loud highlighter colours).

    Added after every other run property: w:shd comes late in the schema's order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = run._r.get_or_add_rPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    later = [
        rpr.find(qn(t))
        for t in (
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
        )
    ]
    nxt = next((e for e in later if e is not None), None)
    if nxt is not None:
        nxt.addprevious(shd)
    else:
        rpr.append(shd)


def _finding_line(doc: Any, f: Any) -> None:
    from docx.shared import Pt, RGBColor

    p = doc.add_paragraph(style="List Bullet")
    p.paragraph_format.space_after = Pt(1)
    head = p.add_run(f"{f.severity.upper()} ")
    head.bold = True
    head.font.size = Pt(8.5)
    head.font.color.rgb = RGBColor.from_string(INK[f.severity])
    text = f"{f.message}"
    if f.suggestion is not None:
        text += f" Suggestion: “{f.suggestion}”." if f.suggestion else " Suggestion: leave it out."
    p.add_run(_clean(text))
    code = p.add_run(f"  {f.code}")
    code.font.size, code.font.color.rgb = Pt(8.5), RGBColor.from_string("616E7C")


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def _clean(text: str) -> str:
    """Text Word accepts: XML forbids most control characters, and a file name that was not
    valid UTF-8 carries lone surrogates, shown as "?"."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 32)
