"""The CLI end to end: exit codes, formats, options, config.

Most tests call `cli.main` in-process through `run_cli` (same exit code and output as a real
run, without a second of start-up each); the ``slow`` ones run ``python -m letterlint`` in a
fresh interpreter (`spawn_cli`), as a smoke test of the entry point, exit codes, JSON and stdin.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import SAMPLES, run_cli, spawn_cli

BAD = "Dear Sir/Madam,\n\nAs a debtor you must remit the sum of £40 forthwith!!!\n"
GOOD = (
    "Dear Sam,\n\nYour bill of £40 was due on 1 May. Please pay by 20 May 2026 at https://pay.example.com "
    "or call us on 0300 123 4567. If paying is hard, call us and we will agree a plan.\n\nKind regards,\nPriya Shah\n"
)


def _write(tmp: Path, name: str, text: str | bytes) -> Path:
    p = tmp / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def test_clean_letter_exits_0(tmp_path: Path) -> None:
    _write(tmp_path, "good.txt", GOOD)
    r = run_cli("check", "good.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No findings in 1 file." in r.stdout


@pytest.mark.slow
def test_findings_exit_1_with_text_lines(tmp_path: Path) -> None:
    _write(tmp_path, "bad.txt", BAD)
    r = spawn_cli("check", "bad.txt", cwd=tmp_path)
    assert r.returncode == 1
    assert "bad.txt:3:6: LL101 [error]" in r.stdout
    assert "(→ customer)" in r.stdout
    assert r.stdout.rstrip().splitlines()[-2].startswith("Found ")


def test_fail_on_and_never(tmp_path: Path) -> None:
    _write(tmp_path, "info.txt", GOOD.replace("Please pay by", "Payment must be made by"))
    assert run_cli("check", "info.txt", cwd=tmp_path).returncode == 0  # only info findings
    assert run_cli("check", "info.txt", "--fail-on", "info", cwd=tmp_path).returncode == 1
    _write(tmp_path, "bad.txt", BAD)
    assert run_cli("check", "bad.txt", "--fail-on", "never", cwd=tmp_path).returncode == 0
    assert run_cli("check", "bad.txt", "--fail-on", "error", cwd=tmp_path).returncode == 1


@pytest.mark.slow
def test_unreadable_input_exits_2_and_others_are_still_checked(tmp_path: Path) -> None:
    _write(tmp_path, "a-bad.txt", BAD)
    _write(tmp_path, "b-binary.txt", b"\x00\x01\x02")
    _write(tmp_path, "c.docx", b"PK\x03\x04garbage")
    r = spawn_cli("check", ".", "--format", "json", cwd=tmp_path)
    assert r.returncode == 2
    data = json.loads(r.stdout)
    by = {f["path"]: f for f in data["files"]}
    assert by["./a-bad.txt"]["findings"]
    assert by["./b-binary.txt"]["error"]["code"] == "binary"
    assert by["./c.docx"]["error"]["code"] == "corrupt-docx"
    assert "Traceback" not in r.stderr


def test_every_format_reports_a_file_error(tmp_path: Path) -> None:
    _write(tmp_path, "t.j2", "Dear {{ name },\n")
    for fmt, needle in (
        ("text", "error[template-syntax]"),
        ("json", '"template-syntax"'),
        ("sarif", "template-syntax"),
        ("github", "::error file=t.j2"),
    ):
        r = run_cli("check", "t.j2", "--format", fmt, cwd=tmp_path)
        assert r.returncode == 2 and needle in r.stdout, (fmt, r.stdout)


def test_select_and_ignore(tmp_path: Path) -> None:
    _write(tmp_path, "bad.txt", BAD)
    r = run_cli(
        "check", "bad.txt", "--select", "stigmatising-language", "--format", "json", cwd=tmp_path
    )
    codes = {f["code"] for f in json.loads(r.stdout)["files"][0]["findings"]}
    assert codes == {"LL101"}
    r = run_cli(
        "check", "bad.txt", "--ignore", "LL1,legal-jargon", "--format", "json", cwd=tmp_path
    )
    cats = {f["category"] for f in json.loads(r.stdout)["files"][0]["findings"]}
    assert "stigmatising-language" not in cats and "legal-jargon" not in cats and cats


def test_unknown_selector_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path, "bad.txt", BAD)
    r = run_cli("check", "bad.txt", "--select", "LL999", cwd=tmp_path)
    assert r.returncode == 2 and "unknown rule selector 'LL999'" in r.stderr


@pytest.mark.slow
def test_bad_option_exits_2() -> None:
    r = spawn_cli("check", "x", "--format", "xml")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_config_in_pyproject_and_unknown_key(tmp_path: Path) -> None:
    _write(tmp_path, "bad.txt", BAD)
    _write(
        tmp_path,
        "pyproject.toml",
        '[tool.letterlint]\nignore = ["stigmatising-language"]\nfail-on = "error"\n',
    )
    r = run_cli("check", "bad.txt", "--format", "json", cwd=tmp_path)
    codes = {f["code"] for f in json.loads(r.stdout)["files"][0]["findings"]}
    assert "LL101" not in codes
    assert r.returncode == 0  # no error-level findings left
    _write(tmp_path, "letterlint.toml", 'select = ["LL101"]\ncolour = "red"\n')
    r = run_cli("check", "bad.txt", cwd=tmp_path)
    assert r.returncode == 2 and "unknown key 'colour'" in r.stderr


def test_letterlint_toml_wins_and_is_found_from_a_subfolder(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.letterlint]\nselect = ["LL311"]\n')
    _write(tmp_path, "letterlint.toml", 'select = ["LL101"]\n')
    sub = tmp_path / "letters" / "2026"
    sub.mkdir(parents=True)
    _write(sub, "bad.txt", BAD)
    r = run_cli("check", "bad.txt", "--format", "json", cwd=sub)
    codes = {f["code"] for f in json.loads(r.stdout)["files"][0]["findings"]}
    assert codes == {"LL101"}


def test_exclude_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "statutory").mkdir()
    _write(tmp_path / "letters", "a.txt", BAD)
    _write(tmp_path / "letters" / "statutory", "notice.txt", BAD)
    _write(tmp_path / "letters", "~$a.docx", b"lock")
    _write(tmp_path / "letters", ".hidden.txt", BAD)
    _write(tmp_path / "letters", "notes.py", "print(1)")
    _write(
        tmp_path,
        "letterlint.toml",
        'exclude = ["letters/statutory"]\n[per-file-ignores]\n"letters/a.txt" = ["LL101"]\n',
    )
    r = run_cli("check", "letters", "--format", "json", cwd=tmp_path)
    data = json.loads(r.stdout)
    assert [f["path"] for f in data["files"]] == ["letters/a.txt"]
    assert data["skipped"] == ["letters/notes.py"]
    assert "LL101" not in {f["code"] for f in data["files"][0]["findings"]}


@pytest.mark.slow
def test_stdin(tmp_path: Path) -> None:
    r = spawn_cli("check", "-", cwd=tmp_path, input=BAD.encode())
    assert r.returncode == 1 and "-:3:6: LL101" in r.stdout
    r = run_cli(  # the same path in-process: a real start-up is paid once per smoke test
        "check",
        "-",
        "--stdin-filename",
        "x.html",
        cwd=tmp_path,
        input=b"<p>Dear&nbsp;Sir/Madam,</p>",
    )
    assert "LL501" in r.stdout


def test_output_file_is_written(tmp_path: Path) -> None:
    _write(tmp_path, "bad.txt", BAD)
    r = run_cli("check", "bad.txt", "--format", "sarif", "--output-file", "out.sarif", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout == ""
    data = json.loads((tmp_path / "out.sarif").read_text())
    assert data["version"] == "2.1.0"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_rules_and_rule_commands() -> None:
    r = run_cli("rules")
    assert r.returncode == 0
    assert "LL101  stigmatising-language.debtor" in r.stdout
    r = run_cli("rule", "LL101")
    assert r.returncode == 0
    for section in (
        "What it finds",
        "Why it matters",
        "Sources",
        "Example",
        "Use instead",
        "Fix safety",
    ):
        assert section in r.stdout
    # a terms rule lists its words, and where it stays quiet, in words
    r = run_cli("rule", "LL205")
    assert "Words it looks for" in r.stdout and "furnish \u2192 send" in r.stdout
    assert "Not flagged right" in r.stdout and "rebate" in r.stdout
    r = run_cli("rule", "threatening-tone.shouting")
    assert r.returncode == 0 and "LL310" in r.stdout
    r = run_cli("rule", "LL999")
    assert r.returncode == 2 and "no rule" in r.stderr


def test_check_sample_letters_runs() -> None:
    r = run_cli("check", str(SAMPLES))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stdout.split("\nFound")[0].splitlines()
    assert any("bad-final-demand.txt" in ln and "[error]" in ln for ln in lines)
    # the friendly samples may get info notes, never a warning or an error
    assert not [ln for ln in lines if "/good-" in ln and ("[warning]" in ln or "[error]" in ln)]
    assert not [ln for ln in lines if "good-first-reminder" in ln]


@pytest.mark.slow
def test_version() -> None:
    r = spawn_cli("--version")  # python -m letterlint: the package's __main__
    assert r.returncode == 0 and r.stdout.startswith("letterlint ")


@pytest.mark.slow
def test_the_command_freezes_what_it_holds_before_the_process_ends() -> None:
    # `run` (the command, and python -m letterlint) spares the exit's walk over every
    # object; `main` leaves the collector as it found it (see conftest.run_cli)
    import subprocess
    import sys

    code = (
        "import gc, sys; sys.argv = ['letterlint', 'rules']; "
        "from letterlint.frontends.cli import run; "
        "before = gc.get_freeze_count(); code = run(); "
        "print(before, gc.get_freeze_count() > 0, code)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "0 True 0"


# --------------------------------------------------------------------------- in-process (cli.main)

import io  # noqa: E402

import pytest  # noqa: E402

from letterlint.frontends import cli  # noqa: E402


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run `cli.main` inside an empty folder, without the result cache."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LETTERLINT_NO_CACHE", "1")
    return tmp_path


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_check_without_a_path_checks_the_current_folder(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(in_tmp, "bad.txt", BAD)
    assert cli.main(["check"]) == 1
    assert "bad.txt:3:6: LL101" in capsys.readouterr().out


def test_an_empty_folder_is_a_warning_not_a_silent_success(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "letters").mkdir()
    _write(in_tmp / "letters", "notes.py", "print(1)")
    assert cli.main(["check", "letters"]) == 0
    assert "letterlint: warning: no letters found under letters" in capsys.readouterr().err
    assert cli.main(["fix", "letters"]) == 0
    assert "no letters found under letters" in capsys.readouterr().err
    _write(in_tmp, "bad.txt", BAD)
    cli.main(["check", "bad.txt"])
    assert "no letters found" not in capsys.readouterr().err


def test_audit_refuses_a_report_of_no_letters(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_tmp / "empty").mkdir()
    assert cli.main(["audit", "empty", "--report", "audit.html"]) == 2
    err = capsys.readouterr().err
    assert "no letters found under empty" in err and "no report written" in err
    _write(in_tmp / "empty", "broken.docx", b"PK\x03\x04 not a docx")
    assert cli.main(["audit", "empty", "--report", "audit.docx"]) == 2
    err = capsys.readouterr().err
    assert "broken.docx: error[corrupt-docx]" in err and "no report written" in err
    assert not (in_tmp / "audit.html").exists() and not (in_tmp / "audit.docx").exists()


def test_fix_stdin_writes_the_fixed_text_to_stdout(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from letterlint import fix_text

    expected = fix_text(BAD)
    _stdin(monkeypatch, BAD.encode())
    assert cli.main(["fix", "-"]) == 0
    out = capsys.readouterr()
    assert out.out == expected.text and "As a customer you must pay" in out.out
    n = expected.applied
    assert (
        n >= 1
        and f"Fixed {n} problem{'s' if n != 1 else ''};" in out.err
        and not list(in_tmp.iterdir())
    )
    _stdin(monkeypatch, BAD.encode())
    assert cli.main(["fix", "-", "--diff"]) == 1
    assert "+As a customer" in capsys.readouterr().out
    _stdin(monkeypatch, b"<p>Dear debtor,</p>")
    assert cli.main(["fix", "-", "--stdin-filename", "letter.html"]) == 0
    assert capsys.readouterr().out == "<p>Dear customer,</p>"
    assert cli.main(["fix", "-", "bad.txt"]) == 2
    assert "cannot be mixed" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "fix", "rewrite", "export", "audit", "rules", "rule"])
def test_every_help_lists_exit_codes_and_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:\n  0  " in out and "\n  2  " in out
    assert "\nexample" in out and f"letterlint {command}" in out.split("\nexample", 1)[1]


def test_help_names_the_formats(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["check", "--help"])
    out = capsys.readouterr().out
    assert "how to write the findings" in out  # --format has help text
    for fmt in ("text", "json", "sarif", "github"):
        assert f"\n  {fmt} " in out
    with pytest.raises(SystemExit):
        cli.main(["audit", "--help"])
    out = capsys.readouterr().out
    assert ".html " in out and ".docx " in out and "--author" in out


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    from letterlint import __version__

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out == f"letterlint {__version__}\n"


# --------------------------------------------------------------------------- rewrite with the letter's context

DEFAULT_NOTICE = (
    "Dear Ms Patel,\n\nThis notice is served under section 87(1) of the Consumer Credit Act 1974, and you "
    "must remit the arrears forthwith hereunder.\n\nYou owe £240. Pay by 30 March 2026 or we will take "
    "legal action against you.\n\nRegards,\nHarbour Finance\n"
)
STATUTORY = (
    "This notice is served under section 87(1) of the Consumer Credit Act 1974, and you must remit the arrears "
    "forthwith hereunder."
)


def test_rewrite_uses_the_config_and_letter_context_and_keeps_prescribed_wording(
    tmp_path: Path,
) -> None:
    letter = tmp_path / "default-notice.txt"
    letter.write_text(DEFAULT_NOTICE)
    cfg = tmp_path / "letterlint.toml"
    cfg.write_text('packs = ["core", "uk-fca"]\n')
    context = [
        "--letter",
        "jurisdiction=UK",
        "--letter",
        "recipient-type=consumer",
        "--letter",
        "letter-type=default-notice",
    ]
    r = run_cli("rewrite", str(letter), "--config", str(cfg), *context)
    assert r.returncode == 0, r.stderr
    assert STATUTORY in r.stdout  # statutory wording: verbatim, jargon and all
    assert "legal action" not in r.stdout  # the rest of the letter is still rewritten
    # no pack, no context: the rewrite still knows the s.87(1) statement (it is said only in a
    # default notice) and keeps its sentence; the rest is rewritten as before
    plain = run_cli("rewrite", str(letter))
    assert plain.returncode == 0 and STATUTORY in plain.stdout
    assert "legal action" not in plain.stdout
    bad = run_cli("rewrite", str(letter), "--config", str(cfg), "--letter", "letter-type=summons")
    assert bad.returncode == 2 and "letter-type" in bad.stderr and "Traceback" not in bad.stderr


def test_rewrite_text_keeps_the_prescribed_spans_it_is_given() -> None:
    from letterlint.actions.rewrite import rewrite_text

    threat = "Pay by 30 March 2026 or we will take legal action against you."
    start = DEFAULT_NOTICE.index(threat)  # any span given is kept, whatever its wording
    kept = rewrite_text(DEFAULT_NOTICE, prescribed=((start, start + len(threat)),))
    assert threat in kept.template
    assert threat not in rewrite_text(DEFAULT_NOTICE).template


# --------------------------------------------------------------------------- one process, two runs

HOUSE_RULE = """\
rules:
  - code: LL291
    name: legal-jargon.house-word
    severity: warning
    kind: terms
    summary: A word this team does not use.
    message: "{message}"
    rationale: House style.
    sources: ["House style guide"]
    terms: {{regards: thanks}}
    examples:
      fail: ["Kind regards"]
      pass: ["Thanks"]
"""


def test_a_second_run_in_the_same_process_sees_edited_rules_and_context(tmp_path: Path) -> None:
    """`cli.main` twice in one process reads the rule and context files as they are now,
    as two real runs would (the compiled rules are cached per process, keyed by the files)."""
    (tmp_path / "rules").mkdir()
    house = tmp_path / "rules" / "house.yaml"
    house.write_text(HOUSE_RULE.format(message="first wording"))
    _write(tmp_path, "letterlint.toml", 'extend-rules = ["rules"]\n')
    _write(tmp_path, "a.txt", "Kind regards\n")

    def house_messages() -> list[str]:
        r = run_cli("check", "a.txt", "--format", "json", cwd=tmp_path)
        findings = json.loads(r.stdout)["files"][0]["findings"]
        return [f["message"].split(".")[0] for f in findings if f["code"] == "LL291"]

    assert house_messages() == ["first wording"]
    house.write_text(HOUSE_RULE.format(message="second wording"))
    assert house_messages() == ["second wording"]

    _write(tmp_path, "t.j2", "Dear {{ customer.first_name }}, you owe {{ amount }}.\n")
    _write(tmp_path, "ctx.yaml", "customer: {first_name: Sam}\namount: 5\n")

    def template_codes() -> list[str]:
        args = ("check", "t.j2", "--context", "ctx.yaml", "--select", "template")
        r = run_cli(*args, "--format", "json", cwd=tmp_path)
        return [f["code"] for f in json.loads(r.stdout)["files"][0]["findings"]]

    assert template_codes() == []
    _write(tmp_path, "ctx.yaml", "customer: {first_name: Sam}\n")  # `amount` is gone
    assert template_codes() == ["LL801"]
