"""The consultant's audit: every letter of a folder checked, summed up and explained.

`audit` runs the same `check_paths` as ``letterlint check`` (same rules, cache and
workers), then adds what a report needs: statistics over all letters, the rules to fix
first with what fixing them is worth, and for the worst letters their flagged lines and a
friendlier rewrite of their worst passages. `letterlint.reporting.reports` turns an `Audit` into a
self-contained HTML page or a Word document.
"""

from __future__ import annotations

import datetime as _dt
import re
import statistics
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letterlint.batch.checking import (
    KeptLetters,
    Progress,
    check_paths,
    get_linter,
    open_cache,
    read_path,
)
from letterlint.core.config import SAMPLE_CONTEXT, Config
from letterlint.core.letter_context import EMPTY, LetterContext, normalise
from letterlint.core.model import (
    CATEGORIES,
    SEVERITY_RANK,
    FileResult,
    Finding,
    Report,
    is_whole_letter,
)
from letterlint.core.version import __version__
from letterlint.engine.linter import LintedLetter, Linter
from letterlint.engine.scoring import WEIGHTS, rule_penalties, score
from letterlint.kinds.compliance import applies
from letterlint.reading.readers import ReadError, SourceText, read_bytes
from letterlint.rulebook.loader import Rule

if TYPE_CHECKING:
    from letterlint.actions.rewrite import Rewrite
    from letterlint.batch.cache import ResultCache

CATEGORY_LABELS: dict[str, str] = {
    "stigmatising-language": "Stigmatising words",
    "legal-jargon": "Legal jargon",
    "threatening-tone": "Threatening tone",
    "call-to-action": "Call to action",
    "personalisation": "Personalisation",
    "readability": "Hard reading",
    "compliance": "Compliance",
    "template": "Template fields",
}
#: The rule whose finding means "this letter never says what to do next".
MISSING_CTA = "LL401"
#: Categories whose wording a rewrite changes (the passages worth showing before and after).
REWORDED = (
    "stigmatising-language",
    "legal-jargon",
    "threatening-tone",
    "personalisation",
    "readability",
)
EXCERPT_LINES = 10
GOOD_SCORE = 80  # a letter scoring this or more reads as customer-first
EXAMPLE_CHARS = 90  # the longest example a summary shows whole
WORST_PASSAGES = 3


@dataclass(frozen=True)
class RuleImpact:
    """One rule across the audit, and what removing its findings would do for the scores."""

    rule: Rule
    letters: int
    findings: int
    points: float  # the score penalty this rule costs, averaged over all letters
    example: str | None  # a flagged phrase (None for findings about the whole letter)
    suggestion: str | None


@dataclass(frozen=True)
class Mark:
    """A flagged span of an excerpt; merged spans carry the worst severity and every code."""

    start: int
    end: int
    severity: str
    code: str  # codes separated by spaces


@dataclass(frozen=True)
class Excerpt:
    """A line of the letter with its flagged spans, and the findings on it.

    ``required`` are spans (line offsets) of wording a compliance pack prescribes: a report
    shows them as required text, to be kept as written."""

    line: int
    text: str
    marks: tuple[Mark, ...]
    findings: tuple[Finding, ...]
    required: tuple[tuple[int, int], ...] = ()

    def pieces(self) -> list[tuple[str, Mark | None, bool]]:
        """The line cut at every mark and required span: ``(text, mark or None, required)``."""
        cuts = {0, len(self.text)}
        for m in self.marks:
            cuts.update((m.start, m.end))
        for a, b in self.required:
            cuts.update((max(0, a), min(len(self.text), b)))
        points = sorted(c for c in cuts if 0 <= c <= len(self.text))
        out = []
        for a, b in pairwise(points):
            mark = next((m for m in self.marks if m.start <= a and b <= m.end), None)
            req = any(s <= a and b <= e for s, e in self.required)
            out.append((self.text[a:b], mark, req))
        return out


@dataclass(frozen=True)
class Passage:
    line: int
    before: str
    after: str | None  # None: the rewrite kept no counterpart (a sentence that was dropped)
    #: ``after`` in pieces, each ``(text, is_sample)``: a sample value stands where the letter
    #: gave no value of its own (a date, a phone number), and a report must show it as such
    parts: tuple[tuple[str, bool], ...] = ()

    @property
    def has_samples(self) -> bool:
        return any(sample for _, sample in self.parts)


@dataclass(frozen=True)
class LetterPage:
    result: FileResult
    whole_letter: tuple[
        Finding, ...
    ]  # findings about the letter as a whole (no call to action, hard reading)
    excerpts: tuple[Excerpt, ...]
    passages: tuple[Passage, ...]
    note: str | None = None


@dataclass(frozen=True)
class Summary:
    letters: int
    mean: float | None
    median: float | None
    stdev: float | None
    lowest: int | None
    highest: int | None
    quartiles: tuple[float, float] | None
    with_category: dict[str, int]  # letters with at least one finding of the category
    missing_cta: int
    findings_by_category: dict[str, int]
    findings_by_severity: dict[str, int]
    top_rules: list[tuple[str, int]]  # (code, findings)
    top_phrases: list[tuple[str, int]]
    impacts: list[RuleImpact]  # every rule that fired, best to fix first
    reading_ease: list[float]

    @property
    def top_five(self) -> list[RuleImpact]:
        return self.impacts[:5]

    def share(self, n: int) -> str:
        return f"{(100 * n / self.letters):.0f}%" if self.letters else "–"


#: Compliance checks that report a required element the letter lacks (the others report
#: wording it must not use, or ask for the letter's context).
MISSING_CHECKS = frozenset(
    {"required-content", "validation-end-date", "deadline-days", "itemization-arithmetic"}
)
CONTEXT_CHECKS = frozenset({"letter-context-needed"})
_ASKED = re.compile(r"^Set `([\w-]+)` in the letter's context")


@dataclass(frozen=True)
class ProvisionRow:
    """One compliance rule across the audit: the provision it checks and the letters that fail
    it."""

    rule: Rule
    provision: str  # the first source's citation, e.g. "12 CFR 1006.34(c)(3)(i)"
    kind: str  # "missing": a required element is not there; "breach": wording that must not be used
    letters: int
    in_scope: int  # letters the rule applies to (their context says so)
    examples: tuple[tuple[str, str | None], ...]  # (letter path, the wording quoted, or None)


@dataclass(frozen=True)
class ComplianceSummary:
    """What the compliance packs found, per provision, for the report's compliance section."""

    packs: tuple[str, ...]
    rows: tuple[ProvisionRow, ...]  # most letters first
    asked: tuple[tuple[str, int], ...]  # context keys a rule asked for, and in how many letters
    no_context: int  # letters with no context at all (only the core rules ran on them)
    with_required_text: int  # letters holding wording a pack prescribes

    @property
    def missing(self) -> list[ProvisionRow]:
        return [r for r in self.rows if r.kind == "missing"]

    @property
    def breaches(self) -> list[ProvisionRow]:
        return [r for r in self.rows if r.kind == "breach"]


@dataclass(frozen=True)
class Audit:
    """Everything a report shows; build it with `audit`."""

    report: Report
    rules: tuple[Rule, ...]
    summary: Summary
    pages: tuple[LetterPage, ...]
    client: str | None = None
    # who prepared the report (a consultant's firm): title page and document author
    author: str = "letterlint"
    created: str = ""
    tool_version: str = __version__
    reading_target: float = 60.0
    paths: tuple[str, ...] = field(default=())
    compliance: ComplianceSummary | None = None  # None: no compliance pack was on

    @property
    def readable(self) -> list[FileResult]:
        return [fr for fr in self.report.files if fr.error is None]

    @property
    def unreadable(self) -> list[FileResult]:
        return [fr for fr in self.report.files if fr.error is not None]

    def worst_first(self) -> list[FileResult]:
        return worst_first(self.report)

    @property
    def title(self) -> str:
        """The report's title (the Word document's title property, the HTML page's title)."""
        return "Customer-first letter audit" + (f" for {self.client}" if self.client else "")


def file_and_folder(path: str) -> tuple[str, str]:
    """A letter's file name and its folder, so tables name letters briefly ("./" for none)."""
    p = Path(path)
    folder = str(p.parent)
    return p.name or path, (folder.rstrip("/") + "/" if folder not in ("", ".") else "./")


_URL = re.compile(r"https?://\S+[^\s.,;)]")


def split_source(source: str) -> tuple[str, str | None]:
    """A rule's source as ``(title, url)``: the text without its link, so a report can show
    the title as the link's text (``url`` is None for a printed source)."""
    m = _URL.search(source)
    if not m:
        return source, None
    title = (source[: m.start()] + source[m.end() :]).strip()
    title = re.sub(r"(,|\breported at|\bat|:)\s*$", "", title).strip().rstrip(",")
    return title or m.group(0), m.group(0)


def audit(
    paths: Iterable[str | Path],
    *,
    config: Config | None = None,
    client: str | None = None,
    author: str | None = None,
    context_file: str | None = None,
    jobs: int | None = None,
    cache: bool = False,
    progress: Progress | None = None,
    pages: int = 30,
    today: _dt.date | None = None,
    exclude: Iterable[str | Path] = (),
) -> Audit:
    """Check ``paths`` and gather what an audit report shows.

    ``pages`` is how many letters (worst first) get a page of their own with excerpts
    and rewritten passages; every letter is still counted and listed. Files in
    ``exclude`` (the report being written, from an earlier run) are not audited.
    """
    config = config or Config()
    paths = [str(p) for p in paths]
    skip = {Path(p).resolve() for p in exclude}
    # the worst letters, as the check read them: their pages are built from these
    kept = KeptLetters(max(0, pages) + len(skip), worst_key)
    report = check_paths(
        paths,
        config=config,
        context_file=context_file,
        jobs=jobs,
        cache=cache,
        progress=progress,
        keep=kept,
    )
    if skip:
        report = replace(
            report,
            files=tuple(fr for fr in report.files if Path(fr.path).resolve() not in skip),
            skipped=tuple(p for p in report.skipped if Path(p).resolve() not in skip),
        )
    linter = get_linter(config, context_file)
    rules = linter.rules
    target = next(
        (float(r.options.get("target", 60)) for r in rules if r.check == "reading-ease"), 60.0
    )
    summary = summarise(report, rules)
    store = open_cache(config, context_file) if cache else None
    try:
        letter_pages = tuple(
            letter_page(fr, config, kept=kept.get(fr.path), linter=linter, store=store)
            for fr in worst_first(report)[: max(0, pages)]
        )
    finally:
        if store is not None:
            store.put_many([])  # hits last marked as used long ago are marked again
            store.close()
    packs = tuple(p for p in config.packs if p != "core")
    return Audit(
        report=report,
        rules=rules,
        summary=summary,
        pages=letter_pages,
        client=client,
        author=author or "letterlint",
        created=(today or _dt.date.today()).isoformat(),
        reading_target=target,
        paths=tuple(paths),
        compliance=summarise_compliance(report, rules, packs) if packs else None,
    )


def worst_first(report: Report) -> list[FileResult]:
    """The letters that could be read, lowest score first (ties by path); a letter's score
    here leaves out findings on wording a compliance pack prescribes (`ranking_score`)."""
    return sorted((fr for fr in report.files if fr.error is None), key=worst_key)


def worst_key(fr: FileResult) -> tuple[int, int, str]:
    """The order of `worst_first`, for one letter."""
    return ranking_score(fr), fr.score if fr.score is not None else 101, fr.path


def on_required_text(f: Finding, spans: Iterable[tuple[int, int]]) -> bool:
    """A tone or clarity finding mostly on wording a compliance pack prescribes (the letter
    must say it that way, so it is not the letter's fault). A finding about the whole letter
    (no call to action) is mostly elsewhere and still counts."""
    if f.category == "compliance" or f.end <= f.start:
        return False
    inside = sum(max(0, min(f.end, e) - max(f.start, s)) for s, e in spans)
    return 2 * inside > f.end - f.start


def ranking_score(fr: FileResult) -> int:
    """The score a letter is ranked by: its findings on prescribed wording do not count, so
    a letter is never ranked worst only because it carries the statutory text."""
    if fr.score is None:
        return 101
    if not fr.prescribed:
        return fr.score
    return score(f for f in fr.findings if not on_required_text(f, fr.prescribed))


def _letter_of(fr: FileResult) -> Any:

    try:
        return LetterContext.from_pairs(normalise(fr.letter, fr.path)) if fr.letter else EMPTY
    except Exception:  # noqa: BLE001 - the engine validated it; an odd value only loses the scope count
        return EMPTY


def summarise_compliance(
    report: Report, rules: tuple[Rule, ...], packs: tuple[str, ...]
) -> ComplianceSummary:
    """Per provision, the letters that miss or breach it, with one or two example letters."""

    letters = worst_first(report)
    contexts = [(fr, _letter_of(fr)) for fr in letters]
    asked: Counter[str] = Counter()
    rows = []
    for fr in letters:
        asked.update(
            {
                m.group(1)
                for f in fr.findings
                if f.severity == "info" and (m := _ASKED.match(f.message))
            }
        )
    for rule in rules:
        if rule.pack == "core" or rule.check in CONTEXT_CHECKS:
            continue
        hits = [
            (
                fr,
                next(f for f in fr.findings if f.code == rule.code and not _ASKED.match(f.message)),
            )
            for fr in letters
            if any(f.code == rule.code and not _ASKED.match(f.message) for f in fr.findings)
        ]
        if not hits:
            continue
        kind = "missing" if rule.check in MISSING_CHECKS else "breach"
        scope = sum(1 for _, ctx in contexts if _applies(applies, rule, ctx))
        examples = tuple(
            (fr.path, None if kind == "missing" else _example(f)) for fr, f in hits[:2]
        )
        provision = split_source(rule.sources[0])[0] if rule.sources else rule.name
        rows.append(ProvisionRow(rule, provision, kind, len(hits), max(scope, len(hits)), examples))
    rows.sort(key=lambda r: (r.kind != "breach", -r.letters, r.rule.code))
    return ComplianceSummary(
        packs=packs,
        rows=tuple(rows),
        asked=tuple(sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))),
        no_context=sum(1 for fr in letters if not fr.letter),
        with_required_text=sum(1 for fr in letters if fr.prescribed),
    )


def _applies(applies: Any, rule: Rule, ctx: Any) -> bool:
    try:
        return applies(rule, ctx) is True
    except (KeyError, TypeError):  # a check without the shared options (a computed one)
        return False


def summarise(report: Report, rules: tuple[Rule, ...]) -> Summary:
    """The statistics of the executive summary and the charts."""
    letters = [fr for fr in report.files if fr.error is None]
    scores = [fr.score for fr in letters if fr.score is not None]
    by_code = {r.code: r for r in rules}
    with_category: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    rule_letters: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    phrase_counts: Counter[tuple[str, str]] = Counter()
    #: (finding, found in a letter that reads as customer-first, another rule flags words inside it)
    candidates: dict[str, list[tuple[Finding, bool, bool]]] = {}
    gains: Counter[str] = Counter()  # score points each rule costs, summed over the letters
    #: candidates alike in all `_best_example` weighs: only the first of each is kept (the
    #: same pick, found without ranking an archive's thousands of repeats)
    seen: set[tuple[str, str, str, bool, bool, bool]] = set()
    missing_cta = 0
    for fr in letters:
        cats = {f.category for f in fr.findings}
        with_category.update(cats)
        if any(f.code == MISSING_CTA for f in fr.findings):
            missing_cta += 1
        inside = _with_other_inside(fr.findings)
        for i, f in enumerate(fr.findings):
            by_category[f.category] += 1
            by_severity[f.severity] += 1
            by_rule[f.code] += 1
            if f.category in ("stigmatising-language", "legal-jargon", "threatening-tone"):
                phrases[" ".join(f.text.split()).lower()] += 1
            phrase_counts[(f.code, _norm(f.text).lower())] += 1
            in_good = (fr.score or 0) >= GOOD_SCORE
            alike = (f.code, f.text, f.severity, f.suggestion is None, in_good, i in inside)
            if alike not in seen:
                seen.add(alike)
                candidates.setdefault(f.code, []).append((f, in_good, i in inside))
        penalties = rule_penalties(fr.findings)
        rule_letters.update(penalties.keys())
        gains.update(penalties)
    n = len(letters)
    examples = {
        code: _best_example(by_code.get(code), fs, phrase_counts) for code, fs in candidates.items()
    }
    impacts = [
        RuleImpact(
            rule=by_code[code],
            letters=rule_letters[code],
            findings=by_rule[code],
            points=gains[code] / n if n else 0.0,
            example=_example(examples[code]) if examples[code] else None,
            suggestion=examples[code].suggestion if examples[code] else None,
        )
        for code in by_rule
        if code in by_code
    ]
    impacts.sort(key=lambda i: (-i.points, -WEIGHTS[i.rule.severity], -i.letters, i.rule.code))
    quartiles = None
    if len(scores) >= 2:
        q = statistics.quantiles(scores, n=4, method="inclusive")
        quartiles = (q[0], q[2])
    return Summary(
        letters=n,
        mean=round(statistics.fmean(scores), 1) if scores else None,
        median=statistics.median(scores) if scores else None,
        stdev=round(statistics.pstdev(scores), 1) if scores else None,
        lowest=min(scores) if scores else None,
        highest=max(scores) if scores else None,
        quartiles=quartiles,
        with_category={c: with_category.get(c, 0) for c in CATEGORIES},
        missing_cta=missing_cta,
        findings_by_category={c: by_category.get(c, 0) for c in CATEGORIES},
        findings_by_severity={s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
        top_rules=by_rule.most_common(10),
        top_phrases=phrases.most_common(10),
        impacts=impacts,
        reading_ease=[
            fr.readability["flesch_reading_ease"]
            for fr in letters
            if "flesch_reading_ease" in fr.readability
        ],
    )


def _example(f: Finding) -> str | None:
    text = " ".join(f.text.split())
    return None if "\n" in f.text.strip() or len(text) > 160 else text


#: Text that is not wording a person wrote: template code and merge fields ...
#: ... and reference codes ("INV-40218", "AC-558201"): both make poor examples of what to change.
_NOT_WORDING = re.compile(
    r"\{\{|\}\}|\{%|\{#|\[\[|\]\]|\*\||\|\*|«|»|%%|\$\{|<<|>>|\[[A-Za-z _.]+\]"
)
_REFERENCE = re.compile(r"\b[A-Z]{1,5}[-/]?\d[\w/-]*\b|\b\d{4,}\b")


def is_good_example(f: Finding) -> bool:
    """Whether a finding's text makes an example a reader would agree with: real wording of
    the letter, short, with a letter in it, not a placeholder or a reference code."""
    text = _example(f)
    if (
        text is None
        or len(text) > EXAMPLE_CHARS
        or _NOT_WORDING.search(text)
        or not re.search(r"[^\W\d]|[!?]", text)
    ):
        return False
    words = text.split()
    refs = _REFERENCE.findall(text)
    return not refs or len(refs) < len(words) / 3


def _with_other_inside(findings: tuple[Finding, ...] | list[Finding]) -> set[int]:
    """The indexes of the findings with another rule's finding inside their span (by start,
    so a letter's findings are compared with their neighbours, not with each other)."""
    order = sorted(range(len(findings)), key=lambda k: findings[k].start)
    starts = [findings[k].start for k in order]
    out = set()
    for i, f in enumerate(findings):
        j = bisect_left(starts, f.start)
        while j < len(order) and starts[j] <= f.end:
            g = findings[order[j]]
            if g.code != f.code and g.end <= f.end and f.start <= g.start:
                out.add(i)
                break
            j += 1
    return out


def _best_example(
    rule: Rule | None, findings: list[tuple[Finding, bool, bool]], counts: Counter[tuple[str, str]]
) -> Finding | None:
    """The finding that best shows what a rule is about: good wording from a letter that needs
    work, most like the rule's own examples of bad wording, with no other rule's finding inside
    it (its fix is then this rule's alone), a suggestion, the most severe, the most frequent."""
    good = [(f, in_good, shared) for f, in_good, shared in findings if is_good_example(f)]
    if not good:
        return None
    known = {w for ex in (rule.fail_examples if rule else ()) for w in _words(ex.text)}

    def resemblance(f: Finding) -> float:
        words = _words(f.text)
        return round(sum(w in known for w in words) / len(words), 1) if words else 0.0

    return min(
        good,
        key=lambda fs: (
            fs[1],
            -resemblance(fs[0]),
            fs[2],
            fs[0].suggestion is None,
            -SEVERITY_RANK[fs[0].severity],
            -counts[(fs[0].code, _norm(fs[0].text).lower())],
            len(fs[0].text),
        ),
    )[0]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


# --------------------------------------------------------------------------- one letter's page


def _visible_span(src: SourceText, start: int, end: int) -> tuple[int, int]:
    """A source span as a span of the visible text (HTML and HTML email differ)."""
    return src.to_text(start, end)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b < 0 else b


def letter_page(
    fr: FileResult,
    config: Config,
    *,
    kept: LintedLetter | bytes | None = None,
    linter: Linter | None = None,
    store: ResultCache | None = None,
) -> LetterPage:
    """Excerpts with marks and the worst passages rewritten, for one letter.

    ``kept`` is the letter as the check had it (`KeptLetters`): its `LintedLetter`, which
    the rewrite takes as its first lint, or the bytes that were checked, which the rewrite
    lints with ``linter`` (the check's). Without it the file is read from disk, for a
    caller holding only a result. ``store`` (the result cache of the run) keeps the
    rewritten passages: rewriting the worst letters is most of a cached audit's time."""
    linted: LintedLetter | None = kept if isinstance(kept, LintedLetter) else None
    if linted is not None:
        src = linted.source
    else:
        item = _source_of(fr.path, kept)
        if isinstance(item, str):  # changed or removed since it was checked
            return LetterPage(fr, (), (), (), note=f"could not read it again: {item}")
        src = item
    text = src.text
    whole: list[Finding] = []
    lines: dict[int, list[tuple[Finding, int, int]]] = {}
    for f in fr.findings:
        s, e = _visible_span(src, f.start, f.end)
        a, b = _line_bounds(text, s)
        if e > b + 1 or is_whole_letter(f):
            whole.append(f)
            continue
        lines.setdefault(a, []).append((f, s - a, min(e, b) - a))
    required = [_visible_span(src, s, e) for s, e in fr.prescribed]
    weight = {
        a: sum(WEIGHTS[f.severity] for f, _, _ in hits if not on_required_text(f, fr.prescribed))
        for a, hits in lines.items()
    }
    chosen = sorted(sorted(lines, key=lambda a: (-weight[a], a))[:EXCERPT_LINES])
    excerpts = []
    for a in chosen:
        b = _line_bounds(text, a)[1]
        hits = lines[a]
        excerpts.append(
            Excerpt(
                line=min(
                    f.line for f, _, _ in hits
                ),  # the line `check` names (HTML source lines differ)
                text=text[a:b],
                marks=_merge_marks([Mark(s, e, f.severity, f.code) for f, s, e in hits if e > s]),
                findings=tuple(
                    sorted(
                        (f for f, _, _ in hits), key=lambda f: (-SEVERITY_RANK[f.severity], f.start)
                    )
                ),
                required=tuple(
                    (max(s, a) - a, min(e, b) - a) for s, e in required if s < b and a < e
                ),
            )
        )
    key = _passages_key(store, src) if store is not None else None
    got = _cached_passages(store, key) if store is not None and key is not None else None
    if got is not None:
        passages, note = got
    else:
        passages, note = _worst_passages(src, lines, config, fr.prescribed, linted, linter)
        if store is not None and key is not None:
            store.put_many([(key, _pack_passages(passages, note))])
    return LetterPage(fr, tuple(whole), tuple(excerpts), passages, note)


def _passages_key(store: ResultCache, src: SourceText) -> str | None:
    """The cache key of a letter's rewritten passages: the run's key (letterlint, rules,
    config, context file) and the letter as read, under a name of its own."""
    from letterlint.batch.cache import content_key  # lazy: sqlite3, only with a cache

    data = src.source.encode("utf-8", "surrogatepass")
    return content_key(store.run + "\0passages", data, src.kind, "", ())


def _pack_passages(passages: tuple[Passage, ...], note: str | None) -> tuple[Any, ...]:
    return ("passages", tuple((p.line, p.before, p.after, p.parts) for p in passages), note)


def _cached_passages(store: ResultCache, key: str) -> tuple[tuple[Passage, ...], str | None] | None:
    packed = store.get_many([key]).get(key)
    if packed is None or len(packed) != 3 or packed[0] != "passages":
        return None  # not stored, or not what this version stores
    try:
        passages = tuple(
            Passage(line, before, after, tuple((str(t), bool(x)) for t, x in parts))
            for line, before, after, parts in packed[1]
        )
    except (TypeError, ValueError):
        return None
    return passages, packed[2]


def _source_of(path: str, kept: bytes | None) -> SourceText | str:
    """The letter read from the bytes the check kept, or from disk; or why it can't be."""
    if kept is None:
        item = read_path(path)
        if isinstance(item, FileResult):
            return item.error.message if item.error else "unreadable"
        return item  # type: ignore[return-value]
    try:
        return read_bytes(kept, path, None)
    except ReadError as exc:
        return exc.message


def _merge_marks(marks: list[Mark]) -> tuple[Mark, ...]:
    """Overlapping spans become one, carrying the most severe finding's severity."""
    out: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        if out and m.start < out[-1].end:
            last = out[-1]
            sev = max(last.severity, m.severity, key=lambda s: SEVERITY_RANK[s])
            codes = last.code if m.code in last.code.split() else f"{last.code} {m.code}"
            out[-1] = Mark(last.start, max(last.end, m.end), sev, codes)
        else:
            out.append(m)
    return tuple(out)


def _norm(s: str) -> str:
    return " ".join(s.split())


def _worst_passages(
    src: SourceText,
    lines: dict[int, list[tuple[Finding, int, int]]],
    config: Config,
    prescribed: tuple[tuple[int, int], ...] = (),
    linted: LintedLetter | None = None,
    linter: Linter | None = None,
) -> tuple[tuple[Passage, ...], str | None]:
    scored = {
        a: sum(WEIGHTS[f.severity] for f, _, _ in hits if f.category in REWORDED)
        for a, hits in lines.items()
    }
    worst = [a for a in sorted(scored, key=lambda a: (-scored[a], a)) if scored[a] > 0][
        :WORST_PASSAGES
    ]
    if not worst:
        return (), None
    # lazy: the rewrite costs `import letterlint` 37 ms; only a page with passages needs it
    from letterlint.actions.rewrite import rewrite_source

    try:
        rw = rewrite_source(src, config=config, prescribed=prescribed, linted=linted, linter=linter)
    except Exception as exc:  # noqa: BLE001 - a report must not fail over one letter's rewrite
        return (), f"no rewrite for this letter ({type(exc).__name__}: {exc})"
    after_by_line = {_norm(before): after for before, after in rw.passages}
    text = src.text
    samples = _sample_fields(rw.context, text)
    out = []
    for a in sorted(worst):
        b = _line_bounds(text, a)[1]
        before = text[a:b].strip()
        after = after_by_line.get(_norm(before))
        parts = _render_parts(rw, after, samples) if after is not None else ()
        rendered = "".join(t for t, _ in parts)
        line = min(f.line for f, _, _ in lines[a])
        out.append(
            Passage(
                line=line, before=before, after=rendered or None, parts=parts if rendered else ()
            )
        )
    return tuple(out), None


_FIELD = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
_MARK = "\ue000"  # a private-use character marking where a sample value was rendered


def _sample_fields(context: dict[str, Any], letter_text: str) -> set[str]:
    """The template fields whose value is the schema's sample, not something the letter said."""
    out = set()
    for group, values in context.items():
        for name, value in values.items() if isinstance(values, dict) else ():
            sample = SAMPLE_CONTEXT.get(group, {}).get(name)
            if sample is not None and str(value) == str(sample) and str(value) not in letter_text:
                out.add(f"{group}.{name}")
    return out


def _render_parts(
    rw: Rewrite, template_line: str, samples: set[str]
) -> tuple[tuple[str, bool], ...]:
    """A rewritten line rendered, cut into ``(text, is_sample)`` pieces around sample values."""
    marked = _FIELD.sub(
        lambda m: f"{_MARK}{m.group(0)}{_MARK}" if m.group(1) in samples else m.group(0),
        template_line,
    )
    rendered = _norm(rw.render_passage(marked))
    pieces = rendered.split(_MARK)
    return tuple((piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece)
