"""A rule's documentation in fixed sections, as Ruff documents its rules: what it finds, why
it matters, its sources, how it matches (frames), an example, what to use instead, and how
safe its fix is. One list of sections, rendered for the terminal (`letterlint rule CODE`)
and as Markdown (docs/rules.md, by scripts/gen_rule_docs.py).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from letterlint.kinds.frames import describe
from letterlint.rulebook.loader import Rule

FIX_SAFETY = {
    "safe": "Safe: the fix swaps words and keeps the meaning; `letterlint fix` applies it.",
    "unsafe": (
        "Unsafe: the suggestion changes the wording; it is applied only with `--unsafe-fixes`."
    ),
    "display-only": (
        "Display only: a suggestion is shown, but the fix is never applied automatically."
    ),
    None: "No automatic fix: the wording needs a person's judgement.",
}


@dataclass(frozen=True)
class Section:
    """One section: prose (a paragraph), a list, verbatim lines, or example letters."""

    title: str
    prose: str = ""
    items: tuple[str, ...] = ()
    verbatim: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


def sections(rule: Rule) -> list[Section]:
    """The documentation of ``rule``, section by section."""
    out = [
        Section("What it finds", prose=rule.summary),
        Section("Why it matters", prose=rule.rationale),
        Section("Sources", items=tuple(rule.sources)),
    ]
    if rule.frame is not None:
        out.append(Section("How it matches", verbatim=tuple(describe(rule.frame))))
    if rule.terms:
        out.append(Section("Words it looks for", prose=_term_notes(rule), items=_term_items(rule)))
    out += [
        Section("Example", examples=tuple(_plain(ex.text) for ex in rule.fail_examples[:2])),
        Section("Use instead", examples=tuple(_plain(ex.text) for ex in rule.pass_examples[:2])),
        Section("Fix safety", prose=FIX_SAFETY.get(rule.fix, FIX_SAFETY[None])),
    ]
    return out


def _term_items(rule: Rule) -> tuple[str, ...]:
    """A terms rule's word list as a reader checks it: each phrase with its plainer wording."""
    out = []
    for phrase, sugg in rule.terms:
        if sugg is None:
            out.append(f"{phrase} (no one-word swap: rewrite the sentence)")
        elif sugg == "":
            out.append(f"{phrase} (delete it)")
        else:
            out.append(f"{phrase} \u2192 {sugg}")
    return tuple(out)


def _term_notes(rule: Rule) -> str:
    """How a terms rule matches, and where it stays quiet, in words."""
    opts = rule.compiled
    notes = ['Every inflected form is matched ("remit" also finds "remitted").']
    if opts.get("not-before"):
        notes.append(f"Not flagged right before: {', '.join(sorted(opts['not-before']))}.")
    if opts.get("not-after"):
        notes.append(f"Not flagged right after: {', '.join(sorted(opts['not-after']))}.")
    if opts.get("skip-quoted"):
        notes.append("Not flagged inside quotation marks.")
    return " ".join(notes)


def _plain(text: str) -> str:
    return text.replace("[[", "").replace("]]", "")  # the .docx examples' red-run markers


def _one_line(s: str) -> str:
    return " ".join(s.split())


def describe_rule(rule: Rule) -> str:
    """The rule's documentation for a terminal (`letterlint rule CODE`)."""
    out = [f"{rule.code} {rule.name} ({rule.severity})"]
    for sec in sections(rule):
        out += ["", sec.title]
        if sec.prose:
            out.append(textwrap.fill(_one_line(sec.prose), 88))
        out += [f"  - {s}" for s in sec.items]
        out += [f"  {line}" if line else "" for line in sec.verbatim]
        for ex in sec.examples:
            lines = ex.splitlines() or [""]
            out += [f"  {lines[0] and f'» {lines[0]}'}"] + [f"    {ln}" for ln in lines[1:]]
    return "\n".join(out) + "\n"


def rule_markdown(rule: Rule) -> list[str]:
    """The rule's documentation as Markdown lines (a section of docs/rules.md)."""
    out = [f"## {rule.code}", "", f"**`{rule.name}`** · {rule.category} · {rule.severity}", ""]
    for sec in sections(rule):
        out += [f"### {sec.title}", ""]
        if sec.prose:
            out += [_one_line(sec.prose).replace("|", "\\|"), ""]
        if sec.items:
            out += [f"- {s}" for s in sec.items] + [""]
        if sec.verbatim:
            out += ["```", *sec.verbatim, "```", ""]
        for ex in sec.examples:
            out += ["\n".join("    " + ln for ln in ex.splitlines()), ""]
    return out
