"""letterlint: lint credit-control and collection letters for a customer-first tone.

Public API (contract 6 of the design)::

    from letterlint import check_text, check_bytes, check_paths, audit, Config
"""

from __future__ import annotations

from letterlint.batch.checking import check_bytes, check_paths, check_text  # noqa: E402
from letterlint.core.config import SAMPLE_CONTEXT, Config, ConfigError  # noqa: E402
from letterlint.core.files import write_atomic
from letterlint.core.model import Edit, FileError, FileResult, Finding, Fix, Report  # noqa: E402
from letterlint.core.version import __version__  # noqa: E402
from letterlint.engine.scoring import score  # noqa: E402

# The fixer, the audit, the editor's helpers, the rewriter and the exporters are imported on
# first use: `check` (and every worker process it starts) never needs them, and each is
# milliseconds of import (tens from source).
_LAZY = {
    "FixResult": "letterlint.actions.fixes",
    "fix_text": "letterlint.actions.fixes",
    "Audit": "letterlint.reporting.audit",
    "audit": "letterlint.reporting.audit",
    "LETTER_SUFFIXES": "letterlint.frontends.letters",
    "OpenedLetter": "letterlint.frontends.letters",
    "Readability": "letterlint.frontends.letters",
    "RuleDoc": "letterlint.frontends.letters",
    "open_letter": "letterlint.frontends.letters",
    "readability": "letterlint.frontends.letters",
    "rule_docs": "letterlint.frontends.letters",
    "Rewrite": "letterlint.actions.rewrite",
    "rewrite_text": "letterlint.actions.rewrite",
    "DIALECTS": "letterlint.actions.export",
    "ExportError": "letterlint.actions.export",
    "export_template": "letterlint.actions.export",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'letterlint' has no attribute {name!r}")


__all__ = [
    "Audit",
    "Config",
    "ConfigError",
    "DIALECTS",
    "Edit",
    "ExportError",
    "FileError",
    "FileResult",
    "Finding",
    "Fix",
    "FixResult",
    "LETTER_SUFFIXES",
    "OpenedLetter",
    "Readability",
    "Report",
    "Rewrite",
    "RuleDoc",
    "SAMPLE_CONTEXT",
    "__version__",
    "audit",
    "check_bytes",
    "check_paths",
    "check_text",
    "export_template",
    "fix_text",
    "open_letter",
    "readability",
    "rewrite_text",
    "rule_docs",
    "score",
    "write_atomic",
]
