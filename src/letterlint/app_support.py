"""The template editor's logic, kept apart from Streamlit so it can be tested directly.

`app.py` is a thin page over these functions: highlighting a letter (letter text always
escaped, overlapping findings merged), a word diff of a change, previews with a sample
customer, exports, and saving back to the templates folder without silently overwriting
someone else's change. Only letterlint's public API is used here, as for any front end.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from letterlint import (
    DIALECTS,
    LETTER_SUFFIXES,
    Config,
    ExportError,
    Finding,
    OpenedLetter,
    Readability,
    export_template,
    open_letter,
    write_atomic,
)
from letterlint.api import lint_text

# --------------------------------------------------------------------------- linting

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""The largest upload the editor reads (the .docx limit of ``check``)."""


@dataclass(frozen=True)
class LintView:
    """Everything the editor shows about one version of the letter."""

    findings: tuple[Finding, ...] = ()
    score: int | None = None
    readability: Readability | None = None
    error: str | None = None  # why the letter could not be linted (file and line named)


@lru_cache(maxsize=64)
def lint_letter(text: str, kind: str, name: str, config: Config) -> LintView:
    """Lint the editor's text; cached, so a rerun without an edit costs nothing.

    A template that does not parse comes back as ``error`` (``name: line N: …``) instead
    of raising, so the page keeps working while the user fixes it.
    """
    try:  # one lint gives the findings, the score and the readability figures
        result = lint_text(text, kind=kind, path=name, config=config)
    except ValueError as exc:
        return LintView(error=str(exc))
    return LintView(result.findings, result.score, Readability.from_figures(result.readability))


def load_upload(name: str, data: bytes) -> OpenedLetter:
    """Read an uploaded file for editing; problems come back in ``error``, never raised."""
    from letterlint import FileError

    if len(data) > MAX_UPLOAD_BYTES:
        return OpenedLetter(name, "", "text", error=FileError("too-large", f"file is {len(data):,} bytes"))
    return open_letter(data, name)


def upload_error_message(letter: OpenedLetter) -> str:
    """One line naming the file and what is wrong with it."""
    assert letter.error is not None
    return f"Could not open {letter.name}: {letter.error.message} ({letter.error.code})."


def list_templates(folder: str | Path) -> list[str]:
    """The letters in the templates folder (sorted relative paths; hidden and lock files skipped)."""
    root = Path(folder)
    if not root.is_dir():
        return []
    out = []
    for p in root.rglob("*"):
        rel = p.relative_to(root)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if p.is_file() and p.suffix.lower() in LETTER_SUFFIXES:
            out.append(rel.as_posix())
    return sorted(out)


# --------------------------------------------------------------------------- highlighting

CATEGORY_COLOURS: dict[str, str] = {
    "stigmatising-language": "#fcd5da",
    "legal-jargon": "#dfe3ff",
    "threatening-tone": "#ffdcb8",
    "call-to-action": "#d8f0de",
    "personalisation": "#d6ecfb",
    "readability": "#ececec",
    "compliance": "#eadcfb",
    "template": "#fbf3c0",
}
SEVERITY_UNDERLINE: dict[str, str] = {
    "error": "2px solid #b3261e",
    "warning": "2px solid #d9730d",
    "info": "1px dashed #6b6b6b",
}
_RANK = {"info": 1, "warning": 2, "error": 3}
_BOX = ("white-space:pre-wrap;word-wrap:break-word;font-family:inherit;font-size:15px;line-height:1.65;"
        "padding:12px 14px;border:1px solid #d0d4dc;border-radius:8px;background:#fff;color:#1a1a1a;margin:0")


def is_whole_letter(f: Finding) -> bool:
    """Findings about the letter as a whole (no call to action, reading ease) are listed, not highlighted."""
    return f.category == "call-to-action" or f.name == "readability.reading-ease"


def highlight_segments(text: str, findings: Iterable[Finding]) -> list[tuple[str, tuple[Finding, ...]]]:
    """Split ``text`` at every finding boundary; each piece carries the findings covering it.

    Overlapping findings ("LEGAL action" and the shouting "LEGAL") become separate pieces,
    so every character appears exactly once; neighbouring pieces with the same findings
    are joined.
    """
    spans = [f for f in findings if not is_whole_letter(f) and 0 <= f.start < f.end <= len(text)]
    bounds = sorted({0, len(text), *(f.start for f in spans), *(f.end for f in spans)})
    pieces: list[tuple[str, tuple[Finding, ...]]] = []
    for a, b in zip(bounds, bounds[1:]):
        covering = tuple(f for f in spans if f.start <= a and f.end >= b)
        if pieces and pieces[-1][1] == covering:
            pieces[-1] = (pieces[-1][0] + text[a:b], covering)
        else:
            pieces.append((text[a:b], covering))
    return pieces


def primary(covering: Sequence[Finding]) -> Finding:
    """The finding whose colour a piece takes: a word-level finding over a sentence-level
    readability one, then the most severe, then the narrowest (the most specific)."""
    return max(covering, key=lambda f: (f.category != "readability", _RANK[f.severity], -(f.end - f.start)))


def highlight_html(text: str, findings: Iterable[Finding]) -> str:
    """The letter as escaped HTML with ``<mark>`` spans coloured by category, underlined by severity.

    The letter's own text is always passed through `html.escape`: whatever it contains
    (tags, Markdown, ``$`` signs) is shown literally, never interpreted.
    """
    out = []
    for piece, covering in highlight_segments(text, findings):
        if not covering:
            out.append(html.escape(piece))
            continue
        lead = primary(covering)
        codes = " ".join(dict.fromkeys(f.code for f in covering))
        title = "\n".join(dict.fromkeys(f"{f.code} [{f.severity}] {f.name}" for f in covering))
        if lead.category == "readability":  # whole sentences: a quiet tint, so words inside stand out
            style = f"background:{CATEGORY_COLOURS['readability']};color:inherit;padding:0"
        else:
            style = (f"background:{CATEGORY_COLOURS.get(lead.category, '#eee')};"
                     f"border-bottom:{SEVERITY_UNDERLINE[lead.severity]};padding:0 1px;border-radius:2px;color:inherit")
        out.append(f'<mark class="ll-mark ll-{lead.severity} ll-{lead.category}" data-codes="{codes}" '
                   f'title="{html.escape(title)}" style="{style}">{html.escape(piece)}</mark>')
    return f'<div class="ll-letter" style="{_BOX}">{"".join(out)}</div>'


def legend_html() -> str:
    """A key to the highlight colours and underlines."""
    cats = "".join(f'<span style="background:{c};padding:1px 6px;border-radius:3px;margin-right:6px">'
                   f"{html.escape(name)}</span>" for name, c in CATEGORY_COLOURS.items()
                   if name not in ("compliance", "call-to-action"))
    sev = "".join(f'<span style="border-bottom:{u};margin-right:10px">{s}</span>'
                  for s, u in reversed(SEVERITY_UNDERLINE.items()))
    return f'<div style="font-size:12px;line-height:2;color:#444">{cats}<br>{sev}</div>'


# --------------------------------------------------------------------------- diffs

_WORDS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\s+|\w+|[^\w\s]")  # a placeholder is one word


EXACT_DIFF_CELLS = 250_000
"""Above this many word pairs (after the common start and end are set aside) the word diff
lets difflib skip very common words, which keeps it fast on long, repetitive letters."""


def _word_opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """``SequenceMatcher(None, a, b).get_opcodes()``, in time close to linear for an edit.

    An exact diff (``autojunk=False``) of a repetitive letter is quadratic or worse (a
    7 KB letter took 85 s), so the unchanged start and end are matched first, and only a
    large middle is diffed with difflib's heuristic for common words.
    """
    lo = 0
    top = min(len(a), len(b))
    while lo < top and a[lo] == b[lo]:
        lo += 1
    hi_a, hi_b = len(a), len(b)
    while hi_a > lo and hi_b > lo and a[hi_a - 1] == b[hi_b - 1]:
        hi_a -= 1
        hi_b -= 1
    mid_a, mid_b = a[lo:hi_a], b[lo:hi_b]
    exact = len(mid_a) * len(mid_b) <= EXACT_DIFF_CELLS
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, lo, 0, lo)] if lo else []
    if mid_a or mid_b:
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=not exact).get_opcodes():
            ops.append((op, i1 + lo, i2 + lo, j1 + lo, j2 + lo))
    if hi_a < len(a):
        ops.append(("equal", hi_a, len(a), hi_b, len(b)))
    merged: list[tuple[str, int, int, int, int]] = []
    for op in ops:  # the trimmed ends may touch an equal run of the middle: one run, as difflib gives
        if merged and op[0] == "equal" == merged[-1][0]:
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    return merged


def diff_html(before: str, after: str) -> str:
    """A word diff: removed words struck through in red, added words in green, all escaped.

    A lone space between two changes is folded into them, so a rewritten phrase reads as
    one removal and one addition rather than alternating word by word.
    """
    a, b = _WORDS.findall(before), _WORDS.findall(after)
    ops = _word_opcodes(a, b)
    chunks: list[tuple[str, str, str]] = []  # (kind, removed, added); kind "equal" or "change"
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        between = 0 < k < len(ops) - 1 and ops[k - 1][0] != "equal" and ops[k + 1][0] != "equal"
        if op == "equal" and not (between and old.isspace() and "\n" not in old):
            chunks.append(("equal", old, old))
        elif chunks and chunks[-1][0] == "change":
            _, r, d = chunks[-1]
            chunks[-1] = ("change", r + old, d + new)
        else:
            chunks.append(("change", old, new))
    out = []
    for kind, old, new in chunks:
        if kind == "equal":
            out.append(html.escape(old))
            continue
        if old:
            out.append('<del style="background:#fde0e0;color:#8a1c1c">' + html.escape(old) + "</del>")
        if new:
            out.append('<ins style="background:#dcf5e3;color:#14532d;text-decoration:none">'
                       + html.escape(new) + "</ins>")
    return f'<div class="ll-diff" style="{_BOX}">{"".join(out)}</div>'


def apply_suggestion(text: str, finding: Finding) -> str:
    """The letter with one finding's fix applied.

    Raises ValueError when the letter no longer has the flagged text where the finding
    says (it was edited since it was linted), so a stale fix never lands in the wrong place.
    """
    if finding.fix is None or not finding.fix.edits:
        raise ValueError(f"{finding.code} has no suggestion to apply")
    if text[finding.start:finding.end] != finding.text:
        raise ValueError("the letter changed since it was checked; try again")
    for e in sorted(finding.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[:e.start] + e.replacement + text[e.end:]
    return text


# --------------------------------------------------------------------------- preview

def flatten_context(ctx: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """A nested context as dotted field names and their values as text (for edit boxes)."""
    out: dict[str, str] = {}
    for k, v in ctx.items():
        if isinstance(v, Mapping):
            out.update(flatten_context(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = "" if v is None else str(v)
    return out


def unflatten_context(fields: Mapping[str, str]) -> dict[str, Any]:
    """Dotted fields back to a nested context; whole numbers become ints (``days_overdue > 30``)."""
    out: dict[str, Any] = {}
    for dotted, value in fields.items():
        node = out
        *groups, last = dotted.split(".")
        for g in groups:
            node = node.setdefault(g, {})
        node[last] = int(value) if re.fullmatch(r"-?\d{1,15}", value.strip()) else value
    return out


@dataclass(frozen=True)
class Preview:
    text: str | None
    error: str | None = None
    note: str | None = None


def render_preview(text: str, kind: str, context: Mapping[str, Any]) -> Preview:
    """The letter filled in with a sample customer (Jinja2 syntax, sandboxed).

    A field the context lacks shows as ``[name?]`` rather than vanishing, so a gap in
    the template is visible. Handlebars, Mustache and Liquid are not rendered here: the
    friendlier rewrite turns them into Jinja2.
    """
    from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    if kind in ("handlebars", "mustache", "liquid"):
        return Preview(None, note=f"The preview fills in Jinja2 templates; this is a {kind} template. "
                                  "Apply the friendlier rewrite to turn it into Jinja2.")

    class _Shown(ChainableUndefined):
        def __str__(self) -> str:
            return f"[{self._undefined_name}?]"

    env = SandboxedEnvironment(undefined=_Shown, keep_trailing_newline=True, autoescape=False)
    try:
        return Preview(env.from_string(text).render(dict(context)))
    except TemplateSyntaxError as exc:
        return Preview(None, error=f"line {exc.lineno}: {exc.message}")
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        return Preview(None, error=f"the template could not be filled in: {exc}")


def preview_html(text: str) -> str:
    """The filled-in letter as escaped text in a box."""
    return f'<div class="ll-preview" style="{_BOX};font-family:Georgia,serif;font-size:15px">{html.escape(text)}</div>'


# --------------------------------------------------------------------------- export

EXPORT_FILES: dict[str, tuple[str, str]] = {
    "jinja2": (".j2", "text/plain"),
    "liquid": (".liquid", "text/plain"),
    "handlebars": (".hbs", "text/plain"),
    "mustache": (".mustache", "text/plain"),
    "mailchimp": (".txt", "text/plain"),
    "hubspot": (".html", "text/plain"),
    "salesforce": (".txt", "text/plain"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "html-email": (".html", "text/html"),
    "plain": (".txt", "text/plain"),
}
assert set(EXPORT_FILES) == set(DIALECTS)


@dataclass(frozen=True)
class Exported:
    """An export ready for download; ``text`` is None for binary output (.docx)."""

    data: bytes
    text: str | None
    filename: str
    mime: str


def export_letter(text: str, kind: str, dialect: str, name: str = "letter") -> Exported:
    """Export the editor's letter (a Jinja2 template or plain text); raises `ExportError`."""
    if kind in ("handlebars", "mustache", "liquid"):
        raise ExportError(f"export reads Jinja2 templates and this is a {kind} template; "
                          "apply the friendlier rewrite first (it writes Jinja2)")
    out = export_template(text, dialect)
    suffix, mime = EXPORT_FILES[dialect]
    stem = Path(name).stem or "letter"
    filename = f"{stem}-{dialect}{suffix}"
    if isinstance(out, bytes):
        return Exported(out, None, filename, mime)
    return Exported(out.encode("utf-8"), out, filename, mime)


# --------------------------------------------------------------------------- saving

@dataclass(frozen=True)
class DiskStamp:
    """What a file looked like on disk when it was opened (or last saved)."""

    mtime_ns: int
    size: int
    sha256: str


def disk_stamp(path: str | Path) -> DiskStamp | None:
    """The file's modification time, size and content hash; None when it does not exist."""
    p = Path(path)
    try:
        st = p.stat()
        data = p.read_bytes()
    except FileNotFoundError:
        return None
    return DiskStamp(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


def changed_since(opened: DiskStamp | None, now: DiskStamp | None) -> bool:
    """Whether the file on disk is not the one that was opened.

    The content hash decides, not the modification time alone: a file touched without a
    change is not a conflict, and a same-size rewrite within the file system's clock
    resolution still is.
    """
    if now is None:
        return False  # gone: nothing would be overwritten
    if opened is None:
        return True  # a file that was not there when we started
    return now.sha256 != opened.sha256


#: Formats the editor opens as text but never writes back (they are not plain text files).
READ_ONLY_SUFFIXES = (".docx", ".odt", ".pdf", ".eml")


def save_name_for(name: str, kind: str) -> str:
    """The file name to save the edited letter as.

    .docx, .odt, .pdf and .eml letters are edited as plain text, so they are saved as
    .txt; a letter turned into a Jinja2 template by the rewrite gets .j2.
    """
    p = Path(name or "letter.txt")
    suffix = p.suffix.lower()
    if kind == "jinja" and suffix not in (".j2", ".jinja", ".jinja2"):
        return p.stem + ".j2"
    if suffix in READ_ONLY_SUFFIXES or suffix not in LETTER_SUFFIXES:
        return (p.stem or "letter") + ".txt"
    return p.as_posix()


def target_in(folder: str | Path, name: str) -> Path:
    """``name`` inside the templates folder; names that would leave it are refused."""
    name = name.strip()
    if not name or name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
        raise ValueError(f"{name!r} is not a file name inside the templates folder")
    if Path(name).suffix.lower() not in LETTER_SUFFIXES or Path(name).suffix.lower() in READ_ONLY_SUFFIXES:
        raise ValueError(f"{name!r}: save as one of .txt .md .html .j2 .hbs .liquid .mustache")
    target = Path(folder) / name
    root = Path(folder).resolve()
    if root != target.resolve() and root not in target.resolve().parents:  # a symlink leading out
        raise ValueError(f"{name!r} leads outside the templates folder")
    return target


def keep_both_name(path: str | Path) -> Path:
    """The first free ``name (n).ext`` next to ``path``: ``letter (2).txt``, ``letter (3).txt``…"""
    p = Path(path)
    stem = re.sub(r" \(\d+\)$", "", p.stem)
    n = 2
    while True:
        candidate = p.with_name(f"{stem} ({n}){p.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


@dataclass(frozen=True)
class SaveResult:
    """``saved`` (at ``path``, with its new stamp) or ``conflict`` (nothing written)."""

    status: Literal["saved", "conflict"]
    path: Path
    stamp: DiskStamp | None
    message: str


def save_letter(path: str | Path, text: str, opened: DiskStamp | None,
                mode: Literal["check", "overwrite", "keep-both"] = "check") -> SaveResult:
    """Save the letter atomically; never replace a file changed since it was opened unless told.

    ``check`` writes only when the file is unchanged since ``opened`` (or new) and
    otherwise reports a conflict; ``overwrite`` replaces it; ``keep-both`` writes a new
    ``name (n).ext`` beside it and leaves the other file as it is.
    """
    p = Path(path)
    data = text.encode("utf-8")
    if mode == "keep-both":
        for _ in range(100):
            target = keep_both_name(p)
            try:
                write_atomic(target, data, overwrite=False)
            except FileExistsError:  # someone took the name in between: try the next
                continue
            return SaveResult("saved", target, disk_stamp(target),
                              f"Saved as {target.name}; {p.name} was left as it is on disk.")
        raise OSError(f"no free name next to {p}")
    if mode == "check" and changed_since(opened, disk_stamp(p)):
        what = "was changed on disk since you opened it" if opened is not None else "already exists"
        return SaveResult("conflict", p, None, f"{p.name} {what}. Keep both (save yours as "
                          f"{keep_both_name(p).name}) or overwrite it?")
    write_atomic(p, data, overwrite=mode == "overwrite" or p.exists())
    return SaveResult("saved", p, disk_stamp(p), f"Saved {p.name}.")


def describe_readability(r: Readability | None) -> Sequence[tuple[str, str]]:
    """Label/value pairs for the readability figures shown beside the score."""
    if r is None or not r.words:
        return [("Reading ease", "–"), ("Grade", "–"), ("Words per sentence", "–")]
    return [("Reading ease", f"{r.reading_ease:.0f}"), ("Grade", f"{r.grade:.1f}"),
            ("Words per sentence", f"{r.words_per_sentence:.1f}")]
