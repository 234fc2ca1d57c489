"""What a front end shows beside the findings: a letter's editable text, its readability
figures and each rule's explanation.

The app (and any other front end) needs these to stay on the public API (contract 6)
instead of reaching into the readers, the analysis or the rule book.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from letterlint.core import doc_kinds
from letterlint.core.config import Config
from letterlint.core.doc_kinds import KIND_BY_SUFFIX
from letterlint.core.model import FileError
from letterlint.engine.linter import analyse, body_span, identity_variant, template_variants
from letterlint.kinds.checks import readability_figures
from letterlint.reading.readers import ReadError, read_bytes, read_text
from letterlint.rulebook.loader import load_rules

#: The kinds `check_text` accepts that a letter opened for editing can have.
EDITABLE_KINDS = doc_kinds.EDITABLE_KINDS


#: The file extensions ``letterlint check`` reads (lower case, with the dot).
LETTER_SUFFIXES: tuple[str, ...] = tuple(KIND_BY_SUFFIX)


@dataclass(frozen=True)
class OpenedLetter:
    """A file read for editing: its text and the ``check_text`` kind to lint it as.

    .docx and .eml letters are edited as their extracted plain text (kind ``text``);
    HTML and templates keep their source. ``error`` is set, and ``text`` empty, when the
    file cannot be read (the same error codes as the JSON output).
    """

    name: str
    text: str
    kind: str
    notes: tuple[str, ...] = ()
    error: FileError | None = None


def open_letter(data: bytes, filename: str) -> OpenedLetter:
    """Read an uploaded or saved file the way ``letterlint check`` reads it."""

    try:
        src = read_bytes(data, filename)
    except ReadError as exc:
        return OpenedLetter(filename, "", "text", error=FileError(exc.code, exc.message))
    if src.kind in ("docx", "eml"):
        return OpenedLetter(filename, src.text, "text", src.notes)
    if src.kind == "html":
        return OpenedLetter(filename, src.source, "html", src.notes)
    return OpenedLetter(
        filename, src.source, src.kind if src.kind in EDITABLE_KINDS else "text", src.notes
    )


@dataclass(frozen=True)
class Readability:
    """Flesch figures of the letter's body (after the greeting, before the sign-off).

    The same figures rule LL601 judges; ``reading_ease`` and ``grade`` are None when the
    body has no words.
    """

    words: int
    sentences: int
    words_per_sentence: float | None
    reading_ease: float | None
    grade: float | None

    @classmethod
    def from_figures(cls, figs: Mapping[str, float]) -> Readability:
        """From the figures the linter computes (``FileResult.readability``)."""
        return cls(
            words=int(figs.get("words", 0)),
            sentences=int(figs.get("sentences", 0)),
            words_per_sentence=figs.get("words_per_sentence"),
            reading_ease=figs.get("flesch_reading_ease"),
            grade=figs.get("flesch_kincaid_grade"),
        )


def readability(text: str, *, kind: str = "text") -> Readability:
    """The readability figures of a letter (templates: their first rendered variant)."""

    src = read_text(text, "<text>", kind)
    try:
        variant = template_variants(src, [])[0]
    except ReadError:  # a template that does not parse: figures of its raw text
        variant = identity_variant(src.text)
    a = analyse(variant)
    return Readability.from_figures(readability_figures(a, body_span(a)))


@dataclass(frozen=True)
class RuleDoc:
    """A rule's explanation as ``letterlint rule CODE`` prints it."""

    code: str
    name: str
    category: str
    severity: str
    summary: str
    rationale: str
    sources: tuple[str, ...]
    fix: str | None  # safe, unsafe, display-only, or None (no automatic fix)


def rule_docs(config: Config | None = None) -> dict[str, RuleDoc]:
    """Every rule of the configured packs, by code."""

    config = config or Config()
    return {
        r.code: RuleDoc(
            r.code,
            r.name,
            r.category,
            r.severity,
            " ".join(r.summary.split()),
            " ".join(r.rationale.split()),
            tuple(r.sources),
            r.fix,
        )
        for r in load_rules(config.packs, config.extend_rules)
    }
