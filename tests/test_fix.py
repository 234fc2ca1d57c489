"""`letterlint fix` and `fix_text`: safe edits, grammar kept, template code untouched, atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from letterlint import fix_text
from letterlint.actions.fixes import apply_edits
from letterlint.core.model import Edit

from .conftest import SAMPLES, assert_snapshot, run_cli


@pytest.mark.parametrize(
    "before, after",
    [
        ("Dear Debtor,", "Dear Customer,"),
        ("You are a debtor.", "You are a customer."),
        ("DEBTORS must call.", "CUSTOMERS must call."),
        ("As an aforementioned debtor you owe £5.", "As a customer you owe £5."),
        ("We hereby confirm it.", "We confirm it."),
        ("Please remit payment of £5.", "Please pay £5."),
        ("If you have already remitted payment, thanks.", "If you have already paid, thanks."),
        ("Pay prior to 3 May!!!", "Pay before 3 May."),
    ],
)
def test_fix_text_keeps_case_and_grammar(before: str, after: str) -> None:
    assert fix_text(before).text == after


def test_fix_text_is_stable_and_bounded() -> None:
    res = fix_text("The aforementioned debtor hereby remits the sum of £5 forthwith!!!")
    again = fix_text(res.text)
    assert not again.changed
    assert res.rounds <= 10


def test_fixes_never_touch_template_code() -> None:
    src = "Hello {{ debtor.name }},\n{% if debtor_late %}As a debtor, remit payment.{% endif %}\n{# hereby #}\n"
    res = fix_text(src, kind="jinja")
    assert (
        "{{ debtor.name }}" in res.text
        and "{% if debtor_late %}" in res.text
        and "{# hereby #}" in res.text
    )
    assert "As a customer, pay." in res.text


def test_html_fix_only_where_raw_equals_visible() -> None:
    src = "<p>Dear Sam, as a <b>debtor</b> you owe &pound;5. A deb&shy;tor is fine.</p>"
    res = fix_text(src, kind="html")
    assert "<b>customer</b>" in res.text and "&pound;5" in res.text


def test_overlapping_edits_first_wins() -> None:
    text, n = apply_edits("abcdef", [Edit(1, 3, "X"), Edit(2, 4, "Y"), Edit(4, 5, "Z")])
    assert (text, n) == ("aXdZf", 2)


def test_fix_cli_diff_writes_nothing(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Dear Sam,\n\nYou are a debtor.\n", encoding="utf-8")
    before = p.read_bytes()
    r = run_cli("fix", "a.txt", "--diff", cwd=tmp_path)
    assert r.returncode == 1
    assert "-You are a debtor.\n+You are a customer.\n" in r.stdout
    assert p.read_bytes() == before


def test_fix_cli_writes_atomically_and_keeps_encoding(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(
        "Dear Sam,\r\n\r\nYou are a debtor. Pay \u20ac5 forthwith!!!\r\n".encode("cp1252")
    )
    q = tmp_path / "b.txt"
    q.write_bytes(b"\xef\xbb\xbfHello Sam,\nYou are a debtor.\n")
    r = run_cli("fix", ".", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        p.read_bytes()
        == "Dear Sam,\r\n\r\nYou are a customer. Pay \u20ac5 forthwith.\r\n".encode("cp1252")
    )
    assert q.read_bytes() == b"\xef\xbb\xbfHello Sam,\nYou are a customer.\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == [
        "a.txt",
        "b.txt",
    ]  # no temporary files left


def test_fix_cli_leaves_unfixable_files_alone(tmp_path: Path) -> None:
    (tmp_path / "bad.j2").write_text("Dear {{ name },\nYou are a debtor.\n")
    (tmp_path / "x.docx").write_bytes((SAMPLES / "bad-final-demand.docx").read_bytes())
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    r = run_cli("fix", ".", cwd=tmp_path)
    assert r.returncode == 2
    assert (
        "error[template-syntax]" in r.stdout
        and "not fixed" in r.stdout
        and "error[binary]" in r.stdout
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_fix_diff_of_a_sample_letter_snapshot(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_bytes((SAMPLES / "bad-first-reminder.txt").read_bytes())
    r = run_cli("fix", "letter.txt", "--diff", cwd=tmp_path)
    assert r.returncode == 1
    assert_snapshot("fix-bad-first-reminder.diff", r.stdout)


def test_urls_paths_and_text_after_placeholders_are_never_edited() -> None:
    md = "Please pay now!!! Pay [online](https://pay.example.com/debtor/remit).\nOr go to https://pay.example.com/#!/pay\n"
    out = fix_text(md, kind="markdown").text
    assert "(https://pay.example.com/debtor/remit)" in out and "#!/pay" in out and "now." in out
    assert (
        fix_text("Pay at {{ base }}/debtor/remit. You are a debtor.", kind="jinja").text
        == "Pay at {{ base }}/debtor/remit. You are a customer."
    )


def test_fix_writes_through_a_symlink_and_keeps_permissions(tmp_path: Path) -> None:
    import os

    real = tmp_path / "real"
    real.mkdir()
    target = real / "l.txt"
    target.write_text("You are a debtor.\n")
    os.chmod(target, 0o640)
    (tmp_path / "link.txt").symlink_to(target)
    r = run_cli("fix", "link.txt", cwd=tmp_path)
    assert r.returncode == 0
    assert (tmp_path / "link.txt").is_symlink()
    assert target.read_text() == "You are a customer.\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)


def test_write_atomic_takes_pieces_and_keeps_the_old_file_when_they_fail(tmp_path: Path) -> None:
    from letterlint.core.files import write_atomic

    target = tmp_path / "report.json"
    write_atomic(target, (part.encode() for part in ["{", '"a": 1', "}"]))
    assert target.read_text() == '{"a": 1}'

    def broken():  # type: ignore[no-untyped-def]
        yield b"half a report"
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken())
    assert target.read_text() == '{"a": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_streamed_reports_equal_the_rendered_ones() -> None:
    from letterlint import check_paths
    from letterlint.output import render, render_parts
    from letterlint.rulebook.loader import load_rules

    report = check_paths([SAMPLES])
    rules = load_rules()
    for fmt in ("text", "json", "sarif", "github"):
        parts = list(render_parts(fmt, report, rules))
        assert "".join(parts) == render(fmt, report, rules)
        if fmt in ("text", "json"):
            assert len(parts) > len(report.files) // 2  # written file by file
