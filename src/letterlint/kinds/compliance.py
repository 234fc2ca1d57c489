"""Python checks of the compliance packs (rules/us-fdcpa, rules/uk-fca, rules/uk-b2b).

Every check here reads the letter's context (`CheckContext.letter`, contract 7) through
the same options, set in each rule's YAML:

``applies``        key: [values] that must all hold for the rule to run (``jurisdiction: [US]``
                   also matches ``US-CA``); a key that is not given turns the rule off, or,
                   when the key is listed in ``ask``, gives one ``info`` asking for it.
``applies-any``    a list of such mappings, one of which must hold.
``unless-letter``  key: [values], any one of which switches the rule off
                   (``litigation-intended: [true]``, ``time-barred: [true]``).
``ask``            keys to ask for (once per letter) instead of guessing.
``creditor-severity``  the severity when ``sender-type = creditor`` outside California
                   (FDCPA conduct rules reach creditors only through UDAAP: a warning).
``prescribed``     ``true`` on a required-content rule: the wording it finds is prescribed
                   (the mini-Miranda, Model Form B-1 text), so the engine drops core findings
                   inside it and ``rewrite`` keeps it verbatim.

Patterns may use ``{date}`` and ``{amount}``: a calendar date or a sum of money, each also
matched by a template placeholder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from letterlint.core.letter_context import CHOICES, FLAGS, KEYS, LetterContext
from letterlint.kinds.checks import CheckContext, _hit, register
from letterlint.kinds.matching import Hit, clause_before
from letterlint.language.facts import (
    AMOUNT,
    AMOUNT_PATTERN,
    DATE,
    DATE_PATTERN,
    WEEKDAY_PATTERN,
    amount_value,
    calendar_date,
)

if TYPE_CHECKING:
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule

# --------------------------------------------------------------------------- dates and money

#: A merge field where a pack's pattern wants a date or a sum ("{{ due_date }}", "[Amount]").
_PLACEHOLDER = (
    r"(?:\{\{[^{}\n]{1,80}\}\}|\[[A-Z][A-Za-z ]{1,40}\]|\{[A-Za-z_][\w.]{0,60}\}"
    r"|<<[^<>\n]{1,40}>>|«[^«»\n]{1,40}»)"
)
#: Dates and amounts as `letterlint.language.facts` defines them (the core rules and the
#: rewrite read them the same way), or a merge field standing for one.
_MACROS = {
    "{date}": f"(?:{DATE_PATTERN}|{_PLACEHOLDER})",
    "{amount}": f"(?:(?-i:{AMOUNT_PATTERN})|{_PLACEHOLDER})",
}


def expand(pattern: str) -> str:
    """A rule pattern with its ``{date}`` / ``{amount}`` macros spelled out."""
    for macro, regex in _MACROS.items():
        pattern = pattern.replace(macro, regex)
    return pattern


def dates_in(
    text: str, start: int = 0, end: int | None = None, *, day_first: bool = True
) -> list[tuple[int, int, dt.date]]:
    """Every calendar date in ``text[start:end]`` that has a year: (start, end, date)."""
    out = []
    for m in DATE.finditer(text, start, len(text) if end is None else end):
        d = calendar_date(m.group(0), day_first=day_first)
        if d is not None:
            out.append((m.start(), m.end(), d))
    return out


# --------------------------------------------------------------------------- US business days


@lru_cache(maxsize=64)
def _us_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("US", years=year))


def add_business_days(start: dt.date, days: int) -> dt.date:
    """``days`` days after ``start`` not counting Saturdays, Sundays and US federal holidays."""
    d = start
    while days > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in _us_holidays(d.year):
            days -= 1
    return d


def earliest_validation_end(sent: dt.date) -> tuple[dt.date, dt.date]:
    """(assumed receipt, earliest end date) under 12 CFR 1006.34(b)(5): receipt is assumed
    five days after sending, not counting public holidays, Saturdays and Sundays; the
    validation period ends no earlier than 30 days after receipt."""
    receipt = add_business_days(sent, 5)
    return receipt, receipt + dt.timedelta(days=30)


# --------------------------------------------------------------------------- options

COMMON = ("applies", "applies-any", "unless-letter", "ask", "creditor-severity", "prescribed")


def _condition(raw: Any) -> dict[str, frozenset[str]]:
    if not isinstance(raw, Mapping):
        raise ValueError("a letter condition must map letter keys to lists of values")
    out = {}
    for key, values in raw.items():
        if key not in KEYS:
            raise ValueError(f"unknown letter key {key!r}")
        vals = values if isinstance(values, list) else [values]
        canon = []
        for v in vals:
            text = ("true" if v else "false") if isinstance(v, bool) else str(v)
            if key in CHOICES and text not in CHOICES[key]:
                raise ValueError(f"bad value {text!r} for letter key {key!r}")
            if key in FLAGS and text not in ("true", "false"):
                raise ValueError(f"letter key {key!r} takes true or false")
            canon.append(text)
        out[key] = frozenset(canon)
    return out


def _patterns(raw: Any, flags: int) -> tuple[re.Pattern[str], ...]:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
        raise ValueError("patterns must be a list of regular expressions")
    return tuple(re.compile(expand(p), flags) for p in items)


def prepare(opts: dict[str, Any]) -> dict[str, Any]:
    """Validate and compile the options shared by every compliance check."""
    o = dict(opts)
    flags = (0 if o.get("case-sensitive") else re.IGNORECASE) | re.MULTILINE
    for key in ("applies", "unless-letter"):
        if key in o:
            o[key] = _condition(o[key])
    if "applies-any" in o:
        if not isinstance(o["applies-any"], list):
            raise ValueError("applies-any must be a list of letter conditions")
        o["applies-any"] = tuple(_condition(c) for c in o["applies-any"])
    asks = o.get("ask", [])
    if not isinstance(asks, list) or any(a not in KEYS for a in asks):
        raise ValueError("ask must list letter keys")
    o["ask"] = tuple(asks)
    sev = o.get("creditor-severity")
    if sev is not None and sev not in ("error", "warning", "info"):
        raise ValueError(f"bad creditor-severity {sev!r}")
    for key in ("patterns", "all", "keywords", "unless-sentence"):
        if key in o:
            o[key] = _patterns(o[key], flags)
    return o


def _canon(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _holds(cond: dict[str, frozenset[str]], letter: LetterContext) -> bool | str:
    """True, False, or the first key that is not given."""
    for key, allowed in cond.items():
        value = letter.get(key)
        if value is None:
            return key
        text = _canon(value)
        if key == "jurisdiction":
            if text not in allowed and text.split("-")[0] not in allowed:
                return False
        elif text not in allowed:
            return False
    return True


def applies(rule: Rule, letter: LetterContext) -> bool | str:
    """Whether the rule runs for this letter: True, False, or a key to ask for."""
    o = rule.compiled
    state = _holds(o["applies"], letter) if "applies" in o else True
    if isinstance(state, str):
        return state if state in o["ask"] else False
    if not state:
        return False
    if "applies-any" in o:
        results = [_holds(c, letter) for c in o["applies-any"]]
        if True not in results:
            missing = [r for r in results if isinstance(r, str) and r in o["ask"]]
            return missing[0] if missing else False
    for key, values in o.get("unless-letter", {}).items():  # any one of them switches the rule off
        if _holds({key: values}, letter) is True:
            return False
    for key in o["ask"]:
        if letter.get(key) is None:
            return key
    return True


def severity_for(rule: Rule, letter: LetterContext) -> str:
    sev = rule.compiled.get("creditor-severity")
    if sev and letter.sender_type == "creditor" and letter.jurisdiction != "US-CA":
        return str(sev)
    return rule.severity


def ask(rule: Rule, key: str, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """One ``info`` per letter and key: the fact this rule needs is not given."""

    if key in ctx.asked:
        return
    ctx.asked.add(key)
    s, e = ctx.body
    msg = (
        f"Set `{key}` in the letter's context (a `letterlint: letter {key}=...` comment, "
        f"`--letter {key}=...` or [tool.letterlint.letters]) so letterlint can check this: "
        f"{rule.summary}"
    )
    yield Hit(rule, s, e, "info", msg)


def _whole(rule: Rule, a: Analysis, ctx: CheckContext, severity: str, **extra: Any) -> Hit:
    s, e = ctx.body
    shown = extra.pop("text", None) or a.original[s:e]  # what {text} in the message stands for
    return _hit(rule, s, e, shown, severity=severity, **extra)


# --------------------------------------------------------------------------- checks


@register("letter-context-needed", ("jurisdiction", "needs"))
def letter_context_needed(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """One ``info`` when the letter's context is missing what the pack needs to apply."""
    letter = ctx.letter
    if letter.is_empty:
        if "context" in ctx.asked:
            return
        ctx.asked.add("context")
        s, e = ctx.body
        yield Hit(
            rule,
            s,
            e,
            rule.severity,
            "A compliance pack is on but this letter has no context, so only the core rules ran. "
            "Describe it (at least jurisdiction, sender-type, recipient-type and letter-type) with "
            "a `letterlint: letter key=value ...` comment, `--letter KEY=VALUE` or a "
            '[tool.letterlint.letters."GLOB"] table.',
        )
        return
    if letter.country is None:
        missing = ["jurisdiction"]
    elif letter.country != rule.compiled.get("jurisdiction"):
        return
    else:
        missing = [k for k in rule.compiled.get("needs", ()) if letter.get(k) is None]
    if missing:
        yield _whole(rule, a, ctx, rule.severity, missing=", ".join(missing))


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_STOP_AFTER = re.compile(r"[.!?](?=\s|\Z)|\n")


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence or line around a prescribed match, closing punctuation included (a core
    finding on the whole sentence then lies inside it). "$1,250.00" does not end a sentence."""
    window = text[max(0, start - 400) : start]
    stops = [m.end() for m in _SENTENCE_END.finditer(window)]
    s = start - len(window) + (stops[-1] if stops else 0)
    while s < start and text[s] in " \t":
        s += 1
    after = _STOP_AFTER.search(text, end)
    e = after.start() if after else len(text)
    while e < len(text) and text[e] in ".!?:;)\"'”’":
        e += 1
    return s, e


@register("required-content", ("all", *COMMON), prepare)
def required_content(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Wording the letter must contain; every pattern of ``all`` must be found."""
    state = applies(rule, ctx.letter)
    if state is False:
        return
    text = a.original
    found = [p.search(text) for p in rule.compiled.get("all", ())]
    if all(found):
        if state is True and rule.compiled.get("prescribed"):
            ctx.prescribed.extend(
                _sentence_span(text, m.start(), m.end()) for m in found if m is not None
            )
        return
    if isinstance(state, str):
        yield from ask(rule, state, a, ctx)
        return
    yield _whole(rule, a, ctx, severity_for(rule, ctx.letter))


_CONDITION = re.compile(
    r"\b(?:if|unless|until|when|because)\b[^,;]*?(?:\bnot\b|n't\b|\bnever\b)\s+\w+", re.I
)
_NEGATION = re.compile(r"\b(?:not|never|no|cannot)\b|n't\b|\bwithout\b", re.I)
_NOT_A_NEGATION = re.compile(
    r"\b(?:not|never)\s+hesitate\b|\bno\s+(?:choice|option|alternative)\b|\bnot\s+only\b", re.I
)


def negated(clause: str) -> bool:
    """Whether the clause before a match negates it ("we will not sue", "you will never be
    arrested"); a condition on the reader ("if the balance is not paid, ...") does not, nor
    does "we will not hesitate to"."""
    clause = _NOT_A_NEGATION.sub(" ", _CONDITION.sub(" ", clause))
    return bool(_NEGATION.search(clause))


@register(
    "forbidden-wording",
    ("patterns", "unless-negated", "unless-sentence", "case-sensitive", *COMMON),
    prepare,
)
def forbidden_wording(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Wording the letter must not contain (negated statements are not threats)."""
    state = applies(rule, ctx.letter)
    if state is False:
        return

    o = rule.compiled
    severity = severity_for(rule, ctx.letter)
    text = a.original
    for p in o.get("patterns", ()):
        for m in p.finditer(text):
            s, e = m.span()
            if s == e or a.in_placeholder(s, e):
                continue
            if o.get("unless-negated") and negated(clause_before(a, s)[-200:]):
                continue
            if "unless-sentence" in o:
                sent = a.sentence_at(s)
                line = text[sent[0] : sent[1]] if sent else text[max(0, s - 200) : e + 200]
                if any(u.search(line) for u in o["unless-sentence"]):
                    continue
            if isinstance(state, str):
                yield from ask(rule, state, a, ctx)
                return
            yield _hit(rule, s, e, m.group(0), severity=severity)


_DISPUTE = re.compile(r"\bdisput|\bcall or write\b|\bwrite to us\b", re.I)
_WITHIN_DAYS = re.compile(
    r"\bwithin\s+(?P<n>\d+|thirty|thirty-\w+|fourteen|seven|ten)\s+(?:calendar\s+|working\s+|business\s+)?days\b",
    re.I,
)
_WORD_NUMBERS = {"seven": 7, "ten": 10, "fourteen": 14, "thirty": 30}


def _days(word: str) -> int:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return _WORD_NUMBERS.get(w.split("-")[0], 30) + (1 if "-" in w else 0)


def _sentences_matching(a: Analysis, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    text = a.original
    return [(s, e) for s, e in a.sentences if pattern.search(text, s, e)]


@register("validation-end-date", ("mode", *COMMON), prepare)
def validation_end_date(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """The validation period's end date (12 CFR 1006.34(b)(5), (c)(3)).

    ``mode: stated``: the dispute statements give a calendar date, not "within 30 days".
    ``mode: timely``: that date is at least 30 days after the assumed receipt (sent date
    plus five days, not counting weekends and US federal holidays).
    """
    state = applies(rule, ctx.letter)
    if state is False:
        return
    text = a.original
    day_first = not (ctx.letter.country == "US")
    sents = _sentences_matching(a, _DISPUTE)
    found = [d for s, e in sents for d in dates_in(text, s, e, day_first=day_first)]
    placeholder = any(re.search(rf"\bby\s+{_PLACEHOLDER}", text[s:e]) for s, e in sents)
    if rule.compiled.get("mode") == "stated":
        if found or placeholder:
            return
        if isinstance(state, str):
            yield from ask(rule, state, a, ctx)
            return
        for s, e in sents:
            m = _WITHIN_DAYS.search(text, s, e)
            if m:
                yield _hit(
                    rule, m.start(), m.end(), m.group(0), severity=severity_for(rule, ctx.letter)
                )
                return
        yield _whole(rule, a, ctx, severity_for(rule, ctx.letter), text="(no date)")
        return
    if not found:
        return
    sent = ctx.letter.sent_date
    if isinstance(state, str) or sent is None:
        yield from ask(rule, state if isinstance(state, str) else "sent-date", a, ctx)
        return
    receipt, earliest = earliest_validation_end(sent)
    for s, e, d in found:
        if d < earliest:
            yield _hit(
                rule,
                s,
                e,
                text[s:e],
                severity=severity_for(rule, ctx.letter),
                earliest=f"{earliest:%B} {earliest.day}, {earliest.year}",
                receipt=f"{receipt:%B} {receipt.day}, {receipt.year}",
                sent=sent.isoformat(),
            )


_LETTER_DATE_LINE = re.compile(
    rf"^[ \t]*(?:date[d:]?\s*)?(?:{WEEKDAY_PATTERN},?\s+)?(?P<date>{DATE_PATTERN})[ \t]*$",
    re.I | re.M,
)


def letter_date(a: Analysis, letter: LetterContext, day_first: bool) -> dt.date | None:
    """The date the letter was sent: ``sent-date``, else a date on a line of its own."""
    if letter.sent_date is not None:
        return letter.sent_date
    m = _LETTER_DATE_LINE.search(a.original)
    return calendar_date(m.group("date"), day_first=day_first) if m else None


@register("deadline-days", ("min-days", "keywords", "missing-message", *COMMON), prepare)
def deadline_days(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """A period the letter must give (30 days to reply to a Letter of Claim, 14 days to
    remedy a default): "within N days" or a date, counted from the letter's date."""
    state = applies(rule, ctx.letter)
    if state is False:
        return
    o = rule.compiled
    need = int(o.get("min-days", 30))
    text = a.original
    day_first = ctx.letter.country != "US"
    severity = severity_for(rule, ctx.letter)
    keywords = o.get("keywords", ())
    sents = [(s, e) for s, e in a.sentences if any(k.search(text, s, e) for k in keywords)]
    periods = [m for s, e in sents for m in _WITHIN_DAYS.finditer(text, s, e)]
    deadlines = [
        d
        for s, e in sents
        for d in dates_in(text, s, e, day_first=day_first)
        if re.search(
            r"\b(?:by|before|until|no later than|on or before)\s*$",
            text[max(s, d[0] - 20) : d[0]],
            re.I,
        )
    ]
    if isinstance(state, str):
        if not periods and not deadlines:
            return
        yield from ask(rule, state, a, ctx)
        return
    if not periods and not deadlines:
        yield _whole(rule, a, ctx, severity, days=need, text=str(o.get("missing-message", "")))
        return
    for m in periods:
        n = _days(m.group("n"))
        if n < need:
            yield _hit(rule, m.start(), m.end(), m.group(0), severity=severity, days=need, given=n)
    if deadlines:
        sent = letter_date(a, ctx.letter, day_first)
        if sent is None:
            if not periods:
                yield from ask(rule, "sent-date", a, ctx)
            return
        for s, e, d in deadlines:
            if d != sent and (d - sent).days < need:
                yield _hit(
                    rule, s, e, text[s:e], severity=severity, days=need, given=(d - sent).days
                )


_ITEM_LINES = {
    "owed": re.compile(
        r"\byou owed\b|\bamount (?:of the debt )?on the itemi[sz]ation date\b", re.I
    ),
    "interest": re.compile(r"\binterest\b", re.I),
    "fees": re.compile(r"\bfees?\b|\bcharges?\b", re.I),
    "credits": re.compile(r"\bpaid\b|\bcredited\b|\bpayments?\b|\bcredits?\b", re.I),
    "total": re.compile(
        r"\btotal amount of the debt now\b|\btotal (?:now|due now|owed now)\b"
        r"|\bcurrent amount\b|\byou now owe\b",
        re.I,
    ),
}


@register("itemization-arithmetic", COMMON, prepare)
def itemization_arithmetic(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Amount on the itemization date + interest + fees - payments and credits = current
    amount (12 CFR 1006.34(c)(2)(vii)-(ix)), read from lines holding one sum each."""
    state = applies(rule, ctx.letter)
    if state is not True:
        return
    text = a.original
    got: dict[str, tuple[Decimal, int, int]] = {}
    for line in re.finditer(r"[^\n]+", text):
        sums = list(AMOUNT.finditer(line.group(0)))
        if len(sums) != 1:
            continue
        value = amount_value(sums[0].group(0))
        if value is None:
            continue
        for label in ("total", "owed", "interest", "fees", "credits"):  # most specific first
            if label not in got and _ITEM_LINES[label].search(line.group(0)):
                got[label] = (value, line.start() + sums[0].start(), line.start() + sums[0].end())
                break
    if "owed" not in got or "total" not in got:
        return
    zero = Decimal(0)
    expected = (
        got["owed"][0]
        + got.get("interest", (zero,))[0]
        + got.get("fees", (zero,))[0]
        - got.get("credits", (zero,))[0]
    )
    total, s, e = got["total"]
    if abs(expected - total) > Decimal("0.005"):
        yield _hit(
            rule,
            s,
            e,
            text[s:e],
            severity=severity_for(rule, ctx.letter),
            expected=f"{expected:,.2f}",
        )


_BANDS = ((Decimal("1000"), Decimal(40)), (Decimal("10000"), Decimal(70)), (None, Decimal(100)))
_COMPENSATION = re.compile(
    r"\bcompensation\b|\blate payment (?:fee|charge)\b|\bfixed (?:sum|fee|charge)\b", re.I
)


@register("late-payment-compensation", COMMON, prepare)
def late_payment_compensation(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """The fixed sum of the Late Payment Act (s.5A): £40 under £1,000, £70 under £10,000,
    else £100, against the largest other sum in the letter (the debt)."""
    state = applies(rule, ctx.letter)
    if state is not True:
        return
    text = a.original
    claimed = []
    others: list[Decimal] = []
    for s, e in a.sentences:
        sums = [
            (m, amount_value(m.group(0))) for m in AMOUNT.finditer(text, s, e) if "£" in m.group(0)
        ]
        if _COMPENSATION.search(text, s, e):
            claimed.extend((m, v) for m, v in sums if v is not None)
        else:
            others.extend(v for _, v in sums if v is not None)
    if not claimed or not others:
        return
    debt = max(others)
    band = next(fee for limit, fee in _BANDS if limit is None or debt < limit)
    for m, value in claimed:
        if value in (Decimal(40), Decimal(70), Decimal(100)) and value != band:
            yield _hit(
                rule,
                m.start(),
                m.end(),
                m.group(0),
                severity=severity_for(rule, ctx.letter),
                expected=f"£{band}",
                debt=f"£{debt:,.2f}",
            )


__all__ = ["add_business_days", "dates_in", "earliest_validation_end", "expand"]
