"""SARIF 2.1.0 for code-scanning tools (GitHub uploads it with upload-sarif)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from letterlint.core.model import Report
from letterlint.core.version import __version__
from letterlint.output.paths import shown_path
from letterlint.rulebook.loader import Rule

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/letterlint/letterlint"


def _uri(path: str) -> str:
    if re.search(
        "[\ud800-\udfff]", path
    ):  # bytes that are not UTF-8: percent-encoded, as a URI has them
        return quote(os.fsencode(path), safe="/")
    return (
        PurePath(path).as_posix().lstrip("./")
        if not path.startswith("/")
        else PurePath(path).as_posix()
    )


_URL = re.compile(r"https?://[^\s,;)]+")


def help_uri(rule: Rule) -> str | None:
    """The first link among a rule's sources (a compliance rule's provision)."""
    for source in rule.sources:
        m = _URL.search(source)
        if m:
            return m.group(0).rstrip(".")
    return None


def to_dict(report: Report, rules: tuple[Rule, ...]) -> dict[str, Any]:
    used = {f.code for fr in report.files for f in fr.findings}
    rule_list = [r for r in rules if r.code in used] or []
    index = {r.code: i for i, r in enumerate(rule_list)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for fr in report.files:
        uri = _uri(fr.path)
        if fr.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {
                        "text": f"{shown_path(fr.path)}: {fr.error.code}: {fr.error.message}"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}
                            }
                        }
                    ],
                    "descriptor": {"id": fr.error.code},
                }
            )
            continue
        for f in fr.findings:
            fp = hashlib.sha256(
                f"{f.code}|{uri}|{f.text}".encode("utf-8", "surrogateescape")
            ).hexdigest()[:32]
            result: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": LEVEL[f.severity],
                "message": {
                    "text": f.message + (f" Suggestion: {f.suggestion}" if f.suggestion else "")
                },
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column,
                                "charOffset": f.start,
                                "charLength": f.end - f.start,
                            },
                        }
                    }
                ],
                "partialFingerprints": {"letterlint/v1": fp},
            }
            results.append(result)
    driver = {
        "name": "letterlint",
        "version": __version__,
        "informationUri": INFO_URI,
        "rules": [
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.rationale},
                "help": {"text": r.rationale + "\nSources: " + "; ".join(r.sources)},
                "defaultConfiguration": {"level": LEVEL[r.severity]},
                "properties": {"category": r.category, "tags": [r.category]},
                **({"helpUri": uri} if (uri := help_uri(r)) else {}),
            }
            for r in rule_list
        ],
    }
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
            }
        ],
    }


def render(report: Report, rules: tuple[Rule, ...]) -> str:
    return json.dumps(to_dict(report, rules), indent=2, ensure_ascii=False) + "\n"
