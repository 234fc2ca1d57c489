"""The JSON output, schema_version 1 (contract 2).

The top level is indented; each file object sits on one line. That keeps a report of
thousands of letters fast to write (json's C encoder only runs without ``indent``) and
still easy to read and diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from letterlint.core.model import Report
from letterlint.core.version import __version__
from letterlint.rulebook.loader import Rule

SCHEMA_VERSION = 1


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "letterlint", "version": __version__},
        "files": [fr.to_dict() for fr in report.files],
        "skipped": list(report.skipped),
    }


def iter_render(report: Report, rules: tuple[Rule, ...] = ()) -> Iterator[str]:
    """The report file by file: a report of 10,000 letters is a few hundred MB of text,
    which is written out piece by piece instead of being held (and copied) whole."""
    dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    yield (
        "{\n"
        f'  "schema_version": {SCHEMA_VERSION},\n'
        f'  "tool": {dump({"name": "letterlint", "version": __version__})},\n'
    )
    if report.files:
        yield '  "files": [\n'
        for i, fr in enumerate(report.files):
            yield ("    " if i == 0 else ",\n    ") + dump(fr.to_dict())
        yield "\n  ],\n"
    else:
        yield '  "files": [],\n'
    yield f'  "skipped": {dump(list(report.skipped))}\n}}\n'


def render(report: Report, rules: tuple[Rule, ...] = ()) -> str:
    return "".join(iter_render(report, rules))
