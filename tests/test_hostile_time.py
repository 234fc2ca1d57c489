"""Hostile input, time: every stage is linear in the letter's length.

Each family here was quadratic or worse once (a minute for 16,000 ``!``). The check is
a ratio, not an absolute time, so it holds on a slow or busy machine: a letter four
times as long may take at most about four times as long (with generous slack), where a
quadratic stage would take sixteen times as long.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from letterlint.batch.checking import get_linter
from letterlint.reading.readers import read_text

SMALL, LARGE = 6_000, 24_000  # LARGE = 4 x SMALL
SLACK = 2.2  # allowed ratio: 4 x 2.2 = 8.8, where quadratic would be 16
FLOOR = 0.15  # seconds: below this the machine's noise dominates


def _lint_seconds(text: str, kind: str) -> float:
    linter = get_linter()
    best = float("inf")
    for _ in range(2):  # the best of two, to damp other processes on the machine
        start = time.perf_counter()
        result = linter.lint(read_text(text, f"letter.{kind}", kind))
        best = min(best, time.perf_counter() - start)
    assert result.path == f"letter.{kind}"
    return best


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def assert_linear(unit: str, kind: str = "text") -> None:
    get_linter().lint(
        read_text("Dear Sam, thank you.", "warm.txt")
    )  # spaCy loaded outside the timing
    for _ in range(3):  # a busy machine can slow one measurement: measured again before failing
        small = _lint_seconds(_repeat(unit, SMALL), kind)
        large = _lint_seconds(_repeat(unit, LARGE), kind)
        if large <= max(FLOOR, 4 * SLACK * small):
            return
    assert large <= max(FLOOR, 4 * SLACK * small), (
        f"{unit[:30]!r} x{LARGE // len(unit)} ({kind}): {large:.3f}s vs {small:.3f}s at a quarter of the size"
    )


FAMILIES = [
    ("!", "text"),  # analysis._sentence_starts, spaCy's suffix search on one long token
    ("?", "text"),
    ("a", "text"),  # one endless word
    ("a](", "text"),  # the protected-span regex
    ("you have failed to ", "text"),  # clause_before per match
    ("we will pass your account to a debt collection agency and ", "text"),
    ("PAY THIS NOW OR ELSE ", "text"),  # shouting
    ("{{ ", "text"),  # placeholders without a closer
    ("{{ ", "handlebars"),  # the Handlebars section check
    ("{% if a %}", "liquid"),
    ("<a ", "html"),
    ("&", "html"),
    ("A\n", "text"),
    ('You are a debtor, "a debtor". ', "text"),  # skip-quoted counted the quotes per match
    ("debtor ", "text"),
]


@pytest.mark.parametrize(
    ("unit", "kind"), FAMILIES, ids=[f"{k}:{u.strip()[:12]}" for u, k in FAMILIES]
)
def test_a_letter_four_times_as_long_takes_at_most_about_four_times_as_long(
    unit: str, kind: str
) -> None:
    assert_linear(unit, kind)


_PIECES = st.sampled_from(
    [
        "!",
        "?",
        ".",
        " ",
        "\n",
        "a",
        "A",
        "{{",
        "}}",
        "{%",
        "%}",
        "[",
        "](",
        "/",
        "@",
        "www.",
        "#!",
        "<!--",
        "debtor ",
        "you have failed to ",
        "bailiffs ",
        "PAY ",
        "will not ",
        ", ",
        "\u2014",
        "{x}",
        "${",
        "*|",
        "<<",
        "\u00ab",
    ]
)


@settings(
    max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(_PIECES, min_size=1, max_size=6).map("".join))
def test_doubling_any_repeated_pattern_at_most_roughly_doubles_the_time(unit: str) -> None:
    assert_linear(unit)
