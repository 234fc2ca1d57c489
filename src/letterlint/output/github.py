"""GitHub Actions workflow commands: inline annotations on pull requests."""

from __future__ import annotations

from letterlint.core.model import Report
from letterlint.output.paths import shown_path
from letterlint.output.text import summary
from letterlint.rulebook.loader import Rule

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, rules: tuple[Rule, ...] = ()) -> str:
    lines: list[str] = []
    for fr in report.files:
        if fr.error is not None:
            lines.append(
                f"::error file={_prop(shown_path(fr.path))},"
                f"title={_prop('letterlint ' + fr.error.code)}::{_data(fr.error.message)}"
            )
            continue
        for f in fr.findings:
            msg = f.message + (f" (→ {f.suggestion})" if f.suggestion else "")
            lines.append(
                f"::{LEVEL[f.severity]} file={_prop(shown_path(fr.path))},"
                f"line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column},"
                f"title={_prop(f.code + ' ' + f.name)}::{_data(msg)}"
            )
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
