"""The kinds of document letterlint reads, and what each allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

COMMENT = re.compile(
    r"\{#(?P<a>.*?)#\}|<!--(?P<b>.*?)-->|\{\{!--(?P<c>.*?)--\}\}|\{\{!(?P<d>.*?)\}\}"
    r"|\{%-?\s*comment\s*-?%\}(?P<e>.*?)\{%-?\s*endcomment\s*-?%\}",
    re.S,
)


@dataclass(frozen=True)
class DocKind:
    """One kind of document: how it is recognised and what letterlint may do with it.

    The one place these facts live; every list of kinds elsewhere is derived from `KINDS`.
    """

    name: str  # `check_text(kind=...)`, the rule examples' `kind:` and the JSON output's kind
    suffixes: tuple[str, ...]  # file extensions, lower case, with the dot
    template: bool = False  # template code is masked or rendered (contract 4)
    comments: bool = False  # has a comment syntax for inline directives (contract 5)
    text_input: bool = True  # `check_text` accepts it as a string
    editable: bool = True  # the editor opens it as text and can save it back
    fix_in_place: bool = True  # `letterlint fix` may rewrite the file itself


KINDS: tuple[DocKind, ...] = (
    DocKind("text", (".txt", ".text")),
    DocKind("markdown", (".md", ".markdown"), comments=True),
    DocKind("html", (".html", ".htm"), comments=True),
    DocKind("docx", (".docx",), text_input=False, editable=False, fix_in_place=False),
    DocKind("eml", (".eml",), editable=False, fix_in_place=False),
    DocKind("jinja", (".j2", ".jinja", ".jinja2"), template=True, comments=True),
    DocKind("handlebars", (".hbs", ".handlebars"), template=True, comments=True),
    DocKind("mustache", (".mustache",), template=True, comments=True),
    DocKind("liquid", (".liquid",), template=True, comments=True),
    DocKind("pdf", (".pdf",), text_input=False, editable=False, fix_in_place=False),
    DocKind("odt", (".odt",), text_input=False, editable=False, fix_in_place=False),
)
BY_NAME: dict[str, DocKind] = {k.name: k for k in KINDS}
KIND_BY_SUFFIX: dict[str, str] = {suffix: k.name for k in KINDS for suffix in k.suffixes}
TEMPLATE_KINDS = frozenset(k.name for k in KINDS if k.template)
COMMENT_KINDS = frozenset(k.name for k in KINDS if k.comments)
TEXT_KINDS = frozenset(k.name for k in KINDS if k.text_input)
EDITABLE_KINDS = tuple(k.name for k in KINDS if k.editable)
NOT_FIXED_IN_PLACE = frozenset(k.name for k in KINDS if not k.fix_in_place)


UNSUPPORTED_SUFFIXES: dict[str, str] = {
    ".doc": "Word 97-2003 (.doc)",
    ".rtf": "RTF",
    ".msg": "Outlook message (.msg)",
    ".pages": "Apple Pages",
}
