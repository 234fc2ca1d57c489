"""Audit reports: a self-contained HTML page or a Word document built from an `Audit`."""

from __future__ import annotations

from pathlib import Path

from letterlint.core.files import write_atomic
from letterlint.reporting.audit import Audit
from letterlint.reporting.docx import render_docx
from letterlint.reporting.html import render_html

REPORT_SUFFIXES = (".html", ".htm", ".docx")


def render_report(a: Audit, suffix: str) -> bytes:
    """The report in the format its file suffix names (.html or .docx)."""
    suffix = suffix.lower()
    if suffix in (".html", ".htm"):
        return render_html(a).encode("utf-8", "replace")  # a non-UTF-8 file name shows as "?"
    if suffix == ".docx":
        return render_docx(a)
    raise ValueError(f"a report is .html or .docx, not {suffix or 'a file without an extension'}")


def write_report(a: Audit, path: str | Path, *, overwrite: bool = False) -> None:
    """Render and write the report atomically; an existing file is replaced only with
    ``overwrite``."""
    path = Path(path)
    write_atomic(path, render_report(a, path.suffix), overwrite=overwrite)
