"""Run the data rule kinds (terms, regex, presence) over an `Analysis`.

Each rule kind yields `Hit`s in the analysed text's offsets; the engine maps them back
to the source. All rules are compiled once per process (`CompiledRules`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from letterlint.kinds.frames import FrameRunner
from letterlint.kinds.hits import Hit, match_case  # re-exported: their home before kinds.hits
from letterlint.kinds.literals import (
    LiteralIndex,
    ascii_folded,
    case_sensitive_twin,
    has_upper_literal,
    leading_literals,
    lower_is_exact,
    required_literals,
)
from letterlint.language.analysis import Analysis, get_nlp, lemma, parse, phrase_forms

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher

    from letterlint.rulebook.loader import Rule  # kinds sit below the rulebook


_NEGATION = re.compile(
    r"\b(?:not|never|no|nothing|cannot|won't|don't|doesn't|isn't|aren't|wouldn't|shan't)\b|n't\b",
    re.I,
)
_HEDGE = re.compile(r"\b(?:may|might|could|can)\b", re.I)
_PRESSURE = re.compile(
    r"\b(?:immediately|no (?:other )?(?:choice|option|alternative)"
    r"|without (?:further )?(?:notice|warning|delay)|forced to|will)\b|!",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\bbut\b|\bunless\b|\bwhile\b", re.I)
_QUOTES = re.compile(r"[\"\u201c\u201d]")


_ARTICLE_BEFORE = re.compile(r"\b(an?|An?|AN?)( )")
_AN_EXCEPTIONS = ("uni", "use", "usu", "ute", "uti", "one", "once", "eu")
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")


def _wants_an(word: str) -> bool:
    """Whether a word takes "an": by its first sound, with the common exceptions."""
    w = word.lower()
    if w.startswith(_SILENT_H):
        return True
    if w.startswith(_AN_EXCEPTIONS):
        return False
    return w[:1] in "aeiou"


_CONDITION = re.compile(
    r"\b(?:if|unless|until|when)\s+you\b[^,;]*?\b(?:not|n't|never|cannot|fail(?:s|ed)?\s+to)\b\s+\w+",
    re.I,
)
NEGATION_WORDS = 5


def _negated(clause: str) -> bool:
    """Whether the words just before a match negate it ("we will not pass ...").

    Only the last few words count, and a condition on the reader ("if you do not pay
    we will ...") is not a negation of what follows it.
    """
    clause = _CONDITION.sub(" ", clause)
    words = clause.split()[-NEGATION_WORDS:]
    return bool(_NEGATION.search(" ".join(words)))


CLAUSE_REACH = 200
"""How far back a clause may reach: only its last few words are ever read (`NEGATION_WORDS`),
and a bound keeps a letter of one endless sentence from costing a scan per match."""


def clause_before(a: Analysis, start: int) -> str:
    """The part of the sentence between the last clause break and ``start``."""
    sent = a.sentence_at(start)
    s0 = max(sent[0], start - CLAUSE_REACH) if sent else max(0, start - 120)
    before = a.text[s0:start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    return before[breaks[-1] :] if breaks else before


_RegexPattern = tuple[int, re.Pattern[str], bool, "frozenset[str] | None", "frozenset[str] | None"]
"""A regex rule's pattern: index, compiled form, runs on the lower-cased letter, gate, lead
words."""


class CompiledRules:
    """Every enabled rule, compiled once: one PhraseMatcher for all the term lists."""

    def __init__(self, rules: tuple[Rule, ...], allow_words: tuple[str, ...] = ()) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = get_nlp()
        self.rules = rules
        self.by_kind: dict[str, list[Rule]] = {
            k: [] for k in ("terms", "regex", "presence", "check", "frame")
        }
        for r in rules:
            self.by_kind[r.kind].append(r)
        # Terms match on lower-cased lemmas: each phrase is expanded once into every
        # surface form with the same lemmas, and matched on LOWER in C (see analysis.py).
        self.matcher: PhraseMatcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._term_key: dict[int, tuple[Rule, str, str | None]] = {}
        for rule in self.by_kind["terms"]:
            for phrase, sugg in rule.terms:
                key = f"{rule.code}\t{phrase}"
                self.matcher.add(key, [nlp.make_doc(v) for v in _phrase_variants(phrase)])
                self._term_key[nlp.vocab.strings[key]] = (rule, phrase, sugg)
        self.allow: PhraseMatcher | None = None
        if allow_words:
            self.allow = PhraseMatcher(nlp.vocab, attr="LOWER")
            self.allow.add(
                "allow", [nlp.make_doc(v) for w in allow_words for v in _phrase_variants(w)]
            )
        # Regex rules run on the lower-cased text without IGNORECASE (2.5 times faster when
        # measured); a pattern with upper-case literals, or a case-sensitive rule, keeps
        # its own flags. Each pattern is gated by the literal words it cannot match
        # without (`required_literals`): a substring test is far cheaper than a scan.
        self._regex: list[tuple[Rule, frozenset[str] | None, list[_RegexPattern]]] = []
        for rule in self.by_kind["regex"]:
            case_sensitive = bool(rule.compiled.get("case-sensitive"))
            pats = []
            for i, p in enumerate(rule.patterns):
                lower_ok = not case_sensitive and not has_upper_literal(p.regex.pattern)
                compiled = re.compile(p.regex.pattern, 0) if lower_ok else p.regex
                gate = None if case_sensitive else required_literals(p.regex.pattern, p.regex.flags)
                # where a match must start, when that is a few literal words
                lead = leading_literals(p.regex.pattern, p.regex.flags)
                pats.append((i, compiled, lower_ok, gate, lead))
            gates = [p[3] for p in pats]
            rule_gate = (
                None if not gates or any(g is None for g in gates) else frozenset().union(*gates)
            )
            self._regex.append((rule, rule_gate, pats))
        # Presence rules: the case-insensitive patterns also get a twin without the flag,
        # used on the lower-cased letter when that is exact (`lower_is_exact`).
        self._presence: list[tuple[Rule, _PresencePlan]] = [
            (r, _PresencePlan(r.compiled)) for r in self.by_kind["presence"]
        ]
        literals: set[str] = set()
        for _, _, pats in self._regex:
            literals.update(w for p in pats for g in p[3:] if g is not None for w in g)
        for _, plan in self._presence:
            literals.update(plan.words())
        # every gate word of every rule, found once per letter instead of once per pattern
        self._literals = LiteralIndex(literals)
        self._frames = FrameRunner(self.by_kind["frame"])

    # ------------------------------------------------------------------ frames
    def frames(self, a: Analysis) -> Iterator[Hit]:
        """Frame rules: lexicon matches composed in a sentence (see `frames`).

        Lexicons match lower-cased tokens, so a letter with characters that only
        case-insensitive matching equates with ASCII letters ("legal actıon") is matched
        on a folded copy of the same length, as the regex rules search it whole.
        """
        if not self._frames.rules or lower_is_exact(a.text, a.lowered):
            return self._frames.hits(a)
        folded = ascii_folded(a.text)
        doc, rows = parse(folded)
        return self._frames.hits(Analysis(folded, a.original, doc, a.placeholders, rows=rows))

    # ------------------------------------------------------------------ terms
    def terms(self, a: Analysis) -> Iterator[Hit]:
        doc = a.doc
        allowed: list[tuple[int, int]] = []
        if self.allow is not None:
            for _, s, e in self.allow(doc):
                allowed.append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)))
        best: dict[tuple[str, int], tuple[int, int, Rule, str, str | None, int, int]] = {}
        toks = a.toks  # offsets as plain ints: no spaCy Token object per lookup
        quotes: list[int] | None = None  # offsets of the quote marks, for skip-quoted
        for match_id, s, e in self.matcher(doc):
            rule, phrase, sugg = self._term_key[match_id]
            start = toks[s].start
            end = toks[e - 1].end
            if a.in_placeholder(start, end):
                continue
            if any(x <= start and end <= y for x, y in allowed):
                continue
            opts = rule.compiled
            if "not-after" in opts and s > 0:
                j = s - 1
                while j > 0 and (doc[j].is_space or doc[j].is_punct):
                    j -= 1
                if lemma(doc[j].text) in opts["not-after"] or doc[j].lower_ in opts["not-after"]:
                    continue
            if "not-before" in opts and e < len(doc):
                j = e
                while j < len(doc) - 1 and doc[j].is_space:
                    j += 1
                if lemma(doc[j].text) in opts["not-before"] or doc[j].lower_ in opts["not-before"]:
                    continue
            if opts.get("skip-quoted"):
                sent = a.sentence_at(start)
                s0 = sent[0] if sent else 0
                if quotes is None:  # every quote mark once: counting per match is quadratic
                    quotes = [m.start() for m in _QUOTES.finditer(a.text)]
                if (bisect_left(quotes, start) - bisect_left(quotes, s0)) % 2 == 1:
                    continue
            # keep the longest match of a rule starting at one place, and drop matches
            # inside a longer match of the same rule
            key = (rule.code, start)
            if key not in best or end > best[key][1]:
                best[key] = (start, end, rule, phrase, sugg, s, e)
        kept = sorted(best.values(), key=lambda t: (t[0], -t[1]))
        last_end: dict[str, int] = {}
        for start, end, rule, phrase, sugg, _s, _e in kept:
            if last_end.get(rule.code, -1) > start:
                continue
            last_end[rule.code] = end
            yield self._term_hit(a, rule, phrase, sugg, start, end)

    def _term_hit(
        self, a: Analysis, rule: Rule, phrase: str, sugg: str | None, start: int, end: int
    ) -> Hit:
        text = a.original[start:end]
        surface = text.lower()
        fix = rule.fix
        suggestion = None
        if sugg is not None:
            if surface in rule.forms:
                suggestion = match_case(text, rule.forms[surface])
            else:
                suggestion = match_case(text, sugg)
                if " ".join(surface.split()) != phrase.lower() and fix == "safe":
                    fix = "display-only"  # an inflected form: "pay" would not fit "remitted"
        replacement = suggestion
        edit_span = None
        if suggestion == "":
            # delete the phrase and one adjacent space ("We hereby confirm" → "We confirm")
            if end < len(a.original) and a.original[end] == " ":
                edit_span = (start, end + 1)
            elif start > 0 and a.original[start - 1] == " ":
                edit_span = (start - 1, end)
            # a deleted sentence opener hands its capital to the next word
            if (
                text[:1].isupper()
                and edit_span
                and edit_span[1] < len(a.original)
                and edit_span[0] == start
            ):
                nxt = a.original[edit_span[1] : edit_span[1] + 1]
                if nxt.islower():
                    edit_span = (start, edit_span[1] + 1)
                    replacement = nxt.upper()
            # "an aforementioned debtor" → "a debtor": the article now meets the next word
            m = _ARTICLE_BEFORE.search(a.original, max(0, start - 4), start)
            if m and m.end() == start and edit_span and edit_span[1] == end + 1:
                nxt_word = re.match(r"[A-Za-z]+", a.original[end + 1 : end + 30])
                if nxt_word:
                    wanted = "an" if _wants_an(nxt_word.group(0)) else "a"
                    if m.group(1).lower() != wanted:
                        wanted = (
                            match_case(m.group(1), wanted) if m.group(1)[:1].isupper() else wanted
                        )
                        edit_span = (m.start(1), end + 1)
                        replacement = wanted + " "
        elif suggestion:
            # keep the article in agreement: "a debtor" → "a customer",
            # "a debtor" → "an account holder"
            m = _ARTICLE_BEFORE.search(a.original, max(0, start - 4), start)
            if m and m.end() == start:
                article = m.group(1)
                wanted = "an" if _wants_an(suggestion) else "a"
                if article.lower() != wanted:
                    wanted = match_case(article, wanted) if article[:1].isupper() else wanted
                    edit_span = (m.start(1), end)
                    replacement = f"{wanted}{m.group(2)}{suggestion}"
        message = rule.format_message(text, suggestion)
        return Hit(
            rule,
            start,
            end,
            rule.severity,
            message,
            suggestion,
            fix if sugg is not None else None,
            replacement,
            edit_span,
        )

    # ------------------------------------------------------------------ regex
    def gate_words(self, a: Analysis) -> dict[str, list[int]]:
        """Where each gate word occurs in the lower-cased letter (computed once per `Analysis`)."""
        if a.gate_words is None:
            a.gate_words = self._literals.find(a.lowered)
        return a.gate_words

    def regex(self, a: Analysis) -> Iterator[Hit]:
        text = a.text
        lowered = a.lowered
        # Gates and lead words are found in the lower-cased letter. When lower-casing is not
        # exact for this letter (a character that changes length, or that IGNORECASE folds
        # differently, such as "ı" or "ſ"), every pattern is searched in the whole letter.
        exact = lower_is_exact(text, lowered)
        occ = self.gate_words(a)
        found = occ.keys()
        for rule, rule_gate, pats in self._regex:
            if exact and rule_gate is not None and found.isdisjoint(rule_gate):
                continue  # none of the words any of its patterns needs is in the letter
            opts = rule.compiled
            taken: list[tuple[int, int]] = []  # sorted, never overlapping
            sent_checks: dict[
                tuple[int, int], tuple[bool, bool]
            ] = {}  # per sentence: unless, pressure
            for i, regex, lower_ok, gate, lead in pats:
                if exact and gate is not None and found.isdisjoint(gate):
                    continue
                haystack = lowered if lower_ok and exact else text
                if lower_ok and not exact:
                    regex = re.compile(regex.pattern, re.IGNORECASE)
                if not exact:
                    matches = regex.finditer(haystack)
                elif lead is not None:
                    matches = _starts(regex, haystack, occ, lead)
                else:
                    matches = _scan(regex, haystack, occ, gate)
                for m in matches:
                    start, end = m.span()
                    if end <= start or a.in_placeholder(start, end):
                        continue
                    k = bisect_left(taken, (start, end))
                    if (k < len(taken) and taken[k][0] < end) or (
                        k > 0 and taken[k - 1][1] > start
                    ):
                        continue
                    clause = clause_before(a, start)
                    if opts.get("unless-negated") and _negated(clause):
                        continue
                    sent = a.sentence_at(start) or (start, end)
                    checks = sent_checks.get(sent)
                    if checks is None:  # once per sentence, not once per match in it
                        sent_text = text[sent[0] : sent[1]]
                        checks = sent_checks[sent] = (
                            "unless-sentence" in opts
                            and bool(opts["unless-sentence"].search(sent_text)),
                            "hedged-severity" in opts and bool(_PRESSURE.search(sent_text)),
                        )
                    if checks[0]:
                        continue
                    severity = rule.severity
                    # a hedged, calm statement ("we may ask the court to decide") is softer;
                    # the hedge may sit before the match or inside it (a conditional)
                    if (
                        "hedged-severity" in opts
                        and _HEDGE.search(clause + text[start:end])
                        and not checks[1]
                    ):
                        severity = opts["hedged-severity"]
                    taken.insert(k, (start, end))
                    pat = rule.patterns[i]
                    original = a.original[start:end]
                    sugg = (
                        match_case(original, pat.suggestion) if pat.suggestion is not None else None
                    )
                    yield Hit(
                        rule,
                        start,
                        end,
                        severity,
                        rule.format_message(original, sugg),
                        sugg,
                        rule.fix if sugg is not None else None,
                        sugg,
                    )

    # ------------------------------------------------------------------ presence
    def presence(self, a: Analysis, body: tuple[int, int]) -> Iterator[Hit]:
        text = a.text
        words = a.word_count()
        occ = self.gate_words(a)
        exact = lower_is_exact(text, a.lowered)
        for rule, plan in self._presence:
            opts = rule.compiled
            if words < opts.get("min-words", 0):
                continue
            if "only-if" in opts and not opts["only-if"].search(text):
                continue
            if plan.present(a, occ, exact):
                continue
            start, end = body
            yield Hit(
                rule, start, end, rule.severity, rule.format_message(a.original[start:end], None)
            )


WINDOW = 300
"""How far from a required word a match may reach (see `_scan`)."""


def _starts(
    regex: re.Pattern[str], haystack: str, occ: dict[str, list[int]], lead: frozenset[str]
) -> Iterator[re.Match[str]]:
    """The matches ``regex.finditer(haystack)`` finds, when every match starts with a ``lead`` word.

    A match can only start where a lead word occurs (``occ``, from `LiteralIndex`), so
    the pattern is tried there alone, left to right, skipping offsets inside the last
    match: what a scan finds, without walking the regex engine over every character.
    """
    cands = _candidates(occ, lead)
    match = regex.match
    last_end = 0
    for i in cands:
        if i < last_end:
            continue
        m = match(haystack, i)
        if m is not None:
            last_end = m.end()
            yield m


def _scan(
    regex: re.Pattern[str], haystack: str, occ: dict[str, list[int]], gate: frozenset[str] | None
) -> Iterator[re.Match[str]]:
    """Matches of ``regex``, searched only near the words it requires.

    Every match contains one of the gate's words, so only windows of ``WINDOW``
    characters around their occurrences (``occ``, from `LiteralIndex`) are searched
    (``pos``/``endpos`` keep ``\\b`` and look-arounds seeing the real neighbours). A
    pattern without a gate, or a short letter, is scanned whole.
    """
    if gate is None or len(haystack) <= 4 * WINDOW:
        yield from regex.finditer(haystack)
        return
    spans: list[tuple[int, int]] = []
    size = len(haystack)
    for g in gate:
        n = len(g) + WINDOW
        spans.extend((max(0, i - WINDOW), min(size, i + n)) for i in occ.get(g, ()))
    spans.sort()
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    last_end = 0
    for s, e in merged:
        for m in regex.finditer(haystack, max(s, last_end), e):
            if m.end() > last_end or m.start() >= last_end:
                last_end = m.end()
                yield m


class _PresencePlan:
    """A presence rule's patterns, ready to run on the letter or its lower-cased copy.

    Same answers as searching each pattern on the letter as written (the reference in
    tests/test_presence_plan.py); faster because every case-insensitive pattern without
    upper-case literals also runs without the flag on the lower-cased letter when that
    is exact (`lower_is_exact`): Python's regex engine cannot skip ahead to a literal
    prefix under IGNORECASE. A pattern whose matches all start with a few words
    (`leading_literals`) is then tried only where those words occur.
    """

    def __init__(self, opts: dict[str, Any]) -> None:
        # gates are worked out here, not when the rules are read: a run answered from the
        # result cache never needs them
        self.text_patterns = [
            (required_literals(pat.pattern, pat.flags), pat, *_twin_and_lead(pat, own=True))
            for pat in opts.get("text-patterns", ())
        ]
        # finer gates for the lower-cased letter: one character such as "@" is worth testing here
        self.fine_gates = [
            required_literals(pat.pattern, pat.flags, min_len=1)
            for _, pat, _, _ in self.text_patterns
        ]
        self.placeholder_names: tuple[re.Pattern[str], ...] = tuple(
            opts.get("placeholder-names", ())
        )
        anchored, floating = opts.get("sentence-anchored"), opts.get("sentence-floating")
        self.anchored = (anchored, case_sensitive_twin(anchored)) if anchored is not None else None
        self.floating = (floating, *_twin_and_lead(floating)) if floating is not None else None

    def words(self) -> set[str]:
        """The gate and lead words this plan looks up in `CompiledRules.gate_words`."""
        out: set[str] = set()
        for gate, _, _, lead in self.text_patterns:
            out.update(gate or ())
            out.update(lead or ())
        if self.floating is not None:
            out.update(self.floating[2] or ())
        return out

    def present(self, a: Analysis, occ: dict[str, list[int]], exact: bool) -> bool:
        text, lowered = a.text, a.lowered
        found = occ.keys()
        for (gate, pat, twin, lead), fine in zip(self.text_patterns, self.fine_gates):
            if gate is not None and found.isdisjoint(gate):
                continue  # cannot match: none of the words it needs is in the letter
            if exact and fine is not None and not any(g in lowered for g in fine):
                continue
            if not exact or twin is None:
                if exact and lead is not None:  # the pattern's own lead words, on the letter
                    if any(pat.match(text, i) for i in _candidates(occ, lead)):
                        return True
                elif pat.search(text):
                    return True
            elif lead is not None:
                if any(twin.match(lowered, i) for i in _candidates(occ, lead)):
                    return True
            elif twin.search(lowered):
                return True
        for pat in self.placeholder_names:
            if any(p.output and pat.search(p.name) for p in a.placeholders):
                return True
        return self._in_a_sentence(a, occ, exact)

    def _in_a_sentence(self, a: Analysis, occ: dict[str, list[int]], exact: bool) -> bool:
        text, lowered = a.text, a.lowered
        anchored = None
        if self.anchored is not None:
            anchored, hay_a = (
                (self.anchored[1], lowered)
                if exact and self.anchored[1] is not None
                else (self.anchored[0], text)
            )
        floating, starts = None, None
        if self.floating is not None:
            pat, twin, lead = self.floating
            floating, hay_f = (twin, lowered) if exact and twin is not None else (pat, text)
            if floating is twin and lead is not None:
                # tried only where a lead word occurs; no match in the letter: in no sentence
                starts = _candidates(occ, lead)
                if not any(floating.match(hay_f, i) for i in starts):
                    floating = None
            elif floating.search(hay_f) is None:
                # not anywhere in the letter, so in no sentence: skip the per-sentence search
                floating = None
        if anchored is None and floating is None:
            return False
        for s, e in a.sentences:
            if anchored is not None and anchored.match(hay_a, s, e):
                return True
            if floating is not None:
                if starts is None:
                    if floating.search(hay_f, s, e):
                        return True
                elif any(floating.match(hay_f, i, e) for i in starts if s <= i < e):
                    return True
        return False


def _twin_and_lead(
    pat: re.Pattern[str], own: bool = False
) -> tuple[re.Pattern[str] | None, frozenset[str] | None]:
    """The pattern's twin for lower-cased text and, if it has one, the words its matches
    start with; ``own``: without a twin, the words the pattern's own matches start with
    (tried on the letter as written where the lower-cased letter has them, as the regex
    kind does, when `lower_is_exact`)."""
    twin = case_sensitive_twin(pat)
    if twin is None:
        return None, (leading_literals(pat.pattern, pat.flags) if own else None)
    return twin, leading_literals(twin.pattern, twin.flags)


def _candidates(occ: dict[str, list[int]], lead: frozenset[str]) -> list[int]:
    """Offsets where one of the ``lead`` words occurs, ascending, each once."""
    cands = [i for w in lead for i in occ.get(w, ())]
    return sorted(set(cands)) if len(cands) > 1 else cands


def _phrase_variants(phrase: str, limit: int = 64) -> list[str]:
    """Every surface form of a phrase whose words have the same lemmas (capped)."""
    return phrase_forms(phrase, limit)
