"""What a regular expression needs: used to skip patterns that cannot match.

Trying a few substrings with ``in`` is far cheaper than scanning a letter with a large
regular expression, so each pattern is gated by the literal words any match must
contain (measured: the threat rules ran three times faster).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_MAX_EXACT = 32
"""The most strings an exact set may hold before it is not worth tracking."""

try:
    from re import _constants as _C  # Python 3.11+
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    _C = _sre_parse = None  # type: ignore[assignment]


@lru_cache(maxsize=2048)
def _parse(pattern: str, flags: int) -> Any:
    """The parsed pattern, shared: the gates (two lengths) and the lead words of one
    pattern read the same tree, and only read it."""
    if _sre_parse is None:  # pragma: no cover
        return None
    try:
        return _sre_parse.parse(pattern, flags)
    except Exception:
        return None


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > _MAX_EXACT:
        return None
    return {a + b for a in left for b in right}


def _zero_width(op: Any) -> bool:
    """\\b, ^, $ and look-arounds consume nothing: the pieces either side still touch."""
    return op is _C.AT or op is _C.ASSERT or op is _C.ASSERT_NOT


def _exact_seq(items: Any) -> set[str] | None:
    """The exact (lower-case) strings a sequence matches, if it is a few literal choices."""
    out: set[str] | None = {""}
    for op, av in items:
        if op is _C.AT:
            continue
        e = _exact(op, av)
        if e is None or out is None:
            return None
        out = _product(out, e)
    return out


def _exact(op: Any, av: Any) -> set[str] | None:
    if op is _C.LITERAL:
        return {chr(av).lower()}
    if op is _C.SUBPATTERN:
        return _exact_seq(av[-1])
    if op is _C.BRANCH:
        alts = [_exact_seq(alt) for alt in av[1]]
        if any(a is None for a in alts):
            return None
        union = set().union(*alts)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_EXACT else None
    if op is _C.IN and av and all(o is _C.LITERAL for o, _ in av):
        return {chr(v).lower() for _, v in av}
    return None


def required_literals(pattern: str, flags: int = 0, min_len: int = 3) -> frozenset[str] | None:
    """Lower-case strings of which a match of ``pattern`` must contain at least one.

    Read from the parsed pattern: a run of pieces that each match one of a few exact
    strings (literal characters, a group of literal alternatives such as
    ``su(?:e|ed|ing)``, a small character set such as ``['’]``) is required as the set
    of their concatenations; a group or a repeat of at least once passes on its child's
    requirement; a branch requires one of its alternatives' sets. Of the requirements in
    a sequence the most selective is kept. None when nothing useful is required (then
    the pattern always runs). Sound by construction: it never skips a pattern that could
    match.
    """
    tree = _parse(pattern, flags)
    if tree is None:
        return None

    def req(items: Any) -> frozenset[str] | None:
        factors: list[frozenset[str]] = []
        run: set[str] = {""}

        def flush() -> None:
            nonlocal run
            if run != {""}:
                factors.append(frozenset(run))
            run = {""}

        for op, av in items:
            if op is _C.AT:
                continue  # zero-width: the pieces either side still touch
            e = _exact(op, av)
            if e is not None and "" not in e:
                joined = _product(run, e)
                if joined is None:
                    flush()
                    joined = e
                run = joined
                continue
            flush()
            if op is _C.SUBPATTERN:
                r = req(av[-1])
                if r:
                    factors.append(r)
            elif op is _C.BRANCH:
                alts = [req(alt) for alt in av[1]]
                if all(alts):
                    factors.append(frozenset().union(*alts))  # type: ignore[arg-type]
            elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
                r = req(av[2])
                if r:
                    factors.append(r)
        flush()
        good = [f for f in factors if min(len(x) for x in f) >= min_len]
        if not good:
            return None
        # prefer words that letters rarely use: "bailiff" says more than "your"
        return max(
            good, key=lambda f: (not any(_common(x) for x in f), min(len(x) for x in f), -len(f))
        )

    return req(list(tree))


def leading_literals(pattern: str, flags: int = 0, min_len: int = 2) -> frozenset[str] | None:
    """Lower-case strings one of which every match of ``pattern`` starts with.

    ``\\b(?:will|shall|going\\s+to)\\s+...`` starts with will, shall or going. A
    match can then only start where one of them occurs, so instead of scanning the
    letter the pattern is tried (``match``) at those offsets alone: the same matches as
    ``finditer``, found in a fraction of the time. None when a match could start with
    anything else, or with a string shorter than ``min_len``.
    """
    tree = _parse(pattern, flags)
    if tree is None:
        return None
    lead = _leading_seq(list(tree))
    if not lead or min(len(x) for x in lead) < min_len:
        return None
    return frozenset(lead)


def _leading_seq(items: Any) -> set[str] | None:
    items = list(items)
    run: set[str] = {""}
    for k, (op, av) in enumerate(items):
        if _zero_width(op):
            continue
        if run == {""} and op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] == 0:
            # an optional start ("(?:made\\s+)?payable"): a match starts with the
            # optional piece or with what follows it
            opt, rest = _leading_seq(av[2]), _leading_seq(items[k + 1 :])
            if not opt or not rest or len(opt | rest) > 4 * _MAX_EXACT:
                return None
            return opt | rest
        e = _exact(op, av)
        if e is not None and "" not in e:
            joined = _product(run, e)
            if joined is None:
                break
            run = joined
            continue
        lead = _leading(op, av)
        if run == {""}:
            return lead
        if lead:  # "l" then (?:aw...|itigat...): law or litigat
            run = _product(run, lead) or run
        break
    return run if run != {""} else None


def _leading(op: Any, av: Any) -> set[str] | None:
    """The strings every match of one (not exact) piece starts with."""
    if op is _C.SUBPATTERN:
        return _leading_seq(av[-1])
    if op is _C.BRANCH:
        alts = [_leading_seq(alt) for alt in av[1]]
        if any(not a for a in alts):
            return None
        union = set().union(*alts)  # type: ignore[arg-type]
        return union if len(union) <= 4 * _MAX_EXACT else None
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
        return _leading_seq(av[2])
    return None


#: Words in almost every letter: a gate made of them lets nearly every letter through.
COMMON_WORDS = frozenset(
    """
you your yours the and for are was were will with this that have has had not our ours can may
pay paid payment payments account accounts letter letters notice request further day days date
call come know aware please amount balance due owe owed owing now time must need would could should
out about from into upon any all been being its it's they them their there then than when what
""".split()
)


def _common(literal: str) -> bool:
    words = literal.strip().split()
    return bool(words) and all(w.strip(".,;:'") in COMMON_WORDS for w in words)


def has_upper_literal(pattern: str) -> bool:
    """True when a pattern has an upper-case letter outside an escape (\\S, \\W, ...)."""
    return any(c.isupper() for c in re.sub(r"\\.", "", pattern))


# --------------------------------------------------------------------------- per letter


def _fold_risky_chars() -> frozenset[str]:
    """Characters that ``re.IGNORECASE`` matches differently from ``str.lower()``.

    Python's case-insensitive matching treats a few characters as equal to others
    (``ſ`` to ``s``, ``ı`` to ``i``, Greek and Cyrillic variants, see ``re._casefix``),
    and ``str.lower()`` turns a final ``Σ`` into ``ς``. A text with none of them matches
    a case-insensitive pattern exactly where its lower-cased copy matches the pattern
    without the flag (when lower-casing keeps the length and the pattern has no
    upper-case literal).
    """
    try:
        from re._casefix import _EXTRA_CASES as extra
    except ImportError:  # pragma: no cover - layout of other Python versions
        extra = {}
    out: set[str] = {"\u03a3", "\u0130"}
    for k, v in extra.items():
        for ch in map(chr, (k, *v)):
            out.update(c for c in (ch, ch.upper(), ch.lower(), ch.title()) if len(c) == 1)
    return frozenset(c for c in out if not c.isascii())


_FOLD_RISKY = re.compile("[" + re.escape("".join(sorted(_fold_risky_chars()))) + "]")


@lru_cache(maxsize=1)
def _ascii_fold_table() -> dict[int, str]:
    """Each fold-risky character that ``re.IGNORECASE`` equates with an ASCII letter, and
    that letter."""
    table: dict[int, str] = {}
    for c in _fold_risky_chars():
        for a in "abcdefghijklmnopqrstuvwxyz":
            if re.fullmatch(re.escape(c), a, re.IGNORECASE):
                table[ord(c)] = a
                break
    table[0x0130] = "i"  # "İ", which lower-cases to two characters
    return table


def ascii_folded(text: str) -> str:
    """``text`` with the characters case-insensitive matching equates with ASCII letters
    replaced by those letters ("actıon" → "action"); the length is kept."""
    return text.translate(_ascii_fold_table())


def lower_is_exact(text: str, lowered: str) -> bool:
    """Whether case-insensitive patterns may run on ``lowered`` without the flag (see above)."""
    return len(lowered) == len(text) and (text.isascii() or _FOLD_RISKY.search(text) is None)


def case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    r"""``pattern`` without IGNORECASE, for searching lower-cased text; None if that could differ.

    A capital the pattern spells out (``(?:we|I)\s+can``, ``\bRs\.?``) is lowered first
    (`lowered_capitals`): under IGNORECASE that changes nothing, and the twin then runs
    on the lower-cased letter like the others instead of the letter being searched with
    the flag (the slowest presence searches were two such patterns)."""
    if not pattern.flags & re.IGNORECASE:
        return None
    source = pattern.pattern
    if has_upper_literal(source):
        lowered = lowered_capitals(source)
        if lowered is None or has_upper_literal(lowered):
            return None
        source = lowered
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


# where a letter's case may matter even under IGNORECASE: a flag turned off inside the
# pattern ("(?-i:X)"), a group name ("(?P<Name>", "(?(Name)"), a character given by its
# code or name ("\x41", "\N{...}"), a back reference
_CASE_KEPT = re.compile(r"\(\?[a-zA-Z]*-|\(\?P|\(\?\(|\\[xuUN0-9]")


def lowered_capitals(pattern: str) -> str | None:
    r"""``pattern`` with the capitals A-Z it spells out in lower case, which a pattern
    compiled with IGNORECASE matches the same; escapes (``\S``, ``\W``) are kept. None
    when that is not sure to be the same pattern: a character class with a capital in
    it (``[A-z]`` is not ``[a-z]``), or anything `_CASE_KEPT` finds."""
    if _CASE_KEPT.search(pattern):
        return None
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":  # a class, as written: up to the first "]" that is not its first
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            cls = pattern[i : j + 1]
            if has_upper_literal(cls):
                return None
            out.append(cls)
            i = j + 1
        else:
            out.append(c.lower() if "A" <= c <= "Z" else c)
            i += 1
    return "".join(out)


class LiteralIndex:
    """Where the gate words occur in a lower-cased letter, all found in one pass.

    An Aho-Corasick automaton (pyahocorasick, in C) reports every occurrence of every
    literal, overlapping ones included, in one scan: the same positions as calling
    ``str.find`` for each literal in turn, about ten times faster for the ~200 literals
    the core rules need.
    """

    def __init__(self, literals: set[str] | frozenset[str]) -> None:
        import ahocorasick

        self._auto: Any = None
        if literals:
            auto = ahocorasick.Automaton()
            for lit in sorted(literals):
                auto.add_word(lit, (lit, len(lit) - 1))
            auto.make_automaton()
            self._auto = auto

    def find(self, lowered: str) -> dict[str, list[int]]:
        """Start offsets of each literal found in ``lowered`` (ascending); absent ones left out."""
        occ: dict[str, list[int]] = {}
        if self._auto is None:
            return occ
        for end, (lit, back) in self._auto.iter(lowered):
            pos = occ.get(lit)
            if pos is None:
                occ[lit] = [end - back]
            else:
                pos.append(end - back)
        return occ
