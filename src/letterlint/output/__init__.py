"""Output formats, one module each: text, json, sarif, github."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from letterlint.core.model import Report
from letterlint.output import github, text
from letterlint.output import json as json_format
from letterlint.output.paths import shown_path as shown_path  # its home before output.paths
from letterlint.rulebook.loader import Rule

#: The output formats, one module each (the CLI's ``--format`` choices).
FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, report: Report, rules: tuple[Rule, ...]) -> str:
    """Render ``report`` in ``fmt``; ``rules`` are the rules that ran (for SARIF)."""
    func: Callable[[Report, tuple[Rule, ...]], str]
    if fmt == "text":
        func = text.render
    elif fmt == "json":
        func = json_format.render
    elif fmt == "sarif":
        # lazy: its hashlib (OpenSSL) is 5-10 ms of start-up; only --format sarif needs it
        from letterlint.output.sarif import render as func
    elif fmt == "github":
        func = github.render
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return func(report, rules)


def render_parts(fmt: str, report: Report, rules: tuple[Rule, ...]) -> Iterator[str]:
    """``render`` in pieces (file by file for text and JSON), for writing large reports."""
    if fmt == "text":
        return text.iter_render(report, rules)
    if fmt == "json":
        return json_format.iter_render(report, rules)
    return iter([render(fmt, report, rules)])
