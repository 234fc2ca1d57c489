"""Output formats, one module each: text, json, sarif, github."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from letterlint.core.model import Report
from letterlint.rulebook.loader import Rule

#: The output formats, one module each (the CLI's ``--format`` choices).
FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, report: Report, rules: tuple[Rule, ...]) -> str:
    """Render ``report`` in ``fmt``; ``rules`` are the rules that ran (for SARIF)."""
    func: Callable[[Report, tuple[Rule, ...]], str]
    if fmt == "text":
        from letterlint.output.text import render as func
    elif fmt == "json":
        from letterlint.output.json import render as func
    elif fmt == "sarif":
        from letterlint.output.sarif import render as func
    elif fmt == "github":
        from letterlint.output.github import render as func
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return func(report, rules)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def shown_path(path: str) -> str:
    """A file name safe to print: control characters (an escape sequence in a file name
    could rewrite the terminal) and undecodable bytes shown as ``\\xNN``."""
    if not _UNPRINTABLE.search(path):
        return path
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group(0)) & 0xFF:02x}", path)


def render_parts(fmt: str, report: Report, rules: tuple[Rule, ...]) -> Iterator[str]:
    """``render`` in pieces (file by file for text and JSON), for writing large reports."""
    if fmt == "text":
        from letterlint.output.text import iter_render

        return iter_render(report, rules)
    if fmt == "json":
        from letterlint.output.json import iter_render as json_parts

        return json_parts(report, rules)
    return iter([render(fmt, report, rules)])
