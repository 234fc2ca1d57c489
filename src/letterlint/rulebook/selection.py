"""Which rules run: ``select`` / ``ignore`` selectors and inline suppression comments.

A selector is a code (``LL101``), a code prefix (``LL1``), a rule name
(``stigmatising-language.debtor``), a category (``legal-jargon``) or a pack (``core``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from letterlint.core.doc_kinds import COMMENT, COMMENT_KINDS
from letterlint.core.spans import line_col, line_starts
from letterlint.rulebook.loader import Rule

# Rules that moved keep answering to their old code and name (codes are never reused):
# blame is a matter of tone, not a label for the person, so LL104 became LL318.
REDIRECTS = {"LL104": "LL318", "stigmatising-language.blame": "threatening-tone.blame"}


def selector_matches(rule: Rule, sel: str) -> bool:
    s = sel.strip()
    if not s:
        return False
    s = REDIRECTS.get(s, REDIRECTS.get(s.upper(), s))
    up = s.upper()
    return (
        rule.code == up
        or (up.startswith("LL") and rule.code.startswith(up))
        or rule.name == s
        or rule.category == s
        or rule.pack == s
    )


def is_known_selector(rules: tuple[Rule, ...], sel: str) -> bool:
    return any(selector_matches(r, sel) for r in rules)


def select_rules(
    rules: tuple[Rule, ...], select: tuple[str, ...], ignore: tuple[str, ...]
) -> tuple[Rule, ...]:
    chosen = [r for r in rules if not select or any(selector_matches(r, s) for s in select)]
    return tuple(r for r in chosen if not any(selector_matches(r, s) for s in ignore))


# --------------------------------------------------------------------------- suppression

_DIRECTIVE = re.compile(
    r"letterlint:\s*(disable-next-line|disable|off|on)\b(?:\s*=\s*([\w.,\- ]+))?", re.I
)


@dataclass
class Suppressions:
    """Where rules are switched off by comments in one source text."""

    from_offset: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # disable=
    lines: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)  # disable-next-line=
    regions: list[tuple[int, int]] = field(default_factory=list)  # off ... on
    notes: list[str] = field(default_factory=list)

    def suppressed(self, rule: Rule, start: int, line: int) -> bool:
        for s, e in self.regions:
            if s <= start < e:
                return True
        for off, sels in self.from_offset:
            if start >= off and any(selector_matches(rule, x) for x in sels):
                return True
        for sels in self.lines.get(line, ()):
            if any(selector_matches(rule, x) for x in sels):
                return True
        return False


def parse_suppressions(source: str, kind: str, rules: tuple[Rule, ...]) -> Suppressions:
    sup = Suppressions()
    if kind not in COMMENT_KINDS or "letterlint" not in source:
        return sup
    starts = line_starts(source)
    off_at: int | None = None
    for cm in COMMENT.finditer(source):
        body = next(g for g in cm.groups() if g is not None)
        for d in _DIRECTIVE.finditer(body):
            verb = d.group(1).lower()
            line = line_col(starts, cm.start())[0]
            sels = tuple(x.strip() for x in (d.group(2) or "").split(",") if x.strip())
            for x in sels:
                if not is_known_selector(rules, x):
                    sup.notes.append(f"line {line}: unknown rule {x!r} in a letterlint comment")
            if verb == "disable":
                if sels:
                    sup.from_offset.append((cm.start(), sels))
            elif verb == "disable-next-line":
                end_line = line_col(starts, cm.end() - 1)[0]
                sup.lines.setdefault(end_line + 1, []).append(sels)
            elif verb == "off":
                if off_at is None:
                    off_at = cm.start()
            elif verb == "on" and off_at is not None:
                sup.regions.append((off_at, cm.end()))
                off_at = None
    if off_at is not None:
        sup.regions.append((off_at, len(source) + 1))
    return sup
