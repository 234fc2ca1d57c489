"""Build the two sample .docx letters in sample_letters/.

    /work/venv/bin/python scripts/make_sample_docx.py

Writes:
  sample_letters/bad-final-demand.docx  - red bold "FINAL DEMAND", capitals, threats, "debtor"
  sample_letters/good-reminder.docx     - personal, plain, bold only on the heading

The output is deterministic apart from the timestamps python-docx writes into the zip
entries. All names, numbers and addresses are fictional.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.shared import Pt, RGBColor

OUT_DIR = Path(__file__).resolve().parent.parent / "sample_letters"
RED = RGBColor(0xC0, 0x00, 0x00)
# Fixed document metadata, so the XML inside the files does not change between runs.
FIXED_TIME = dt.datetime(2026, 3, 2, 9, 0, 0)


def _new_document(title: str, author: str):
    doc = Document()
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "Fictional sample letter for letterlint."
    return doc


def _fill_table(doc, rows):
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows):
        row.cells[0].text = label
        row.cells[1].text = value
    return table


def build_bad_final_demand(path: Path) -> None:
    doc = _new_document("Final demand", "Acme Recoveries")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Acme Recoveries \u2013 Ref AR-2291"
    section.footer.paragraphs[0].text = (
        "Acme Recoveries Ltd, Recoveries Department. "
        "This letter is computer generated and does not require a signature."
    )

    title = doc.add_paragraph()
    run = title.add_run("FINAL DEMAND")
    run.bold = True
    run.font.color.rgb = RED
    run.font.size = Pt(20)

    doc.add_paragraph("Dear Customer,")
    doc.add_paragraph(
        "Our client has instructed us to recover the sum of \u00a32,140.75 from you, "
        "and you are hereby notified that you are now recorded as a debtor in default "
        "on our systems, notwithstanding the reminders previously sent to you."
    )
    _fill_table(
        doc,
        [
            ("Amount owed", "\u00a32,140.75"),
            ("Due date", "15 January 2026 (OVERDUE)"),
        ],
    )
    doc.add_paragraph(
        "You must pay the full balance immediately. Failure to pay will result in "
        "enforcement agents being instructed to attend your address, and your credit "
        "rating will be seriously damaged."
    )
    doc.add_paragraph(
        "If you do not pay we will pass your account to our field team and we will "
        "contact your employer about your wages!!!"
    )

    warning = doc.add_paragraph()
    warning_run = warning.add_run("LEGAL PROCEEDINGS WILL FOLLOW")
    warning_run.bold = True

    doc.add_paragraph("Yours faithfully,")
    doc.add_paragraph("Recoveries Department\nAcme Recoveries Ltd")
    doc.save(str(path))


def build_good_reminder(path: Path) -> None:
    doc = _new_document("A reminder about your membership payment", "Grace Whitfield")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Thornbury Leisure, 21 Park Row, Exeter"
    section.footer.paragraphs[
        0
    ].text = "Thornbury Leisure. Call us on 0300 123 4569 or visit https://help.example.co.uk"

    heading = doc.add_paragraph()
    heading_run = heading.add_run("A reminder about your membership payment")
    heading_run.bold = True
    heading_run.font.size = Pt(14)

    doc.add_paragraph("13 March 2026")
    doc.add_paragraph("Dear Mr Davies,")
    doc.add_paragraph(
        "Thank you for being a member of Thornbury Leisure. "
        "We could not collect your membership payment for March, "
        "so we are writing to let you know. "
        "This can happen when a card expires or a bank account changes."
    )
    _fill_table(
        doc,
        [
            ("Amount due", "\u00a379.00"),
            ("Please pay by", "27 March 2026"),
        ],
    )
    doc.add_paragraph(
        "Please pay the \u00a379.00 by 27 March 2026 so your membership carries on as normal. "
        "You can pay online at https://pay.example.co.uk/TL-60413 or call us on 0300 123 4569. "
        "You can also pay at the front desk next time you visit."
    )
    doc.add_paragraph(
        "If paying is hard right now, please call us and we will set up a plan that works for you. "
        "We can also pause your membership for up to three months at no cost."
    )
    doc.add_paragraph(
        "If you think this payment is wrong, reply to this letter and we will check it. "
        "If you have already paid, thank you, and please ignore this letter."
    )
    doc.add_paragraph("Best wishes,")
    doc.add_paragraph("Grace Whitfield\nMembership Adviser, Thornbury Leisure")
    doc.save(str(path))


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    build_bad_final_demand(OUT_DIR / "bad-final-demand.docx")
    build_good_reminder(OUT_DIR / "good-reminder.docx")
    for name in ("bad-final-demand.docx", "good-reminder.docx"):
        print(OUT_DIR / name)


if __name__ == "__main__":
    main()
