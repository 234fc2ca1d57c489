"""``path:line:column: CODE [severity] message (→ suggestion)``, then a summary."""

from __future__ import annotations

from collections import Counter

from ..model import Report
from ..rulebook import Rule


def render(report: Report, rules: tuple[Rule, ...] = ()) -> str:
    lines: list[str] = []
    for fr in report.files:
        if fr.error is not None:
            lines.append(f"{fr.path}: error[{fr.error.code}] {fr.error.message}")
            continue
        for note in fr.notes:
            lines.append(f"{fr.path}: note: {note}")
        for f in fr.findings:
            sugg = ""
            if f.suggestion is not None:
                sugg = f" (→ {f.suggestion})" if f.suggestion else " (→ delete it)"
            lines.append(f"{fr.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}{sugg}")
    for path in report.skipped:
        lines.append(f"{path}: skipped (not a letter format letterlint reads)")
    lines.append(summary(report))
    lines.append("")  # the final newline, without copying the whole report once more
    return "\n".join(lines)


def summary(report: Report) -> str:
    sev = Counter(f.severity for fr in report.files for f in fr.findings)
    total = sum(sev.values())
    checked = sum(1 for fr in report.files if fr.error is None)
    failed = len(report.files) - checked
    fixable = sum(1 for fr in report.files for f in fr.findings if f.fix and f.fix.applicability == "safe")
    parts = [f"{n} {name}{'s' if n != 1 and name != 'info' else ''}" for name, n in
             (("error", sev["error"]), ("warning", sev["warning"]), ("info", sev["info"])) if n]
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
