"""The JSON output, schema_version 1 (contract 2).

The top level is indented; each file object sits on one line. That keeps a report of
thousands of letters fast to write (json's C encoder only runs without ``indent``) and
still easy to read and diff.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..model import Report
from ..rulebook import Rule

SCHEMA_VERSION = 1


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "letterlint", "version": __version__},
        "files": [fr.to_dict() for fr in report.files],
        "skipped": list(report.skipped),
    }


def render(report: Report, rules: tuple[Rule, ...] = ()) -> str:
    dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    files = ",\n".join("    " + dump(fr.to_dict()) for fr in report.files)
    return (
        "{\n"
        f'  "schema_version": {SCHEMA_VERSION},\n'
        f'  "tool": {dump({"name": "letterlint", "version": __version__})},\n'
        + (f'  "files": [\n{files}\n  ],\n' if files else '  "files": [],\n')
        + f'  "skipped": {dump(list(report.skipped))}\n'
        "}\n"
    )
