"""Concept lexicons and frames: rules that say what they mean instead of listing strings.

A **lexicon** names one concept ("a hand-over to a collector", "a word that puts a step
in the future") as a list of phrases a credit controller can read and extend. Every word
of a phrase matches each of its inflections (the lemma forms of `analysis.lemma_forms`),
unless the lexicon is ``exact``; ``#`` stands for a number and ``*`` for any one word. A
lexicon may also be built from other lexicons by *sequences*: ``[suspend, 4, service]``
means a `suspend` phrase, then at most four words, then a `service` phrase, in one
sentence.

A **frame** rule composes lexicons inside a sentence: report each match of ``find``
when a ``with`` cue (a condition, a future, a no-choice phrase ...) stands within
``within`` words of it, unless an ``unless`` phrase (a negation, an offer of relief)
stands between the cue and the match or just before the match. A hedge ("may",
"could") with no pressure in the sentence lowers the severity (contract 3: a calm
statement of a genuine next step is at most advice).

Lexicons are tagged once per letter, by looking up each token's ``LOWER`` hash in a table
of every surface form (`ConceptTagger`; the few phrases with ``#`` or ``*`` are tried
where their first word is), over the same lower-cased surface forms as the ``terms``
kind; frames then look only at the spans found.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from letterlint.kinds.hits import Hit, match_case
from letterlint.language.analysis import Analysis, get_nlp, lemma_forms, phrase_forms

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from letterlint.rulebook.loader import Rule

Span = tuple[int, int]  # token indices [start, end)
# a node of the steps of the phrases with "#" or "*": the lexicons whose phrase ends
# there, and each next step (a set of token hashes, "#" or "*") with its node
_StepNode = tuple[list[str], list[tuple["frozenset[int] | str", "_StepNode"]]]
_WILD = "\x00start of a phrase with # or *"
_Node = list  # [lexicon names ending here or None, {next token hash: _Node}]
_SPLITS = re.compile(r"[^\w]")  # a form with punctuation may be more than one token


@dataclass(frozen=True)
class Lexicon:
    """One concept: its phrases, and sequences of other concepts that also express it."""

    name: str
    means: str
    phrases: tuple[str, ...] = ()
    sequences: tuple[tuple[str | int, ...], ...] = ()
    exact: bool = False
    file: str = ""
    line: int = 0
    #: a merge field named with one of the phrases stands for the concept: "{{ late_fee }} will
    #: be added" adds a cost, "your {{ plan_name }} will be suspended" stops a service
    fields: bool = False

    def references(self) -> set[str]:
        return {x for seq in self.sequences for x in seq if isinstance(x, str)}


@dataclass(frozen=True)
class Frame:
    """What a frame rule looks for; every name is a lexicon (see the module docstring)."""

    find: tuple[str, ...]
    with_: tuple[str, ...] = ()
    within: int = 20
    unless: tuple[str, ...] = ()
    unless_within: int = 4
    unless_next: tuple[str, ...] = ()
    unless_inside: tuple[
        str, ...
    ] = ()  # cancel when one of these is inside the match ("will not be")
    except_in: tuple[
        str, ...
    ] = ()  # a blocker inside one of these (or inside a cue) does not count
    hedge: tuple[str, ...] = ()
    pressure: tuple[str, ...] = ()
    hedged_severity: str | None = None
    pressed_severity: str | None = None  # when the sentence also presses the reader
    suggest: tuple[tuple[str, str], ...] = ()  # matched text (lower case) → replacement
    alone: int = (
        0  # a match that is (nearly) its whole sentence, a heading or a list item, needs no cue
    )
    lexicons: tuple[Lexicon, ...] = ()  # every lexicon the frame needs, resolved at load time


def closure(names: set[str], lexicons: dict[str, Lexicon]) -> tuple[Lexicon, ...]:
    """The named lexicons and every lexicon their sequences use, dependencies first."""
    order: list[Lexicon] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        lex = lexicons[name]
        for dep in sorted(lex.references()):
            visit(dep)
        order.append(lex)

    for n in sorted(names):
        visit(n)
    return tuple(order)


def _word_variants(word: str, exact: bool) -> tuple[str, ...]:
    """A phrase word's forms: every inflection of a content word and of "be", "have", "do"
    and "go"; other function words ("the", "of", "our") as written."""
    if (
        exact
        or not word.isalpha()
        or (word.lower() in _function_words() and word.lower() not in _INFLECTED)
    ):
        return (word.lower(),)
    return lemma_forms(word)


_INFLECTED = frozenset(
    {"be", "have", "do", "go", "make", "put", "get", "take", "give", "call", "keep"}
)


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _phrase_variants(phrase: str, exact: bool, limit: int = 96) -> list[str]:
    """Every surface form of a phrase; a straight apostrophe also matches a curly one."""
    return phrase_forms(phrase, limit, lambda w: _word_variants(w, exact), curly=True)


class ConceptTagger:
    """Finds every lexicon's spans in a letter (token indices), base phrases and sequences.

    Every surface form of a phrase is stored in a trie keyed by the ``LOWER`` hashes of
    its tokens: tagging a letter is one dictionary lookup per token, followed further only
    where a form starts. That finds what spaCy's ``PhraseMatcher`` on ``LOWER`` finds
    (every match, overlapping ones too), without a ``Doc`` per form to build at start-up
    (4,000 of them took a sixth of a cold run).
    """

    def __init__(self, lexicons: tuple[Lexicon, ...]) -> None:
        nlp = get_nlp()
        self.lexicons = lexicons
        tokens = _FormTokens()
        # token hash → the node of the forms continuing with that token: the names of
        # the lexicons whose forms end there (or None), and the next tokens' nodes
        self._trie: dict[int, _Node] = {}
        # phrases with "#" or "*": few, each starting with a word, tried where that word is
        self._wild: list[tuple[str, list[frozenset[int] | str]]] = []
        for lex in lexicons:
            plain = [p for p in lex.phrases if not ({"#", "*"} & set(p.split()))]
            variants = {v for p in plain for v in _phrase_variants(p, lex.exact)}
            for v in sorted(variants):
                # a form of word characters alone is one token as written ("cannot" too,
                # which the tokenizer would split: such a form never matched a letter)
                hashes = (
                    (nlp.vocab.strings.add(v),)
                    if " " not in v and not _SPLITS.search(v)
                    else tokens.hashes(v)
                )
                if hashes:
                    self._insert(hashes, lex.name)
            for p in lex.phrases:
                if p not in plain:
                    self._wild.append((lex.name, self._steps(p, lex.exact, tokens)))
        # the first words of those phrases are found like one-token forms, under one name;
        # from each, the phrases starting with it are tried as a tree of their next steps
        # (twenty "if ..." phrases test "if *" once)
        self._wild_at: dict[int, list[_StepNode]] = {}
        roots: dict[frozenset[int], _StepNode] = {}
        for name, steps in self._wild:
            first: frozenset[int] = steps[0]  # type: ignore[assignment]
            node = roots.get(first)
            if node is None:
                node = roots[first] = ([], [])
                for h in sorted(first):
                    self._insert((h,), _WILD)
                    self._wild_at.setdefault(h, []).append(node)
            for step in steps[1:]:
                node = next((c for st, c in node[1] if st == step), None) or _add_step(node, step)
            if name not in node[0]:
                node[0].append(name)
        # merge-field names that stand for a concept: each form's words -> the lexicons
        self._fields: dict[tuple[str, ...], list[str]] = {}
        for lex in lexicons:
            if lex.fields:
                for p in lex.phrases:
                    for v in _phrase_variants(p, lex.exact):
                        self._fields.setdefault(tuple(v.lower().split()), []).append(lex.name)
        self._field_len = max((len(k) for k in self._fields), default=0)
        # each sequence's steps, with the set of the concepts it needs (all must be found)
        self.sequenced: list[tuple[str, tuple[tuple[_Steps, frozenset[str]], ...]]] = []
        for lex in lexicons:
            if lex.sequences:
                steps = [_steps_of(seq) for seq in lex.sequences]
                self.sequenced.append(
                    (lex.name, tuple((st, frozenset(name for name, _ in st)) for st in steps))
                )

    def _insert(self, hashes: tuple[int, ...], name: str) -> None:
        level = self._trie
        node: _Node = [None, {}]
        for h in hashes:
            node = level.setdefault(h, [None, {}])
            level = node[1]
        if node[0] is None:
            node[0] = [name]
        elif name not in node[0]:
            node[0].append(name)

    @staticmethod
    def _steps(phrase: str, exact: bool, tokens: _FormTokens) -> list[frozenset[int] | str]:
        """One step a token: the hashes of the lower-case forms it may have, or "#" / "*"."""
        nlp = get_nlp()
        steps: list[frozenset[int] | str] = []
        for word in phrase.split():
            if word in ("#", "*"):
                steps.append(word)
                continue
            forms = {f for v in _word_variants(word, exact) for f in tokens.lowers(v)}
            forms |= {f.replace("'", "\u2019") for f in forms}
            steps.append(frozenset(nlp.vocab.strings.add(f) for f in forms))
        return steps

    def _wild_matches(self, doc: Doc, at: list[int], a: Analysis) -> list[tuple[str, int, int]]:
        """Matches of the phrases with "#" or "*", tried only where their first word is."""
        toks = a.toks
        lowers = a.lower_ids()
        n = len(toks)
        out: list[tuple[str, int, int]] = []

        # a stack, not a recursive closure: a nested function that calls itself is a
        # reference cycle, and it held the letter's Doc and tokens until the garbage
        # collector's next pass (measured: 250 objects a letter left for the collector)
        stack: list[tuple[_StepNode, int, int]] = []
        wild_at = self._wild_at
        for i in at:
            # children are pushed last first, so they are walked in the tree's order
            stack.extend((root, i, i + 1) for root in reversed(wild_at.get(lowers[i], ())))
            while stack:
                node, s, j = stack.pop()  # ``j``: the token after the steps matched so far
                for name in node[0]:
                    out.append((name, s, j))
                if not node[1]:
                    continue
                while j < n and toks[j].space:
                    j += 1  # white space between words
                if j >= n:
                    continue
                for step, child in reversed(node[1]):
                    if step == "#":
                        ok = doc[j].like_num
                    elif step == "*":
                        ok = not toks[j].punct
                    else:
                        ok = lowers[j] in step  # type: ignore[operator]
                    if ok:
                        stack.append((child, s, j + 1))
        return out

    def tag(self, a: Analysis, words: list[int], sent_of: list[int]) -> dict[str, list[Span]]:
        """Spans per lexicon name, sorted; spans touching a placeholder are left out."""
        doc = a.doc
        toks = a.toks
        found: dict[str, list[Span]] = {}
        anchors = []
        guarded = a.has_protected_spans()
        trie = self._trie
        lowers = a.lower_ids()
        n = len(lowers)
        # the tokens a form starts with and their nodes (looked up in C, by ``map``), then
        # the trie from each
        get = found.get
        in_placeholder = a.in_placeholder
        for i, node in [(i, nd) for i, nd in enumerate(map(trie.get, lowers)) if nd is not None]:
            e = i + 1
            while node is not None:
                names, nxt = node
                if names is not None:
                    # one placeholder test for every name the form ends here
                    hidden = guarded and in_placeholder(toks[i].start, toks[e - 1].end)
                    for name in names:
                        if name is _WILD:
                            anchors.append(i)
                        elif not hidden:
                            spans_here = get(name)
                            if spans_here is None:
                                found[name] = [(i, e)]
                            else:
                                spans_here.append((i, e))
                if e >= n or not nxt:
                    break
                node = nxt.get(lowers[e])
                e += 1
        # each name's spans are already sorted and distinct: starts are walked in order, the
        # ends from each start grow, and a node lists a name once
        spans = found
        # the spans of the phrases with "#" or "*" and of the merge fields, gathered per
        # name and merged into the sorted lists once (not a sort for every match)
        more: dict[str, list[Span]] = {}
        if anchors:
            for name, s, e in self._wild_matches(doc, anchors, a):
                if not (guarded and in_placeholder(toks[s].start, toks[e - 1].end)):
                    more.setdefault(name, []).append((s, e))
        if self._fields and a.placeholders:
            for name, span in self._field_spans(a):
                more.setdefault(name, []).append(span)
        for name, extra_spans in more.items():
            spans[name] = sorted({*spans.get(name, ()), *extra_spans})
        found_names = spans.keys()
        for name, sequences in self.sequenced:
            extra = set(spans.get(name, ()))
            for steps, needs in sequences:
                # a sequence matches only where every one of its concepts was found
                if found_names >= needs:
                    if len(steps) == 1:  # one concept: its spans (a union of lexicons)
                        extra.update(spans[steps[0][0]])
                    else:
                        extra.update(_sequence_spans(steps, spans, words, sent_of))
            if extra:
                spans[name] = sorted(extra)
        return spans

    def _field_spans(self, a: Analysis) -> Iterator[tuple[str, Span]]:
        """Output placeholders whose name has a phrase of a ``fields`` lexicon ("late_fee",
        "(interest or penalty)", "subscriptionName"): the placeholder's tokens, per lexicon.
        A field that names an identifier of the thing ("account_number", "plan_name") is
        not the thing."""
        starts: list[int] | None = None  # the tokens' offsets, once a field names a concept
        for p in a.placeholders:
            if not p.output or not p.name:
                continue
            words = _FIELD_WORD.findall(_CAMEL.sub(" ", p.name).lower())
            if not words or words[-1] in _ID_WORDS:
                continue
            names = {
                name
                for k in range(len(words))
                for n in range(1, self._field_len + 1)
                for name in self._fields.get(tuple(words[k : k + n]), ())
            }
            if not names:
                continue
            if starts is None:
                starts = [t.start for t in a.toks]
            i = bisect_left(starts, p.start)
            j = bisect_left(starts, p.end)
            if i < j:
                for name in sorted(names):
                    yield name, (i, j)


#: Splits "subscriptionName" into words; the words of a merge field's name.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_FIELD_WORD = re.compile(r"[a-z]+")
#: The last word of a field that identifies or describes a thing rather than being it.
_ID_WORDS = frozenset(
    "number no num nr id ref reference name title date day days code url link email phone "
    "address type label".split()
)


def _add_step(node: _StepNode, step: frozenset[int] | str) -> _StepNode:
    child: _StepNode = ([], [])
    node[1].append((step, child))
    return child


class _FormTokens:
    """spaCy's tokens of a phrase form, one space-separated word at a time (memoised).

    The tokenizer splits on spaces first and tokenises each piece on its own, so a
    form's tokens are its words' tokens in order; a lexicon's thousands of forms share a
    few hundred words.
    """

    def __init__(self) -> None:
        self._nlp = get_nlp()
        self._memo: dict[str, tuple[tuple[int, str], ...]] = {}
        self._special = self._nlp.tokenizer.rules  # "cannot", "gonna", "Dont": split

    def _word(self, word: str) -> tuple[tuple[int, str], ...]:
        got = self._memo.get(word)
        if got is None:
            if word.isascii() and word.isalpha() and word not in self._special:
                # ASCII letters alone are one token (no prefix, suffix or infix of the
                # tokenizer has no punctuation): no Doc, and no lexeme made for a form that
                # no letter may ever hold (tokenising the lexicons' 900 words was half
                # the tagger's start-up)
                low = word.lower()
                got = ((self._nlp.vocab.strings.add(low), low),)
            else:
                got = self._tokenized(word)
            self._memo[word] = got
        return got

    def _tokenized(self, word: str) -> tuple[tuple[int, str], ...]:
        """The word's tokens as the tokenizer has them (what `_word` must agree with)."""
        return tuple((t.lower, t.lower_) for t in self._nlp.make_doc(word))

    def hashes(self, form: str) -> tuple[int, ...]:
        """The ``LOWER`` hashes of the form's tokens."""
        return tuple(h for w in form.split(" ") if w for h, _ in self._word(w))

    def lowers(self, form: str) -> list[str]:
        """The lower-case texts of the form's tokens."""
        return [t for w in form.split(" ") if w for _, t in self._word(w)]


_Steps = tuple[tuple[str, int], ...]  # a sequence's concepts, each with the most words before it


def _steps_of(seq: tuple[str | int, ...]) -> _Steps:
    """``seq`` alternates lexicon names and, optionally, the most words allowed between two
    of them (0 when no number is given: the next phrase starts right after)."""
    steps: list[tuple[str, int]] = []
    gap = 0
    for item in seq:
        if isinstance(item, int):
            gap = item
        else:
            steps.append((item, gap))
            gap = 0
    return tuple(steps)


def _sequence_spans(
    steps: tuple[tuple[str, int], ...],
    spans: dict[str, list[Span]],
    words: list[int],
    sent_of: list[int],
) -> Iterator[Span]:
    """Spans where the sequence's concepts follow one another in one sentence."""
    first, _ = steps[0]
    if len(steps) == 1:
        yield from spans.get(first, ())
        return
    starts = {name: [sp[0] for sp in spans.get(name, ())] for name, _ in steps[1:]}
    for s, e in spans.get(first, ()):
        ends = [e]
        for name, max_gap in steps[1:]:
            cands, cand_starts = spans.get(name, ()), starts[name]
            nxt = []
            for end in ends:
                # the nearest next phrase, and the longest one starting there
                at, best = -1, -1
                for s2, e2 in itertools.islice(cands, bisect_left(cand_starts, end), None):
                    if (
                        sent_of[s2] != sent_of[s]
                        or words[s2] - words[end] > max_gap
                        or (at >= 0 and s2 != at)
                    ):
                        break
                    at, best = s2, max(best, e2)
                if best >= 0:
                    nxt.append(best)
            ends = nxt
            if not ends:
                break
        if ends:
            yield (s, min(ends))


class FrameRunner:
    """Every frame rule of a configuration, compiled once: one tagger for their lexicons."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = [r for r in rules if r.frame is not None]
        lexicons: dict[str, Lexicon] = {}
        for r in self.rules:
            for lex in r.frame.lexicons:  # type: ignore[union-attr]
                lexicons.setdefault(lex.name, lex)
        ordered = closure(set(lexicons), lexicons) if lexicons else ()
        self.tagger = ConceptTagger(ordered) if ordered else None

    def hits(self, a: Analysis) -> Iterator[Hit]:
        if self.tagger is None or not a.toks:
            return
        words, sent_of = _token_maps(a)
        spans = self.tagger.tag(a, words, sent_of)
        if not spans:
            return
        near: dict[tuple[str, ...], _Near] = {}  # the same cue lists serve many rules

        def near_of(names: tuple[str, ...]) -> _Near:
            if names not in near:
                near[names] = _Near(names, spans, words, sent_of)
            return near[names]

        for rule in self.rules:
            yield from _frame_hits(rule, a, spans, words, sent_of, near_of)


def _token_maps(a: Analysis) -> tuple[list[int], list[int]]:
    """Words before each token (a prefix count, one past the end too) and each token's sentence."""
    words = a.word_prefix()
    sent_of = [0] * (len(a.toks) + 1)
    firsts = [s for s, _ in a.sentence_toks] + [len(sent_of)]
    for k in range(len(firsts) - 1):  # a token belongs to the last sentence started before it
        sent_of[firsts[k] : firsts[k + 1]] = [k] * (firsts[k + 1] - firsts[k])
    return words, sent_of


def _merge(spans: list[Span], sent_of: list[int]) -> list[Span]:
    """Overlapping matches in one sentence become one: "your name will be recorded" and
    "recorded by the credit reference agencies" are one threat."""
    out: list[Span] = []
    for s, e in spans:
        if out and s < out[-1][1] and sent_of[s] == sent_of[out[-1][0]]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class _Near:
    """Spans of some lexicons, grouped by sentence and sorted, to look up those near a match."""

    LONGEST = 30  # words in the longest span a lexicon or sequence can match

    def __init__(
        self,
        names: tuple[str, ...],
        spans: dict[str, list[Span]],
        words: list[int],
        sent_of: list[int],
    ) -> None:
        self.words = words
        self.by_sent: dict[int, tuple[list[Span], list[int]]] = {}
        merged: dict[int, list[Span]] = {}
        for n in names:
            for sp in spans.get(n, ()):
                merged.setdefault(sent_of[sp[0]], []).append(sp)
        for sent, group in merged.items():
            group.sort()
            self.by_sent[sent] = (group, [words[g[0]] for g in group])

    def __bool__(self) -> bool:
        return bool(self.by_sent)

    def around(self, sent: int, lo_word: int, hi_word: int) -> list[Span]:
        """Spans of the sentence that start between two word positions (inclusive)."""
        group = self.by_sent.get(sent)
        if group is None:
            return []
        spans, starts = group
        return spans[bisect_left(starts, lo_word - self.LONGEST) : bisect_right(starts, hi_word)]


def _frame_hits(
    rule: Rule,
    a: Analysis,
    spans: dict[str, list[Span]],
    words: list[int],
    sent_of: list[int],
    near_of: Callable[[tuple[str, ...]], _Near],
) -> Iterator[Hit]:
    fr: Frame = rule.frame  # type: ignore[assignment]
    finds = _merge(sorted({sp for n in fr.find for sp in spans.get(n, ())}), sent_of)
    if not finds:
        return
    cues = near_of(fr.with_)
    if fr.with_ and not cues and not fr.alone:
        return
    blockers = near_of(fr.unless)
    shelters = near_of((*fr.with_, *fr.except_in))
    nexts = {sp[0] for n in fr.unless_next for sp in spans.get(n, ())}
    inside = sorted({sp[0] for n in fr.unless_inside for sp in spans.get(n, ())})
    hedges = near_of(fr.hedge)
    pressure = {sent_of[sp[0]] for n in fr.pressure for sp in spans.get(n, ())}
    toks = a.toks
    suggestions = dict(fr.suggest)
    last_end = -1
    for span in finds:
        s, e = span
        if s < last_end:
            continue  # inside a match already reported
        sent = sent_of[s]
        ws, we = words[s], words[e]
        near_cues = cues.around(sent, ws - fr.within, we + fr.within) if fr.with_ else []
        cue = None
        if fr.with_:
            cue = _nearest_cue(span, near_cues, words, fr.within)
            if cue is None and not (
                fr.alone and _sentence_words(a, sent, words) - (we - ws) <= fr.alone
            ):
                continue
        lo = min(s, cue[0]) if cue else s
        hi_word = max(ws, words[cue[1]] + 1) if cue else ws
        if blockers and _blocked(
            span,
            cue,
            blockers.around(sent, words[lo] - fr.unless_within, hi_word),
            shelters.around(sent, words[lo] - fr.unless_within, hi_word),
            words,
            fr.unless_within,
        ):
            continue
        if inside and any(s < i < e for i in inside):
            # "your service will not be cut off" (a match may start with one: "no longer supply")
            continue
        nxt = e
        while nxt < len(toks) and toks[nxt].space:
            nxt += 1
        if nxt in nexts:
            continue
        severity = rule.severity
        if fr.pressed_severity and sent in pressure:
            severity = fr.pressed_severity
        elif fr.hedged_severity and sent not in pressure:
            hi = max(e, cue[1]) if cue else e
            if any(
                words[lo] - 3 <= words[h[0]] and h[1] <= hi
                for h in hedges.around(sent, words[lo] - 3, words[hi])
            ):
                severity = fr.hedged_severity
        last_end = e
        start, end = toks[s].start, toks[e - 1].end
        text = a.original[start:end]
        sugg = suggestions.get(" ".join(text.lower().split()))
        if sugg is not None:
            sugg = match_case(text, sugg)
        yield Hit(
            rule,
            start,
            end,
            severity,
            rule.format_message(text, sugg),
            sugg,
            rule.fix if sugg is not None else None,
            sugg,
        )


def _sentence_words(a: Analysis, sent: int, words: list[int]) -> int:
    first, last = a.sentence_toks[sent]
    return words[last] - words[first]


def _nearest_cue(span: Span, cues: list[Span], words: list[int], within: int) -> Span | None:
    best, best_d = None, within + 1
    s, e = span
    for c in cues:
        if c[1] <= s:
            d = words[s] - words[c[1]]
        elif c[0] >= e:
            d = words[c[0]] - words[e]
        else:
            d = 0  # the cue overlaps the match ("failure to pay will result in ...")
        if d < best_d:
            best, best_d = c, d
    return best


def _blocked(
    span: Span,
    cue: Span | None,
    blockers: list[Span],
    shelters: list[Span],
    words: list[int],
    near: int,
) -> bool:
    """A negation or relief phrase that scopes over the match.

    It stands between the cue and the match, up to ``near`` words before the match, or
    right after the cue ("interest will not be added", "charges will be frozen"). A
    blocker inside a cue or an ``except-in`` phrase does not count: "if you do not pay"
    is a condition, not a negation of what follows it.
    """
    s, e = span
    for b in blockers:
        if s <= b[0] < e:
            continue  # inside the match: see `_negated_inside`
        if any(c[0] <= b[0] and b[1] <= c[1] for c in shelters):
            continue
        if cue is not None and cue[1] <= b[0] and words[b[0]] - words[cue[1]] <= 1:
            return True  # negates the cue itself: "will not", "may never"
        if b[1] > s:
            continue
        if cue is not None and cue[1] <= b[0]:
            return True
        if words[s] - words[b[1]] <= near:
            return True
    return False


def describe(frame: Frame) -> list[str]:
    """The frame and its lexicons in words, for `letterlint rule CODE`."""
    out = [f"Reports: {' or '.join(frame.find)}"]
    if frame.with_:
        out.append(
            f"only when the same sentence has, within {frame.within} words: "
            f"{' or '.join(frame.with_)}"
        )
    if frame.alone:
        out.append(
            f"or with no cue when the rest of its sentence (a heading, a list item) has at most "
            f"{frame.alone} words"
        )
    if frame.unless:
        out.append(
            f"not when {' or '.join(frame.unless)} comes between them, or up to "
            f"{frame.unless_within} words before it"
        )
    if frame.unless_inside:
        out.append(f"not when {' or '.join(frame.unless_inside)} is inside it")
    if frame.unless_next:
        out.append(f"not when it is followed by {' or '.join(frame.unless_next)}")
    if frame.pressed_severity:
        out.append(
            f"at {frame.pressed_severity} when the sentence also has {' or '.join(frame.pressure)}"
        )
    if frame.hedged_severity:
        out.append(
            f"at {frame.hedged_severity} when hedged ({' or '.join(frame.hedge)}) "
            f"and the sentence has no {' or '.join(frame.pressure) or 'pressure'}"
        )
    if frame.suggest:
        out.append("suggests: " + "; ".join(f'"{k}" → "{v}"' for k, v in frame.suggest))
    out.append("")
    out.append("Word lists (every inflection of each word matches; # is a number, * any word):")
    by_name = {lex.name: lex for lex in frame.lexicons}
    order: list[Lexicon] = []
    for group in (
        frame.find,
        frame.with_,
        frame.unless,
        frame.unless_inside,
        frame.unless_next,
        frame.except_in,
        frame.hedge,
        frame.pressure,
    ):
        for lex in closure(set(group), by_name):
            if lex not in order:
                order.append(lex)
    for lex in order:
        out.append(f"  {lex.name}: {lex.means}")
        if lex.phrases:
            out.extend(
                textwrap.wrap(
                    "; ".join(lex.phrases), 84, initial_indent="    ", subsequent_indent="    "
                )
            )
        for i, seq in enumerate(lex.sequences):
            parts = [f"(up to {x} words)" if isinstance(x, int) else f"[{x}]" for x in seq]
            lead = "or " if lex.phrases or i else ""
            out.append("    " + lead + " ".join(parts))
    return out
