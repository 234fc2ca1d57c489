"""How the package imports itself (docs/design.md, "The layers"): letterlint's own modules
are imported at the top of a module; an import inside a function carries ``# lazy: REASON``
(a heavy library it pulls in, or the start-up it would cost), and the CLI's start-up loads
none of the heavy parts."""

from __future__ import annotations

import ast
import importlib.util
import textwrap

import pytest

from .conftest import ROOT, modules_loaded

PACKAGE = ROOT / "src" / "letterlint"

#: ``# lazy:`` and a reason of a few words at least
MIN_REASON = 10


def _lazy_reason(line: str) -> str | None:
    """The reason of a ``# lazy: REASON`` comment on ``line``, or None."""
    _, sep, rest = line.partition("# lazy:")
    return rest.strip() if sep else None


def _is_internal(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "letterlint"
    return any(alias.name.split(".")[0] == "letterlint" for alias in node.names)


def unmarked_imports(source: str) -> list[int]:
    """The lines of function-level imports of letterlint (absolute or relative) with no
    ``# lazy: REASON`` on the import's lines or as a comment on the line just above it."""
    lines = source.splitlines()
    found: set[int] = set()
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if not isinstance(node, ast.Import | ast.ImportFrom) or not _is_internal(node):
                continue
            own = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            reasons = [_lazy_reason(line) for line in own]
            if above.startswith("#"):
                reasons.append(_lazy_reason(above))
            if not any(r and len(r) >= MIN_REASON for r in reasons):
                found.add(node.lineno)
    return sorted(found)


def test_the_scan_finds_an_unmarked_function_level_import() -> None:
    source = textwrap.dedent("""\
        import json
        from letterlint.core.model import Report

        def plain():
            from letterlint.core import files
            from . import sibling
            import letterlint.core.spans
            import yaml  # a third-party import is not this rule's business

        def marked():
            from letterlint.actions import rewrite  # lazy: the rewriter is 20 ms of import
            # lazy: python-docx, only for .docx files
            from letterlint.reading import docx_text
            from letterlint.output.sarif import (  # lazy: hashlib, only for SARIF
                render,
            )
            from letterlint.actions import export  # lazy: x

        class Holder:
            def method(self):
                def inner():
                    from letterlint.batch import baseline
    """)
    assert unmarked_imports(source) == [5, 6, 7, 17, 22]


def test_every_function_level_import_of_letterlint_says_why_it_is_lazy() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 50  # the scan reads the package, not an empty folder
    unmarked = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in files
        for line in unmarked_imports(path.read_text(encoding="utf-8"))
    ]
    assert not unmarked, (
        "import letterlint's own modules at the top of the module, or say why this one "
        "must wait with `# lazy: REASON` (a heavy library, or measured start-up):\n"
        + "\n".join(unmarked)
    )


#: What `letterlint --version` and `check`'s start-up must not load: the parts only other
#: commands or formats need, and the heavy libraries (spaCy loads when a letter is linted).
NOT_AT_START_UP = (
    "letterlint.actions.fixes",
    "letterlint.reporting.audit",
    "letterlint.frontends.letters",
    "letterlint.output.ruledoc",
    "letterlint.actions.rewrite",
    "letterlint.actions.export",
    "letterlint.reporting.reports",
    "letterlint.reporting.html",
    "letterlint.reporting.docx",
    "letterlint.reporting.charts",
    "letterlint.output.sarif",
    "letterlint.reading.docx_text",
    "letterlint.reading.document_text",
    "letterlint.batch.cache",
    "spacy",
    "docx",
    "jinja2",
    "matplotlib",
    "sqlite3",
    "pypdf",
    "odfdo",
    "tqdm",
    "streamlit",
)


@pytest.mark.slow
def test_the_cli_starts_without_the_heavy_parts() -> None:
    # every name is a module that exists, so a rename cannot make this test pass quietly
    assert all(importlib.util.find_spec(name) is not None for name in NOT_AT_START_UP)
    assert modules_loaded("letterlint.frontends.cli", NOT_AT_START_UP) == []
