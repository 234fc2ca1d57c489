"""Dates and amounts have one definition (`letterlint.language.facts`): the core rules, the
compliance packs and the rewrite read a letter's dates and sums alike."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from letterlint.kinds.compliance import dates_in, expand
from letterlint.kinds.registry import PATTERN_MACROS
from letterlint.language.facts import AMOUNT, DATE, amount_value, calendar_date


@pytest.mark.parametrize(
    ("text", "day_first", "day"),
    [
        ("4 June 2026", True, dt.date(2026, 6, 4)),
        ("June 4th, 2026", False, dt.date(2026, 6, 4)),
        ("04/06/2026", True, dt.date(2026, 6, 4)),
        ("04/06/2026", False, dt.date(2026, 4, 6)),
        ("04.06.2026", True, dt.date(2026, 6, 4)),
        ("4/6/26", True, dt.date(2026, 6, 4)),
        ("2026-06-04", False, dt.date(2026, 6, 4)),
        ("4th of Sept 2026", True, dt.date(2026, 9, 4)),
    ],
)
def test_a_date_with_a_year_names_its_day(text: str, day_first: bool, day: dt.date) -> None:
    assert DATE.fullmatch(text)
    assert calendar_date(text, day_first=day_first) == day


@pytest.mark.parametrize("text", ["4 June", "30/02/2026", "31 April 2026", "the end of June"])
def test_no_day_for_a_date_without_a_year_or_one_that_does_not_exist(text: str) -> None:
    assert calendar_date(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("£1,480.25", "1480.25"),
        ("1.480,25 EUR", "1480.25"),
        ("1 480,25 EUR", "1480.25"),
        ("$75", "75"),
        ("USD 2,000", "2000"),
        ("310 dollars", "310"),
        ("€9,50", "9.50"),
    ],
)
def test_an_amount_names_its_sum(text: str, value: str) -> None:
    m = AMOUNT.fullmatch(text)
    assert m is not None
    assert amount_value(m.group(0)) == Decimal(value)


def test_the_compliance_packs_read_dates_as_the_core_rules_do() -> None:
    """A dotted date ("14.03.2026") is a date for LL403's `{date}` and for the packs alike;
    the packs' deadlines take only dates with a year."""
    text = "Please reply by 14.03.2026, or call us before 2 April."
    core = re.compile(PATTERN_MACROS["{date}"], re.I)
    pack = re.compile(expand("{date}"), re.I)
    assert [m.group(0) for m in core.finditer(text)] == ["14.03.2026", "2 April"]
    assert [m.group(0) for m in pack.finditer(text)] == ["14.03.2026", "2 April"]
    assert [d for _, _, d in dates_in(text)] == [dt.date(2026, 3, 14)]
