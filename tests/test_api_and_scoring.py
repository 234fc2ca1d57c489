"""The public API (contract 6) and the customer-first score."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

import letterlint
from letterlint import FileResult, Finding, Report, check_bytes, check_paths, check_text
from letterlint.engine.scoring import score

from .conftest import ROOT, SAMPLES


def test_public_names_do_not_drift() -> None:
    assert letterlint.__all__ == sorted(letterlint.__all__)
    assert set(letterlint.__all__) == {
        "Audit",
        "Config",
        "ConfigError",
        "DIALECTS",
        "Edit",
        "ExportError",
        "FileError",
        "FileResult",
        "Finding",
        "Fix",
        "FixResult",
        "LETTER_SUFFIXES",
        "OpenedLetter",
        "Readability",
        "Report",
        "Rewrite",
        "RuleDoc",
        "SAMPLE_CONTEXT",
        "__version__",
        "audit",
        "check_bytes",
        "check_paths",
        "check_text",
        "export_template",
        "fix_text",
        "open_letter",
        "readability",
        "rewrite_text",
        "rule_docs",
        "score",
        "write_atomic",
    }
    assert (Path(letterlint.__file__).parent / "py.typed").exists()


def test_values_are_frozen() -> None:
    f = check_text("You are a debtor.")[0]
    assert isinstance(f, Finding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.code = "x"  # type: ignore[misc]


def test_check_text_kinds() -> None:
    assert any(f.code == "LL101" for f in check_text("<p>a debtor</p>", kind="html"))
    with pytest.raises(ValueError):
        check_text("x", kind="pdf")


def test_check_bytes_and_paths() -> None:
    data = (SAMPLES / "bad-final-demand.docx").read_bytes()
    res = check_bytes(data, "upload.docx")
    assert isinstance(res, FileResult) and res.findings and res.score is not None
    rep = check_paths([SAMPLES])
    assert isinstance(rep, Report)
    names = [Path(f.path).name for f in rep.files]
    assert names == sorted(names)


def _finding(code: str, severity: str, start: int = 0) -> Finding:
    return Finding(
        code=code,
        name="x.y",
        category="readability",
        severity=severity,
        message="m",
        start=start,
        end=start + 1,
        line=1,
        column=1,
        end_line=1,
        end_column=2,
        text="x",
    )


def test_score_formula() -> None:
    assert score([]) == 100
    assert score([_finding("LL101", "error")]) == 80
    assert score([_finding("LL101", "error")] * 2) == 70
    assert score([_finding("LL101", "error")] * 10) == 40  # capped at three times the weight
    assert score([_finding("LL201", "warning"), _finding("LL603", "info")]) == 90
    assert score([_finding(f"LL{i:03d}", "error") for i in range(100, 110)]) == 0


def test_more_or_worse_findings_never_raise_the_score() -> None:
    pool = [
        _finding(c, s, i)
        for i, (c, s) in enumerate(
            itertools.product(["LL101", "LL201", "LL603"], ["info", "warning", "error"])
        )
    ]
    for n in range(len(pool)):
        for combo in itertools.combinations(pool, n):
            base = score(combo)
            for extra in pool:
                assert score([*combo, extra]) <= base
            for i, f in enumerate(combo):
                worse = dataclasses.replace(f, severity="error")
                assert score([*combo[:i], worse, *combo[i + 1 :]]) <= base
        if n >= 4:
            break


def test_parallel_output_is_identical_to_serial_and_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import letterlint.batch.checking as api

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import write_corpus

    write_corpus(tmp_path / "letters", 60, seed=7)
    (tmp_path / "letters" / "letter00003.txt").write_bytes(
        b"\x00binary"
    )  # an error among good files
    monkeypatch.setattr(api, "PARALLEL_MIN_FILES", 10)
    serial = check_paths([tmp_path / "letters"], jobs=1)
    parallel = check_paths([tmp_path / "letters"], jobs=2)
    assert parallel == serial
    assert [f.path for f in parallel.files] == sorted(f.path for f in serial.files)
    assert parallel.files[3].error is not None and parallel.files[3].error.code == "binary"


def test_front_end_helpers() -> None:
    """What the editor shows beside findings comes from the public API too."""
    text = (SAMPLES / "bad-first-reminder.txt").read_text(encoding="utf-8")
    figures = letterlint.readability(text)
    ll601 = next(f for f in check_text(text) if f.code == "LL601")
    assert f"reading ease {figures.reading_ease:.0f}" in ll601.message
    assert figures.words_per_sentence == 28.0 and figures.grade is not None
    assert letterlint.readability("").reading_ease is None
    docs = letterlint.rule_docs()
    assert (
        docs["LL101"].sources
        and "debtor" in docs["LL101"].rationale
        and docs["LL101"].fix == "safe"
    )
    assert set(docs) >= {f.code for f in check_text(text)}
    opened = letterlint.open_letter((SAMPLES / "bad-final-demand.docx").read_bytes(), "final.docx")
    assert opened.error is None and opened.kind == "text" and "FINAL DEMAND" in opened.text
    broken = letterlint.open_letter(b"PK\x03\x04 nope", "final.docx")
    assert broken.error is not None and broken.error.code == "corrupt-docx" and broken.text == ""
    assert letterlint.open_letter(b"<p>Hi</p>", "a.html").kind == "html"
    assert ".docx" in letterlint.LETTER_SUFFIXES and "html-email" in letterlint.DIALECTS
    assert letterlint.score(check_text("You are a debtor.")) < 100


def test_few_full_collections_leaves_the_collector_as_it_found_it() -> None:
    import gc

    from letterlint.batch.checking import few_full_collections

    before = gc.get_threshold(), gc.get_freeze_count()
    kept = [[i] for i in range(50_000)]  # survivors, as a run's results are
    with few_full_collections():
        kept += [[i] for i in range(50_000)]
        assert gc.get_threshold()[2] > 1_000_000
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
    # objects the caller froze stay frozen
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with few_full_collections():
            kept += [[i] for i in range(1_000)]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    assert len(kept) == 101_000
