"""Rule files: load the YAML rule packs and validate them strictly.

A rule file that is wrong is a config error (exit 2) whose message names the file and
line, never a traceback: an unknown key, a missing key, a bad severity, a regular
expression that does not compile. See docs/rule-format.md for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .frames import Frame, Lexicon, closure
from .literals import required_literals
from .model import CATEGORIES

KINDS = ("terms", "regex", "presence", "check", "frame")
FIX_KINDS = ("safe", "unsafe", "display-only")
_CODE = re.compile(r"^LL\d{3}$")
_NAME = re.compile(r"^([a-z]+(?:-[a-z]+)*)\.[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = (
    "code",
    "name",
    "severity",
    "summary",
    "message",
    "rationale",
    "sources",
    "kind",
    "examples",
)
_COMMON = {"superseded-by"}
_ALLOWED = {
    "terms": {"terms", "forms", "options", "fix"} | _COMMON,
    "regex": {"patterns", "options", "fix"} | _COMMON,
    "presence": {"options", "fix"} | _COMMON,
    "check": {"check", "options", "fix"} | _COMMON,
    "frame": {"frame", "fix"} | _COMMON,
}
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
_LEXICON_KEYS = {"means", "phrases", "sequences", "exact"}
_OPTIONS = {
    "terms": {"not-after", "not-before", "skip-quoted"},
    "regex": {"case-sensitive", "unless-negated", "hedged-severity", "unless-sentence"},
    "presence": {"sentence-patterns", "text-patterns", "placeholder-names", "min-words", "only-if"},
}
CATEGORY_DIGIT = {c: str(i + 1) for i, c in enumerate(CATEGORIES)}
# `{slot}` in a presence pattern stands for any placeholder: the analysis masks each one as
# a capital X followed by lower-case x's of the same length ("by {$today10}" → "by Xxxxxxxxxx").
SLOT_PATTERN = r"(?-i:\bXx*\b)"


class RuleFileError(Exception):
    """A rule file is invalid; the message names the file and line."""


class _LineDict(dict):  # type: ignore[type-arg]
    line: int = 0
    lines: dict[Any, int]


class _Loader(yaml.SafeLoader):
    pass


# libyaml's parser, when PyYAML has it, reads the rule packs ten times faster (0.015 s
# instead of 0.16 s, a tenth of a cold `letterlint check`). Errors are re-read with the
# pure-Python parser so their messages do not depend on which one is installed.
class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    d = _LineDict()
    d.line = node.start_mark.line + 1
    d.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in d:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        d[key] = loader.construct_object(value_node, deep=True)
        d.lines[key] = key_node.start_mark.line + 1
    return d


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


EXAMPLE_KINDS = (
    "text",
    "markdown",
    "html",
    "jinja",
    "handlebars",
    "liquid",
    "mustache",
    "eml",
    "docx",
)


@dataclass(frozen=True)
class Example:
    """A rule example; for ``kind: docx`` the text's ``[[...]]`` parts become bold red runs."""

    text: str
    fix: str | None = None
    kind: str = "text"
    letter: tuple[tuple[str, str], ...] = ()  # the letter's context (contract 7) to lint it with
    expect: tuple[str, str] | None = None  # (flagged text, severity) the rule must report


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    suggestion: str | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    severity: str
    summary: str
    message: str
    rationale: str
    sources: tuple[str, ...]
    kind: str
    pack: str
    file: str
    line: int
    fix: str | None = None
    terms: tuple[tuple[str, str | None], ...] = ()
    forms: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    patterns: tuple[Pattern, ...] = ()
    check: str | None = None
    frame: Frame | None = None
    superseded_by: tuple[
        str, ...
    ] = ()  # codes whose findings make this rule's overlapping ones redundant
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    fail_examples: tuple[Example, ...] = ()
    pass_examples: tuple[Example, ...] = ()

    def format_message(self, text: str, suggestion: str | None, **extra: Any) -> str:
        values = {"text": text, "suggestion": suggestion if suggestion else "", **extra}
        try:
            return self.message.format(**values)
        except (KeyError, IndexError, ValueError):
            return self.message


def _err(path: str, line: int, msg: str) -> RuleFileError:
    return RuleFileError(f"{path}:{line}: {msg}")


def _str_list(value: Any, path: str, line: int, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err(path, line, f"'{key}' must be a list of strings")
    return tuple(value)


def _compile(pattern: str, flags: int, path: str, line: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise _err(path, line, f"bad regular expression {pattern!r}: {exc}") from None


def _examples(value: Any, path: str, line: int) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if (
        not isinstance(value, dict)
        or set(value) - {"fail", "pass"}
        or not value.get("fail")
        or not value.get("pass")
    ):
        raise _err(path, line, "'examples' must have non-empty 'fail' and 'pass' lists")
    out = []
    for key in ("fail", "pass"):
        items = value[key]
        if not isinstance(items, list):
            raise _err(path, line, f"examples.{key} must be a list")
        exs = []
        for item in items:
            if isinstance(item, str):
                exs.append(Example(item))
            elif (
                isinstance(item, dict)
                and "text" in item
                and not set(item) - {"text", "fix", "kind", "expect", "letter"}
                and item.get("kind", "text") in EXAMPLE_KINDS
            ):
                where = getattr(item, "line", line)
                exs.append(
                    Example(
                        str(item["text"]),
                        None if item.get("fix") is None else str(item["fix"]),
                        item.get("kind", "text"),
                        _example_letter(item.get("letter"), path, where),
                        _expect(item.get("expect"), path, where),
                    )
                )
            else:
                raise _err(
                    path,
                    getattr(item, "line", line),
                    f"bad example in examples.{key}: use a string or {{text, fix, kind, expect, letter}}",
                )
        out.append(tuple(exs))
    return out[0], out[1]


def _example_letter(value: Any, path: str, line: int) -> tuple[tuple[str, str], ...]:
    """An example's ``letter:`` mapping, validated like any letter context."""
    if value is None:
        return ()
    from .config import ConfigError
    from .letter_context import normalise

    try:
        return normalise(value, "example letter")
    except ConfigError as exc:
        raise _err(path, line, str(exc)) from None


def _expect(value: Any, path: str, line: int) -> tuple[str, str] | None:
    """An example's ``expect: {text: ..., severity: ...}``: what the rule must report."""
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"text", "severity"}
        or not isinstance(value["text"], str)
        or value["severity"] not in ("error", "warning", "info")
    ):
        raise _err(
            path, line, "'expect' must be {text: <flagged text>, severity: error|warning|info}"
        )
    return (value["text"], value["severity"])


def _name_list(
    value: Any, path: str, line: int, key: str, lexicons: dict[str, Lexicon]
) -> tuple[str, ...]:
    names = _str_list(value, path, line, key)
    for n in names:
        if n not in lexicons:
            raise _err(
                path,
                line,
                f"unknown lexicon {n!r} in frame.{key}; known: {', '.join(sorted(lexicons))}",
            )
    return names


def _frame(raw: Any, path: str, line: int, lexicons: dict[str, Lexicon]) -> Frame:
    if not isinstance(raw, dict) or "find" not in raw:
        raise _err(path, line, "a frame rule needs a 'frame' mapping with at least 'find'")
    line = getattr(raw, "line", line)
    bad = set(raw) - _FRAME_KEYS
    if bad:
        raise _err(
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
        raise _err(path, line, "frame.find names no lexicon")
    ints = {}
    for k, default in (("within", 20), ("unless-within", 4), ("alone", 0)):
        v = raw.get(k, default)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 60:
            raise _err(
                path, raw.lines.get(k, line), f"frame.{k} must be a number of words from 0 to 60"
            )
        ints[k] = v
    for key in ("hedged-severity", "pressed-severity"):
        if raw.get(key) is not None and raw[key] not in ("error", "warning", "info"):
            raise _err(path, raw.lines.get(key, line), f"bad {key}")
    suggest = raw.get("suggest") or {}
    if not isinstance(suggest, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in suggest.items()
    ):
        raise _err(
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


def parse_lexicons(data: Any, path: str) -> dict[str, Lexicon]:
    """Validate a ``lexicons:`` mapping (name → means, phrases, sequences, exact)."""
    if not isinstance(data, dict):
        raise _err(path, 1, "'lexicons' must be a mapping of name: {means, phrases, sequences}")
    out: dict[str, Lexicon] = {}
    for name, body in data.items():
        line = data.lines.get(name, 1) if hasattr(data, "lines") else 1
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            raise _err(path, line, f"bad lexicon name {name!r}: use lower-case words joined by '-'")
        if (
            not isinstance(body, dict)
            or "means" not in body
            or not ({"phrases", "sequences"} & set(body))
        ):
            raise _err(path, line, f"lexicon {name!r} needs 'means' and 'phrases' or 'sequences'")
        bad = set(body) - _LEXICON_KEYS
        if bad:
            raise _err(
                path,
                body.lines.get(sorted(bad)[0], line),
                f"unknown key {sorted(bad)[0]!r} in lexicon {name!r}",
            )
        phrases = tuple(
            " ".join(p.split()) for p in _str_list(body.get("phrases", []), path, line, "phrases")
        )
        if any(not p for p in phrases):
            raise _err(path, line, f"lexicon {name!r} has an empty phrase")
        for p in phrases:
            if p.split()[0] in ("#", "*"):
                raise _err(
                    path,
                    line,
                    f"lexicon {name!r}: phrase {p!r} must start with a word, not {p.split()[0]!r}",
                )
        seqs = []
        for seq in body.get("sequences") or []:
            if (
                not isinstance(seq, list)
                or not seq
                or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in seq)
                or not isinstance(seq[0], str)
                or not isinstance(seq[-1], str)
            ):
                raise _err(
                    path,
                    line,
                    f"lexicon {name!r}: a sequence is a list of lexicon names with word gaps between them",
                )
            seqs.append(tuple(seq))
        out[name] = Lexicon(
            name,
            " ".join(str(body["means"]).split()),
            phrases,
            tuple(seqs),
            bool(body.get("exact", False)),
            path,
            line,
        )
    return out


def _check_lexicons(lexicons: dict[str, Lexicon]) -> None:
    for lex in lexicons.values():
        for ref in lex.references():
            if ref not in lexicons:
                raise _err(lex.file, lex.line, f"lexicon {lex.name!r} uses unknown lexicon {ref!r}")
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        if state.get(name) == 1:
            lex = lexicons[name]
            raise _err(lex.file, lex.line, f"lexicon {name!r} is defined in terms of itself")
        if state.get(name) == 2:
            return
        state[name] = 1
        for ref in lexicons[name].references():
            visit(ref)
        state[name] = 2

    for name in lexicons:
        visit(name)


def parse_rule(raw: Any, path: str, pack: str, lexicons: dict[str, Lexicon] | None = None) -> Rule:
    """Validate one rule mapping and build a `Rule`."""
    if not isinstance(raw, dict):
        raise _err(path, 1, "each rule must be a mapping")
    line = getattr(raw, "line", 1)
    lines = getattr(raw, "lines", {})
    for key in _REQUIRED:
        if key not in raw:
            raise _err(path, line, f"rule is missing '{key}'")
    kind = raw["kind"]
    if kind not in KINDS:
        raise _err(
            path,
            lines.get("kind", line),
            f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}",
        )
    unknown = set(raw) - set(_REQUIRED) - _ALLOWED[kind]
    if unknown:
        key = sorted(unknown, key=str)[0]
        raise _err(path, lines.get(key, line), f"unknown key {key!r} for a {kind} rule")
    code, name = raw["code"], raw["name"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise _err(
            path, lines.get("code", line), f"bad code {code!r}; expected LL and three digits"
        )
    m = _NAME.match(name) if isinstance(name, str) else None
    if not m or m.group(1) not in CATEGORIES:
        raise _err(
            path,
            lines.get("name", line),
            f"bad name {name!r}; expected <category>.<what> with a category of {', '.join(CATEGORIES)}",
        )
    category = m.group(1)
    if code[2] != CATEGORY_DIGIT[category]:
        raise _err(
            path,
            lines.get("code", line),
            f"code {code} does not fit category {category} (LL{CATEGORY_DIGIT[category]}xx)",
        )
    severity = raw["severity"]
    if severity not in ("error", "warning", "info"):
        raise _err(path, lines.get("severity", line), f"bad severity {severity!r}")
    fix = raw.get("fix")
    if fix is not None and fix not in FIX_KINDS:
        raise _err(
            path, lines.get("fix", line), f"bad fix {fix!r}; expected one of {', '.join(FIX_KINDS)}"
        )
    for key in ("summary", "message", "rationale"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _err(path, lines.get(key, line), f"'{key}' must be a non-empty string")
    sources = _str_list(raw["sources"], path, lines.get("sources", line), "sources")
    if not sources:
        raise _err(path, lines.get("sources", line), "a rule needs at least one source")
    options = dict(raw.get("options") or {})
    if kind in _OPTIONS:
        bad = set(options) - _OPTIONS[kind]
        if bad:
            raise _err(
                path,
                lines.get("options", line),
                f"unknown option {sorted(bad)[0]!r} for a {kind} rule",
            )
    fail_ex, pass_ex = _examples(raw["examples"], path, lines.get("examples", line))
    kw: dict[str, Any] = {}
    if kind == "terms":
        terms = raw.get("terms")
        if not isinstance(terms, dict) or not terms:
            raise _err(
                path,
                lines.get("terms", line),
                "a terms rule needs a 'terms' mapping of phrase: suggestion",
            )
        pairs = []
        for phrase, sugg in terms.items():
            if not isinstance(phrase, str) or not (sugg is None or isinstance(sugg, str)):
                raise _err(
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
            raise _err(
                path, lines.get("forms", line), "'forms' must map inflected words to suggestions"
            )
        kw["forms"] = {k.lower(): v for k, v in forms.items()}
        for key in ("not-after", "not-before"):
            if key in options:
                options[key] = frozenset(
                    w.lower()
                    for w in _str_list(options[key], path, lines.get("options", line), key)
                )
    elif kind == "regex":
        flags = 0 if options.get("case-sensitive") else re.IGNORECASE
        items = raw.get("patterns")
        if not isinstance(items, list) or not items:
            raise _err(
                path, lines.get("patterns", line), "a regex rule needs a non-empty 'patterns' list"
            )
        pats = []
        for item in items:
            if isinstance(item, str):
                pats.append(Pattern(_compile(item, flags, path, lines.get("patterns", line))))
            elif (
                isinstance(item, dict)
                and "pattern" in item
                and not set(item) - {"pattern", "suggestion"}
            ):
                pats.append(
                    Pattern(
                        _compile(item["pattern"], flags, path, getattr(item, "line", line)),
                        item.get("suggestion"),
                    )
                )
            else:
                raise _err(
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
            raise _err(path, lines.get("options", line), "bad hedged-severity")
        if "unless-sentence" in options:
            options["unless-sentence"] = _compile(
                options["unless-sentence"], re.IGNORECASE, path, lines.get("options", line)
            )
    elif kind == "presence":
        for key in ("sentence-patterns", "text-patterns", "placeholder-names"):
            if key in options:
                flags = re.IGNORECASE | (re.MULTILINE if key != "placeholder-names" else 0)
                options[key] = tuple(
                    _compile(
                        p.replace("{slot}", SLOT_PATTERN), flags, path, lines.get("options", line)
                    )
                    for p in _str_list(options[key], path, lines.get("options", line), key)
                )
        if "text-patterns" in options:
            options["text-patterns-gated"] = tuple(
                (p, required_literals(p.pattern, p.flags)) for p in options["text-patterns"]
            )
        if "sentence-patterns" in options:
            # One alternation per kind is several times faster than each pattern per
            # sentence. Sentences are searched in place (pos/endpos), so patterns anchored
            # with '^' are tried with match() at the sentence start, the others with search().
            pats = [p.pattern for p in options["sentence-patterns"]]
            anchored = [p[1:] for p in pats if p.startswith("^")]
            floating = [p for p in pats if not p.startswith("^")]
            options["sentence-anchored"] = (
                re.compile("|".join(f"(?:{p})" for p in anchored), re.IGNORECASE)
                if anchored
                else None
            )
            options["sentence-floating"] = (
                re.compile("|".join(f"(?:{p})" for p in floating), re.IGNORECASE)
                if floating
                else None
            )
        if "only-if" in options:
            options["only-if"] = _compile(
                options["only-if"], re.IGNORECASE, path, lines.get("options", line)
            )
    elif kind == "check":
        from .checks import CHECKS

        check = raw.get("check")
        if check not in CHECKS:
            raise _err(
                path,
                lines.get("check", line),
                f"unknown check {check!r}; known: {', '.join(sorted(CHECKS))}",
            )
        spec = CHECKS[check]
        bad = set(options) - spec.options
        if bad:
            raise _err(
                path,
                lines.get("options", line),
                f"unknown option {sorted(bad)[0]!r} for check {check!r}",
            )
        kw["check"] = check
        try:
            options = spec.prepare(options)
        except (ValueError, re.error) as exc:
            raise _err(
                path, lines.get("options", line), f"bad options for check {check!r}: {exc}"
            ) from None
    elif kind == "frame":
        kw["frame"] = _frame(raw.get("frame"), path, lines.get("frame", line), lexicons or {})
    if "superseded-by" in raw:
        kw["superseded_by"] = _str_list(
            raw["superseded-by"], path, lines.get("superseded-by", line), "superseded-by"
        )
    return Rule(
        code=code,
        name=name,
        category=category,
        severity=severity,
        summary=raw["summary"].strip(),
        message=raw["message"].strip(),
        rationale=raw["rationale"].strip(),
        sources=sources,
        kind=kind,
        pack=pack,
        file=path,
        line=line,
        fix=fix,
        options=options,
        fail_examples=fail_ex,
        pass_examples=pass_ex,
        **kw,
    )


def _read_yaml(path: Path) -> Any:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{shown}: cannot read rule file: {exc}") from None
    try:
        try:
            data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - the same error, worded by PyYAML
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise RuleFileError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if (
        not isinstance(data, dict)
        or not data
        or set(data) - {"rules", "lexicons"}
        or not isinstance(data.get("rules", []), list)
    ):
        raise RuleFileError(
            f"{shown}:1: a rule file is a mapping with 'rules' (a list) and/or 'lexicons'"
        )
    return data


def load_rule_file(path: Path, pack: str, lexicons: dict[str, Lexicon] | None = None) -> list[Rule]:
    data = _read_yaml(path)
    return [parse_rule(r, str(path), pack, lexicons) for r in data.get("rules", [])]


def _rule_files(packs: tuple[str, ...], extra_dirs: tuple[str, ...]) -> list[tuple[Path, str]]:
    base = builtin_rules_dir()
    files: list[tuple[Path, str]] = []
    for pack in packs:
        folder = base / pack
        if not folder.is_dir():
            raise RuleFileError(
                f"unknown rule pack {pack!r}; available: {', '.join(available_packs())}"
            )
        files += [(f, pack) for f in sorted(folder.glob("*.yaml"))]
    for extra in extra_dirs:
        folder = Path(extra)
        if not folder.is_dir():
            raise RuleFileError(f"extend-rules folder {extra} does not exist")
        files += [(f, folder.name) for f in sorted(folder.glob("*.yaml"))]
    return files


def builtin_rules_dir() -> Path:
    """The packaged rules folder: inside the installed package, or rules/ in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parents[1] / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleFileError(f"the built-in rules folder is missing (looked in {here / 'rules'})")


def available_packs() -> list[str]:
    base = builtin_rules_dir()
    return sorted(
        p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))
    )


RulesStamp = tuple[tuple[str, int, int], ...]


def rule_files_stamp(packs: tuple[str, ...], extra_dirs: tuple[str, ...] = ()) -> RulesStamp:
    """Path, size and mtime of every rule file `load_rules` reads (as Python's bytecode
    cache checks a source file): compiled rules are reused only while this is unchanged."""
    try:
        files = _rule_files(packs, extra_dirs)
    except RuleFileError:
        return ()  # loading reports the error
    stamp = []
    for f, _ in files:
        try:
            st = f.stat()
        except OSError:
            continue
        stamp.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def load_rules(
    packs: tuple[str, ...] = ("core",), extra_dirs: tuple[str, ...] = ()
) -> tuple[Rule, ...]:
    """Load the named packs and any extra rule folders; codes and names must be unique.

    Lexicons from every loaded file are shared: a frame rule in one pack may use the
    concepts another pack defines (a compliance pack reuses the core's "future" words).
    Cached per process, and read again when a rule file changes: an edited house rule is
    seen by the next run in the same process (the editor, or `cli.main` called twice).
    """
    return _load_rules(packs, extra_dirs, rule_files_stamp(packs, extra_dirs))


@lru_cache(maxsize=16)
def _load_rules(
    packs: tuple[str, ...], extra_dirs: tuple[str, ...], stamp: RulesStamp
) -> tuple[Rule, ...]:
    loaded = [(f, pack, _read_yaml(f)) for f, pack in _rule_files(packs, extra_dirs)]
    lexicons: dict[str, Lexicon] = {}
    for f, _, data in loaded:
        if "lexicons" in data:
            for name, lex in parse_lexicons(data["lexicons"], str(f)).items():
                if name in lexicons:
                    raise _err(
                        lex.file,
                        lex.line,
                        f"lexicon {name!r} is already defined at {lexicons[name].file}:{lexicons[name].line}",
                    )
                lexicons[name] = lex
    _check_lexicons(lexicons)
    rules: list[Rule] = []
    for f, pack, data in loaded:
        rules.extend(parse_rule(r, str(f), pack, lexicons) for r in data.get("rules", []))
    seen: dict[str, Rule] = {}
    for r in rules:
        for key in (r.code, r.name):
            if key in seen:
                other = seen[key]
                raise RuleFileError(
                    f"{r.file}:{r.line}: {key} is already defined at {other.file}:{other.line}"
                )
            seen[key] = r
    return tuple(sorted(rules, key=lambda r: r.code))
