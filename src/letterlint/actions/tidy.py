"""Keep a sentence grammatical after edits (shared by `fix` and `rewrite`).

An edit is computed for a few words, but what a reader sees is the sentence around it. So
each edit is widened to its sentence, and the sentence is tidied where the edit touched
it: case follows the position (a word that now starts the sentence gets a capital, a
capitalised swap in mid-sentence does not), a deletion leaves no leading comma, no space
before punctuation, no doubled word and no dangling "our and". Placeholders and template
code are masked first, so nothing inside them is ever changed or recased.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from letterlint.core.model import Edit
from letterlint.templating.placeholders import find_placeholders

_BOUNDARY = re.compile(r"[.!?\n]")
_OPENERS = " \t\"'“‘(*-•>#"
_MASK_BASE = 0xE000


def _mask(text: str) -> tuple[str, list[str]]:
    """Replace each placeholder by one private-use character (not a word character)."""
    found = find_placeholders(text)
    if not found:
        return text, []
    parts, saved, pos = [], [], 0
    for ph in found[:6000]:
        parts.append(text[pos : ph.start])
        parts.append(chr(_MASK_BASE + len(saved)))
        saved.append(text[ph.start : ph.end])
        pos = ph.end
    parts.append(text[pos:])
    return "".join(parts), saved


def _unmask(text: str, saved: list[str]) -> str:
    if not saved:
        return text
    return re.sub(
        "[\ue000-\uf8ff]",
        lambda m: (
            saved[ord(m.group(0)) - _MASK_BASE]
            if ord(m.group(0)) - _MASK_BASE < len(saved)
            else m.group(0)
        ),
        text,
    )


def at_sentence_start(text: str, i: int) -> bool:
    """True when only openers (spaces, quotes, bullets) stand between ``i`` and the
    previous sentence end or line start."""
    j = i - 1
    while j >= 0 and text[j] in _OPENERS:
        j -= 1
    return j < 0 or text[j] in ".!?\n:" and (text[j] != ":" or text[j - 1 : j].isupper())


def _upper_first(s: str) -> str:
    for k, c in enumerate(s):
        if c.isalpha():
            return s[:k] + c.upper() + s[k + 1 :]
        if not (c in _OPENERS or c in ",;:"):
            return s
    return s


def _lower_first(s: str, original: str) -> str:
    """A Title-case swap in mid-sentence loses its capital unless the original had one too
    (a name) and was not shouting; acronyms, "I" and a name of capitalised words keep theirs."""
    orig_words = re.findall(r"[A-Za-z]+", original)
    if (
        orig_words
        and all(w.isupper() and len(w) > 1 for w in orig_words)
        and re.fullmatch(r"[A-Z][A-Z '’-]{3,}", s)
    ):
        return s.lower()  # a shouted word swapped for a shouted word: the swap need not shout
    m = re.match(r"[A-Z][a-z'’]+\b", s)
    if not m:
        return s
    words = re.findall(r"[A-Za-z'’]+", s)
    if len(words) >= 2 and all(w[0].isupper() for w in words):
        return s  # a name in capitals written as a name ("Northwind Home Loans Limited")
    orig = original.lstrip()
    if orig[:1].isupper() and not (orig[:2].isupper() and len(orig) > 1):
        return s
    return s[0].lower() + s[1:]


_CLEAN = [
    (re.compile(r"[ \t]{2,}"), " "),
    (re.compile(r"[ \t]+([,.;:!?])"), r"\1"),
    (re.compile(r"[,;:]+(\s*[.!?])"), r"\1"),
    (re.compile(r",(\s*),"), r",\1"),
    (re.compile(r"\(\s*\)"), ""),
    (re.compile(r"\b(?:and|or|but)\s*([.;!?])"), r"\1"),
    (
        re.compile(
            r"\b(our|your|the|their|its|this|that|my|his|her)\s+(?:and|or)\s+(?=\1\b)", re.I
        ),
        "",
    ),
]
_DOUBLED = re.compile(r"\b([A-Za-z]+)(\s+)\1\b", re.I)
_LEADING = re.compile(r"^([ \t\"'“‘(*•>#-]*)[,;:]+\s*")


def tidy_sentence(new: str, old: str = "") -> str:
    """Clean what edits left behind in one sentence, without adding anything new: a fault
    already in ``old`` is the writer's and is kept."""
    masked, saved = _mask(new)
    old_masked = _mask(old)[0] if old else ""
    out = masked
    for rx, rep in _CLEAN:
        if len(rx.findall(out)) > len(rx.findall(old_masked)):
            out = rx.sub(rep, out)
    if len(_DOUBLED.findall(out)) > len(_DOUBLED.findall(old_masked)):
        out = _DOUBLED.sub(
            lambda m: m.group(1) if m.group(1).lower() not in ("that", "had") else m.group(0), out
        )
    if _LEADING.match(out) and not _LEADING.match(old_masked):
        out = _LEADING.sub(r"\1", out)
        out = _upper_first(out)
    return _unmask(out, saved)


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)``: from after the previous end to its own end."""
    a = start
    while a > 0 and not _BOUNDARY.match(text[a - 1]):
        a -= 1
    while a < start and text[a] in " \t":
        a += 1
    b = end
    while b < len(text) and not _BOUNDARY.match(text[b]):
        b += 1
    if b < len(text) and text[b] != "\n":
        b += 1
    return a, max(b, end)


def tidy_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """Non-overlapping edits (sorted, as `fixes.apply_edits` chooses them), widened to
    their sentences and tidied. Returns one edit per touched sentence."""
    chosen = sorted(edits, key=lambda e: (e.start, e.end))
    groups: list[tuple[int, int, list[Edit]]] = []
    for e in chosen:
        a, b = _window(text, e.start, e.end)
        if groups and a < groups[-1][1]:
            ga, gb, ges = groups[-1]
            if e.start < (ges[-1].end if ges else ga):
                continue  # overlaps the previous edit: it waits for the next round
            groups[-1] = (ga, max(gb, b), ges + [e])
        else:
            groups.append((a, b, [e]))
    out: list[Edit] = []
    for a, b, group in groups:
        pieces: list[str] = []
        pos = a
        cap_next = False
        for e in group:
            chunk = text[pos : e.start]
            if cap_next and chunk.strip():
                chunk, cap_next = _upper_first(chunk), False
            pieces.append(chunk)
            done = text[:a] + "".join(pieces)
            rep = e.replacement
            start_here = at_sentence_start(done, len(done))
            pos = e.end
            if rep:
                pieces.append(
                    _upper_first(rep)
                    if start_here or cap_next
                    else _lower_first(rep, text[e.start : e.end])
                )
                cap_next = False
                continue
            rest = text[pos:b]
            if start_here or (rest[:1] in ",;:" and done.rstrip().endswith((",", ";", ":"))):
                pos += len(rest) - len(rest.lstrip(" \t,;:")) if rest.strip() else 0
            cap_next = cap_next or start_here
        tail = text[pos:b]
        if cap_next:
            tail = _upper_first(tail)
        pieces.append(tail)
        new = "".join(pieces)
        old_window = text[a:b]
        new = tidy_sentence(new, old_window)
        if not new.strip() and old_window.strip():
            new = ""
        if new != old_window:
            out.append(Edit(a, b, new))
    return out
