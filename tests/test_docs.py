"""The docs generated from the rule files are current, and the README's commands are true."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from .conftest import ROOT


def _check_script(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run ``scripts/NAME --check`` in this process (its `main`, with that argv), as CI would
    run it, without a fresh interpreter and spaCy start-up; its sys.path insert is undone."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "argv", [name, "--check"])
    spec = importlib.util.spec_from_file_location(f"_script_{name[:-3]}", ROOT / "scripts" / name)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    rc = script.main()
    out = capsys.readouterr()
    assert rc == 0, out.out + out.err


def test_rule_catalogue_is_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_script("gen_rule_docs.py", monkeypatch, capsys)


def test_readme_commands_match_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = (
        'python3 -m venv .venv && . .venv/bin/activate && pip install -q -e ".[test]"'
        " && ruff check . && ruff format --check . && lint-imports && python -m pytest -q"
    )
    assert test_cmd in readme and test_cmd in ci
    assert "pip install -e . && letterlint check sample_letters/" in readme


def test_changelog_mentions_this_version() -> None:
    from letterlint import __version__

    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_pre_commit_hook_definition() -> None:
    import re

    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert (
        hook["id"] == "letterlint"
        and hook["entry"] == "letterlint check"
        and hook["language"] == "python"
    )
    files = re.compile(hook["files"])
    for name in (
        "a.txt",
        "b.md",
        "c.html",
        "d.htm",
        "e.docx",
        "f.eml",
        "g.j2",
        "h.jinja",
        "i.jinja2",
        "j.hbs",
        "k.handlebars",
        "l.mustache",
        "m.liquid",
    ):
        assert files.search(name), name
    assert not files.search("setup.py")


def test_rewrite_examples_are_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _check_script("gen_rewrite_examples.py", monkeypatch, capsys)


def test_the_first_readme_command_ends_with_exit_0(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """A newcomer's copy-pasted `&&` chain must not end in what looks like a failure."""
    import re
    import shlex

    from letterlint.frontends import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```bash\n(.*?)\n```", readme, re.S).group(1)  # type: ignore[union-attr]
    last = shlex.split(first.split("&&")[-1])
    assert last[:2] == ["letterlint", "check"]
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("LETTERLINT_NO_CACHE", "1")
    assert cli.main(last[1:]) == 0
    assert "Found " in capsys.readouterr().out  # it still shows the bad samples' findings
