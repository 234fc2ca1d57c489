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
    # one join at the end: a report of 10,000 letters is a few hundred MB of text, and
    # each concatenation would copy it again
    parts = ["{\n", f'  "schema_version": {SCHEMA_VERSION},\n',
             f'  "tool": {dump({"name": "letterlint", "version": __version__})},\n']
    if report.files:
        parts.append('  "files": [\n')
        for i, fr in enumerate(report.files):
            parts.append(("    " if i == 0 else ",\n    ") + dump(fr.to_dict()))
        parts.append("\n  ],\n")
    else:
        parts.append('  "files": [],\n')
    parts.append(f'  "skipped": {dump(list(report.skipped))}\n' "}\n")
    return "".join(parts)
