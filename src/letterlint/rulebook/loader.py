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

from letterlint.core.config import ConfigError
from letterlint.core.doc_kinds import TEXT_KINDS
from letterlint.core.letter_context import normalise
from letterlint.core.model import CATEGORIES
from letterlint.kinds.frames import Frame, Lexicon
from letterlint.kinds.registry import (
    COMMON_KEYS,
    RULE_KINDS,
    Pattern,
    RuleFileError,
    rule_error,
    str_list,
)

KINDS = tuple(RULE_KINDS)
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
_LEXICON_KEYS = {"means", "phrases", "sequences", "exact", "fields"}
CATEGORY_DIGIT = {c: str(i + 1) for i, c in enumerate(CATEGORIES)}


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


#: The kinds a rule example may be written as: every kind `check_text` takes, and .docx
#: (the example's text is made into a real Word file for the test).
EXAMPLE_KINDS = frozenset(TEXT_KINDS | {"docx"})


@dataclass(frozen=True)
class Example:
    """A rule example; for ``kind: docx`` the text's ``[[...]]`` parts become bold red runs."""

    text: str
    fix: str | None = None
    kind: str = "text"
    letter: tuple[tuple[str, str], ...] = ()  # the letter's context (contract 7) to lint it with
    expect: tuple[str, str] | None = None  # (flagged text, severity) the rule must report


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
    options: dict[str, Any] = field(default_factory=dict, hash=False)  # as the rule file says
    # what compiling the options gave (patterns, word sets; `kinds.registry`): what the kinds read
    compiled: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    fail_examples: tuple[Example, ...] = ()
    pass_examples: tuple[Example, ...] = ()

    def format_message(self, text: str, suggestion: str | None, **extra: Any) -> str:
        values = {"text": text, "suggestion": suggestion if suggestion else "", **extra}
        try:
            return self.message.format(**values)
        except (KeyError, IndexError, ValueError):
            return self.message


def _examples(value: Any, path: str, line: int) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if (
        not isinstance(value, dict)
        or set(value) - {"fail", "pass"}
        or not value.get("fail")
        or not value.get("pass")
    ):
        raise rule_error(path, line, "'examples' must have non-empty 'fail' and 'pass' lists")
    out = []
    for key in ("fail", "pass"):
        items = value[key]
        if not isinstance(items, list):
            raise rule_error(path, line, f"examples.{key} must be a list")
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
                raise rule_error(
                    path,
                    getattr(item, "line", line),
                    f"bad example in examples.{key}: use a string or "
                    f"{{text, fix, kind, expect, letter}}",
                )
        out.append(tuple(exs))
    return out[0], out[1]


def _example_letter(value: Any, path: str, line: int) -> tuple[tuple[str, str], ...]:
    """An example's ``letter:`` mapping, validated like any letter context."""
    if value is None:
        return ()
    try:
        return normalise(value, "example letter")
    except ConfigError as exc:
        raise rule_error(path, line, str(exc)) from None


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
        raise rule_error(
            path, line, "'expect' must be {text: <flagged text>, severity: error|warning|info}"
        )
    return (value["text"], value["severity"])


def parse_lexicons(data: Any, path: str) -> dict[str, Lexicon]:
    """Validate a ``lexicons:`` mapping (name → means, phrases, sequences, exact, fields)."""
    if not isinstance(data, dict):
        raise rule_error(
            path, 1, "'lexicons' must be a mapping of name: {means, phrases, sequences}"
        )
    out: dict[str, Lexicon] = {}
    for name, body in data.items():
        line = data.lines.get(name, 1) if hasattr(data, "lines") else 1
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            raise rule_error(
                path, line, f"bad lexicon name {name!r}: use lower-case words joined by '-'"
            )
        if (
            not isinstance(body, dict)
            or "means" not in body
            or not ({"phrases", "sequences"} & set(body))
        ):
            raise rule_error(
                path, line, f"lexicon {name!r} needs 'means' and 'phrases' or 'sequences'"
            )
        bad = set(body) - _LEXICON_KEYS
        if bad:
            raise rule_error(
                path,
                body.lines.get(sorted(bad)[0], line),
                f"unknown key {sorted(bad)[0]!r} in lexicon {name!r}",
            )
        phrases = tuple(
            " ".join(p.split()) for p in str_list(body.get("phrases", []), path, line, "phrases")
        )
        if any(not p for p in phrases):
            raise rule_error(path, line, f"lexicon {name!r} has an empty phrase")
        for p in phrases:
            if p.split()[0] in ("#", "*"):
                raise rule_error(
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
                raise rule_error(
                    path,
                    line,
                    f"lexicon {name!r}: a sequence is a list of lexicon names "
                    "with word gaps between them",
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
            bool(body.get("fields", False)),
        )
    return out


def _check_lexicons(lexicons: dict[str, Lexicon]) -> None:
    for lex in lexicons.values():
        for ref in lex.references():
            if ref not in lexicons:
                raise rule_error(
                    lex.file, lex.line, f"lexicon {lex.name!r} uses unknown lexicon {ref!r}"
                )
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        if state.get(name) == 1:
            lex = lexicons[name]
            raise rule_error(lex.file, lex.line, f"lexicon {name!r} is defined in terms of itself")
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
        raise rule_error(path, 1, "each rule must be a mapping")
    line = getattr(raw, "line", 1)
    lines = getattr(raw, "lines", {})
    for key in _REQUIRED:
        if key not in raw:
            raise rule_error(path, line, f"rule is missing '{key}'")
    kind = raw["kind"]
    if kind not in KINDS:
        raise rule_error(
            path,
            lines.get("kind", line),
            f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}",
        )
    unknown = set(raw) - set(_REQUIRED) - RULE_KINDS[kind].keys - COMMON_KEYS
    if unknown:
        key = sorted(unknown, key=str)[0]
        raise rule_error(path, lines.get(key, line), f"unknown key {key!r} for a {kind} rule")
    code, name = raw["code"], raw["name"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise rule_error(
            path, lines.get("code", line), f"bad code {code!r}; expected LL and three digits"
        )
    m = _NAME.match(name) if isinstance(name, str) else None
    if not m or m.group(1) not in CATEGORIES:
        raise rule_error(
            path,
            lines.get("name", line),
            f"bad name {name!r}; expected <category>.<what> "
            f"with a category of {', '.join(CATEGORIES)}",
        )
    category = m.group(1)
    if code[2] != CATEGORY_DIGIT[category]:
        raise rule_error(
            path,
            lines.get("code", line),
            f"code {code} does not fit category {category} (LL{CATEGORY_DIGIT[category]}xx)",
        )
    severity = raw["severity"]
    if severity not in ("error", "warning", "info"):
        raise rule_error(path, lines.get("severity", line), f"bad severity {severity!r}")
    fix = raw.get("fix")
    if fix is not None and fix not in FIX_KINDS:
        raise rule_error(
            path, lines.get("fix", line), f"bad fix {fix!r}; expected one of {', '.join(FIX_KINDS)}"
        )
    for key in ("summary", "message", "rationale"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise rule_error(path, lines.get(key, line), f"'{key}' must be a non-empty string")
    sources = str_list(raw["sources"], path, lines.get("sources", line), "sources")
    if not sources:
        raise rule_error(path, lines.get("sources", line), "a rule needs at least one source")
    raw_options = dict(raw.get("options") or {})
    options = dict(raw_options)  # compiled in place by the kind
    allowed = RULE_KINDS[kind].options
    if allowed is not None:
        bad = set(options) - allowed
        if bad:
            raise rule_error(
                path,
                lines.get("options", line),
                f"unknown option {sorted(bad)[0]!r} for a {kind} rule",
            )
    fail_ex, pass_ex = _examples(raw["examples"], path, lines.get("examples", line))
    kw = RULE_KINDS[kind].compile(raw, options, path, line, lines, lexicons or {})
    if "superseded-by" in raw:
        kw["superseded_by"] = str_list(
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
        options=raw_options,
        compiled=options,
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


@lru_cache(maxsize=1)
def builtin_rules_dir() -> Path:
    """The packaged rules folder: inside the installed package, or rules/ in a checkout.

    Found once per process (the package does not move): `get_linter` stamps the rule
    files on every call, and resolving this module's path was half of that."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "rules", here.parents[2] / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleFileError(f"the built-in rules folder is missing (looked in {here.parent / 'rules'})")


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
                    raise rule_error(
                        lex.file,
                        lex.line,
                        f"lexicon {name!r} is already defined at "
                        f"{lexicons[name].file}:{lexicons[name].line}",
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
