"""Output formats, one module each: text, json, sarif, github."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..model import Report
from ..rulebook import Rule

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, report: Report, rules: tuple[Rule, ...]) -> str:
    """Render ``report`` in ``fmt``; ``rules`` are the rules that ran (for SARIF)."""
    func: Callable[[Report, tuple[Rule, ...]], str]
    if fmt == "text":
        from .text import render as func
    elif fmt == "json":
        from .json import render as func
    elif fmt == "sarif":
        from .sarif import render as func
    elif fmt == "github":
        from .github import render as func
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return func(report, rules)


def render_parts(fmt: str, report: Report, rules: tuple[Rule, ...]) -> Iterator[str]:
    """``render`` in pieces (file by file for text and JSON), for writing large reports."""
    if fmt == "text":
        from .text import iter_render

        return iter_render(report, rules)
    if fmt == "json":
        from .json import iter_render as json_parts

        return json_parts(report, rules)
    return iter([render(fmt, report, rules)])
