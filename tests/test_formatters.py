"""What a user sees in each output format, kept as snapshots (text, json, sarif, github)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from letterlint import __version__

from .conftest import assert_snapshot, run_cli

LETTER = (
    "Dear Sir/Madam,\n\n"
    "As a debtor you must remit the sum of £40 forthwith!!!\n"
    "If you do not pay, we will pass your account to a debt collection agency.\n"
)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "reminder.txt").write_text(LETTER, encoding="utf-8")
    (tmp_path / "letters" / "broken.j2").write_text("Dear {{ name },\n", encoding="utf-8")
    (tmp_path / "letters" / "README.rst").write_text("not a letter", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_format_snapshot(folder: Path, fmt: str) -> None:
    r = run_cli("check", "letters", "--format", fmt, cwd=folder)
    assert r.returncode == 2  # broken.j2 cannot be parsed
    out = r.stdout.replace(
        f'"version": "{__version__}"', '"version": "VERSION"'
    )  # snapshots outlive releases
    assert_snapshot(f"format.{fmt}", out)


def test_sarif_is_valid_2_1_0_shape(folder: Path) -> None:
    data = json.loads(run_cli("check", "letters", "--format", "sarif", cwd=folder).stdout)
    run = data["runs"][0]
    assert data["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert res["partialFingerprints"]["letterlint/v1"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert "template-syntax" in json.dumps(run["invocations"][0]["toolExecutionNotifications"])


def test_github_annotations_escape_data(folder: Path) -> None:
    out = run_cli("check", "letters", "--format", "github", cwd=folder).stdout
    for line in out.splitlines():
        if line.startswith("::"):
            head, _, msg = line[2:].partition("::")
            assert "\n" not in msg
            assert head.split(" ")[0] in ("error", "warning", "notice")
