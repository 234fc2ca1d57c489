"""The editor's logic without Streamlit: highlighting, diffs, uploads, previews, exports, saving."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letterlint import SAMPLE_CONTEXT, Config, ExportError, Finding, check_text
from letterlint.frontends.app_support import (
    apply_suggestion,
    changed_since,
    diff_html,
    disk_stamp,
    editor_pieces,
    export_letter,
    flatten_context,
    highlight_segments,
    keep_both_name,
    lint_letter,
    list_templates,
    load_upload,
    render_preview,
    save_letter,
    save_name_for,
    target_in,
    unflatten_context,
    upload_error_message,
)

from .conftest import SAMPLES, make_docx


def _f(
    code: str,
    start: int,
    end: int,
    text: str,
    severity: str = "warning",
    category: str = "threatening-tone",
    name: str = "threatening-tone.x",
) -> Finding:
    return Finding(
        code=code,
        name=name,
        category=category,
        severity=severity,
        message="m",
        start=start,
        end=end,
        line=1,
        column=start + 1,
        end_line=1,
        end_column=end + 1,
        text=text[start:end],
    )


# --------------------------------------------------------------------------- highlighting


def test_overlapping_spans_are_split_so_each_character_shows_once() -> None:
    text = "We will take LEGAL action now."
    a = _f("LL301", 8, 25, text)  # "take LEGAL action"
    b = _f("LL310", 13, 18, text, name="threatening-tone.shouting")  # "LEGAL"
    pieces = highlight_segments(text, [a, b])
    assert "".join(p for p, _ in pieces) == text
    assert [(p, [f.code for f in fs]) for p, fs in pieces] == [
        ("We will ", []),
        ("take ", ["LL301"]),
        ("LEGAL", ["LL301", "LL310"]),
        (" action", ["LL301"]),
        (" now.", []),
    ]
    out = editor_pieces(text, [a, b])
    assert [p[0] for p in out].count("LEGAL") == 1
    assert next(p for p in out if p[0] == "LEGAL")[3] == [
        "LL310-13-18",
        "LL301-8-25",
    ]  # the narrowest leads


def test_letter_text_is_passed_as_it_is() -> None:
    """Markup, Markdown and $ signs reach the component unchanged; it sets them as text."""
    text = (
        "Dear Sam, you are a debtor <b>now</b> & co: pay $5 or $x$ **now** [link](http://x.example) "
        "<script>alert(1)</script>"
    )
    pieces = editor_pieces(text, check_text(text))
    assert "".join(p[0] for p in pieces) == text
    assert any(p[3] for p in pieces)


def test_whole_letter_findings_are_not_highlighted() -> None:
    text = "Dear Sam,\n\nWe are writing about your account, which has an outstanding balance on it from last month.\n\nRegards,\nPriya\n"
    findings = check_text(text)
    assert any(f.code == "LL401" for f in findings)
    assert not any(i.startswith("LL401") for p in editor_pieces(text, findings) for i in p[3])


def test_sentence_findings_tint_but_words_inside_lead() -> None:
    long = (
        "We write with reference to your account "
        + "and the balance that is still open " * 4
        + "today."
    )
    findings = check_text(long)
    assert {"LL602", "LL202"} <= {f.code for f in findings}
    jargon = next(
        p for p in editor_pieces(long, findings) if any(i.startswith("LL202") for i in p[3])
    )
    assert jargon[1].endswith("ll-legal-jargon") and jargon[3][0].startswith("LL202")


def test_diff_marks_removed_and_added_words_escaped() -> None:
    out = diff_html("You are a debtor <now>.", "You are a customer <now>.")
    assert '<del style="background:#fde0e0;color:#8a1c1c">debtor</del>' in out
    assert ">customer</ins>" in out and "&lt;now&gt;" in out


def test_diff_keeps_placeholders_whole_and_phrases_together() -> None:
    out = diff_html(
        "Dear Sir/Madam, the sum of £245.60 remains",
        "Dear {{ customer.first_name }}, {{ invoice.amount }} remains",
    )
    assert ">the sum of £245.60</del>" in out and ">{{ invoice.amount }}</ins>" in out
    assert ">Sir/Madam</del>" in out and ">{{ customer.first_name }}</ins>" in out


def test_apply_suggestion_refuses_a_stale_finding() -> None:
    text = "Dear Sam, you are a debtor."
    f = next(f for f in check_text(text) if f.code == "LL101")
    assert apply_suggestion(text, f) == "Dear Sam, you are a customer."
    with pytest.raises(ValueError, match="changed"):
        apply_suggestion("Dear Samuel, you are a debtor.", f)


# --------------------------------------------------------------------------- linting and uploads


def test_lint_letter_reports_a_broken_template_with_its_line() -> None:
    view = lint_letter(
        "Dear {{ customer.first_name }},\n\n{% if x %}\nPay now.\n", "jinja", "broken.j2", Config()
    )
    assert view.error is not None and view.error.startswith("broken.j2: line ")
    good = lint_letter("Dear debtor, pay now.", "text", "a.txt", Config())
    assert good.error is None and good.score is not None and good.score < 100
    assert good.readability is not None and good.readability.words > 0


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("letter.docx", b"PK\x03\x04 this is not a zip", "corrupt-docx"),
        ("letter.pdf", b"%PDF-1.7 ...", "unreadable"),
        ("letter.rtf", b"{\\rtf1 hello}", "unsupported-format"),
        ("empty.txt", b"", "unreadable"),
    ],
)
def test_bad_uploads_come_back_as_errors(name: str, data: bytes, code: str) -> None:
    letter = load_upload(name, data)
    assert letter.error is not None and letter.error.code == code
    msg = upload_error_message(letter)
    assert name in msg and code in msg


def test_uploads_of_every_kind_open_for_editing() -> None:
    docx = load_upload("x.docx", make_docx("Dear debtor,\nPay now."))
    assert docx.error is None and docx.kind == "text" and "Dear debtor" in docx.text
    eml = load_upload("x.eml", (SAMPLES / "bad-b2b-overdue.eml").read_bytes())
    assert eml.error is None and eml.kind == "text"
    html_ = load_upload("x.html", b"<p>You are a debtor</p>")
    assert html_.kind == "html" and html_.text == "<p>You are a debtor</p>"
    assert load_upload("x.j2", b"Dear {{ customer.first_name }}").kind == "jinja"
    assert load_upload("x.hbs", b"Dear {{name}}").kind == "handlebars"
    cp1252 = load_upload("x.txt", "Caf\u00e9 debtor".encode("cp1252"))
    assert cp1252.text == "Caf\u00e9 debtor" and cp1252.notes


def test_list_templates_skips_hidden_lock_and_unknown_files(tmp_path: Path) -> None:
    for name in ("b.txt", "a.j2", ".hidden.txt", "~$lock.docx", "notes.xlsx", "sub/c.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert list_templates(tmp_path) == ["a.j2", "b.txt", "sub/c.md"]
    assert list_templates(tmp_path / "missing") == []


# --------------------------------------------------------------------------- preview


def test_context_round_trip_and_numbers() -> None:
    flat = flatten_context(SAMPLE_CONTEXT)
    assert flat["customer.first_name"] == "Amara" and flat["invoice.days_overdue"] == "21"
    assert unflatten_context(flat) == SAMPLE_CONTEXT


def test_preview_fills_fields_and_shows_missing_ones() -> None:
    ctx = unflatten_context({**flatten_context(SAMPLE_CONTEXT), "customer.first_name": "Zoë"})
    p = render_preview(
        "Dear {{ customer.first_name }}, {{ invoice.amount }} {{ customer.nickname }}.",
        "jinja",
        ctx,
    )
    assert p.text == "Dear Zoë, £182.40 [nickname?]."
    branch = (SAMPLES / "good-saas-dunning.j2").read_text()
    assert "more than a month late" not in (render_preview(branch, "jinja", ctx).text or "")
    ctx["invoice"]["days_overdue"] = 45
    assert "more than a month late" in (render_preview(branch, "jinja", ctx).text or "")
    bad = render_preview("Dear {{ x }\n", "jinja", ctx)
    assert bad.text is None and bad.error and bad.error.startswith("line 1:")
    assert render_preview("Dear {{name}}", "handlebars", ctx).note


def test_a_rewrite_is_read_in_the_format_it_comes_out_in() -> None:
    from letterlint.actions.rewrite import rewrite_text
    from letterlint.frontends.app_support import rewritten_kind

    for kind in ("html", "markdown"):
        assert rewritten_kind(kind, True) == rewritten_kind(kind, False) == kind
    assert rewritten_kind("text", True) == rewritten_kind("jinja", True) == "jinja"
    hbs = (SAMPLES / "bad-saas-dunning.hbs").read_text()
    rw = rewrite_text(hbs, kind="handlebars")
    assert rewritten_kind("handlebars", rw.jinja) == "handlebars"
    plain = rewrite_text("Dear debtor, pay £40 now or we will take legal action.\n")
    assert rw.jinja is False and rewritten_kind("text", plain.jinja) == "jinja"


def test_preview_of_a_runaway_template_stops_with_a_clear_message() -> None:
    import time

    ctx = unflatten_context(flatten_context(SAMPLE_CONTEXT))
    start = time.monotonic()
    p = render_preview(
        "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
        "jinja",
        ctx,
    )
    assert time.monotonic() - start < 10
    assert (
        p.text is None
        and p.error
        and p.error.startswith("the template is too complex to preview: ")
    )
    huge = render_preview("{{ 'x' * 10 ** 9 }}", "jinja", ctx)
    assert huge.text is None and "too complex to preview" in (huge.error or "")
    assert (
        render_preview("{% for i in range(3) %}{{ i }}{% endfor %}\n", "jinja", ctx).text == "012\n"
    )


# --------------------------------------------------------------------------- export


def test_export_every_dialect_names_the_file() -> None:
    tpl = "Dear {{ customer.first_name | default('there') }},\nPlease pay {{ invoice.amount }}.\n"
    mc = export_letter(tpl, "jinja", "mailchimp", "reminder.j2")
    assert mc.filename == "reminder-mailchimp.txt" and "*|FNAME|*" in (mc.text or "")
    word = export_letter(tpl, "jinja", "docx", "reminder.j2")
    assert word.text is None and word.data[:2] == b"PK" and word.filename.endswith(".docx")
    with pytest.raises(ExportError, match="handlebars"):
        export_letter("Dear {{name}}", "handlebars", "liquid")
    with pytest.raises(ExportError, match="line 2"):
        export_letter("Hi\n{% for x in y %}{{ x }}{% endfor %}\n", "jinja", "liquid")


# --------------------------------------------------------------------------- saving


def test_save_name_for() -> None:
    assert save_name_for("letter.docx", "text") == "letter.txt"
    assert save_name_for("mail.eml", "text") == "mail.txt"
    assert save_name_for("scan.pdf", "text") == "scan.txt"
    assert save_name_for("letter.odt", "text") == "letter.txt"
    assert save_name_for("letter.txt", "jinja") == "letter.j2"
    assert save_name_for("letter.md", "markdown") == "letter.md"


def test_target_in_refuses_names_outside_the_folder(tmp_path: Path) -> None:
    assert target_in(tmp_path, "a.txt") == tmp_path / "a.txt"
    for bad in ("../a.txt", "/etc/a.txt", "", "a.exe", "a.docx", "a.pdf", "a.odt", "a.eml"):
        with pytest.raises(ValueError):
            target_in(tmp_path, bad)


def test_keep_both_name_counts_up(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_text("1")
    assert keep_both_name(p).name == "letter (2).txt"
    (tmp_path / "letter (2).txt").write_text("2")
    assert keep_both_name(p).name == "letter (3).txt"
    assert keep_both_name(tmp_path / "letter (2).txt").name == "letter (3).txt"


def test_save_detects_a_change_on_disk_and_keeps_both(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_text("original\n")
    opened = disk_stamp(p)
    p.write_text("changed by a colleague\n")
    res = save_letter(p, "my edit\n", opened)
    assert (
        res.status == "conflict"
        and "changed on disk" in res.message
        and "letter (2).txt" in res.message
    )
    assert p.read_text() == "changed by a colleague\n"
    both = save_letter(p, "my edit\n", opened, "keep-both")
    assert both.status == "saved" and both.path.name == "letter (2).txt"
    assert both.path.read_text() == "my edit\n" and p.read_text() == "changed by a colleague\n"
    over = save_letter(p, "my edit\n", opened, "overwrite")
    assert over.status == "saved" and p.read_text() == "my edit\n"


def test_save_unchanged_or_touched_file_writes_in_place(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_text("original\n")
    opened = disk_stamp(p)
    os.utime(p, ns=(1, 1))  # touched, same content: not a conflict
    assert not changed_since(opened, disk_stamp(p))
    res = save_letter(p, "edited\n", opened)
    assert res.status == "saved" and p.read_text() == "edited\n"
    again = save_letter(p, "edited twice\n", res.stamp)
    assert again.status == "saved" and p.read_text() == "edited twice\n"
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic writer leaves no temporary files


def test_save_never_replaces_an_unknown_existing_file(tmp_path: Path) -> None:
    p = tmp_path / "new.txt"
    assert save_letter(p, "a\n", None).status == "saved"
    res = save_letter(p, "b\n", None)
    assert res.status == "conflict" and "already exists" in res.message and p.read_text() == "a\n"


def test_target_in_refuses_symlinks_out_of_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    (folder / "link.txt").symlink_to(outside / "x.txt")
    for bad in ("sub/x.txt", "link.txt"):
        with pytest.raises(ValueError, match="outside"):
            target_in(folder, bad)
    (folder / "inner").mkdir()
    assert target_in(folder, "inner/x.txt") == folder / "inner" / "x.txt"


# --------------------------------------------------------------------------- the editor's cards


def test_editor_pieces_cover_the_letter_once_with_the_lead_finding_first() -> None:
    from letterlint.frontends.app_support import editor_pieces, finding_id

    text = "We will take LEGAL action now. 😀 Dear debtor."
    findings = check_text(text)
    pieces = editor_pieces(text, findings)
    assert "".join(p[0] for p in pieces) == text
    legal = next(p for p in pieces if p[0] == "LEGAL")
    assert len(legal[3]) >= 2 and all(i in {finding_id(f) for f in findings} for i in legal[3])
    assert all(p[1] == "" and p[3] == [] for p in pieces if not p[3])


def test_titles_are_in_words() -> None:
    from letterlint.frontends.app_support import finding_title

    text = "Dear Sam,\n\nPlease remit the sum of £20 forthwith.\n"
    titles = {f.code: finding_title(f) for f in check_text(text)}
    assert all(not t.startswith("LL") and "." not in t.split(":")[0] for t in titles.values())
    assert any(t.startswith("Legal jargon: ‘remit’ → ‘pay’") for t in titles.values()), titles
    assert titles.get("LL401", "Call to action: missing") == "Call to action: missing"


def test_groups_put_errors_first_and_whole_letter_notes_together() -> None:
    from letterlint.frontends.app_support import WHOLE_LETTER, group_findings, is_whole_letter

    text = (SAMPLES / "bad-final-demand.txt").read_text(encoding="utf-8")
    groups = group_findings(check_text(text))
    rank = {"info": 1, "warning": 2, "error": 3}
    worst = [max(rank[f.severity] for f in items) for _, items in groups]
    assert worst == sorted(worst, reverse=True)
    for name, items in groups:
        assert all(is_whole_letter(f) == (name == WHOLE_LETTER) for f in items)
        assert [rank[f.severity] for f in items] == sorted(
            (rank[f.severity] for f in items), reverse=True
        )


def test_score_costs_add_up_to_what_the_score_loses() -> None:
    from letterlint.engine.scoring import rule_penalties, score
    from letterlint.frontends.app_support import score_costs

    findings = check_text((SAMPLES / "bad-first-reminder.txt").read_text(encoding="utf-8"))
    costs = score_costs(findings)
    assert [c[1] for c in costs] == sorted((c[1] for c in costs), reverse=True)
    assert abs(sum(c[1] for c in costs) - sum(rule_penalties(findings).values())) < len(costs)
    assert score(findings) <= 100 - costs[0][1]


def test_legend_labels_are_words() -> None:
    from letterlint.frontends.app_support import legend_data

    labels = [label for label, _, _ in legend_data()]
    assert "Threatening tone" in labels and "Must change" in labels
    assert not any("-" in label for label in labels)
