"""Accuracy on the 40 labelled letters of benchmarks/written-letters (our own writing).

These keep the precision promises in CI (a friendly letter never fails a pipeline, a
threat-free letter gets no tone warning, calls to action and greetings are judged right)
and stop the threat and jargon recall from slipping below what was measured.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from letterlint import check_text

HERE = Path(__file__).resolve().parents[1] / "benchmarks" / "written-letters"
LABELS = yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8"))
SERIOUS = ("warning", "error")


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[str, list]]:
    out = {}
    for entry in LABELS:
        text = (HERE / "letters" / entry["file"]).read_text(encoding="utf-8")
        out[entry["file"]] = (text, check_text(text))
    return out


def _hit(text: str, phrase: str, findings: list, category: str) -> bool:
    spans = []
    i = text.find(phrase)
    while i >= 0:
        spans.append((i, i + len(phrase)))
        i = text.find(phrase, i + 1)
    return any(
        f.category == category and f.start < b and a < f.end for f in findings for a, b in spans
    )


def test_no_friendly_letter_gets_a_warning(results) -> None:  # type: ignore[no-untyped-def]
    warned = {
        e["file"]: [(f.code, f.text[:40]) for f in results[e["file"]][1] if f.severity in SERIOUS]
        for e in LABELS
        if e["friendly_overall"]
    }
    assert not {k: v for k, v in warned.items() if v}


def test_no_threat_free_letter_gets_a_tone_warning(results) -> None:  # type: ignore[no-untyped-def]
    flagged = {
        e["file"]: [
            (f.code, f.text[:40])
            for f in results[e["file"]][1]
            if f.category == "threatening-tone" and f.severity in SERIOUS
        ]
        for e in LABELS
        if e["threat_level"] == "none"
    }
    assert not {k: v for k, v in flagged.items() if v}


def test_calls_to_action_and_greetings_are_judged_right(results) -> None:  # type: ignore[no-untyped-def]
    for e in LABELS:
        names = {f.name for f in results[e["file"]][1]}
        assert ("call-to-action.missing" in names) == (not e["has_call_to_action"]), e["file"]
        assert ("personalisation.impersonal-salutation" in names) == bool(
            e["impersonal_salutation"]
        ), e["file"]


def test_no_stigmatising_false_alarm(results) -> None:  # type: ignore[no-untyped-def]
    for e in LABELS:
        stig = [f.text for f in results[e["file"]][1] if f.category == "stigmatising-language"]
        assert bool(stig) == bool(e["stigmatising_words"]), (e["file"], stig)


@pytest.mark.parametrize(
    "category, key, floor",
    [("threatening-tone", "threats", 0.88), ("legal-jargon", "jargon", 0.95)],
)
def test_phrase_recall_holds(results, category: str, key: str, floor: float) -> None:  # type: ignore[no-untyped-def]
    phrases = [(e["file"], p) for e in LABELS for p in e[key] or []]
    missed = [(f, p) for f, p in phrases if not _hit(results[f][0], p, results[f][1], category)]
    assert 1 - len(missed) / len(phrases) >= floor, missed
