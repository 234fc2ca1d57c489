"""The template editor's logic, kept apart from Streamlit so it can be tested directly.

`app.py` is a thin page over these functions: what the editor component is sent (the
letter cut into highlighted pieces, overlapping findings split; the findings as cards
titled in words), the score with what costs it the most and what the fixes would make it,
a word diff of a change, previews with a sample customer, exports, and saving back to the
templates folder without silently overwriting someone else's change. It uses letterlint's
public API, plus ``api.lint_text`` (one lint for findings, score and readability) and
``scoring`` (the score of what is left after "ignore here").
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from letterlint import (
    DIALECTS,
    LETTER_SUFFIXES,
    Config,
    ExportError,
    FileError,
    Finding,
    OpenedLetter,
    Readability,
    export_template,
    fix_text,
    open_letter,
    rewrite_text,
    write_atomic,
)
from letterlint.batch.checking import lint_text, with_letter
from letterlint.core.config import ConfigError
from letterlint.core.letter_context import CHOICES, FLAGS
from letterlint.core.model import SEVERITY_RANK, is_whole_letter
from letterlint.engine.scoring import rule_penalties, score
from letterlint.templating.placeholders import (
    TemplateLimitError,
    bounded_environment,
    render_bounded,
)

# --------------------------------------------------------------------------- linting


def rewritten_kind(kind: str, jinja: bool) -> str:
    """How the editor reads a rewrite of a ``kind`` letter (``jinja``: `Rewrite.jinja`).

    An HTML or Markdown letter is rewritten as HTML or Markdown, and a rewrite that is not
    a Jinja2 template (a Handlebars letter keeps its own syntax) is still the letter's
    kind; only the rest become Jinja2 templates."""
    return kind if kind in ("html", "markdown") or not jinja else "jinja"


#: The letter-context fields (contract 7) the sidebar offers, in the order it shows them.
LETTER_FIELDS: tuple[str, ...] = (
    "jurisdiction",
    "sender-type",
    "recipient-type",
    "letter-type",
    "channel",
    "sent-date",
    "debt-type",
    "initial-communication",
    "validation-end-date",
    "itemization-date",
    "itemization-date-type",
    "time-barred",
    "disputed",
    "breathing-space",
    "litigation-intended",
)
NOT_SET = "(not set)"


def letter_field_options(key: str) -> tuple[str, ...] | None:
    """The values a sidebar field offers (``NOT_SET`` first), or None for free text (a
    jurisdiction, a date), which `letter_config` validates."""
    if key in CHOICES:
        return (NOT_SET, *CHOICES[key])
    if key in FLAGS:
        return (NOT_SET, "true", "false")
    return None


def letter_config(
    config: Config, packs: Iterable[str], fields: Mapping[str, str]
) -> tuple[Config, list[str]]:
    """``config`` with the sidebar's packs (core always on) and letter context, and one
    message per field that is not valid (that field is left out, the others still apply).

    The fields go in as ``letter_overrides``, exactly what ``lint_text(letter=...)`` and
    ``--letter`` do, so the findings, the score outlook, the fixes and the rewrite all see them."""
    chosen = tuple(dict.fromkeys(("core", *packs)))
    cfg = config.with_overrides(packs=chosen) if chosen != config.packs else config
    given = {k: v.strip() for k, v in fields.items() if v and v.strip() and v != NOT_SET}
    errors, good = [], {}
    for key, value in given.items():
        try:
            with_letter(cfg, {key: value})
        except ConfigError as exc:
            errors.append(str(exc).removeprefix("letter: "))
            continue
        good[key] = value
    return with_letter(cfg, good), errors


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


Spot = tuple[str, str, int]
"""One finding to ignore "here": its code, its text and which of that code's findings on
that text it is (the first, the second…), so it stays ignored while the letter around it
is edited."""


def spot_of(f: Finding, findings: Sequence[Finding]) -> Spot:
    same = [g for g in findings if g.code == f.code and g.text == f.text]
    return (f.code, f.text, same.index(f) if f in same else 0)


def without_spots(view: LintView, spots: Iterable[Spot]) -> LintView:
    """The view without the findings ignored here; the score is that of what is left."""
    ignored = set(spots)
    if not ignored or view.error is not None:
        return view
    kept = tuple(f for f in view.findings if spot_of(f, view.findings) not in ignored)
    return LintView(kept, score(kept), view.readability, view.error)


def ignoring(config: Config, codes: Iterable[str]) -> Config:
    """``config`` with more rule codes ignored (the editor's "ignore this rule in this letter")."""
    extra = tuple(c for c in sorted(set(codes)) if c not in config.ignore)
    return replace(config, ignore=config.ignore + extra) if extra else config


@dataclass(frozen=True)
class ScoreOutlook:
    """The score, what costs it the most, and what it would be after the fixes on offer."""

    score: int
    costs: tuple[tuple[str, int], ...]  # (what, points lost), most costly first
    after_safe_fixes: int | None  # None: no safe fix to apply
    after_rewrite: int | None  # None: the rewrite could not be made


def score_costs(findings: Sequence[Finding]) -> tuple[tuple[str, int], ...]:
    """What each rule that fired costs, in words, most costly first."""
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    rows = []
    for code, points in rule_penalties(findings).items():
        first = by_code[code][0]
        n = len(by_code[code])
        label = f"{category_label(first.category)}: {rule_words(first.name)}" + (
            f" (×{n})" if n > 1 else ""
        )
        rows.append((label, round(points)))
    return tuple(sorted(rows, key=lambda r: -r[1]))


@lru_cache(maxsize=32)
def score_outlook(text: str, kind: str, name: str, config: Config) -> ScoreOutlook | None:
    """The score now, after every safe fix and after the friendlier rewrite (None if it
    cannot be linted); cached like `lint_letter`."""
    view = lint_letter(text, kind, name, config)
    if view.error is not None or view.score is None:
        return None
    after_safe = None
    if any(f.fix is not None and f.fix.applicability == "safe" for f in view.findings):
        try:
            fixed = fix_text(text, kind=kind, path=name, config=config)
            after_safe = lint_letter(fixed.text, kind, name, config).score
        except ValueError:
            after_safe = None
    try:
        rw = rewrite_text(text, kind="text" if kind == "jinja" else kind, config=config)
        after_rewrite = lint_letter(rw.template, "jinja", name, config).score
    except Exception:  # noqa: BLE001 - a template the rewrite cannot read: no figure to show
        after_rewrite = None
    return ScoreOutlook(view.score, score_costs(view.findings), after_safe, after_rewrite)


def load_upload(name: str, data: bytes) -> OpenedLetter:
    """Read an uploaded file for editing; problems come back in ``error``, never raised."""
    if len(data) > MAX_UPLOAD_BYTES:
        return OpenedLetter(
            name, "", "text", error=FileError("too-large", f"file is {len(data):,} bytes")
        )
    return open_letter(data, name)


def upload_error_message(letter: OpenedLetter) -> str:
    """One line naming the file and what is wrong with it."""
    assert letter.error is not None
    return f"Could not open {letter.name}: {letter.error.message} ({letter.error.code})."


def list_templates(folder: str | Path) -> list[str]:
    """The letters in the templates folder (sorted relative paths; hidden and lock files
    skipped)."""
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

#: The categories the editor highlights (their colours are in ``editor/editor.css``);
#: the call to action and compliance findings are about the letter as a whole.
HIGHLIGHTED = (
    "stigmatising-language",
    "legal-jargon",
    "threatening-tone",
    "personalisation",
    "readability",
    "template",
)
_BOX = (
    "white-space:pre-wrap;word-wrap:break-word;font-family:inherit;font-size:15px;line-height:1.65;"
    "padding:12px 14px;border:1px solid #d0d4dc;border-radius:8px;background:#fff;color:#1a1a1a;"
    "margin:0"
)


def highlight_segments(
    text: str, findings: Iterable[Finding]
) -> list[tuple[str, tuple[Finding, ...]]]:
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
    return max(
        covering,
        key=lambda f: (f.category != "readability", SEVERITY_RANK[f.severity], -(f.end - f.start)),
    )


def finding_id(f: Finding) -> str:
    """A finding's id on the page (its card's key, its highlight's link): code and offset."""
    return f"{f.code}-{f.start}-{f.end}"


def editor_pieces(text: str, findings: Iterable[Finding]) -> list[list[Any]]:
    """The letter cut into ``[text, classes, title, ids]`` pieces for the editor component.

    Pieces come from `highlight_segments` (overlaps split, so each character shows once,
    the lead finding's colour from `primary`); the component sets each piece as text,
    never as markup, so its offsets are those of the browser's string whatever
    characters the letter holds.
    """
    out: list[list[Any]] = []
    for piece, covering in highlight_segments(text, findings):
        if not covering:
            out.append([piece, "", "", []])
            continue
        lead = primary(covering)
        ordered = sorted(
            covering, key=lambda f: f is not lead
        )  # the finding whose colour it takes first
        title = " · ".join(dict.fromkeys(finding_title(f) for f in ordered))
        ids = [finding_id(f) for f in ordered]
        out.append([piece, f"ll-{lead.severity} ll-{lead.category}", title, ids])
    return out


CATEGORY_LABELS: dict[str, str] = {
    "stigmatising-language": "Stigmatising language",
    "legal-jargon": "Legal jargon",
    "threatening-tone": "Threatening tone",
    "call-to-action": "Call to action",
    "personalisation": "Personalisation",
    "readability": "Readability",
    "compliance": "Compliance",
    "template": "Template",
}
SEVERITY_LABELS = {"error": "Must change", "warning": "Should change", "info": "Advice"}


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category.replace("-", " ").capitalize())


def _quoted(text: str, limit: int = 42) -> str:
    text = " ".join(text.split())
    return "‘" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") + "’"


def finding_title(f: Finding) -> str:
    """A finding in words: "Legal jargon: ‘remit’ → ‘pay’", "Call to action: missing"."""
    what = category_label(f.category)
    if is_whole_letter(f):
        return f"{what}: {rule_words(f.name)}"
    if f.suggestion is not None:
        return (
            f"{what}: {_quoted(f.text)} → "
            f"{_quoted(f.suggestion) if f.suggestion else '(remove it)'}"
        )
    words = rule_words(f.name)
    return f"{what}: {_quoted(f.text)}" + ("" if words == f.text.lower() else f" ({words})")


def rule_words(name: str) -> str:
    """``threatening-tone.bailiffs`` → ``bailiffs``: what the rule looks for, in words."""
    return name.split(".", 1)[-1].replace("-", " ")


WHOLE_LETTER = "the-letter"
"""The group of findings about the letter as a whole (shown as notes, not quotes)."""


def group_label(group: str) -> str:
    return "About the letter as a whole" if group == WHOLE_LETTER else category_label(group)


def group_findings(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings by category, the categories with errors first (then warnings, then by count);
    inside a category, the most severe first and then in reading order. Findings about the
    whole letter form one group of their own, `WHOLE_LETTER`."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(WHOLE_LETTER if is_whole_letter(f) else f.category, []).append(f)
    for items in groups.values():
        items.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.start))
    return sorted(
        groups.items(),
        key=lambda kv: (
            -max(SEVERITY_RANK[f.severity] for f in kv[1]),
            -sum(SEVERITY_RANK[f.severity] for f in kv[1]),
            kv[0],
        ),
    )


FIX_LABELS = {
    "safe": "a safe fix: the meaning stays",
    "unsafe": "this changes the wording: read it first",
    "display-only": "a suggestion to adapt",
}


def card_data(f: Finding) -> dict[str, Any]:
    """What the editor's card for one finding shows (all plain text, set as text by the
    component); the rule's "why" is sent once per rule, see `panel_data`."""
    fix = None
    accept = None
    if f.fix is not None and f.fix.edits:
        new = f.fix.edits[0].replacement
        fix = f"Suggestion ({FIX_LABELS.get(f.fix.applicability, f.fix.applicability)}): " + (
            f"write “{new}”" if new else "remove it"
        )
        accept = "Accept this fix" if f.fix.applicability == "safe" else "Use this wording"
    where = "about the whole letter" if is_whole_letter(f) else f"line {f.line}"
    return {
        "id": finding_id(f),
        "severity": f.severity,
        "chip": SEVERITY_LABELS[f.severity],
        "title": finding_title(f),
        "message": f.message,
        "fix": fix,
        "accept": accept,
        "safe": f.fix is not None and f.fix.applicability == "safe",
        "code": f.code,
        "meta": f"{f.code} {f.name} · {where}",
    }


def panel_data(findings: Sequence[Finding], docs: Mapping[str, Any]) -> dict[str, Any]:
    """The cards, grouped as `group_findings` orders them, with a tally per group, and
    each rule's rationale and sources (``why``) by code."""
    groups = []
    for group, items in group_findings(findings):
        counts = {sev: sum(f.severity == sev for f in items) for sev in SEVERITY_LABELS}
        tally = " · ".join(f"{n} {SEVERITY_LABELS[sev].lower()}" for sev, n in counts.items() if n)
        groups.append(
            {"label": group_label(group), "tally": tally, "cards": [card_data(f) for f in items]}
        )
    why = {
        f.code: [docs[f.code].rationale, list(docs[f.code].sources)]
        for f in findings
        if f.code in docs
    }
    return {"groups": groups, "why": why}


def legend_data() -> list[tuple[str, str, str]]:
    """The key under the editor: (label, classes, "fill" or "line")."""
    fills = [(category_label(name), f"ll-{name}", "fill") for name in HIGHLIGHTED]
    lines = [(SEVERITY_LABELS[sev], f"ll-{sev}", "line") for sev in ("error", "warning", "info")]
    return fills + lines


def editor_assets() -> dict[str, str]:
    """The editor component's HTML, CSS and JavaScript, shipped inside the package
    (nothing is fetched: the page works offline)."""
    from importlib.resources import files

    folder = files("letterlint.frontends") / "editor"
    return {
        part: (folder / f"editor.{part}").read_text(encoding="utf-8")
        for part in ("html", "css", "js")
    }


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
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, mid_a, mid_b, autojunk=not exact
        ).get_opcodes():
            ops.append((op, i1 + lo, i2 + lo, j1 + lo, j2 + lo))
    if hi_a < len(a):
        ops.append(("equal", hi_a, len(a), hi_b, len(b)))
    merged: list[tuple[str, int, int, int, int]] = []
    for (
        op
    ) in ops:  # the trimmed ends may touch an equal run of the middle: one run, as difflib gives
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
            out.append(
                '<del style="background:#fde0e0;color:#8a1c1c">' + html.escape(old) + "</del>"
            )
        if new:
            out.append(
                '<ins style="background:#dcf5e3;color:#14532d;text-decoration:none">'
                + html.escape(new)
                + "</ins>"
            )
    return f'<div class="ll-diff" style="{_BOX}">{"".join(out)}</div>'


def apply_suggestion(text: str, finding: Finding) -> str:
    """The letter with one finding's fix applied.

    Raises ValueError when the letter no longer has the flagged text where the finding
    says (it was edited since it was linted), so a stale fix never lands in the wrong place.
    """
    if finding.fix is None or not finding.fix.edits:
        raise ValueError(f"{finding.code} has no suggestion to apply")
    if text[finding.start : finding.end] != finding.text:
        raise ValueError("the letter changed since it was checked; try again")
    for e in sorted(finding.fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: e.start] + e.replacement + text[e.end :]
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
    the template is visible. It renders within the limits of `templating.bounded_environment`
    (a template past them gets a clear error instead of hanging the page). Handlebars, Mustache
    and Liquid are not rendered here: the friendlier rewrite turns them into Jinja2.
    """
    from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError

    if kind in ("handlebars", "mustache", "liquid"):
        return Preview(
            None,
            note=f"The preview fills in Jinja2 templates; this is a {kind} template. "
            "Apply the friendlier rewrite to turn it into Jinja2.",
        )

    class _Shown(ChainableUndefined):
        def __str__(self) -> str:
            return f"[{self._undefined_name}?]"

    env = bounded_environment(undefined=_Shown, keep_trailing_newline=True, autoescape=False)
    try:  # bounded: a loop of 99,999 × 99,999 steps must not hang the page
        return Preview(render_bounded(env, text, dict(context)))
    except TemplateLimitError as exc:
        return Preview(None, error=f"the template is too complex to preview: {exc.message}")
    except TemplateSyntaxError as exc:
        return Preview(None, error=f"line {exc.lineno}: {exc.message}")
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        return Preview(None, error=f"the template could not be filled in: {exc}")


def preview_html(text: str) -> str:
    """The filled-in letter as escaped text in a box."""
    return (
        f'<div class="ll-preview" style="{_BOX};font-family:Georgia,serif;font-size:15px">'
        f"{html.escape(text)}</div>"
    )


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
        raise ExportError(
            f"export reads Jinja2 templates and this is a {kind} template; "
            "apply the friendlier rewrite first (it writes Jinja2)"
        )
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
    if (
        Path(name).suffix.lower() not in LETTER_SUFFIXES
        or Path(name).suffix.lower() in READ_ONLY_SUFFIXES
    ):
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


def save_letter(
    path: str | Path,
    text: str,
    opened: DiskStamp | None,
    mode: Literal["check", "overwrite", "keep-both"] = "check",
) -> SaveResult:
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
            return SaveResult(
                "saved",
                target,
                disk_stamp(target),
                f"Saved as {target.name}; {p.name} was left as it is on disk.",
            )
        raise OSError(f"no free name next to {p}")
    if mode == "check" and changed_since(opened, disk_stamp(p)):
        what = "was changed on disk since you opened it" if opened is not None else "already exists"
        return SaveResult(
            "conflict",
            p,
            None,
            f"{p.name} {what}. Keep both (save yours as {keep_both_name(p).name}) or overwrite it?",
        )
    write_atomic(p, data, overwrite=mode == "overwrite" or p.exists())
    return SaveResult("saved", p, disk_stamp(p), f"Saved {p.name}.")


def describe_readability(r: Readability | None) -> Sequence[tuple[str, str]]:
    """Label/value pairs for the readability figures shown beside the score."""
    if r is None or not r.words:
        return [("Reading ease", "–"), ("Grade", "–"), ("Words per sentence", "–")]
    return [
        ("Reading ease", f"{r.reading_ease:.0f}"),
        ("Grade", f"{r.grade:.1f}"),
        ("Words per sentence", f"{r.words_per_sentence:.1f}"),
    ]
