"""The letter's context (contract 7): facts a compliance rule cannot read from the text.

Fields come from four places, merged in this order (later wins): ``[tool.letterlint.letter]``
defaults, ``[tool.letterlint.letters."GLOB"]`` tables (in file order), an inline comment in
the letter (``letterlint: letter letter-type=validation-notice sent-date=2026-03-02``) and
``--letter KEY=VALUE`` / ``letter={...}`` in the API. Every value is validated where it is
given: an unknown key or a bad value is a `ConfigError` naming it (exit 2).

Rules receive a `LetterContext`: typed fields (dates as `datetime.date`, flags as `bool`),
``None`` for what was not given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from letterlint.core.doc_kinds import COMMENT, COMMENT_KINDS
from letterlint.core.errors import ConfigError
from letterlint.core.spans import line_col, line_starts

CHOICES: dict[str, tuple[str, ...]] = {
    "sender-type": (
        "creditor",
        "third-party-collector",
        "debt-buyer",
        "law-firm",
        "enforcement-agent",
    ),
    "recipient-type": ("consumer", "sole-trader", "business"),
    "letter-type": (
        "reminder",
        "arrears",
        "validation-notice",
        "nosia",
        "default-notice",
        "letter-of-claim",
        "settlement-offer",
    ),
    "channel": ("letter", "email", "sms", "envelope"),
    "itemization-date-type": (
        "last-statement",
        "charge-off",
        "last-payment",
        "transaction",
        "judgment",
    ),
    "debt-type": ("consumer-financial-product", "medical", "utility", "other"),
}
FLAGS = (
    "initial-communication",
    "time-barred",
    "disputed",
    "breathing-space",
    "litigation-intended",
)
DATES = ("sent-date", "validation-end-date", "itemization-date")
KEYS: tuple[str, ...] = ("jurisdiction", *CHOICES, *FLAGS, *DATES)

_JURISDICTION = re.compile(r"^(US|UK)(?:-[A-Z]{2,3})?$")
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")

Pairs = tuple[tuple[str, str], ...]
"""A context as sorted ``(key, canonical value)`` pairs: hashable, so a `Config` can hold it."""


def _value(key: str, raw: Any, where: str) -> str:
    """The canonical string form of one value, or a `ConfigError` naming the key."""
    if key not in KEYS:
        raise ConfigError(f"{where}: unknown letter key {key!r}; known keys: {', '.join(KEYS)}")
    if key in FLAGS:
        if isinstance(raw, bool):
            return "true" if raw else "false"
        text = str(raw).strip().lower()
        if text in _TRUE:
            return "true"
        if text in _FALSE:
            return "false"
        raise ConfigError(f"{where}: letter key {key!r} must be true or false, not {raw!r}")
    if key in DATES:
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ConfigError(
                f"{where}: letter key {key!r} must be an ISO date (YYYY-MM-DD), not {raw!r}"
            ) from None
    if not isinstance(raw, str):
        raise ConfigError(f"{where}: letter key {key!r} must be a string, not {raw!r}")
    text = raw.strip()
    if key == "jurisdiction":
        if not _JURISDICTION.match(text.upper()):
            raise ConfigError(
                f"{where}: letter key 'jurisdiction' must be US or UK "
                f"(optionally US-CA, UK-SCT ...), not {raw!r}"
            )
        return text.upper()
    if text not in CHOICES[key]:
        raise ConfigError(
            f"{where}: letter key {key!r} must be one of {', '.join(CHOICES[key])}, not {raw!r}"
        )
    return text


def normalise(mapping: Mapping[str, Any], where: str) -> Pairs:
    """Validate a table of letter fields; the canonical pairs, sorted by key."""
    if not isinstance(mapping, Mapping):
        raise ConfigError(f"{where}: the letter context must be a table of key = value")
    return tuple(sorted((str(k), _value(str(k), v, where)) for k, v in mapping.items()))


def parse_assignments(items: Iterable[str], where: str = "--letter") -> Pairs:
    """``KEY=VALUE`` strings (the CLI's ``--letter``, the inline comment's words)."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{where}: expected KEY=VALUE, not {item!r}")
        out[key.strip()] = value.strip().strip("\"'")
    return normalise(out, where)


def merge(*layers: Pairs) -> Pairs:
    """Later layers win, key by key."""
    out: dict[str, str] = {}
    for layer in layers:
        out.update(layer)
    return tuple(sorted(out.items()))


# --------------------------------------------------------------------------- inline comment

_INLINE = re.compile(r"letterlint:\s*letter\b(?P<body>[^\n]*?)(?=-->|#\}|\}\}|%\}|$)", re.I | re.M)
_ASSIGN = re.compile(r"[\w-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"']+)")


def inline_pairs(source: str, kind: str, path: str) -> tuple[Pairs, tuple[tuple[int, int], ...]]:
    """The ``letterlint: letter key=value ...`` comments of a letter, and where they are.

    Read in any comment syntax of contract 5 (``<!-- -->``, ``{# #}``, ``{{! }}``,
    ``{% comment %}``); plain text, .docx and .eml have none and take their context
    from the config's ``letters`` globs instead.
    """

    if kind not in COMMENT_KINDS or "letterlint" not in source:
        return (), ()

    found: list[tuple[int, int, str]] = []
    for cm in COMMENT.finditer(source):
        body = next(g for g in cm.groups() if g is not None)
        for m in _INLINE.finditer(body):
            found.append((cm.start(), cm.end(), m.group("body")))
    pairs: Pairs = ()
    starts = line_starts(source) if found else []
    for start, _end, body in found:
        line = line_col(starts, start)[0]
        words = _ASSIGN.findall(body)
        rest = _ASSIGN.sub(" ", body).strip()
        if rest:
            raise ConfigError(
                f"{path}:{line}: cannot read {rest!r} in the letterlint letter comment "
                "(expected key=value)"
            )
        pairs = merge(pairs, parse_assignments(words, f"{path}:{line}"))
    return pairs, tuple((s, e) for s, e, _ in found)


# --------------------------------------------------------------------------- typed value


@dataclass(frozen=True)
class LetterContext:
    """The merged context of one letter, typed; ``None`` where a field was not given."""

    jurisdiction: str | None = None
    sender_type: str | None = None
    recipient_type: str | None = None
    letter_type: str | None = None
    channel: str | None = None
    initial_communication: bool | None = None
    sent_date: dt.date | None = None
    validation_end_date: dt.date | None = None
    itemization_date: dt.date | None = None
    itemization_date_type: str | None = None
    debt_type: str | None = None
    time_barred: bool | None = None
    disputed: bool | None = None
    breathing_space: bool | None = None
    litigation_intended: bool | None = None

    @classmethod
    def from_pairs(cls, pairs: Pairs) -> LetterContext:
        values: dict[str, Any] = {}
        for key, value in pairs:
            attr = key.replace("-", "_")
            if key in FLAGS:
                values[attr] = value == "true"
            elif key in DATES:
                values[attr] = dt.date.fromisoformat(value)
            else:
                values[attr] = value
        return cls(**values)

    def get(self, key: str) -> Any:
        """A field by its kebab-case key (``"sender-type"``)."""
        return getattr(self, key.replace("-", "_"))

    def to_dict(self) -> dict[str, Any]:
        """The given fields, kebab-case keys, JSON values (the ``letter`` object of the output)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                out[f.name.replace("_", "-")] = v.isoformat() if isinstance(v, dt.date) else v
        return out

    @property
    def is_empty(self) -> bool:
        return not self.to_dict()

    @property
    def country(self) -> str | None:
        """``US`` or ``UK`` (without the state or nation)."""
        return self.jurisdiction.split("-")[0] if self.jurisdiction else None


EMPTY = LetterContext()
