"""An installed wheel (not editable) works from any folder: the rule files ship inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_wheel_ships_rules_and_runs_outside_the_repo(tmp_path: Path, built_wheel: Path) -> None:
    wheel = built_wheel  # built by pip in the background since collection (conftest)
    names = zipfile.ZipFile(wheel).namelist()
    rule_files = sorted(
        n for n in names if n.startswith("letterlint/rules/") and n.endswith(".yaml")
    )
    assert len(rule_files) == len(list((ROOT / "rules").glob("*/*.yaml")))  # every pack ships
    assert "letterlint/py.typed" in names
    assert "letterlint/schemas/output-v1.schema.json" in names
    assert "letterlint/reporting/report.html.j2" in names
    assert {f"letterlint/frontends/editor/editor.{part}" for part in ("html", "css", "js")} <= set(
        names
    )  # the app

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    away = tmp_path / "elsewhere"
    away.mkdir()
    (away / "letter.txt").write_text("Dear Sir/Madam,\n\nYou are a debtor.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import letterlint, letterlint.rulebook.loader as rb, sys; "
        "assert letterlint.__file__.startswith(sys.argv[1]), letterlint.__file__; "
        "print(rb.builtin_rules_dir())"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(target)], cwd=away, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith(str(target))
    r = subprocess.run(
        [sys.executable, "-m", "letterlint", "check", "letter.txt"],
        cwd=away,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and "LL101" in r.stdout and "LL501" in r.stdout, r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "letterlint", "audit", ".", "--report", "audit.html", "--no-cache"],
        cwd=away,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "LL101" in (away / "audit.html").read_text(encoding="utf-8")
