"""Python checks: the rules that data alone cannot express.

Each check is registered with the option keys it accepts; its word lists and
thresholds still live in the rule's YAML ``options`` so they are reviewed with the
rule's rationale and examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .letter_context import EMPTY, LetterContext
from .letter_parts import SIGN_OFF

if TYPE_CHECKING:
    from .analysis import Analysis
    from .matching import Hit
    from .rulebook import Rule


@dataclass
class CheckContext:
    """What a check may need beyond the analysed text."""

    body: tuple[int, int]
    context_vars: frozenset[str] | None = None  # dotted names available in the sample context
    template_vars: tuple[
        tuple[str, int, int], ...
    ] = ()  # (dotted name, start, end) in analysed text
    readability: dict[str, float] = field(default_factory=dict)  # filled by reading-ease
    letter: LetterContext = EMPTY  # the letter's context (contract 7)
    # spans of wording a compliance pack prescribes (the mini-Miranda, Model Form B-1 text):
    # the engine drops core findings inside them and `rewrite` keeps them verbatim
    prescribed: list[tuple[int, int]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # context questions already asked in this letter


@dataclass(frozen=True)
class CheckSpec:
    func: Callable[[Rule, Analysis, CheckContext], Iterator[Hit]]
    options: frozenset[str]
    prepare: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: o


CHECKS: dict[str, CheckSpec] = {}


def register(
    name: str,
    options: tuple[str, ...] = (),
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Callable[..., Any]:
    def deco(func: Callable[..., Iterator[Hit]]) -> Callable[..., Iterator[Hit]]:
        CHECKS[name] = CheckSpec(func, frozenset(options), prepare or (lambda o: o))
        return func

    return deco


def _hit(
    rule: Rule,
    start: int,
    end: int,
    text: str,
    *,
    severity: str | None = None,
    suggestion: str | None = None,
    fix: str | None = None,
    **extra: Any,
) -> Hit:
    from .matching import Hit

    return Hit(
        rule,
        start,
        end,
        severity or rule.severity,
        rule.format_message(text, suggestion, **extra),
        suggestion,
        fix if suggestion is not None else None,
        suggestion,
    )


def _compile_list(
    key: str, flags: int = re.IGNORECASE
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def prep(opts: dict[str, Any]) -> dict[str, Any]:
        opts = dict(opts)
        if key in opts:
            opts[key] = re.compile("|".join(f"(?:{p})" for p in opts[key]), flags)
        return opts

    return prep


# --------------------------------------------------------------------------- shouting


def _prep_shouting(opts: dict[str, Any]) -> dict[str, Any]:
    opts = dict(opts)
    opts["acronyms"] = frozenset(a.upper() for a in opts.get("acronyms", ()))
    return opts


# Two capitals in a row (Latin scripts): without them no word can shout. Characters of
# Latin Extended-A are all let through, so the test never hides a real run.
_CAPS_PAIR = re.compile("[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f]{2}")


@register("shouting", ("acronyms", "min-letters-single"), _prep_shouting)
def shouting(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Runs of capitals that are not acronyms, and .docx text formatted as all caps."""
    acronyms = rule.options.get("acronyms", frozenset())
    single_min = int(rule.options.get("min-letters-single", 5))
    text = a.text
    run: list[Any] = []

    def flush() -> Iterator[Hit]:
        if not run:
            return
        words = [text[t.start : t.end].strip("'’") for t in run]
        shouty = [w for w in words if w.upper() not in acronyms]
        if (len(words) >= 2 and shouty and any(len(w) >= 2 for w in shouty)) or (
            len(words) == 1 and shouty and len(shouty[0]) >= single_min and _is_word(shouty[0])
        ):
            start = run[0].start
            end = run[-1].end
            kind = _caps_role(text, start, end, len(words))
            if kind == "label":
                return
            original = a.original[start:end]
            yield _hit(
                rule,
                start,
                end,
                original,
                suggestion=_sentence_case(original, acronyms),
                fix=rule.fix,
                severity="info" if kind == "heading" else None,
            )

    for first, last in a.sentence_toks if _CAPS_PAIR.search(text) or not text.isascii() else ():
        for tok in a.toks[first:last]:
            t = text[tok.start : tok.end]
            if (
                t.isupper()
                and not any(c.isdigit() for c in t)
                and (run or sum(c.isalpha() for c in t) >= 2)
                and not a.in_placeholder(tok.start, tok.end)
            ):
                run.append(tok)
            elif tok.punct and run and t not in ".!?\n":
                continue
            elif tok.space and run and "\n" not in t:
                continue
            elif run:  # (most tokens end no run: no flush generator for them)
                yield from flush()
                run = []
        if run:
            yield from flush()
            run = []
    # .docx runs formatted as capitals (w:caps) shout even when typed in lower case
    for fmt in a.formatting:
        if getattr(fmt, "caps", False):
            seg = text[fmt.start : fmt.end]
            if len(seg.split()) >= 2 and not seg.isupper():
                yield _hit(rule, fmt.start, fmt.end, a.original[fmt.start : fmt.end])


def _is_word(word: str) -> bool:
    """A dictionary word ("BALANCE"), not a reference code such as "RMDEF"."""
    from .analysis import dictionary_words

    return word.lower().strip("'’") in dictionary_words()


_MAX_HEADING_WORDS = 8


def _caps_role(text: str, start: int, end: int, n_words: int) -> str:
    """What a run of capitals is doing: a form label, a heading, or shouting in a sentence.

    A label ("ACCOUNT NO:") names a field and is never shouting; a short line all in
    capitals is a heading (or a table header), which is advice to change rather than a
    warning; capitals inside running text shout.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    after = text[end:line_end].lstrip()
    if after.startswith(":") and n_words <= 4:
        value = after[1:].lstrip()
        if not value or not value[0].islower():
            return "label"  # "ACCOUNT NO: 12345", "SUBJECT: Your invoice"; not "NOTE: pay now"
    before = text[line_start:start]
    rest = text[end:line_end]
    whole_line = not any(c.isalpha() for c in before) and not any(c.isalpha() for c in rest)
    if whole_line and n_words <= _MAX_HEADING_WORDS and not any(c in ".!?" for c in rest):
        return "heading"
    return "shout"


def _sentence_case(s: str, acronyms: frozenset[str]) -> str:
    out = []
    first = True
    for m in re.finditer(r"[A-Za-z'’]+|[^A-Za-z'’]+", s):
        w = m.group(0)
        if w[:1].isalpha():
            if w.upper() in acronyms:
                out.append(w)
            else:
                out.append(w.capitalize() if first else w.lower())
            first = False
        else:
            out.append(w)
            if any(c in ".!?" for c in w):
                first = True
    return "".join(out)


# --------------------------------------------------------------------------- exclamations

_BANGS = re.compile(r"[!¡]{2,}|!(?:\s*1)+")
_ONE_BANG = re.compile(r"(?<![!])!(?![!])")


@register("exclamations", ("demand-words",), _compile_list("demand-words"))
def exclamations(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Repeated "!" anywhere; a single "!" only in a sentence that asks for money."""
    demand = rule.options.get("demand-words")
    for m in _BANGS.finditer(a.text):
        if a.in_placeholder(m.start(), m.end()):
            continue
        hit = _hit(
            rule, m.start(), m.end(), a.original[m.start() : m.end()], suggestion=".", fix=rule.fix
        )
        if m.start() > 0 and a.text[m.start() - 1] == " ":  # "Pay now !!!" → "Pay now."
            hit = replace(hit, edit_span=(m.start() - 1, m.end()))
        yield hit
    if demand is None:
        return
    for m in _ONE_BANG.finditer(a.text):
        if a.in_placeholder(m.start(), m.end()):
            continue
        sent = a.sentence_at(m.start()) or a.sentence_at(max(0, m.start() - 1))
        st = a.text[sent[0] : sent[1]] if sent else ""
        if demand.search(st):
            yield _hit(rule, m.start(), m.end(), "!", severity="info", suggestion=".", fix=rule.fix)


# --------------------------------------------------------------------------- docx emphasis


def _is_red(hexcolor: str | None) -> bool:
    if not hexcolor or len(hexcolor) != 6:
        return False
    try:
        r, g, b = (int(hexcolor[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return r >= 0x99 and g <= 0x55 and b <= 0x55


@register("docx-emphasis", ("min-words",))
def docx_emphasis(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Bold red text in a .docx: the visual equivalent of shouting."""
    min_words = int(rule.options.get("min-words", 1))
    for fmt in a.formatting:
        if fmt.bold and _is_red(fmt.color):
            seg = a.original[fmt.start : fmt.end]
            if len(seg.split()) >= min_words and seg.strip():
                lead = len(seg) - len(seg.lstrip())
                trail = len(seg.rstrip())
                yield _hit(rule, fmt.start + lead, fmt.start + trail, seg.strip())


# --------------------------------------------------------------------------- greetings


@register("impersonal-salutation", ("greetings", "max-line"), _compile_list("greetings"))
def impersonal_salutation(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """An impersonal greeting on a line of its own near the top ("Dear Sir/Madam,")."""
    greetings = rule.options.get("greetings")
    if greetings is None:
        return
    max_line = int(rule.options.get("max-line", 60))
    for m in re.finditer(r"[^\r\n]+", a.text):
        line = m.group(0)
        g = greetings.match(line.strip())
        # a greeting on a line of its own, or one ended by a comma or colon before the
        # letter runs on ("Dear Valued Customer, We would like to ...")
        if (
            g
            and len(line.strip()) > max_line
            and line.strip()[g.end() : g.end() + 1] not in (",", ":", ";")
        ):
            continue
        if g:
            lead = len(line) - len(line.lstrip())
            start = m.start() + lead
            end = start + g.end()
            yield _hit(
                rule,
                start,
                end,
                a.original[start:end],
                suggestion=_personal_greeting(a.original[start:end]),
                fix=rule.fix,
            )
            return


def _personal_greeting(greeting: str) -> str:
    word = greeting.split()[0] if greeting.split() else "Dear"
    if word.lower() in ("to", "the"):
        word = "Dear"
    return f"{word} [Customer Name]"


@register("department-signature", ("departments",), _compile_list("departments"))
def department_signature(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """A letter signed by a team ("Credit Control Department") instead of a person."""
    departments = rule.options.get("departments")
    if departments is None:
        return
    lines = [
        (m.start(), m.group(0)) for m in re.finditer(r"[^\r\n]*", a.text) if m.group(0).strip()
    ]
    for i, (_pos, line) in enumerate(lines):
        if SIGN_OFF.match(line):
            after = lines[i + 1 : i + 2]
            if not after:
                return
            start, sig = after[0]
            lead = len(sig) - len(sig.lstrip())
            s = start + lead
            e = start + len(sig.rstrip())
            if a.in_placeholder(s, e):
                return
            if departments.search(sig.strip()):
                yield _hit(rule, s, e, a.original[s:e])
            return


# --------------------------------------------------------------------------- readability

# textstat 0.7.13's word clean-up before counting syllables (remove_punctuation with
# rm_apostrophe=False): apostrophes survive only before a contraction ending.
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_NOT_WORD_CHAR = re.compile(r"[^\w\s\']")


@lru_cache(maxsize=1)
def _syllable_counter() -> Callable[[str], int]:
    """textstat's syllable count with its pyphen backend (en_US), never its CMUdict.

    textstat 0.7.13's ``count_syllables(word, "en_US")`` without a CMU dictionary (it
    would call ``nltk.download('cmudict')``, which fails offline) removes punctuation
    except contraction apostrophes, splits on white space and counts
    ``len(pyphen.positions(w)) + 1`` per word. That is done here directly with pyphen
    (pinned to 0.18.1, en_US): importing textstat imports NLTK, a fifth of a second of
    a cold ``letterlint check`` (tests/test_readability_backend.py checks both agree).
    """
    from pyphen import Pyphen

    positions = Pyphen(lang="en_US").positions

    def count(word: str) -> int:
        cleaned = _NOT_WORD_CHAR.sub("", _NONCONTRACTION_APOSTROPHE.sub("", word)).lower()
        return sum(len(positions(w)) + 1 for w in cleaned.split())

    class _Cache(dict):  # type: ignore[type-arg]
        def __missing__(self, word: str) -> int:
            n = self[word] = max(1, count(word))
            return n

    return _Cache().__getitem__  # called with lower-case words; counted once each


def readability_figures(a: Analysis, body: tuple[int, int]) -> dict[str, float]:
    """Words, sentences, syllables, Flesch reading ease and Flesch-Kincaid grade of the body."""
    syl = _syllable_counter()
    words = syllables = sentences = 0
    text = a.text
    lowered = a.lowered if len(a.lowered) == len(text) else None
    has_placeholders = bool(a.placeholders)
    for (s, e), (first, last) in zip(a.sentences, a.sentence_toks):
        if s < body[0] or e > body[1]:
            continue
        spans = [(t.start, t.end) for t in a.toks[first:last] if t.word]
        if not spans:
            continue
        if has_placeholders:
            syllables += sum(
                1 if a.in_placeholder(x, x + 1) else syl(text[x:y].lower()) for x, y in spans
            )
        elif lowered is not None:
            syllables += sum(map(syl, [lowered[x:y] for x, y in spans]))
        else:
            syllables += sum(syl(text[x:y].lower()) for x, y in spans)
        words += len(spans)
        sentences += 1
    if not words:
        return {"words": 0, "sentences": 0, "syllables": 0}
    wps = words / sentences
    spw = syllables / words
    return {
        "words": words,
        "sentences": sentences,
        "syllables": syllables,
        "words_per_sentence": round(wps, 1),
        "flesch_reading_ease": round(206.835 - 1.015 * wps - 84.6 * spw, 1),
        "flesch_kincaid_grade": round(0.39 * wps + 11.8 * spw - 15.59, 1),
    }


@register("reading-ease", ("target", "min-words"))
def reading_ease(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Flesch reading ease of the body below the target (only for long enough letters)."""
    figs = ctx.readability or readability_figures(a, ctx.body)
    ctx.readability = figs
    target = float(rule.options.get("target", 60))
    if figs.get("words", 0) < int(rule.options.get("min-words", 100)):
        return
    score = figs["flesch_reading_ease"]
    if score < target:
        s, e = ctx.body
        yield _hit(
            rule,
            s,
            e,
            a.original[s:e],
            score=f"{score:.0f}",
            target=f"{target:.0f}",
            words_per_sentence=figs["words_per_sentence"],
        )


@register("long-sentence", ("max-words", "warning-words"))
def long_sentence(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Sentences longer than the limit (25 words by default).

    A sentence a little over the limit is advice; from ``warning-words`` on (35 by
    default, where readers lose the thread) it is the rule's own severity.
    """
    limit = int(rule.options.get("max-words", 25))
    warn = int(rule.options.get("warning-words", 35))
    words = a.word_prefix()
    for (s, e), (first, last) in zip(a.sentences, a.sentence_toks):
        n = words[last] - words[first]
        if n > limit:
            yield _hit(
                rule,
                s,
                e,
                a.original[s:e],
                severity=None if n >= warn else "info",
                words=n,
                limit=limit,
            )


_BE = r"(?:am|is|are|was|were|be|been|being)"
_IRREGULAR = (
    "made|paid|sent|taken|given|done|seen|told|held|brought|bought|sold|kept|left|lost|found|"
    "put|set|shown|written|known|chosen|spoken|broken|frozen|owed|cut|struck|won|begun"
)


@register(
    "passive-voice",
    ("not-participles",),
    lambda o: {**o, "not-participles": frozenset(w.lower() for w in o.get("not-participles", ()))},
)
def passive_voice(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """A form of "be" followed by a past participle, without a tagger.

    Participles are words ending in -ed or a short list of irregular ones; adjectives that
    look like participles ("pleased", "concerned", "overdue") are listed as exceptions.
    """
    skip = rule.options.get("not-participles", frozenset())
    pat = re.compile(
        rf"\b{_BE}\s+(?:(?:not|now|already|also|still|being)\s+)?(\w+ed|{_IRREGULAR})\b", re.I
    )
    for m in pat.finditer(a.text):
        word = m.group(1).lower()
        if word in skip or a.in_placeholder(m.start(), m.end()):
            continue
        yield _hit(rule, m.start(), m.end(), a.original[m.start() : m.end()])


# --------------------------------------------------------------------------- template


@register("undefined-variable", ())
def undefined_variable(rule: Rule, a: Analysis, ctx: CheckContext) -> Iterator[Hit]:
    """Template variables that the given sample context does not define."""
    if ctx.context_vars is None:
        return
    for name, start, end in ctx.template_vars:
        parts = name.split(".")
        # defined: the full path exists, or a prefix is a plain value (its attributes
        # cannot be checked from a sample file); context_vars marks values with "="
        if name in ctx.context_vars or any(
            ".".join(parts[:i]) + "=" in ctx.context_vars for i in range(1, len(parts))
        ):
            continue
        yield _hit(rule, start, end, a.original[start:end], variable=name)


from . import compliance as _compliance  # noqa: E402,F401 - registers the compliance packs' checks
