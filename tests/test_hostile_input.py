"""Hostile and careless input: one bad file costs exactly one per-file error, never a run.

Each test is a defect found by an attack run against letterlint (issue 11): an input that
aborted `check` for every file, ran for minutes, grew memory without bound, or a write
that lost a user's work. Inputs are built here, in our own words and bytes.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from letterlint.actions.export import ExportError, export_template
from letterlint.batch.cache import DB_NAME
from letterlint.batch.checking import check_bytes, check_paths, get_linter, worker_count
from letterlint.core.config import Config, ConfigError, load_context
from letterlint.core.files import WriteConflict, clean_stale_temps, write_atomic
from letterlint.core.model import ERROR_CODES
from letterlint.engine.linter import MAX_LETTER_CHARS
from letterlint.reading.readers import read_text
from letterlint.templating.placeholders import (
    TemplateLimitError,
    bounded_environment,
    render_bounded,
)

from .conftest import make_docx, make_odt, make_pdf, run_cli

GOOD = "Dear Sam,\n\nYou are a debtor. Please pay by 30 June.\n\nYours sincerely,\nAlex\n"


def _lint(text: str, kind: str = "text"):
    return get_linter().lint(read_text(text, f"letter.{kind if kind != 'text' else 'txt'}", kind))


def _codes(report) -> dict[str, str | None]:
    return {Path(fr.path).name: (fr.error.code if fr.error else None) for fr in report.files}


# --------------------------------------------------------------------------- per-file errors


def test_a_letter_over_a_million_characters_is_too_large_and_the_others_are_still_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "a_good.txt").write_text(GOOD)
    (tmp_path / "b_huge.txt").write_text("Please pay. " * (MAX_LETTER_CHARS // 12 + 10))
    (tmp_path / "c_good.txt").write_text(GOOD)
    proc = run_cli("check", "--format", "json", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    files = {Path(f["path"]).name: f for f in json.loads(proc.stdout)["files"]}
    assert files["b_huge.txt"]["error"]["code"] == "too-large"
    assert "1,000,000" in files["b_huge.txt"]["error"]["message"]
    assert files["a_good.txt"]["findings"] and files["c_good.txt"]["findings"]


def test_thousands_of_unclosed_braces_in_a_jinja_file_are_a_syntax_error() -> None:
    result = _lint("Dear Sam,\n" + "{{ " * 3000, "jinja")
    assert result.error is not None and result.error.code == "template-syntax"


@pytest.mark.parametrize("depth", [25, 60])
def test_deeply_nested_loops_are_a_per_file_error(depth: int) -> None:
    source = (
        "".join(f"{{% for x{i} in y %}}" for i in range(depth))
        + "Pay now."
        + "{% endfor %}" * depth
    )
    result = _lint(source, "jinja")
    assert result.error is not None and result.error.code == "too-complex"


def test_an_email_nested_thousands_of_levels_deep_is_a_per_file_error() -> None:
    inner = "Content-Type: text/plain\n\nDear Sam, please pay.\n"
    for i in range(3000):
        inner = f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n{inner}\n--b{i}--\n'
    data = ("Subject: Reminder\nMIME-Version: 1.0\n" + inner).encode()
    result = check_bytes(data, "deep.eml")
    assert result.error is not None and result.error.code in ("too-complex", "unreadable")


def _damage_deflate(package: bytes, member: str) -> bytes:
    """The package with ``member``'s compressed bytes overwritten (sizes and CRC kept)."""
    zf = zipfile.ZipFile(io.BytesIO(package))
    info = zf.getinfo(member)
    data = bytearray(package)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + min(info.compress_size, 40)):
        data[i] = 0xFF
    return bytes(data)


def test_a_damaged_deflate_stream_in_a_docx_or_odt_is_a_per_file_error() -> None:
    docx = _damage_deflate(make_docx("Dear Sam,\nPlease pay."), "word/document.xml")
    result = check_bytes(docx, "damaged.docx")
    assert result.error is not None and result.error.code == "corrupt-docx"
    odt = _damage_deflate(make_odt(["Dear Sam,", "Please pay."]), "content.xml")
    result = check_bytes(odt, "damaged.odt")
    assert result.error is not None and result.error.code == "unreadable"


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    "statement",
    [
        "{% set x = 9**(9**9) %}",
        "{% set x = 'a' * 10**9 %}",
        "{% with a = 9**(9**9) %}x{% endwith %}",
        "{% filter center(10**9) %}x{% endfilter %}",
        "{% macro m(a=9**(9**9)) %}x{% endmacro %}",
        "{% autoescape 9**(9**9) %}x{% endautoescape %}",
    ],
)
def test_following_a_template_never_evaluates_its_statements(statement: str) -> None:
    start = time.perf_counter()
    result = _lint(f"Dear {{{{ name }}}},\n{statement}\nYou are a debtor.\n", "jinja")
    assert time.perf_counter() - start < 5
    assert result.error is None
    assert any(f.code == "LL101" for f in result.findings)  # the letter's text is still linted


def test_nested_calls_of_a_doubling_macro_do_not_grow_exponentially() -> None:
    source = (
        "{% macro twice() %}{{ caller() }}{{ caller() }}{% endmacro %}"
        + "{% call twice() %}" * 40
        + "You are a debtor."
        + "{% endcall %}" * 40
    )
    start = time.perf_counter()
    result = _lint(source, "jinja")
    assert time.perf_counter() - start < 5
    assert [f.code for f in result.findings].count("LL101") == 1


def test_text_captured_by_a_set_block_is_linted() -> None:
    result = _lint("{% set body %}You are a debtor.{% endset %}Dear Sam, {{ body }}", "jinja")
    assert any(f.code == "LL101" for f in result.findings)


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        "{{ 'a' * 10**9 }}",
        "{{ 9 ** (9 ** 9) }}",
        "{{ 'x' | center(10**9) }}",
        "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
        "{% for i in range(10000) %}{{ 'abcdefghij' * 200 }}{% endfor %}",
        "".join(f"{{% for x{i} in [1] %}}" for i in range(40)) + "x" + "{% endfor %}" * 40,
    ],
)
def test_rendering_a_hostile_template_stops_with_a_clear_error(source: str) -> None:
    start = time.perf_counter()
    with pytest.raises(TemplateLimitError) as caught:
        render_bounded(bounded_environment(), source, {})
    assert time.perf_counter() - start < 5
    assert caught.value.code == "too-complex" and caught.value.message


def test_rendering_an_ordinary_template_still_works() -> None:
    out = render_bounded(
        bounded_environment(),
        "{% for i in range(3) %}{{ i * 2 }}{% endfor %} {{ n ** 2 }}",
        {"n": 12},
    )
    assert out == "024 144"


def test_exporting_a_template_nested_too_deeply_is_an_export_error() -> None:
    with pytest.raises(ExportError):
        export_template("{{ " * 3000, "liquid")


# --------------------------------------------------------------------------- special files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_and_devices_in_a_folder_are_skipped_and_named_ones_are_errors(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    start = time.perf_counter()
    report = check_paths([tmp_path])
    assert _codes(report) == {"a.txt": None}
    assert {Path(p).name for p in report.skipped} == {"pipe.txt", "zero.txt"}
    named = check_paths([tmp_path / "pipe.txt", tmp_path / "zero.txt"])
    assert set(_codes(named).values()) == {"unreadable"}
    assert time.perf_counter() - start < 10


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_device_as_context_or_config_is_a_config_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ctx.yaml")
    (tmp_path / "a.txt").write_text(GOOD)
    proc = run_cli(
        "check", "--context", str(tmp_path / "ctx.yaml"), str(tmp_path / "a.txt"), cwd=tmp_path
    )
    assert (
        proc.returncode == 2
        and "not a regular file" in proc.stderr
        and "Traceback" not in proc.stderr
    )
    (tmp_path / "letterlint.toml").write_text('context = "/dev/zero"\n')
    proc = run_cli("check", str(tmp_path / "a.txt"), cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_a_link_out_of_the_walked_folder_is_not_followed(tmp_path: Path) -> None:
    inside, outside = tmp_path / "letters", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(GOOD)
    os.symlink(outside / "secret.txt", inside / "link.txt")
    (inside / "own.txt").write_text(GOOD)
    report = check_paths([inside])
    assert _codes(report) == {"own.txt": None}
    proc = run_cli("fix", str(inside))
    assert (outside / "secret.txt").read_text() == GOOD  # never rewritten through the link
    assert "link.txt: not fixed" in proc.stdout


# --------------------------------------------------------------------------- contexts, configs, baselines

_ALIAS_BOMB = "a: &a {x: 1, y: 2, z: 3, w: 4, v: 5, u: 6, t: 7, s: 8, r: 9}\n" + "".join(
    f"{c}: &{c} {{{', '.join(f'{k}: *{p}' for k in 'abcdefghi')}}}\n"
    for p, c in zip("abcdef", "bcdefg")
)


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("bomb.yaml", _ALIAS_BOMB, "more than 10,000 values"),
        ("self.yaml", "a: &a\n  b: *a\n", "levels deep"),
        ("deep.yaml", "a: " + "[" * 3000 + "]" * 3000 + "\n", "levels deep"),
        ("deep.json", '{"a": ' + "[" * 50000 + "]" * 50000 + "}", "levels deep"),
        ("bigint.yaml", "a: " + "9" * 10000 + "\n", "invalid YAML"),
        ("bigint.json", '{"a": ' + "9" * 10000 + "}", "invalid JSON"),
    ],
)
def test_a_hostile_context_file_is_a_clear_config_error(
    tmp_path: Path, name: str, text: str, says: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    start = time.perf_counter()
    with pytest.raises(ConfigError) as caught:
        load_context(path)
    assert time.perf_counter() - start < 5
    assert says in str(caught.value) and name in str(caught.value)


def test_an_ordinary_context_with_aliases_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "ctx.yaml"
    path.write_text("company: &c {name: Northwind}\nsender: {company: *c, name: Priya}\n")
    assert load_context(path)["sender"]["company"] == {"name": "Northwind"}


@pytest.mark.parametrize("pyproject", ['tool = "x"\n', "[tool]\nletterlint = 3\n"])
def test_a_pyproject_without_a_letterlint_table_is_no_config(
    tmp_path: Path, pyproject: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    assert Config.load(start=tmp_path).path is None


def test_a_nul_in_a_config_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    with pytest.raises(ConfigError):
        Config.load("bad\x00name.toml")
    proc = run_cli("check", "--context", "ctx\x01.yaml", str(tmp_path / "a.txt"), cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "entry",
    [
        '{"code": "LL101", "text": "debtor", "count": Infinity}',
        '{"code": "LL101", "text": "debtor", "count": 1e400}',
        '{"code": "LL101", "text": "debtor", "count": ' + "9" * 5000 + "}",
        '{"code": "LL101", "text": "debtor", "count": 99999999999999999999}',
        '{"code": "LL101", "text": "debtor", "count": ' + "[" * 20000 + "]" * 20000 + "}",
    ],
)
def test_a_hostile_baseline_is_a_clear_error(tmp_path: Path, entry: str) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "base.json").write_text(
        '{"schema_version": 1, "files": {"a.txt": [' + entry + "]}}"
    )
    proc = run_cli(
        "check", str(tmp_path / "a.txt"), "--baseline", str(tmp_path / "base.json"), cwd=tmp_path
    )
    assert proc.returncode == 2 and "base.json" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- PDF


def _shared_stream_pdf(pages: int) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(make_pdf([["Dear Sam, please pay."]] * pages)))
    )
    shared = writer.pages[0].raw_get("/Contents")
    for page in writer.pages[1:]:
        page[NameObject("/Contents")] = shared
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pages_sharing_one_content_stream_are_extracted_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pypdf import PageObject

    calls = []
    real = PageObject.extract_text
    monkeypatch.setattr(
        PageObject, "extract_text", lambda self, *a, **k: calls.append(1) or real(self, *a, **k)
    )
    result = check_bytes(_shared_stream_pdf(40), "shared.pdf")
    assert result.error is None and len(calls) == 1


def test_a_pdf_that_takes_too_long_to_read_is_a_per_file_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import letterlint.reading.document_text as document_text

    monkeypatch.setattr(document_text, "MAX_PDF_SECONDS", 0.0)
    result = check_bytes(make_pdf([["Dear Sam,"], ["Please pay."]]), "slow.pdf")
    assert result.error is not None and result.error.code == "too-complex"


# --------------------------------------------------------------------------- the cache


@pytest.mark.parametrize("damage", ["random", "short", "flip"])
def test_a_damaged_cache_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    import marshal

    (tmp_path / "a.txt").write_text(GOOD)
    config = Config(root=str(tmp_path), path=str(tmp_path / "letterlint.toml"))
    first = check_paths([tmp_path / "a.txt"], config=config, cache=True)
    db = sqlite3.connect(tmp_path / ".letterlint_cache" / DB_NAME)
    (value,) = db.execute("SELECT value FROM results").fetchone()
    bad = {
        "random": os.urandom(64),
        "short": marshal.dumps((None,)),
        "flip": value[:40] + bytes([value[40] ^ 0x10]) + value[41:],
    }[damage]
    db.execute("UPDATE results SET value = ?", (bad,))
    db.commit()
    db.close()
    again = check_paths([tmp_path / "a.txt"], config=config, cache=True)
    assert again.files[0].findings == first.files[0].findings


def test_jobs_are_capped_by_the_work_and_the_cpus() -> None:
    from letterlint.batch.checking import MAX_JOBS_PER_CPU, default_jobs

    assert worker_count(500, 3) == 3
    assert worker_count(500, 10_000) == MAX_JOBS_PER_CPU * default_jobs()
    assert worker_count(0, 5) == 1


# --------------------------------------------------------------------------- writes


def test_check_refuses_to_write_its_report_over_a_letter(tmp_path: Path) -> None:
    letter = tmp_path / "a.txt"
    letter.write_text(GOOD)
    for flag in ("--output-file", "--write-baseline"):
        proc = run_cli("check", str(tmp_path), flag, str(letter))
        assert proc.returncode == 2 and "one of the letters checked" in proc.stderr
        assert letter.read_text() == GOOD


def test_fix_leaves_read_only_and_hard_linked_files_alone(tmp_path: Path) -> None:
    ro = tmp_path / "ro.txt"
    ro.write_text(GOOD)
    ro.chmod(0o444)
    linked = tmp_path / "linked.txt"
    linked.write_text(GOOD)
    os.link(linked, tmp_path / "other-name.bak")
    proc = run_cli("fix", str(ro), str(linked))
    assert proc.returncode == 2
    assert "ro.txt: not fixed: the file is read-only" in proc.stdout
    assert "linked.txt: not fixed: the file has 2 hard links" in proc.stdout
    assert "Fixed 0 problems in 0 files" in proc.stdout
    assert ro.read_text() == GOOD and linked.read_text() == GOOD
    assert os.stat(linked).st_nlink == 2 and (ro.stat().st_mode & 0o777) == 0o444


def test_a_write_is_refused_when_the_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"first version\n")
    read = path.read_bytes()
    path.write_bytes(b"someone else's edit\n")
    with pytest.raises(WriteConflict):
        write_atomic(path, b"fixed first version\n", expect=read)
    assert path.read_bytes() == b"someone else's edit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temporary file left behind
    write_atomic(path, b"fixed\n", expect=b"someone else's edit\n")
    assert path.read_bytes() == b"fixed\n"


def test_temporary_files_of_a_killed_run_are_cleaned_up(tmp_path: Path) -> None:
    dead = tmp_path / ".a.txt.letterlint-999999999-abc123.tmp"
    alive = tmp_path / f".a.txt.letterlint-{os.getpid()}-def456.tmp"
    unrelated = tmp_path / ".notes.tmp"
    for p in (dead, alive, unrelated):
        p.write_text("half written")
    assert clean_stale_temps(tmp_path) == 1
    assert not dead.exists() and alive.exists() and unrelated.exists()
    (tmp_path / "b.txt").write_text(GOOD)
    dead.write_text("half written")
    proc = run_cli("fix", str(tmp_path / "b.txt"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not dead.exists()


# --------------------------------------------------------------------------- file names


def test_odd_file_names_are_escaped_in_text_and_safe_in_sarif(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.txt", "wb") as fh:
        fh.write(GOOD.encode())
    (tmp_path / "esc\x1b[31mred.txt").write_text(GOOD)
    proc = run_cli("check", str(tmp_path))
    assert (
        "\x1b" not in proc.stdout
        and "esc\\x1b[31mred.txt" in proc.stdout
        and "caf\\xe9.txt" in proc.stdout
    )
    proc = run_cli("check", "--format", "sarif", str(tmp_path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(proc.stdout)["runs"][0]["results"]
    }
    assert any(u.endswith("caf%E9.txt") for u in uris)


# --------------------------------------------------------------------------- fuzzing

_SUFFIXES = [".txt", ".md", ".html", ".j2", ".hbs", ".liquid", ".eml", ".docx", ".odt", ".pdf"]


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.sampled_from(_SUFFIXES),
    st.one_of(
        st.binary(max_size=400),
        st.text(
            alphabet=st.sampled_from(list("{}%#!<>&[]()/@\\*|$\n .?aA\u00ab\u00bb\x00\u2014")),
            max_size=400,
        ).map(lambda s: s.encode("utf-8")),
    ),
)
def test_any_bytes_give_a_result_or_a_coded_error_never_an_exception(
    suffix: str, data: bytes
) -> None:
    result = check_bytes(data, "fuzz" + suffix)
    assert result.error is None or result.error.code in ERROR_CODES
    assert result.error is not None or result.score is not None


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(
        st.sampled_from(
            [
                "{{",
                "}}",
                "{%",
                "%}",
                " if a ",
                " for x in y ",
                " endif ",
                " endfor ",
                " set x = 9**9 ",
                " else ",
                " raw ",
                " endraw ",
                "{#",
                "#}",
                "x",
                "\n",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_any_jinja_template_gives_a_result_or_a_coded_error(source: str) -> None:
    result = _lint(source or "x", "jinja")
    assert result.error is None or result.error.code in ERROR_CODES
