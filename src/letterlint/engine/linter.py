"""The pipeline, top to bottom: read → template variants → analyse → rules → map back →
suppress → sort → score.

`Linter` holds what is built once per process (the selected rules, their compiled
matchers, the sample context); `Linter.lint` turns one `SourceText` into a
`FileResult`. Everything else (API, CLI, app, reports) calls this.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from sys import intern
from typing import Any

from letterlint.core.config import Config, ConfigError, context_paths, load_context
from letterlint.core.doc_kinds import TEMPLATE_KINDS
from letterlint.core.letter_context import EMPTY as EMPTY_LETTER
from letterlint.core.letter_context import LetterContext, inline_pairs, merge
from letterlint.core.model import Edit, FileError, FileResult, Finding, Fix, new_finding
from letterlint.core.spans import SourceMap, line_col, line_starts
from letterlint.engine.scoring import score
from letterlint.kinds.checks import CHECKS, CheckContext, readability_figures
from letterlint.kinds.matching import CompiledRules, Hit
from letterlint.language.analysis import Analysis, parse
from letterlint.language.letter_parts import GREETING, SIGN_OFF
from letterlint.reading.readers import ReadError, RunFormat, SourceText
from letterlint.rulebook.loader import Rule, load_rules
from letterlint.rulebook.selection import (
    is_known_selector,
    parse_suppressions,
    select_rules,
    selector_matches,
)
from letterlint.templating.placeholders import (
    Piece,
    Variant,
    _RenderFailed,
    check_dialect_syntax,
    find_placeholders,
    jinja_variants,
    mask,
)

MAX_LETTER_CHARS = 1_000_000
"""The longest text linted as one letter (spaCy's own limit; a letter is a few thousand)."""


def body_span(a: Analysis) -> tuple[int, int]:
    """The letter's body: after the greeting, before the sign-off (whole text if neither)."""
    sents = a.sentences
    if not sents:
        return (0, min(1, len(a.text)))
    first = 0
    for i, (s, e) in enumerate(sents[:15]):
        if GREETING.match(a.text[s:e]):
            first = i + 1
            break
    last = len(sents)
    for i in range(len(sents) - 1, first - 1, -1):
        s, e = sents[i]
        if SIGN_OFF.match(a.text[s:e]):
            last = i
            break
    if first >= last:
        first, last = 0, len(sents)
    return sents[first][0], sents[last - 1][1]


def _drop_superseded(hits: list[Hit]) -> list[Hit]:
    """Leave out a hit that overlaps a hit of a rule it names in ``superseded-by``.

    One threat is one finding: "we will pass your account to an agency" is reported as
    an agency referral, not also as a generic conditional threat.
    """
    yielding = [h for h in hits if h.rule.superseded_by]
    if not yielding:
        return hits
    named = {code for h in yielding for code in h.rule.superseded_by}
    by_code: dict[str, list[tuple[int, int]]] = {}
    for h in hits:
        if h.rule.code in named:
            by_code.setdefault(h.rule.code, []).append((h.start, h.end))
    if not by_code:
        return hits  # none of the rules they yield to was found
    index = {code: _SpanIndex(spans) for code, spans in by_code.items()}
    return [
        h
        for h in hits
        if not h.rule.superseded_by
        or not any(
            code in index and index[code].overlaps(h.start, h.end) for code in h.rule.superseded_by
        )
    ]


class _SpanIndex:
    """Spans sorted by start, with the furthest end so far: overlap tests in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.spans = spans
        self.reach: list[int] = []
        top = -1
        for _, e in spans:
            top = max(top, e)
            self.reach.append(top)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end) - 1
        while i >= 0 and self.reach[i] > start:
            if self.spans[i][1] > start:
                return True
            i -= 1
        return False


def _inside_prescribed(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    """A core finding on wording a compliance pack prescribes (it must stay as it is)."""
    if hit.rule.pack != "core":
        return False
    return any(s <= hit.start and hit.end <= e for s, e in spans)


def _letter_dict(letter: LetterContext) -> dict[str, Any]:
    """``letter.to_dict()``; most letters have no context, and that needs no field walk."""
    return {} if letter is EMPTY_LETTER else letter.to_dict()


def identity_variant(text: str) -> Variant:
    return Variant(text, (0,), (Piece(0, len(text), False, None),))


def template_variants(src: SourceText, notes: list[str]) -> list[Variant]:
    """The texts a letter is linted as: a Jinja template's rendered branches (contract 4),
    else the text itself. Raises `ReadError` for a template that does not parse; a Jinja
    template whose control flow cannot be followed is linted masked (with a note)."""
    if src.kind == "jinja":
        try:
            return jinja_variants(src.text)
        except _RenderFailed as exc:
            notes.append(
                f"could not follow the template's control flow ({exc}); "
                "linted with template code masked"
            )
    elif src.kind in TEMPLATE_KINDS:
        check_dialect_syntax(src.text, src.kind)
    return [identity_variant(src.text)]


def analyse(variant: Variant, formatting: tuple[RunFormat, ...] = ()) -> Analysis:
    """One variant parsed for the rules: placeholders found and masked, then spaCy's parse."""
    ph = find_placeholders(variant.text)
    mtext = mask(variant.text, ph)
    doc, rows = parse(mtext)
    return Analysis(mtext, variant.text, doc, ph, rows=rows, formatting=formatting)


@dataclass(frozen=True)
class LintedLetter:
    """One letter after linting: what was read, each template variant with its analysis,
    and the result. The actions (fix, rewrite, the audit's pages) take this rather than
    reading or linting the letter again. ``variants`` and ``analyses`` are empty when the
    letter could not be linted (``result.error`` says why)."""

    source: SourceText
    variants: tuple[Variant, ...]
    analyses: tuple[Analysis, ...]
    result: FileResult


class Linter:
    """Lint letters with one configuration; build once, reuse for many files."""

    def __init__(self, config: Config | None = None, *, context_file: str | None = None) -> None:
        self.config = config or Config()
        self.all_rules: tuple[Rule, ...] = load_rules(self.config.packs, self.config.extend_rules)
        for sel in (*self.config.select, *self.config.ignore):
            if not is_known_selector(self.all_rules, sel):
                raise ConfigError(
                    f"unknown rule selector {sel!r} "
                    "(use a code, code prefix, rule name, category or pack)"
                )
        for _, sels in self.config.per_file_ignores:
            for sel in sels:
                if not is_known_selector(self.all_rules, sel):
                    raise ConfigError(f"unknown rule selector {sel!r} in per-file-ignores")
        self.rules = select_rules(self.all_rules, self.config.select, self.config.ignore)
        ctx_path = context_file or self.config.context
        self.context: dict[str, Any] | None = load_context(ctx_path) if ctx_path else None
        self.context_vars = context_paths(self.context) if self.context is not None else None
        self._compiled: CompiledRules | None = None
        self._by_code = {r.code: r for r in self.all_rules}

    @property
    def compiled(self) -> CompiledRules:
        if self._compiled is None:
            self._compiled = CompiledRules(self.rules, self.config.allow_words)
        return self._compiled

    # ------------------------------------------------------------------ one file
    def lint(self, src: SourceText) -> FileResult:
        """Lint one letter; a letter that cannot be linted gets a per-file error, never an
        exception."""
        return self.lint_letter(src).result

    def lint_letter(self, src: SourceText) -> LintedLetter:
        """Lint one letter and keep what the pipeline built on the way (`LintedLetter`)."""
        analyses: list[Analysis] = []
        variants: list[Variant] = []
        result = self._lint(src, variants, analyses)
        return LintedLetter(src, tuple(variants), tuple(analyses), result)

    def _lint(
        self, src: SourceText, variants: list[Variant], analyses: list[Analysis]
    ) -> FileResult:
        notes = list(src.notes)
        try:
            letter = self.letter_context(src)
        except ConfigError as exc:
            return FileResult(
                path=src.path,
                score=None,
                error=FileError("letter-context", str(exc)),
                notes=tuple(notes),
            )
        try:
            if len(src.text) > MAX_LETTER_CHARS:
                raise ReadError(
                    "too-large",
                    f"the letter's text is {len(src.text):,} characters; "
                    f"the limit is {MAX_LETTER_CHARS:,}",
                )
            variants += template_variants(src, notes)
            return self._lint_variants(src, variants, notes, letter, analyses)
        except ReadError as exc:
            return FileResult(
                path=src.path,
                score=None,
                error=FileError(exc.code, exc.message),
                notes=tuple(notes),
                letter=_letter_dict(letter),
            )
        except (RecursionError, MemoryError) as exc:
            return FileResult(
                path=src.path,
                score=None,
                notes=tuple(notes),
                letter=_letter_dict(letter),
                error=FileError(
                    "too-complex", f"the letter is too complex to lint ({type(exc).__name__})"
                ),
            )

    def _lint_variants(
        self,
        src: SourceText,
        variants: list[Variant],
        notes: list[str],
        letter: LetterContext,
        analyses: list[Analysis],
    ) -> FileResult:
        findings: dict[tuple[int, int, str], Finding] = {}
        prescribed: set[tuple[int, int]] = set()
        starts = line_starts(src.source)
        figures: dict[str, float] = {}  # readability of the first variant (reports chart it)
        for variant in variants:
            a = analyse(variant, src.formatting if len(variants) == 1 else ())
            analyses.append(a)
            ctx = CheckContext(body=body_span(a), context_vars=self.context_vars, letter=letter)
            hits = _drop_superseded(list(self._hits(a, src, ctx, figures if not figures else None)))
            if ctx.prescribed:
                hits = [h for h in hits if not _inside_prescribed(h, ctx.prescribed)]
                prescribed.update(self._to_source(variant, src, s, e) for s, e in ctx.prescribed)
            # one map to the source and one branch test for all the variant's findings
            to_source = self._source_map(variant, src).to_source
            branchy = any(p.branch is not None for p in variant.pieces)
            for hit in hits:
                f = self._finding(hit, variant, src, starts, to_source, branchy)
                key = (f.start, f.end, f.code)
                if key not in findings:
                    findings[key] = f
        result = list(findings.values())
        result = self._filter(result, src, notes)
        result.sort(key=lambda f: (f.start, f.code, f.end))
        return FileResult(
            path=src.path,
            score=score(result),
            error=None,
            notes=tuple(notes),
            findings=tuple(result),
            readability=figures,
            letter=_letter_dict(letter),
            prescribed=tuple(sorted(prescribed)),
        )

    def letter_context(self, src: SourceText) -> LetterContext:
        """The letter's merged context (contract 7): config defaults and globs, the inline
        comment, then the overrides given on the command line or to the API."""
        inline, _ = inline_pairs(src.source, src.kind, src.path)
        pairs = merge(self.config.letter_for(src.path), inline, self.config.letter_overrides)
        return LetterContext.from_pairs(pairs) if pairs else EMPTY_LETTER

    def _hits(
        self,
        a: Analysis,
        src: SourceText,
        ctx: CheckContext,
        figures: dict[str, float] | None = None,
    ) -> Iterator[Hit]:
        c = self.compiled
        yield from c.terms(a)
        yield from c.regex(a)
        yield from c.frames(a)
        yield from c.presence(a, ctx.body)
        if src.kind in TEMPLATE_KINDS:
            ctx.template_vars = tuple(
                (p.name, p.start, p.end) for p in a.placeholders if p.output and p.name
            )
        for rule in c.by_kind["check"]:
            yield from CHECKS[rule.check].func(rule, a, ctx)  # type: ignore[index]
        if figures is not None:
            figures.update(ctx.readability or readability_figures(a, ctx.body))

    @staticmethod
    def _source_map(variant: Variant, src: SourceText) -> SourceMap:
        """The map from the analysed variant to the file's source text."""
        identity = len(variant.pieces) == 1 and variant.pieces[0].start == 0
        return SourceMap(None if identity else variant, src.offsets)

    @staticmethod
    def _to_source(variant: Variant, src: SourceText, s: int, e: int) -> tuple[int, int]:
        """A span of the analysed variant as a span of the file's source text."""
        return Linter._source_map(variant, src).to_source(s, e)

    def _finding(
        self,
        hit: Hit,
        variant: Variant,
        src: SourceText,
        starts: list[int],
        to_source: Callable[[int, int], tuple[int, int]],
        branchy: bool = True,
    ) -> Finding:
        """The finding of one hit: its source span, line and column, and its fix.

        ``to_source`` is the variant's `_source_map`; ``branchy``: whether any piece of
        the variant is in a template branch (else no hit is)."""
        start, end = to_source(hit.start, hit.end)
        rule = hit.rule
        message = hit.message
        branch = variant.branch_at(hit.start) if branchy else None
        if branch is not None:
            message = f"{message} [only in the branch at line {branch.line}: {branch.tag}]"
        fix = None
        if hit.fix and hit.replacement is not None:
            es, ee = hit.edit_span or (hit.start, hit.end)
            s2, e2 = to_source(es, ee)
            # an edit must replace exactly the text it was computed from (no template code,
            # no HTML markup or entity in between)
            if src.source[s2:e2] == variant.text[es:ee] and src.kind != "docx":
                fix = Fix(hit.fix, (Edit(s2, e2, hit.replacement),))  # type: ignore[arg-type]
            else:
                fix = Fix("display-only", (Edit(s2, e2, hit.replacement),))
        line, col = line_col(starts, start)
        end_line, end_col = line_col(starts, end)
        # letters written from the same templates repeat the same findings word for word:
        # one shared string each keeps a run over thousands of letters (and the results
        # its workers pickle) much smaller
        suggestion = hit.suggestion
        return new_finding(
            rule.code,
            rule.name,
            rule.category,
            hit.severity,
            intern(message),
            start,
            end,
            line,
            col,
            end_line,
            end_col,
            intern(src.source[start:end]),
            intern(suggestion) if suggestion else suggestion,
            fix,
        )

    def _filter(self, findings: list[Finding], src: SourceText, notes: list[str]) -> list[Finding]:
        by_code = self._by_code
        ignores = (
            self.config.ignores_for(src.path)
            if self.config.per_file_ignores and src.path not in ("-", "<text>")
            else ()
        )
        sup = parse_suppressions(src.source, src.kind, self.all_rules)
        notes.extend(sup.notes)
        out = []
        for f in findings:
            rule = by_code[f.code]
            if ignores and any(selector_matches(rule, s) for s in ignores):
                continue
            if sup.suppressed(rule, f.start, f.line):
                continue
            out.append(f)
        return out
