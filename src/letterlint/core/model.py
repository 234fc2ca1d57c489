"""The values that flow out of the pipeline: findings, per-file results and reports.

They are frozen dataclasses whose fields are exactly the keys of the JSON output
(contract 2 of the design), so every consumer (formatters, the app, reports) reads one
shape and `to_dict()` is the JSON object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe", "display-only"]

SEVERITY_RANK: dict[str, int] = {"info": 1, "warning": 2, "error": 3}

CATEGORIES: tuple[str, ...] = (
    "stigmatising-language",
    "legal-jargon",
    "threatening-tone",
    "call-to-action",
    "personalisation",
    "readability",
    "compliance",
    "template",
)

ERROR_CODES: tuple[str, ...] = (
    "unreadable",
    "binary",
    "decode-error",
    "too-large",
    "corrupt-docx",
    "unsafe-archive",
    "template-syntax",
    "unsupported-format",
    "letter-context",
    "too-complex",
)


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "edits": [
                {"start": e.start, "end": e.end, "replacement": e.replacement} for e in self.edits
            ],
        }


@dataclass(frozen=True)
class Finding:
    """One thing to improve, located in the file's source text (0-based code points)."""

    code: str
    name: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    suggestion: str | None = None
    fix: Fix | None = None

    def to_dict(self) -> dict[str, Any]:
        d = dict(zip(_FINDING_FIELDS, _finding_fields(self)))  # FINDING_KEYS order; "fix" last
        d["fix"] = self.fix.to_dict() if self.fix else None
        return d


#: Findings about the letter as a whole, not about the words they are anchored on: a missing
#: call to action (anchored on the body) and the reading-ease figure. The editor lists them
#: instead of highlighting them, the audit report shows them above its excerpts, and the
#: baseline records them by rule alone.
WHOLE_LETTER_CATEGORIES = frozenset({"call-to-action"})
WHOLE_LETTER_RULES = frozenset({"readability.reading-ease"})


def is_whole_letter(f: Finding) -> bool:
    """Whether ``f`` is about the letter as a whole (see `WHOLE_LETTER_CATEGORIES`)."""
    return f.category in WHOLE_LETTER_CATEGORIES or f.name in WHOLE_LETTER_RULES


FINDING_KEYS: tuple[str, ...] = (
    "code",
    "name",
    "category",
    "severity",
    "message",
    "start",
    "end",
    "line",
    "column",
    "end_line",
    "end_column",
    "text",
    "suggestion",
    "fix",
)


@dataclass(frozen=True)
class FileError:
    """Why a file could not be checked; ``code`` is one of ``ERROR_CODES``."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class FileResult:
    """The result for one file: the JSON ``files[]`` object.

    ``readability`` (words, sentences, syllables, words per sentence, Flesch reading ease
    and Flesch-Kincaid grade of the letter's body) is for reports and the app; it is not
    part of the JSON contract.
    """

    path: str
    score: int | None
    error: FileError | None = None
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    readability: dict[str, float] = field(default_factory=dict, hash=False)
    letter: dict[str, Any] = field(
        default_factory=dict, hash=False
    )  # the merged letter context (contract 7)
    # source spans of wording a compliance pack prescribes: `rewrite` keeps them verbatim
    prescribed: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "score": self.score,
            "error": self.error.to_dict() if self.error else None,
            "notes": list(self.notes),
            "findings": [f.to_dict() for f in self.findings],
            "letter": dict(self.letter),
        }


@dataclass(frozen=True)
class Report:
    """The result of checking several paths, in the order given (folders sorted)."""

    files: tuple[FileResult, ...] = ()
    skipped: tuple[str, ...] = ()
    tool_version: str = field(default="")

    @property
    def has_errors(self) -> bool:
        return any(f.error is not None for f in self.files)


# --------------------------------------------------------------------------- compact transport
# Worker processes send results as plain tuples: unpickling and rebuilding frozen
# dataclasses field by field was measured at 4.5 s for 10,000 hostile letters, most of it
# in the dataclasses' __init__; filling __dict__ directly is several times faster and
# gives equal objects.

_FINDING_FIELDS = FINDING_KEYS[:-1]
_FIX_KEYS = ("applicability", "edits")
_EDIT_KEYS = ("start", "end", "replacement")


def _fast(cls: type, names: tuple[str, ...], values: Any) -> Any:
    obj = object.__new__(cls)
    obj.__dict__.update(zip(names, values))
    return obj


def new_finding(*values: Any) -> Finding:
    """``Finding(*values)`` (all fields, in order), built without the frozen ``__init__``.

    The pipeline makes dozens of findings a letter; this is several times faster and
    gives an equal object.
    """
    return _fast(Finding, FINDING_KEYS, values)  # type: ignore[no-any-return]


_finding_fields = attrgetter(*_FINDING_FIELDS)  # one C call instead of a getattr per field


def _pack_fix(fix: Fix | None) -> tuple[Any, ...] | None:
    return (
        (fix.applicability, tuple((e.start, e.end, e.replacement) for e in fix.edits))
        if fix
        else None
    )


def pack_result(fr: FileResult) -> tuple[Any, ...]:
    """A `FileResult` as nested tuples of plain values (cheap to pickle)."""
    return (
        fr.path,
        fr.score,
        (fr.error.code, fr.error.message) if fr.error else None,
        fr.notes,
        tuple((*_finding_fields(f), _pack_fix(f.fix)) for f in fr.findings),
        fr.readability,
        fr.letter,
        fr.prescribed,
    )


def unpack_result(t: tuple[Any, ...]) -> FileResult:
    """The inverse of `pack_result`."""
    path, score, error, notes, findings, readability, letter, prescribed = t
    out = []
    new = object.__new__
    for f in findings:
        finding = new(Finding)
        fields = finding.__dict__
        fields.update(zip(FINDING_KEYS, f))  # the packed tuple is the field values in order
        fix = f[-1]
        if fix is not None:  # ... but for the fix, packed as (applicability, edits)
            fields["fix"] = _fast(
                Fix,
                _FIX_KEYS,
                (fix[0], tuple(_fast(Edit, _EDIT_KEYS, e) for e in fix[1])),
            )
        out.append(finding)
    return FileResult(
        path,
        score,
        FileError(*error) if error else None,
        notes,
        tuple(out),
        readability,
        letter,
        prescribed,
    )
