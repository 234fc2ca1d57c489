"""Configuration (contract 5): ``[tool.letterlint]`` or ``letterlint.toml``.

The file is found by walking up from the current folder; in one folder
``letterlint.toml`` wins over ``pyproject.toml`` (a pyproject without a
``[tool.letterlint]`` table does not count). Paths and globs are relative to the
config file's folder. An unknown key is an error that names it.
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from letterlint.core.errors import ConfigError  # noqa: F401 - raised here, imported from here
from letterlint.core.files import read_capped
from letterlint.core.letter_context import merge, normalise

FAIL_ON = ("error", "warning", "info", "never")
KEYS = {
    "select",
    "ignore",
    "fail-on",
    "packs",
    "extend-rules",
    "exclude",
    "per-file-ignores",
    "allow-words",
    "context",
    "templates",
    "letter",
    "letters",
}


@dataclass(frozen=True)
class Config:
    """Settings for one run; build it in code or with `Config.load`."""

    select: tuple[str, ...] = ()  # empty: every rule of the enabled packs
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    packs: tuple[str, ...] = ("core",)
    extend_rules: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    allow_words: tuple[str, ...] = ()
    context: str | None = None
    templates: str = "sample_letters"  # the editor's folder of letters and templates
    # the letter's context (contract 7), as validated (key, value) pairs
    letter: tuple[tuple[str, str], ...] = ()  # [tool.letterlint.letter]: every letter's defaults
    letters: tuple[
        tuple[str, tuple[tuple[str, str], ...]], ...
    ] = ()  # [tool.letterlint.letters."GLOB"], in file order
    letter_overrides: tuple[
        tuple[str, str], ...
    ] = ()  # --letter KEY=VALUE / letter={...}: win over everything
    root: str = "."  # folder of the config file; relative paths and globs start here
    path: str | None = None  # the config file, when one was read

    def __post_init__(self) -> None:
        if self.fail_on not in FAIL_ON:
            raise ConfigError(f"fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None, *, start: str | Path | None = None) -> Config:
        """Read ``path``, or find the nearest config walking up from ``start`` (cwd)."""
        if path is not None:
            p = Path(path)
            if not p.is_file():
                raise ConfigError(f"config file {p} not found")
            table = _read_table(p, required=True)
            return cls.from_mapping(table or {}, root=p.resolve().parent, path=str(p))
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            for name in ("letterlint.toml", "pyproject.toml"):
                p = folder / name
                if p.is_file():
                    table = _read_table(p, required=name == "letterlint.toml")
                    if table is not None:
                        return cls.from_mapping(table, root=folder, path=str(p))
        return cls(root=str(here))

    @classmethod
    def from_mapping(
        cls, table: dict[str, Any], *, root: str | Path = ".", path: str | None = None
    ) -> Config:
        where = path or "config"
        unknown = sorted(set(table) - KEYS)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r} in [tool.letterlint]; "
                f"known keys: {', '.join(sorted(KEYS))}"
            )

        def strs(key: str) -> tuple[str, ...]:
            v = table.get(key, [])
            if isinstance(v, str):
                v = [v]
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise ConfigError(f"{where}: '{key}' must be a list of strings")
            return tuple(v)

        pfi = table.get("per-file-ignores", {})
        if not isinstance(pfi, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in pfi.values()
        ):
            raise ConfigError(f"{where}: 'per-file-ignores' must be a table of glob = [rules]")
        root = Path(root)
        ctx = table.get("context")
        if ctx is not None and not isinstance(ctx, str):
            raise ConfigError(f"{where}: 'context' must be a path")
        templates = table.get("templates", "sample_letters")
        if not isinstance(templates, str) or not templates.strip():
            raise ConfigError(
                f"{where}: 'templates' must be the path of a folder (the editor's templates)"
            )
        fail_on = table.get("fail-on", "warning")  # checked by __post_init__
        packs = strs("packs") if "packs" in table else ("core",)

        letter = normalise(table.get("letter", {}), f"{where}: [tool.letterlint.letter]")
        globs = table.get("letters", {})
        if not isinstance(globs, dict) or not all(isinstance(v, dict) for v in globs.values()):
            raise ConfigError(
                f"{where}: 'letters' must be a table of \"GLOB\" = {{key = value, ...}}"
            )
        letters = tuple(
            (g, normalise(v, f"{where}: [tool.letterlint.letters.{g!r}]")) for g, v in globs.items()
        )
        try:
            return cls(
                select=strs("select"),
                ignore=strs("ignore"),
                fail_on=fail_on,
                packs=packs,
                extend_rules=tuple(str((root / p).resolve()) for p in strs("extend-rules")),
                exclude=strs("exclude"),
                per_file_ignores=tuple((g, tuple(v)) for g, v in pfi.items()),
                allow_words=strs("allow-words"),
                context=str((root / ctx).resolve()) if ctx else None,
                templates=str((root / templates).resolve()),
                letter=letter,
                letters=letters,
                root=str(root),
                path=path,
            )
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **changes)

    # ---------------------------------------------------------------- paths
    @property
    def templates_dir(self) -> Path:
        """The editor's templates folder (a relative ``templates`` starts at ``root``)."""
        p = Path(self.templates)
        return p if p.is_absolute() else Path(self.root) / p

    def _rel(self, path: str | Path) -> str | None:
        try:
            return PurePosixPath(
                Path(path).resolve().relative_to(Path(self.root).resolve()).as_posix()
            ).as_posix()
        except ValueError:
            return None

    def is_excluded(self, path: str | Path) -> bool:
        if not self.exclude:  # the common case: no path resolving for every file walked
            return False
        rel = self._rel(path)
        name = Path(path).name
        for glob in self.exclude:
            if fnmatch.fnmatch(name, glob) or (
                rel is not None
                and (fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(rel, glob.rstrip("/") + "/*"))
            ):
                return True
        return False

    def letter_for(self, path: str | Path | None) -> tuple[tuple[str, str], ...]:
        """The letter context from this config for one file: defaults, then matching globs.

        The inline comment and ``letter_overrides`` are merged on top by the engine.
        """

        layers = [self.letter]
        if self.letters and path not in (None, "-", "<text>"):
            rel = self._rel(path)  # type: ignore[arg-type]
            name = Path(path).name  # type: ignore[arg-type]
            layers += [
                pairs
                for glob, pairs in self.letters
                if fnmatch.fnmatch(name, glob) or (rel is not None and fnmatch.fnmatch(rel, glob))
            ]
        return merge(*layers) if len(layers) > 1 else self.letter

    def ignores_for(self, path: str | Path) -> tuple[str, ...]:
        rel = self._rel(path)
        name = Path(path).name
        out: list[str] = []
        for glob, rules in self.per_file_ignores:
            if fnmatch.fnmatch(name, glob) or (rel is not None and fnmatch.fnmatch(rel, glob)):
                out.extend(rules)
        return tuple(out)


MAX_CONFIG_BYTES = 1024 * 1024
"""Config and sample-context files are read only up to this size."""
MAX_CONTEXT_VALUES = 10_000
MAX_CONTEXT_DEPTH = 32


def _read_small(path: Path, what: str) -> str:
    """A config or context file's text: a regular file, at most `MAX_CONFIG_BYTES`."""

    try:
        return read_capped(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a NUL in the path
        raise ConfigError(
            f"{what} {path}: cannot read: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def _read_table(path: Path, *, required: bool) -> dict[str, Any] | None:
    text = _read_small(path, "config file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except (RecursionError, ValueError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {type(exc).__name__}: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = (
            tool.get("letterlint") if isinstance(tool, dict) else None
        )  # ``tool = "x"`` has no table
        return table if isinstance(table, dict) else None
    return data if required else data


def load_context(path: str | Path) -> dict[str, Any]:
    """A sample context (YAML or JSON) as a mapping."""
    p = Path(path)
    text = _read_small(p, "context file")
    fmt = "JSON" if p.suffix.lower() == ".json" else "YAML"
    try:
        data = json.loads(text) if fmt == "JSON" else _bounded_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"context file {p}: invalid {fmt}: {exc}") from None
    except _TooBig as exc:
        raise ConfigError(f"context file {p}: {exc}") from None
    except RecursionError:
        raise ConfigError(
            f"context file {p}: nested more than {MAX_CONTEXT_DEPTH} levels deep"
        ) from None
    except ValueError as exc:  # a number with thousands of digits
        raise ConfigError(f"context file {p}: invalid {fmt}: {exc}") from None
    try:
        _check_shape(data)
    except _TooBig as exc:
        raise ConfigError(f"context file {p}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"context file {p}: must hold a mapping of variable names to values")
    return data


class _TooBig(Exception):
    """A context past `MAX_CONTEXT_VALUES` values or `MAX_CONTEXT_DEPTH` levels."""


def _bounded_yaml(text: str) -> Any:
    """``yaml.safe_load``, refusing documents whose aliases expand past the limits.

    The node graph is walked before anything is built, counting an alias each time it
    is used: a 600-byte alias bomb (or an alias to itself) stops at `MAX_CONTEXT_VALUES`.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node, nodes=True)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_shape(root: Any, *, nodes: bool = False) -> None:
    """Raise `_TooBig` past `MAX_CONTEXT_VALUES` values or `MAX_CONTEXT_DEPTH` levels.

    ``root`` is a YAML node graph (``nodes=True``) or loaded data; shared or cyclic parts
    are counted every time they are reached, which is what expanding them would cost.
    """
    count = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_CONTEXT_VALUES:
            raise _TooBig(
                f"holds more than {MAX_CONTEXT_VALUES:,} values (or aliases that expand "
                "or refer to themselves)"
            )
        if depth > MAX_CONTEXT_DEPTH:
            raise _TooBig(f"nested more than {MAX_CONTEXT_DEPTH} levels deep")
        if nodes:
            if isinstance(item, yaml.MappingNode):
                stack.extend((part, depth + 1) for pair in item.value for part in pair)
            elif isinstance(item, yaml.SequenceNode):
                stack.extend((part, depth + 1) for part in item.value)
        elif isinstance(item, dict):
            stack.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, (list, tuple)):
            stack.extend((part, depth + 1) for part in item)


def context_paths(data: dict[str, Any], prefix: str = "") -> frozenset[str]:
    """Every dotted path in a context; plain values are also marked ``name=``."""
    out: set[str] = set()
    for k, v in data.items():
        name = f"{prefix}{k}"
        out.add(name)
        if isinstance(v, dict):
            out |= context_paths(v, name + ".")
        else:
            out.add(name + "=")
    return frozenset(out)


SAMPLE_CONTEXT: dict[str, Any] = {
    "customer": {
        "title": "Ms",
        "first_name": "Amara",
        "last_name": "Okafor",
        "full_name": "Amara Okafor",
    },
    "invoice": {
        "number": "INV-20931",
        "amount": "£182.40",
        "currency": "GBP",
        "due_date": "14 March 2026",
        "days_overdue": 21,
    },
    "account": {"number": "AC-558201"},
    "company": {
        "name": "Northwind Energy",
        "phone": "0300 123 4567",
        "email": "accounts@northwind.example",
        "address": "12 Harbour Street, Leeds LS1 4AB",
    },
    "payment": {
        "link": "https://pay.northwind.example/INV-20931",
        "bank_details": "sort code 12-34-56, account 12345678, reference AC-558201",
    },
    "sender": {"name": "Priya Shah", "role": "Customer Accounts Adviser"},
    "help": {"phone": "0300 123 4568", "url": "https://northwind.example/help-with-bills"},
}
"""The built-in sample context: a realistic value for every field of the variable schema."""
