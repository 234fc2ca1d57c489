"""``path:line:column: CODE [severity] message (→ suggestion)``, then a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from letterlint.core.model import Report
from letterlint.output.paths import shown_path
from letterlint.rulebook.loader import Rule


def iter_render(report: Report, rules: tuple[Rule, ...] = ()) -> Iterator[str]:
    """The report file by file, so a large one is written without being held whole."""
    for fr in report.files:
        path = shown_path(fr.path)
        if fr.error is not None:
            yield f"{path}: error[{fr.error.code}] {fr.error.message}\n"
            continue
        lines = [f"{path}: note: {note}\n" for note in fr.notes]
        for f in fr.findings:
            sugg = ""
            if f.suggestion is not None:
                sugg = f" (→ {f.suggestion})" if f.suggestion else " (→ delete it)"
            lines.append(f"{path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}{sugg}\n")
        if lines:
            yield "".join(lines)
    for path in report.skipped:
        yield f"{shown_path(path)}: skipped (not a letter format letterlint reads)\n"
    yield summary(report) + "\n"


def render(report: Report, rules: tuple[Rule, ...] = ()) -> str:
    return "".join(iter_render(report, rules))


def summary(report: Report) -> str:
    sev = Counter(f.severity for fr in report.files for f in fr.findings)
    total = sum(sev.values())
    checked = sum(1 for fr in report.files if fr.error is None)
    failed = len(report.files) - checked
    fixable = sum(
        1 for fr in report.files for f in fr.findings if f.fix and f.fix.applicability == "safe"
    )
    parts = [
        f"{n} {name}{'s' if n != 1 and name != 'info' else ''}"
        for name, n in (("error", sev["error"]), ("warning", sev["warning"]), ("info", sev["info"]))
        if n
    ]
    head = f"Found {total} finding{'s' if total != 1 else ''}" if total else "No findings"
    detail = f" ({', '.join(parts)})" if parts else ""
    out = f"{head}{detail} in {checked} file{'s' if checked != 1 else ''}"
    if failed:
        out += f"; {failed} file{'s' if failed != 1 else ''} could not be read"
    if report.skipped:
        out += f"; {len(report.skipped)} skipped"
    out += "."
    if fixable:
        out += f"\n{fixable} fixable with `letterlint fix`."
    return out
