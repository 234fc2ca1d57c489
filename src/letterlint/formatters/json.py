"""The JSON output, schema_version 1 (contract 2)."""

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
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
