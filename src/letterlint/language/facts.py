"""Facts a letter states: dates, amounts, references, links, e-mail addresses, phone numbers.

One definition for everything that must read them alike: the rewrite keeps them exactly
(or turns them into schema variables), and the call-to-action rules can use the same
date and amount patterns (``DATE_PATTERN`` / ``AMOUNT_PATTERN`` are plain strings for a
rule file or `re.compile`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
#: A calendar date: 3 May 2026, May 3rd, 2026, 03/05/2026, 2026-05-03.
DATE_PATTERN = (
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?(?:,?\s+\d{{4}})?\b"
    rf"|\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
)
DATE = re.compile(DATE_PATTERN, re.I)
#: A merge field named as a date ("{{ pay_by }}", "[Due Date]", "*|REPLY_BY|*").
DATE_FIELD_PATTERN = r"date|deadline|due_?by|by_?date|reply_?by|pay_?by"
#: A day's name before a date ("Monday, 3 May 2026").
WEEKDAY_PATTERN = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
#: A `DATE` with a year, its parts named, to say which day it is.
_DATE_PARTS = re.compile(
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTHS})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTHS})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<a3>\d{1,2})[/.](?P<b3>\d{1,2})[/.](?P<y3>\d{4}|\d{2})"
    r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2})",
    re.I,
)


def calendar_date(text: str, *, day_first: bool = True) -> dt.date | None:
    """The day a `DATE` match names; None for a date without a year or one that does not
    exist. ``day_first`` reads 03/05/2026 as 3 May (British), else as March 5 (American);
    a two-digit year is in this century."""
    m = _DATE_PARTS.fullmatch(text.strip())
    if m is None:
        return None
    g = m.groupdict()
    try:
        if g["m1"] or g["m2"]:
            name = (g["m1"] or g["m2"]).lower()[:3]
            month = next(i + 1 for i, n in enumerate(MONTH_NAMES) if n.startswith(name))
            return dt.date(int(g["y1"] or g["y2"]), month, int(g["d1"] or g["d2"]))
        if g["y4"]:
            return dt.date(int(g["y4"]), int(g["m4"]), int(g["d4"]))
        a, b, year = int(g["a3"]), int(g["b3"]), int(g["y3"])
        day, month = (a, b) if day_first else (b, a)
        return dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None


_CCY = r"(?:GBP|USD|EUR|CAD|AUD|NZD|CHF|ZAR|INR|PHP|SGD)"
_CCY_WORDS = r"(?:dollars|pounds|euros)"
_NUM = r"\d{1,3}(?:[,.\u00a0 ]\d{3})+(?:[.,]\d{2})?(?!\d)|\d+(?:[.,]\d{2})?(?!\d)"
#: An amount as letters write it: £1,234.56, $ 40, €12,00, GBP 1,234.56, 1 234,56 EUR, A$40, ₱500,
#: 250 dollars.
AMOUNT_PATTERN = (
    rf"(?:[A-Z]{{1,2}})?[£$€¥₹₱]\s?(?:{_NUM})"
    rf"|\b{_CCY}\s?(?:{_NUM})"
    rf"|(?<![\w.,])(?:{_NUM})\s?(?:{_CCY}|{_CCY_WORDS})\b"
)
AMOUNT = re.compile(AMOUNT_PATTERN)


def amount_value(text: str) -> Decimal | None:
    """The sum an `AMOUNT` match names: "£1,234.56", "1.234,56 EUR" and "1 234,56" are all
    1234.56 (a separator followed by exactly two final digits is the decimal one)."""
    digits = re.sub(r"[^\d.,]", "", text)
    m = re.search(r"[.,](\d{2})$", digits)
    whole, cents = (digits[: m.start()], m.group(1)) if m else (digits, "")
    whole = re.sub(r"[.,]", "", whole)
    if not whole and not cents:
        return None
    try:
        return Decimal(f"{whole or 0}.{cents}" if cents else whole)
    except InvalidOperation:
        return None


#: The currency sign or code of an amount.
CURRENCY = re.compile(rf"[£$€¥₹₱]|{_CCY}")
INVOICE = re.compile(
    r"\b(?:INV|Inv)[-‐ ]?\d{3,}\b|(?<=\binvoice )(?:number |no\.? |#)?[A-Z]{0,4}-?\d{3,}\b", re.I
)
ACCOUNT = re.compile(
    r"(?:(?<=account number )|(?<=account number: )|(?<=account reference: )|(?<=account no\. )"
    r"|(?<=account no: )|(?<=ref: ))[A-Z0-9][A-Z0-9-]{3,}\b",
    re.I,
)
#: A reference code with digits: INV-2041, AR-2291, SA359 (capitalised codes such as RMDEF are
#: kept because nothing in the rewrite recases a word on its own).
REFERENCE = re.compile(r"\b[A-Z]{2,}[-‐/]?\d[\dA-Z-]*\b")
PHONE = re.compile(r"(?<![\w.(])(?:\+?\(?\d[\d ().-]{7,}\d)(?![\w])")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+[^\s<>\"').,;:!?]")

_NOT_PHONE_BEFORE = re.compile(
    r"(?:account|ref(?:erence)?|number|no\.?|#|invoice|sort\s+code|iban)[\s:#.]*$", re.I
)


def is_phone(text: str, m: re.Match[str]) -> bool:
    """A phone number as letters write them: grouped with spaces or brackets, or
    international, and not labelled as an account or reference number."""
    val = m.group(0)
    if DATE.fullmatch(val) or AMOUNT.fullmatch(val):
        return False
    if not (" " in val.strip() or "(" in val or val.startswith("+")):
        return False
    return not _NOT_PHONE_BEFORE.search(text[max(0, m.start() - 30) : m.start()])


def fact_spans(text: str) -> list[tuple[int, int]]:
    """Where the facts of ``text`` are (sorted, possibly overlapping): none may be edited."""
    spans: list[tuple[int, int]] = []
    for rx in (URL, EMAIL, AMOUNT, DATE, INVOICE, ACCOUNT, REFERENCE):
        spans.extend(m.span() for m in rx.finditer(text))
    spans.extend(m.span() for m in PHONE.finditer(text) if is_phone(text, m))
    return sorted(spans)


def facts_of(text: str) -> list[str]:
    """Amounts, dates and references a rewrite must keep (in order, once each)."""
    out: list[str] = []
    for rx in (AMOUNT, DATE, INVOICE, ACCOUNT):
        for m in rx.finditer(text):
            if m.group(0) not in out:
                out.append(m.group(0))
    return out
