"""The rule kinds: for each, the keys and options its rules may have, and how the rulebook
compiles a rule of that kind.

A rule file is data; this table says what each ``kind:`` accepts. The rulebook validates
every rule against it and stores what compiling produces (patterns, word sets, frames) in
`Rule.compiled`, never in the rule's own ``options``, so a rule compares by what its file
says. Running the compiled rules is `matching.CompiledRules` (terms, regex, presence, in one
pass per letter), `frames.FrameRunner` (frames) and `checks.CHECKS` (Python checks).
Errors name the rule file and line (`RuleFileError`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from letterlint.kinds.checks import CHECKS
from letterlint.kinds.frames import Frame, Lexicon, closure
from letterlint.language.facts import AMOUNT_PATTERN, DATE_FIELD_PATTERN, DATE_PATTERN


class RuleFileError(Exception):
    """A rule file is invalid; the message names the file and line."""


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    suggestion: str | None = None


def rule_error(path: str, line: int, msg: str) -> RuleFileError:
    return RuleFileError(f"{path}:{line}: {msg}")


def str_list(value: Any, path: str, line: int, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise rule_error(path, line, f"'{key}' must be a list of strings")
    return tuple(value)


def compile_pattern(pattern: str, flags: int, path: str, line: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise rule_error(path, line, f"bad regular expression {pattern!r}: {exc}") from None


# `{slot}` in a presence pattern stands for any placeholder: the analysis masks each one as
# a capital X followed by lower-case x's of the same length ("by {$today10}" → "by Xxxxxxxxxx").
SLOT_PATTERN = r"(?-i:\bXx*\b)"
#: Macros of presence patterns: `{slot}`, and `{date}` / `{amount}`, a calendar date and a sum
#: of money as `letterlint.language.facts` defines them (the rewrite reads a letter's dates
#: and amounts with the same patterns, so LL403 and the rewrite agree on what a date is), and
#: `{date-field}`, the name of a merge field that holds a date.
PATTERN_MACROS = {
    "{slot}": SLOT_PATTERN,
    "{date}": f"(?:{DATE_PATTERN})",
    "{amount}": f"(?-i:{AMOUNT_PATTERN})",
    "{date-field}": f"(?:{DATE_FIELD_PATTERN})",  # for `placeholder-names`
}


def _expand_macros(pattern: str) -> str:
    for macro, regex in PATTERN_MACROS.items():
        pattern = pattern.replace(macro, regex)
    return pattern


_FRAME_KEYS = {
    "find",
    "with",
    "within",
    "unless",
    "unless-within",
    "unless-next",
    "unless-inside",
    "except-in",
    "hedge",
    "pressure",
    "hedged-severity",
    "pressed-severity",
    "alone",
    "suggest",
}


def _name_list(
    value: Any, path: str, line: int, key: str, lexicons: dict[str, Lexicon]
) -> tuple[str, ...]:
    names = str_list(value, path, line, key)
    for n in names:
        if n not in lexicons:
            raise rule_error(
                path,
                line,
                f"unknown lexicon {n!r} in frame.{key}; known: {', '.join(sorted(lexicons))}",
            )
    return names


def compile_frame(raw: Any, path: str, line: int, lexicons: dict[str, Lexicon]) -> Frame:
    if not isinstance(raw, dict) or "find" not in raw:
        raise rule_error(path, line, "a frame rule needs a 'frame' mapping with at least 'find'")
    line = getattr(raw, "line", line)
    bad = set(raw) - _FRAME_KEYS
    if bad:
        raise rule_error(
            path, raw.lines.get(sorted(bad)[0], line), f"unknown frame key {sorted(bad)[0]!r}"
        )
    names = {
        k: _name_list(raw.get(k, []), path, raw.lines.get(k, line), k, lexicons)
        for k in (
            "find",
            "with",
            "unless",
            "unless-next",
            "unless-inside",
            "except-in",
            "hedge",
            "pressure",
        )
    }
    if not names["find"]:
        raise rule_error(path, line, "frame.find names no lexicon")
    ints = {}
    for k, default in (("within", 20), ("unless-within", 4), ("alone", 0)):
        v = raw.get(k, default)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 60:
            raise rule_error(
                path, raw.lines.get(k, line), f"frame.{k} must be a number of words from 0 to 60"
            )
        ints[k] = v
    for key in ("hedged-severity", "pressed-severity"):
        if raw.get(key) is not None and raw[key] not in ("error", "warning", "info"):
            raise rule_error(path, raw.lines.get(key, line), f"bad {key}")
    suggest = raw.get("suggest") or {}
    if not isinstance(suggest, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in suggest.items()
    ):
        raise rule_error(
            path, raw.lines.get("suggest", line), "frame.suggest maps matched text to a replacement"
        )
    hedged = raw.get("hedged-severity")
    used = set().union(*names.values())
    return Frame(
        find=names["find"],
        with_=names["with"],
        within=ints["within"],
        unless=names["unless"],
        unless_within=ints["unless-within"],
        unless_next=names["unless-next"],
        unless_inside=names["unless-inside"],
        except_in=names["except-in"],
        hedge=names["hedge"],
        pressure=names["pressure"],
        hedged_severity=hedged,
        pressed_severity=raw.get("pressed-severity"),
        alone=ints["alone"],
        suggest=tuple((" ".join(k.lower().split()), v) for k, v in suggest.items()),
        lexicons=closure(used, lexicons),
    )


Compile = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class RuleKind:
    """One kind of rule: the top-level keys its rules may have besides the common ones, the
    option keys it accepts (``None``: the check named by the rule decides), and its compile
    step (it validates the rule, fills the compiled options in place and returns the rule's
    kind-specific fields)."""

    name: str
    keys: frozenset[str]
    options: frozenset[str] | None
    compile: Compile


def _compile_terms(
    raw: Any, options: dict[str, Any], path: str, line: int, lines: dict[str, int], lexicons: Any
) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    terms = raw.get("terms")
    if not isinstance(terms, dict) or not terms:
        raise rule_error(
            path,
            lines.get("terms", line),
            "a terms rule needs a 'terms' mapping of phrase: suggestion",
        )
    pairs = []
    for phrase, sugg in terms.items():
        if not isinstance(phrase, str) or not (sugg is None or isinstance(sugg, str)):
            raise rule_error(
                path,
                getattr(terms, "lines", {}).get(phrase, line),
                f"bad term {phrase!r}: suggestion must be a string or null",
            )
        pairs.append((phrase.strip(), sugg))
    kw["terms"] = tuple(pairs)
    forms = raw.get("forms") or {}
    if not isinstance(forms, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in forms.items()
    ):
        raise rule_error(
            path, lines.get("forms", line), "'forms' must map inflected words to suggestions"
        )
    kw["forms"] = {k.lower(): v for k, v in forms.items()}
    for key in ("not-after", "not-before"):
        if key in options:
            options[key] = frozenset(
                w.lower() for w in str_list(options[key], path, lines.get("options", line), key)
            )
    return kw


def _compile_regex(
    raw: Any, options: dict[str, Any], path: str, line: int, lines: dict[str, int], lexicons: Any
) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    flags = 0 if options.get("case-sensitive") else re.IGNORECASE
    items = raw.get("patterns")
    if not isinstance(items, list) or not items:
        raise rule_error(
            path, lines.get("patterns", line), "a regex rule needs a non-empty 'patterns' list"
        )
    pats = []
    for item in items:
        if isinstance(item, str):
            pats.append(Pattern(compile_pattern(item, flags, path, lines.get("patterns", line))))
        elif (
            isinstance(item, dict)
            and "pattern" in item
            and not set(item) - {"pattern", "suggestion"}
        ):
            pats.append(
                Pattern(
                    compile_pattern(item["pattern"], flags, path, getattr(item, "line", line)),
                    item.get("suggestion"),
                )
            )
        else:
            raise rule_error(
                path,
                getattr(item, "line", lines.get("patterns", line)),
                "each pattern is a string or {pattern, suggestion}",
            )
    kw["patterns"] = tuple(pats)
    if "hedged-severity" in options and options["hedged-severity"] not in (
        "error",
        "warning",
        "info",
    ):
        raise rule_error(path, lines.get("options", line), "bad hedged-severity")
    if "unless-sentence" in options:
        options["unless-sentence"] = compile_pattern(
            options["unless-sentence"], re.IGNORECASE, path, lines.get("options", line)
        )
    return kw


def _compile_presence(
    raw: Any, options: dict[str, Any], path: str, line: int, lines: dict[str, int], lexicons: Any
) -> dict[str, Any]:
    for key in ("sentence-patterns", "text-patterns", "placeholder-names"):
        if key in options:
            flags = re.IGNORECASE | (re.MULTILINE if key != "placeholder-names" else 0)
            options[key] = tuple(
                compile_pattern(_expand_macros(p), flags, path, lines.get("options", line))
                for p in str_list(options[key], path, lines.get("options", line), key)
            )
    if "sentence-patterns" in options:
        # One alternation per kind is several times faster than each pattern per
        # sentence. Sentences are searched in place (pos/endpos), so patterns anchored
        # with '^' are tried with match() at the sentence start, the others with search().
        pats = [p.pattern for p in options["sentence-patterns"]]
        anchored = [p[1:] for p in pats if p.startswith("^")]
        floating = [p for p in pats if not p.startswith("^")]
        options["sentence-anchored"] = (
            re.compile("|".join(f"(?:{p})" for p in anchored), re.IGNORECASE) if anchored else None
        )
        options["sentence-floating"] = (
            re.compile("|".join(f"(?:{p})" for p in floating), re.IGNORECASE) if floating else None
        )
    if "only-if" in options:
        options["only-if"] = compile_pattern(
            options["only-if"], re.IGNORECASE, path, lines.get("options", line)
        )
    return {}


def _compile_check(
    raw: Any, options: dict[str, Any], path: str, line: int, lines: dict[str, int], lexicons: Any
) -> dict[str, Any]:
    """A check's options are validated and prepared by the check itself (in place, as every
    kind compiles them)."""
    kw: dict[str, Any] = {}
    check = raw.get("check")
    if check not in CHECKS:
        raise rule_error(
            path,
            lines.get("check", line),
            f"unknown check {check!r}; known: {', '.join(sorted(CHECKS))}",
        )
    spec = CHECKS[check]
    bad = set(options) - spec.options
    if bad:
        raise rule_error(
            path,
            lines.get("options", line),
            f"unknown option {sorted(bad)[0]!r} for check {check!r}",
        )
    kw["check"] = check
    try:
        prepared = spec.prepare(options)
    except (ValueError, re.error) as exc:
        raise rule_error(
            path, lines.get("options", line), f"bad options for check {check!r}: {exc}"
        ) from None
    if prepared is not options:  # most checks prepare a copy; a few take the options as they are
        options.clear()
        options.update(prepared)
    return kw


def _compile_frame(
    raw: Any,
    options: dict[str, Any],
    path: str,
    line: int,
    lines: dict[str, int],
    lexicons: dict[str, Lexicon],
) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    kw["frame"] = compile_frame(raw.get("frame"), path, lines.get("frame", line), lexicons or {})
    return kw


_OPTIONS = {
    "terms": {"not-after", "not-before", "skip-quoted"},
    "regex": {"case-sensitive", "unless-negated", "hedged-severity", "unless-sentence"},
    "presence": {"sentence-patterns", "text-patterns", "placeholder-names", "min-words", "only-if"},
}
#: Keys every rule may have besides the required ones.
COMMON_KEYS = frozenset({"superseded-by"})
RULE_KINDS: dict[str, RuleKind] = {
    "terms": RuleKind(
        "terms",
        frozenset({"terms", "forms", "options", "fix"}),
        frozenset(_OPTIONS["terms"]),
        _compile_terms,
    ),
    "regex": RuleKind(
        "regex",
        frozenset({"patterns", "options", "fix"}),
        frozenset(_OPTIONS["regex"]),
        _compile_regex,
    ),
    "presence": RuleKind(
        "presence",
        frozenset({"options", "fix"}),
        frozenset(_OPTIONS["presence"]),
        _compile_presence,
    ),
    "check": RuleKind("check", frozenset({"check", "options", "fix"}), None, _compile_check),
    "frame": RuleKind("frame", frozenset({"frame", "fix"}), frozenset(), _compile_frame),
}
