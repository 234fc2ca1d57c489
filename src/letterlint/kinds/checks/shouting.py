"""Shouting: words and lines in capitals (a heading, a label or a reference code is not
shouting)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from letterlint.kinds.checks import CheckContext, _hit, register
from letterlint.language.analysis import dictionary_words

if TYPE_CHECKING:
    from letterlint.kinds.matching import Hit
    from letterlint.language.analysis import Analysis
    from letterlint.rulebook.loader import Rule


def _prep_shouting(opts: dict[str, Any]) -> dict[str, Any]:
    opts = dict(opts)
    opts["acronyms"] = frozenset(a.upper() for a in opts.get("acronyms", ()))
    names = sorted(opts.get("names", ()), key=len, reverse=True)
    opts["names"] = (
        # re.escape leaves "'" as it is: either apostrophe matches it
        re.compile("|".join(rf"\b{re.escape(n)}\b" for n in names).replace("'", "['’]"), re.I)
        if names
        else None
    )
    opts["canonical"] = {n.lower().replace("’", "'"): n for n in names}
    return opts


def _with_names(s: str, opts: dict[str, Any]) -> str:
    """Proper names ("Citizens Advice Bureau", "Trading Standards") as they are written."""
    rx = opts.get("names")
    if rx is None:
        return s
    canonical = opts["canonical"]

    def name(m: re.Match[str]) -> str:
        spelled = canonical.get(m.group(0).lower().replace("’", "'"), m.group(0))
        return spelled.replace("'", "’") if "’" in m.group(0) else spelled

    return rx.sub(name, s)


# Two capitals in a row (Latin scripts): without them no word can shout. Characters of
# Latin Extended-A are all let through, so the test never hides a real run.
_CAPS_PAIR = re.compile("[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f]{2}")


@register("shouting", ("acronyms", "min-letters-single", "names"), _prep_shouting)
def shouting(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Runs of capitals that are not acronyms, and .docx text formatted as all caps."""
    acronyms = rule.compiled.get("acronyms", frozenset())
    single_min = int(rule.compiled.get("min-letters-single", 5))
    text = a.text
    run: list[Any] = []

    def flush() -> Iterator[Hit]:
        if not run:
            return
        words = [text[t.start : t.end].strip("'’") for t in run]
        shouty = [w for w in words if w.upper() not in acronyms]
        if (len(words) >= 2 and shouty and any(len(w) >= 2 for w in shouty)) or (
            len(words) == 1 and shouty and len(shouty[0]) >= single_min and _is_word(shouty[0])
        ):
            start = run[0].start
            end = run[-1].end
            kind = _caps_role(text, start, end, len(words))
            if kind == "label":
                return
            original = a.original[start:end]
            yield _hit(
                rule,
                start,
                end,
                original,
                suggestion=_with_names(
                    _name_case(original, acronyms)
                    if _is_firm_name(words)
                    else _sentence_case(original, acronyms),
                    rule.compiled,
                ),
                fix=rule.fix,
                severity="info" if kind == "heading" else None,
            )

    toks = a.toks
    # where every capital is A-Z, runs are walked only from where one may start
    starts_only = True
    if text.isascii():
        ranges = _capital_starts(a) if _CAPS_PAIR.search(text) else []
    elif _capitals_plain(text):  # "£", "’", "é": the same walk, as every sentence was walked
        ranges = _capital_starts(a)
    else:
        ranges = a.sentence_toks
        starts_only = False
    walked = 0  # tokens before this one were looked at already
    for first, last in ranges:
        if first < walked:
            continue  # inside a stretch already walked (a run's second word)
        j = first
        while j < last:
            tok = toks[j]
            j += 1
            t = text[tok.start : tok.end]
            if (
                t.isupper()
                and not any(c.isdigit() for c in t)
                and (run or sum(c.isalpha() for c in t) >= 2)
                and not a.in_placeholder(tok.start, tok.end)
            ):
                run.append(tok)
            elif tok.punct and run and t not in ".!?\n":
                continue
            elif tok.space and run and "\n" not in t:
                continue
            elif run:  # (most tokens end no run: no flush generator for them)
                yield from flush()
                run = []
            elif starts_only:
                break  # no run: the next can only start at a later capital
        walked = j
        if run:
            yield from flush()
            run = []
    # .docx runs formatted as capitals (w:caps) shout even when typed in lower case
    for fmt in a.formatting:
        if getattr(fmt, "caps", False):
            seg = text[fmt.start : fmt.end]
            if len(seg.split()) >= 2 and not seg.isupper():
                yield _hit(rule, fmt.start, fmt.end, a.original[fmt.start : fmt.end])


# Where a token in capitals with two letters or more may be: two capitals with nothing
# between them but characters a token in capitals can hold (no white space, no a-z).
_CAPS_TOKEN = re.compile(r"[A-Z][^\sa-z]*[A-Z]")
_AFTER_ANY_END = float("inf")


def _capital_starts(a: Analysis) -> list[tuple[int, int]]:
    """In a letter whose capitals are all ASCII and whose letters all have a case (see
    `_capitals_plain`), where a run of capitals may start: each token touched by a
    match of `_CAPS_TOKEN`, and the end of its sentence's tokens.

    A run starts at a token in capitals with at least two letters, all of them then in
    ``A-Z``: its first two capitals and what lies between match ``_CAPS_TOKEN`` (or an
    earlier match reaches over the first). Walking from these alone (and stopping where
    no run goes on) finds the runs a walk over every token of every sentence finds: a
    token without a run before it changes nothing. Most letters have a few such places;
    an ``isupper`` for each of their tokens cost more than the rest of the check.
    """
    toks, sents = a.toks, a.sentence_toks
    sent_firsts = [s for s, _ in sents]
    out: list[tuple[int, int]] = []
    prev = -1
    for m in _CAPS_TOKEN.finditer(a.text):
        # the tokens the match touches (a `Tok` starts with its offset: tuples compare)
        first = bisect_right(toks, (m.start(), _AFTER_ANY_END)) - 1
        last = bisect_right(toks, (m.end() - 1, _AFTER_ANY_END)) - 1
        for i in range(max(first, prev + 1), last + 1):
            prev = i
            k = bisect_right(sent_firsts, i) - 1
            if k >= 0 and i < sents[k][1]:  # (white space between sentences holds none)
                out.append((i, sents[k][1]))
    return out


def _capitals_plain(text: str) -> bool:
    """Whether every upper-case character of ``text`` is one of ``A-Z`` and every letter
    has a case (no letter of a script without capitals).

    Then a token in capitals (``str.isupper``: it has an upper-case character) with two
    letters has two of ``A-Z``, which `_capital_starts` looks for. True for most letters
    that are not ASCII: "£", "€", dashes, curly quotes and "é" qualify.
    """
    return not any(
        c.isupper() or (c.isalpha() and not c.islower() and not c.istitle())
        for c in set(text)
        if not c.isascii()
    )


def _is_word(word: str) -> bool:
    """A dictionary word ("BALANCE"), not a reference code such as "RMDEF"."""
    return word.lower().strip("'’") in dictionary_words()


_MAX_HEADING_WORDS = 8


def _caps_role(text: str, start: int, end: int, n_words: int) -> str:
    """What a run of capitals is doing: a form label, a heading, or shouting in a sentence.

    A label ("ACCOUNT NO:") names a field and is never shouting; a short line all in
    capitals is a heading (or a table header), which is advice to change rather than a
    warning; capitals inside running text shout.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    after = text[end:line_end].lstrip()
    if after.startswith(":") and n_words <= 4:
        value = after[1:].lstrip()
        if not value or not value[0].islower():
            return "label"  # "ACCOUNT NO: 12345", "SUBJECT: Your invoice"; not "NOTE: pay now"
    before = text[line_start:start]
    rest = text[end:line_end]
    whole_line = not any(c.isalpha() for c in before) and not any(c.isalpha() for c in rest)
    if whole_line and n_words <= _MAX_HEADING_WORDS and not any(c in ".!?" for c in rest):
        return "heading"
    return "shout"


#: Words that end a firm's name: "BRACKENFORD FINANCE PLC" is a name, whose words keep
#: their capital ("Brackenford Finance PLC"), not a sentence.
_FIRM_ENDINGS = frozenset(
    {"PLC", "LTD", "LIMITED", "LLC", "LLP", "INC", "CORP", "CORPORATION", "GMBH", "CIC", "LP"}
)


#: Firm endings written in capitals ("PLC"), and one with its own spelling; the rest are
#: capitalised like any word of a name ("Ltd", "Limited", "Inc").
_FIRM_INITIALS = frozenset({"PLC", "LLC", "LLP", "CIC", "LP"})
_FIRM_SPELLING = {"GMBH": "GmbH"}


def _is_firm_name(words: list[str]) -> bool:
    return len(words) >= 2 and words[-1].rstrip(".").upper() in _FIRM_ENDINGS


def _name_case(s: str, acronyms: frozenset[str]) -> str:
    """A name in capitals with each word capitalised; acronyms and initials as written."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if w.upper() in acronyms or w.upper() in _FIRM_INITIALS:
            return w
        return _FIRM_SPELLING.get(w.upper(), w.capitalize())

    return re.sub(r"[A-Za-z'’]+", word, s)


def _sentence_case(s: str, acronyms: frozenset[str]) -> str:
    out = []
    first = True
    for m in re.finditer(r"[A-Za-z'’]+|[^A-Za-z'’]+", s):
        w = m.group(0)
        if w[:1].isalpha():
            if w.upper() in acronyms:
                out.append(w)
            else:
                out.append(w.capitalize() if first else w.lower())
            first = False
        else:
            out.append(w)
            if any(c in ".!?" for c in w):
                first = True
    return "".join(out)
