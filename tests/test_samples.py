"""The bundled sample letters: expected findings kept as snapshots, JSON checked against
the schema of contract 2, and the customer-first promise (good letters get no warnings)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from letterlint import check_paths
from letterlint.output.json import to_dict

from .conftest import ROOT, SAMPLES, assert_snapshot

SCHEMA = json.loads((ROOT / "src/letterlint/schemas/output-v1.schema.json").read_text())
LETTERS = sorted(p for p in SAMPLES.iterdir() if not p.name.startswith("."))


@pytest.fixture(scope="module")
def report():
    return check_paths([str(SAMPLES)])


def test_there_are_enough_samples_across_kinds_and_formats() -> None:
    names = [p.name for p in LETTERS]
    assert len(names) >= 12
    assert {p.suffix for p in LETTERS} >= {".txt", ".md", ".html", ".docx", ".j2", ".hbs", ".eml"}
    for kind in (
        "first-reminder",
        "final-demand",
        "letter-before-action",
        "b2b-overdue",
        "saas-dunning",
        "medical-bill",
    ):
        assert any(kind in n for n in names), kind
    assert any(n.startswith("good-") for n in names) and any(n.startswith("bad-") for n in names)


def test_json_output_matches_the_schema(report) -> None:
    data = to_dict(report)
    jsonschema.validate(data, SCHEMA)
    for fr in data["files"]:
        source_checked = fr["path"].endswith((".txt", ".md", ".html", ".j2", ".hbs"))
        if source_checked:
            text = Path(fr["path"]).read_text(encoding="utf-8")
            for f in fr["findings"]:
                assert text[f["start"] : f["end"]] == f["text"]


@pytest.mark.parametrize("letter", LETTERS, ids=lambda p: p.name)
def test_sample_findings_snapshot(report, letter: Path) -> None:
    fr = next(f for f in report.files if Path(f.path).name == letter.name)
    lines = [f"score: {fr.score}", f"error: {fr.error.code if fr.error else None}"]
    lines += [
        f"{f.line}:{f.column}-{f.end_line}:{f.end_column} {f.code} {f.severity} {f.text[:60]!r}"
        + (f" -> {f.suggestion!r}" if f.suggestion is not None else "")
        for f in fr.findings
    ]
    assert_snapshot(f"samples/{letter.name}.txt", "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "letter", [p for p in LETTERS if p.name.startswith("good-")], ids=lambda p: p.name
)
def test_good_letters_get_no_errors_or_warnings(report, letter: Path) -> None:
    fr = next(f for f in report.files if Path(f.path).name == letter.name)
    assert fr.error is None
    serious = [(f.code, f.text) for f in fr.findings if f.severity != "info"]
    assert not serious
    assert fr.score is not None and fr.score >= 90


@pytest.mark.parametrize(
    "letter", [p for p in LETTERS if p.name.startswith("bad-")], ids=lambda p: p.name
)
def test_bad_letters_are_caught(report, letter: Path) -> None:
    fr = next(f for f in report.files if Path(f.path).name == letter.name)
    cats = {f.category for f in fr.findings}
    assert {"legal-jargon", "personalisation"} & cats
    assert fr.score is not None and fr.score < 50
