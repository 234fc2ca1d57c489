"""The result cache, baselines and the progress callback of `check_paths`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import letterlint.batch.cache as cache_mod
import letterlint.batch.checking as api
from letterlint import Config, check_paths
from letterlint.batch.cache import CACHE_DIR, DB_NAME, ResultCache, run_key
from letterlint.engine.linter import Linter

from .conftest import ROOT, run_cli

SAMPLES = ROOT / "sample_letters"


@pytest.fixture()
def letters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the sample letters in a fresh folder that is also the current folder."""
    folder = tmp_path / "letters"
    shutil.copytree(SAMPLES, folder)
    (folder / "zz-binary.txt").write_bytes(b"\x00\x01binary")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LETTERLINT_NO_CACHE", raising=False)
    return folder


def _dicts(report) -> list[dict]:  # type: ignore[no-untyped-def]
    return [fr.to_dict() for fr in report.files]


def test_cached_results_are_identical_and_skip_linting(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = check_paths([letters])
    first = check_paths([letters], cache=True)
    assert (letters.parent / CACHE_DIR / DB_NAME).is_file()
    assert (letters.parent / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")

    def boom(self, src):  # type: ignore[no-untyped-def]
        raise AssertionError(f"{src.path} was linted again")

    monkeypatch.setattr(Linter, "lint", boom)
    second = check_paths([letters], cache=True)
    assert _dicts(first) == _dicts(plain) == _dicts(second)
    assert second.files[-1].error is not None and second.files[-1].error.code == "binary"


def test_a_changed_letter_is_linted_again(letters: Path) -> None:
    check_paths([letters], cache=True)
    target = letters / "good-first-reminder.txt"
    target.write_text(target.read_text() + "\nDear debtor, this is your final warning.\n")
    again = check_paths([letters], cache=True)
    fresh = check_paths([letters])
    assert _dicts(again) == _dicts(fresh)
    assert any(
        f.code == "LL101"
        for fr in again.files
        if fr.path.endswith("good-first-reminder.txt")
        for f in fr.findings
    )


def test_a_moved_letter_is_still_a_hit_with_its_new_path(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_paths([letters], cache=True)
    moved = letters.parent / "elsewhere"
    letters.rename(moved)
    monkeypatch.setattr(
        Linter, "lint", lambda self, src: (_ for _ in ()).throw(AssertionError("linted"))
    )
    report = check_paths([moved], cache=True)
    assert all(fr.path.startswith(str(moved)) for fr in report.files)


@pytest.mark.slow
def test_a_fully_cached_run_never_imports_spacy(letters: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        from letterlint.frontends.cli import main
        rc = main(["check", "--format", "json", "--output-file", "out.json", {str(letters)!r}])
        print(rc, "spacy" in sys.modules)
    """)

    def env_run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=letters.parent,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = env_run()
    assert first.stdout.split() == ["2", "True"], first.stderr  # 2: the binary file
    cold = json.loads((letters.parent / "out.json").read_text())
    second = env_run()
    assert second.stdout.split() == ["2", "False"], second.stderr
    assert json.loads((letters.parent / "out.json").read_text()) == cold


def test_the_run_key_changes_with_rules_config_context_and_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = run_key(Config())
    assert run_key(Config()) == base
    assert run_key(Config(select=("LL1",))) != base
    assert run_key(Config(allow_words=("arrears",))) != base
    ctx = tmp_path / "ctx.yaml"
    ctx.write_text("customer: {first_name: Sam}\n")
    with_ctx = run_key(Config(), str(ctx))
    assert with_ctx != base
    ctx.write_text("customer: {first_name: Alex}\n")
    assert run_key(Config(), str(ctx)) != with_ctx
    monkeypatch.setattr(cache_mod, "__version__", "99.0")
    assert run_key(Config()) != base


def test_editing_a_rule_invalidates_the_cache(letters: Path) -> None:
    rules = letters.parent / "house-rules"
    rules.mkdir()
    rule_file = rules / "house.yaml"

    def write_rule(message: str) -> None:
        rule_file.write_text(
            textwrap.dedent(f"""\
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
            """)
        )

    write_rule("first wording")
    config = Config(extend_rules=(str(rules),))
    one = check_paths([letters], config=config, cache=True)
    assert any(f.message.startswith("first wording") for fr in one.files for f in fr.findings)
    write_rule("second wording")  # picked up without clearing any in-process cache
    two = check_paths([letters], config=config, cache=True)
    messages = {f.message for fr in two.files for f in fr.findings if f.code == "LL291"}
    assert messages and all(m.startswith("second wording") for m in messages)


def test_per_file_ignores_are_part_of_the_key(letters: Path) -> None:
    config = Config(per_file_ignores=(("bad-*", ("LL101",)),), root=str(letters.parent))
    check_paths([letters], cache=True)  # cached without the ignore
    report = check_paths([letters], config=config, cache=True)
    bad = [fr for fr in report.files if Path(fr.path).name.startswith("bad-")]
    assert bad and not any(f.code == "LL101" for fr in bad for f in fr.findings)


def test_a_damaged_cache_is_rebuilt(letters: Path) -> None:
    plain = check_paths([letters])
    folder = letters.parent / CACHE_DIR
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"this is not a database" * 100)
    assert _dicts(check_paths([letters], cache=True)) == _dicts(plain)
    assert _dicts(check_paths([letters], cache=True)) == _dicts(plain)
    assert ResultCache.open(Config()).get_many(["nope"]) == {}


def test_no_cache_flag_and_environment_variable(letters: Path) -> None:
    proc = run_cli("check", "--no-cache", str(letters), cwd=letters.parent, cache=True)
    assert proc.returncode == 2
    assert not (letters.parent / CACHE_DIR).exists()
    run_cli("check", str(letters), cwd=letters.parent, cache=False)  # LETTERLINT_NO_CACHE=1
    assert not (letters.parent / CACHE_DIR).exists()
    run_cli("check", str(letters), cwd=letters.parent, cache=True)
    assert (letters.parent / CACHE_DIR / DB_NAME).is_file()


def test_the_cache_lives_beside_the_config_file(
    letters: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "letterlint.toml").write_text("fail-on = 'error'\n")
    sub = tmp_path / "deeper"
    sub.mkdir()
    monkeypatch.chdir(sub)
    check_paths([letters], config=Config.load(), cache=True)
    assert (tmp_path / CACHE_DIR / DB_NAME).is_file()
    assert not (sub / CACHE_DIR).exists()


def test_parallel_with_a_partly_filled_cache_matches_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_corpus

    folder = tmp_path / "letters"
    write_corpus(folder, 40, seed=11)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LETTERLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(api, "PARALLEL_MIN_FILES", 5)
    serial = check_paths([folder], jobs=1)
    half = sorted(folder.iterdir())[::2]
    check_paths(half, cache=True, jobs=1)
    seen: list[tuple[int, int]] = []
    mixed = check_paths([folder], cache=True, jobs=2, progress=lambda d, t: seen.append((d, t)))
    assert mixed == serial
    assert seen[0] == (20, 40) and seen[-1] == (40, 40)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_is_reported_file_by_file(letters: Path) -> None:
    seen: list[tuple[int, int]] = []
    report = check_paths([letters], progress=lambda d, t: seen.append((d, t)))
    n = len(report.files)
    assert seen == [(i, n) for i in range(n + 1)]


def test_no_progress_bar_when_not_on_a_terminal(letters: Path) -> None:
    proc = run_cli(
        "check", "--format", "json", str(letters / "good-first-reminder.txt"), cwd=letters.parent
    )
    assert proc.returncode == 0 and proc.stderr == ""


def test_the_progress_bar_draws_on_a_terminal(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from letterlint.frontends import cli

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    with cli.progress_bar() as update:
        assert update is not None
        import time

        update(0, 3)
        time.sleep(1.1)  # the bar waits a second, so quick runs stay silent
        update(3, 3)
    assert "3/3" in err.getvalue()
    with cli.progress_bar(quiet=True) as update:
        assert update is None


# --------------------------------------------------------------------------- baselines


def test_a_baseline_hides_exactly_the_recorded_findings(letters: Path) -> None:
    base = letters.parent / "baseline.json"
    proc = run_cli("check", str(letters), "--write-baseline", str(base), cwd=letters.parent)
    assert proc.returncode == 2  # the binary file still counts as unreadable
    assert proc.stdout == "" and "Recorded" in proc.stderr
    data = json.loads(base.read_text())
    assert data["schema_version"] == 1
    assert "letters/bad-final-demand.txt" in data["files"]
    clean = run_cli(
        "check", str(letters), "--baseline", str(base), "--format", "json", cwd=letters.parent
    )
    report = json.loads(clean.stdout)
    assert all(fr["findings"] == [] for fr in report["files"])
    assert "not shown" in clean.stderr

    letter = letters / "bad-final-demand.txt"
    letter.write_text("Dear debtor,\n\n" + letter.read_text() + "\nYou are a debtor in default.\n")
    after = run_cli(
        "check", str(letters), "--baseline", str(base), "--format", "json", cwd=letters.parent
    )
    new = [
        (f["code"], f["text"]) for fr in json.loads(after.stdout)["files"] for f in fr["findings"]
    ]
    before = sum(
        e["count"] for e in data["files"]["letters/bad-final-demand.txt"] if e["code"] == "LL101"
    )
    assert new.count(("LL101", "debtor")) == 2, (new, before)  # two more than were recorded
    assert after.returncode == 2  # an error finding, plus the unreadable file


def test_a_baseline_works_from_another_folder(letters: Path, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    run_cli("check", str(letters), "--write-baseline", str(base), cwd=tmp_path)
    other = tmp_path / "letters"
    proc = run_cli("check", "bad-first-reminder.txt", "--baseline", str(base), cwd=other)
    assert proc.returncode == 0, proc.stdout
    assert "No findings" in proc.stdout


def test_a_bad_baseline_is_a_clear_error(letters: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{\n  'no': 1\n}")
    proc = run_cli("check", str(letters), "--baseline", str(tmp_path / "bad.json"), cwd=tmp_path)
    assert proc.returncode == 2 and "bad.json:2" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(
        "check", str(letters), "--baseline", str(tmp_path / "missing.json"), cwd=tmp_path
    )
    assert proc.returncode == 2 and "--write-baseline" in proc.stderr
    (tmp_path / "other.json").write_text(
        '{"schema_version": 1, "files": {"a.txt": [{"code": "LL101"}]}}'
    )
    proc = run_cli("check", str(letters), "--baseline", str(tmp_path / "other.json"), cwd=tmp_path)
    assert proc.returncode == 2 and "'code', 'text'" in proc.stderr


def test_old_entries_are_pruned_and_hits_kept_fresh(letters: Path) -> None:
    import sqlite3
    import time

    check_paths([letters], cache=True)
    db_path = letters.parent / CACHE_DIR / DB_NAME
    month_ago = int(time.time()) - 30 * 86400
    with sqlite3.connect(db_path) as db:
        n = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        db.execute("UPDATE results SET used = ?", (month_ago,))
        db.execute(
            "INSERT INTO results VALUES ('stale-old-letter', 'old-run', ?, x'00')", (month_ago,)
        )
    check_paths([letters], cache=True)  # every letter is a hit: they are marked as used
    with sqlite3.connect(db_path) as db:
        rows = dict(db.execute("SELECT key, used FROM results").fetchall())
    assert "stale-old-letter" not in rows
    assert len(rows) == n and min(rows.values()) > month_ago


def test_a_baseline_survives_edits_to_the_letter(letters: Path) -> None:
    base = letters.parent / "baseline.json"
    run_cli("check", str(letters), "--write-baseline", str(base), cwd=letters.parent)
    recorded = json.loads(base.read_text())["files"]["letters/bad-first-reminder.txt"]
    assert all(len(e["text"]) <= 60 for e in recorded)  # no letter bodies copied into the baseline
    letter = letters / "bad-first-reminder.txt"
    letter.write_text(letter.read_text().replace("our records indicate", "our records show"))
    proc = run_cli(
        "check", str(letter), "--baseline", str(base), "--format", "json", cwd=letters.parent
    )
    assert json.loads(proc.stdout)["files"][0]["findings"] == [], proc.stdout
    assert proc.returncode == 0


def test_a_locked_cache_is_left_alone(letters: Path) -> None:
    import sqlite3

    plain = check_paths([letters], cache=True)
    db_path = letters.parent / CACHE_DIR / DB_NAME
    inode = db_path.stat().st_ino
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE results SET used = used")
    try:
        assert _dicts(check_paths([letters], cache=True)) == _dicts(plain)  # runs uncached
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert db_path.stat().st_ino == inode


def test_a_cache_with_damaged_pages_is_rebuilt(letters: Path) -> None:
    plain = check_paths([letters], cache=True)
    db_path = letters.parent / CACHE_DIR / DB_NAME
    for extra in ("-wal", "-shm"):
        Path(str(db_path) + extra).unlink(missing_ok=True)
    data = bytearray(db_path.read_bytes())
    assert len(data) > 8192
    data[4096:] = b"\xff" * (len(data) - 4096)
    db_path.write_bytes(bytes(data))
    assert _dicts(check_paths([letters], cache=True)) == _dicts(plain)  # damage noticed: removed
    check_paths([letters], cache=True)  # rebuilt
    store = ResultCache.open(Config())
    from letterlint.batch.cache import content_key

    key = content_key(
        store.run, (letters / "bad-first-reminder.txt").read_bytes(), None, ".txt", ()
    )
    assert key in store.get_many([key])
