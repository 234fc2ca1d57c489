"""The language analysis: one spaCy pipeline per process, nothing downloaded.

The pipeline is spaCy's blank English tokenizer plus one component,
``letterlint_sentences``, that marks sentence starts: after ``.``, ``!`` or ``?`` (as
spaCy's sentencizer does) and at the line breaks a letter uses as boundaries (blank
lines, greetings, headings, sign-offs; a line that continues in lower case is wrapped
prose and does not end a sentence). POS tags and parses are not available offline, and
no rule needs them.

Words are matched on lower-cased lookup lemmas from the ``spacy-lookups-data`` English
table. Instead of writing a lemma onto every token (a Python loop per token, the
slowest step when this was measured), each rule phrase is expanded once into every
surface form whose lemma matches (`lemma_forms`), and spaCy's C ``PhraseMatcher`` finds
them on the ``LOWER`` attribute. The result is the same as comparing lemmas.

For speed the token facts the checks need are read once, as plain tuples (`Analysis.toks`),
instead of creating a spaCy ``Token`` object per use.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from letterlint.templating.placeholders import Placeholder

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_ENDERS = frozenset(".!?")
_PROTECTED = re.compile(r"https?://\S+|www\.\S+|\S*[/@\\]\S*|\S*#!\S*|\]\([^)\s]*\)")
_WORDISH = re.compile(r"\w")
# Every `_PROTECTED` match contains one of these and lies inside one run of non-space
# characters (no alternative consumes white space or looks around).
_PROTECTED_TRIGGERS = ("/", "@", "\\", "www.", "#!", "](")


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``_PROTECTED.finditer(text)``, searching only the runs that can hold one.

    Scanning the whole letter costs a backtracking attempt of ``\\S*[/@\\\\]\\S*`` at every
    character (a twentieth of the time per letter, measured); a match lies inside one
    run of non-space characters that holds a trigger, so only those runs are searched.
    """
    hits: list[int] = []
    for t in _PROTECTED_TRIGGERS:
        i = text.find(t)
        while i != -1:
            hits.append(i)
            i = text.find(t, i + 1)
    if not hits:
        return []
    hits.sort()
    spans: list[tuple[int, int]] = []
    n = len(text)
    done = -1
    for i in hits:
        if i < done:
            continue  # inside a run already searched
        s = i
        while s > 0 and not text[s - 1].isspace():
            s -= 1
        e = i
        while e < n and not text[e].isspace():
            e += 1
        spans.extend(_protected_in_run(text, s, e))
        done = e
    return spans


def _protected_in_run(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """``_PROTECTED.finditer(text, s, e)`` for one run of non-space characters, in linear time.

    The regex itself is quadratic here (``\\S*[/@\\\\]\\S*`` is tried from every
    character: 64,000 letters before a ``](`` took a minute). In one run, a ``/``, ``@``,
    ``\\`` or ``#!`` anywhere makes the whole run one match; otherwise the matches are
    ``](…)`` links up to the first ``www.``, which runs to the end.
    """
    run = text[s:e]
    if "/" in run or "@" in run or "\\" in run or "#!" in run:
        return [(s, e)]
    spans: list[tuple[int, int]] = []
    p = s
    w = -2  # the next ``www.`` after ``p`` (-2: not searched yet), found again only once passed
    while p < e:
        if w == -2 or 0 <= w < p:
            w = text.find("www.", p, e)
            if w != -1 and w + 4 >= e:
                w = -1  # ``www\.\S+`` needs a character after the dot
        i = text.find("](", p, w if w != -1 else e)
        j = text.find(")", i + 2, e) if i != -1 else -1
        if j != -1:
            spans.append((i, j + 1))
            p = j + 1
            continue
        if w != -1:
            spans.append((w, e))
        break
    return spans


def _mark_sentences(doc: Doc, text: str | None = None, rows: list[list[int]] | None = None) -> Doc:
    """Set sentence starts from punctuation and letter line breaks, in one pass.

    ``text`` and ``rows`` (IDX, LENGTH, IS_SPACE, IS_PUNCT per token) may be passed in
    when the caller has them: ``Doc.text`` rebuilds the string token by token.
    """
    _mark_sentences_rows(doc, text, rows)
    return doc


def _mark_sentences_rows(
    doc: Doc, text: str | None = None, rows: list[list[int]] | None = None
) -> list[int]:
    """`_mark_sentences`, also returning the SENT_START value of each token (1 or -1)."""
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START

    n = len(doc)
    if n == 0:
        return []
    if text is None:
        text = doc.text
    if rows is None:
        rows = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist()
    starts = _sentence_starts(text, rows)
    arr = np.array(starts, dtype="int64").reshape(-1, 1).astype("uint64")
    doc.from_array([SENT_START], arr)
    return starts


_NEWLINE = re.compile(r"[\r\n]")
_ENDER_CHAR = re.compile(r"[.!?]")


def _sentence_starts(text: str, rows: list[list[int]]) -> list[int]:
    """SENT_START per token (1 or -1) from punctuation and letter line breaks.

    Only two kinds of token can start a sentence after them: a punctuation token ending
    in ``.``, ``!`` or ``?``, and a token whose trailing gap (its own text too, for a
    space token) holds a line break. Both are found directly (the line breaks with one
    regex and a bisect) instead of looking at every token; each only ever sets a start,
    so the order does not matter.
    """
    n = len(rows)
    starts = [-1] * n
    starts[0] = 1
    idxs = [r[0] for r in rows]
    run_end = -1  # the end of the last run of punctuation scanned (each run is scanned once)
    for m in _ENDER_CHAR.finditer(text):
        p = m.start()
        i = bisect_right(idxs, p) - 1
        if i < 0 or i < run_end or not rows[i][3] or rows[i][0] + rows[i][1] - 1 != p:
            continue  # not the last character of a punctuation token, or inside a run done
        # like spaCy's sentencizer: a run of enders (and closing quotes) ends the sentence
        nxt = i + 1
        while nxt < n and rows[nxt][3] and not rows[nxt][2]:
            nxt += 1
        run_end = nxt
        j = nxt
        while j < n and rows[j][2]:
            j += 1
        if j < n:
            starts[j] = 1
    seen = -1
    for m in _NEWLINE.finditer(text):
        p = m.start()
        i = bisect_right(idxs, p) - 1
        if i < 0 or i == seen:
            continue
        idx, length, space = rows[i][0], rows[i][1], rows[i][2]
        if not space and p < idx + length:
            continue  # inside the token itself, not in the gap after it
        seen = i
        _line_break_after(text, rows, i, starts)
    return starts


def _line_break_after(text: str, rows: list[list[int]], i: int, starts: list[int]) -> None:
    """Token ``i``'s gap holds a line break: the next non-space token starts a sentence
    after a blank line, or when it does not continue the line in lower case."""
    n = len(rows)
    idx, length, space = rows[i][0], rows[i][1], rows[i][2]
    gap = text[(idx if space else idx + length) : (rows[i + 1][0] if i + 1 < n else len(text))]
    j = i + 1
    while j < n and rows[j][2]:
        gap += text[rows[j][0] : rows[j][0] + rows[j][1]]
        j += 1
    if j < n:
        first = text[rows[j][0] : rows[j][0] + 1]
        blank = gap.count("\n") >= 2 or gap.count("\r") >= 2
        if blank or not first.islower():
            starts[j] = 1


def _sentences_component(doc: Doc) -> Doc:
    return _mark_sentences(doc)


def _register_components() -> None:
    from spacy.language import Language

    if "letterlint_sentences" not in Language.factories:
        Language.component("letterlint_sentences", func=_sentences_component)


def parse(text: str) -> tuple[Doc, list[list[int]]]:
    """Tokenise and mark sentences; also return the token rows the checks read.

    The same as running the pipeline (`get_nlp`), without rebuilding ``Doc.text``. Each
    row is IDX, LENGTH, IS_SPACE, IS_PUNCT and SENT_START (1 or -1) of a token, so
    `Analysis` need not read the sentence starts back from the ``Doc``.
    """
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

    doc = make_doc(text)
    rows = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist() if len(doc) else []
    starts = _mark_sentences_rows(doc, text, rows)
    for row, start in zip(rows, starts):
        row.append(start)
    return doc, rows


LONG_RUN = 256
"""Runs of non-space characters at least this long are tokenised in pieces of this size."""
_LONG_RUN = re.compile(r"\S{%d,}" % LONG_RUN)


def make_doc(text: str) -> Doc:
    """spaCy's tokenisation of ``text``, in time linear in its length.

    spaCy's tokenizer is quadratic in the length of a run of non-space characters (it
    searches for suffixes from the end again after every one it splits off: 16,000 ``!``
    took a minute). Letters never hold a word that long, so a longer run (a pasted
    hash, a line of ``!``) is tokenised in pieces of `LONG_RUN` characters; the
    ``Doc`` still holds the text exactly.
    """
    nlp = get_nlp()
    if len(text) < LONG_RUN or _LONG_RUN.search(text) is None:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []

    def add(segment: str) -> None:
        if segment:
            for tok in nlp.make_doc(segment):
                words.append(tok.text)
                spaces.append(bool(tok.whitespace_))

    pos = 0
    for m in _LONG_RUN.finditer(text):
        add(text[pos : m.start()])
        for i in range(m.start(), m.end(), LONG_RUN):
            add(text[i : min(i + LONG_RUN, m.end())])
        pos = m.end()
    add(text[pos:])
    return Doc(nlp.vocab, words=words, spaces=spaces)


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Build the pipeline once per process: tokenizer + letter sentence boundaries.

    A new word's lexeme gets only the attributes letterlint reads (``LOWER``, ``IS_SPACE``,
    ``IS_PUNCT``, ``LIKE_NUM``): ``token.is_alpha``, ``shape_``, ``is_stop``, ``norm_``
    and the like are not set on it (see tests/test_analysis_equivalence.py)."""
    import spacy

    _register_components()
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, LOWER

    nlp = spacy.blank("en")
    nlp.add_pipe("letterlint_sentences")
    # a word's lexical attributes are worked out (in Python) when the vocabulary first
    # meets it: twenty-three of them, of which the rules read four; every name, amount
    # and reference number of a letter is a new word (5,000 over 2,000 letters)
    keep = {LOWER, IS_SPACE, IS_PUNCT, LIKE_NUM}
    getters = nlp.vocab.lex_attr_getters
    for attr in [a for a in getters if a not in keep]:
        del getters[attr]
    nlp.vocab.add_flag(_has_word_char, WORD_CHAR_FLAG)
    return nlp


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spacy-lookups-data's English lemma lookup table, the entries for lower-case words.

    Looking up a token's lower-cased text in it is what spaCy's lookup lemmatizer does,
    minus its case sensitivity (``Debtors`` would otherwise stay ``Debtors``).
    """
    import spacy_lookups_data
    from spacy.util import load_language_data  # reads the .json.gz beside the listed path

    data = load_language_data(spacy_lookups_data.en["lemma_lookup"])
    return {k: v.lower() for k, v in data.items() if k == k.lower()}


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Lower-case English words: WordNet's lemmas (spacy-lookups-data's lemma index) and
    every inflected form in the lookup table. Tells a word ("BALANCE") from a code ("RMDEF")."""
    import spacy_lookups_data
    from spacy.util import load_language_data

    index = load_language_data(spacy_lookups_data.en["lemma_index"])
    words = {w for lemmas in index.values() for w in lemmas}
    words.update(lemma_table())
    return frozenset(words)


@lru_cache(maxsize=1)
def _forms_by_lemma() -> dict[str, tuple[str, ...]]:
    inverse: dict[str, list[str]] = defaultdict(list)
    for word, lemma in lemma_table().items():
        inverse[lemma.lower()].append(word.lower())
    return {k: tuple(v) for k, v in inverse.items()}


def lemma(word: str) -> str:
    low = word.lower()
    return lemma_table().get(low, low)


def lemma_forms(word: str) -> tuple[str, ...]:
    """Every lower-case word whose lemma equals the lemma of ``word`` (itself included)."""
    lem = lemma(word)
    forms = set(_forms_by_lemma().get(lem, ()))
    if lemma(lem) == lem:
        forms.add(lem)
    forms.add(word.lower())
    return tuple(sorted(forms))


def phrase_forms(
    phrase: str,
    limit: int,
    word_forms: Callable[[str], tuple[str, ...]] | None = None,
    curly: bool = False,
) -> list[str]:
    """Every surface form of ``phrase`` (capped at ``limit``), itself in lower case included.

    ``word_forms`` gives each word's forms (default: every inflection of an alphabetic word,
    `lemma_forms`); ``curly``: a straight apostrophe also matches a curly one. The term rules
    and the concept lexicons both match phrases this way.
    """
    forms = word_forms or (lambda w: lemma_forms(w) if w.isalpha() else (w.lower(),))
    out = [
        " ".join(c)
        for c in itertools.islice(itertools.product(*(forms(w) for w in phrase.split())), limit)
    ]
    if phrase.lower() not in out:
        out.append(phrase.lower())
    if curly:
        out += [v.replace("'", "\u2019") for v in out if "'" in v]
    return out


def _has_word_char(orth: str) -> bool:
    """A token's text has a letter or digit (``\\w``): a word for counting, unless it is
    space or punctuation. Set on the vocabulary as a lexeme flag (`WORD_CHAR_FLAG`) by
    `get_nlp`, so it is worked out once per distinct word, not once per token."""
    return _WORDISH.search(orth) is not None


WORD_CHAR_FLAG = 19
"""The lexeme flag bit of `_has_word_char`: FLAG19, spaCy's first flag left to users."""


def _sentences(
    toks: list[Tok], firsts: list[int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The sentences' character spans and token ranges: each from the first to the last
    token that is not white space between two sentence starts (``firsts``, the tokens
    marked SENT_START; one of white space alone is no sentence)."""
    n = len(toks)
    if not n:
        return [], []
    if not firsts or firsts[0] != 0:
        firsts = [0, *firsts]
    sentences: list[tuple[int, int]] = []
    sent_toks: list[tuple[int, int]] = []
    ends = firsts[1:] + [n]
    for a, b in zip(firsts, ends):
        while a < b and toks[a][2]:  # `Tok.space`
            a += 1
        if a == b:
            continue
        last = b - 1
        while toks[last][2]:
            last -= 1
        sentences.append((toks[a][0], toks[last][1]))
        sent_toks.append((a, last + 1))
    return sentences, sent_toks


class Tok(NamedTuple):
    start: int
    end: int
    space: bool
    punct: bool
    word: bool  # a word for counting: not space or punctuation, has a letter or digit


_WORD = itemgetter(4)  # `Tok.word`


@dataclass
class Analysis:
    """A masked text and what the pipeline found in it."""

    text: str  # the linted text, placeholders masked (same length as the original)
    original: str  # the linted text as written
    doc: Doc
    placeholders: list[Placeholder]
    formatting: tuple[Any, ...] = ()
    rows: list[list[int]] | None = None  # from `parse`
    toks: list[Tok] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sentence_toks: list[tuple[int, int]] = field(default_factory=list)  # token index ranges
    _sent_starts: list[int] = field(default_factory=list)
    _ph_starts: list[int] = field(default_factory=list)
    _spans: list[tuple[int, int]] = field(default_factory=list)
    _reach: list[int] = field(default_factory=list)
    lowered: str = ""  # text.lower(), shared by the rules that search it
    gate_words: dict[str, list[int]] | None = None  # filled by `CompiledRules.gate_words`
    _lowers: list[int] | None = None  # see `lower_ids`
    _words: list[int] | None = None  # see `word_prefix`

    def __post_init__(self) -> None:
        from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START

        text = self.text
        self.lowered = text.lower()
        if len(self.doc) == 0:
            rows = []
        elif self.rows is not None and len(self.rows[0]) == 5:
            rows = self.rows  # from `parse`, sentence starts included
        else:
            sent_starts = self.doc.to_array(SENT_START).tolist()
            base = (
                self.rows
                if self.rows is not None
                else self.doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist()
            )
            rows = [(*r[:4], ss) for r, ss in zip(base, sent_starts)]
        # a word has a letter or digit (\w): a lexeme flag, read for every token at once
        words = self.doc.to_array(WORD_CHAR_FLAG).tolist() if rows else []
        new = tuple.__new__  # building the named tuples without their __new__ is much faster
        toks: list[Tok] = [
            new(
                Tok, (idx, idx + length, space == 1, punct == 1, w == 1 and not space and not punct)
            )
            for (idx, length, space, punct, _), w in zip(rows, words)
        ]
        sentences, sent_toks = _sentences(toks, [i for i, r in enumerate(rows) if r[4] == 1])
        self.toks = toks
        self.sentences = sentences
        self.sentence_toks = sent_toks
        self._sent_starts = [a for a, _ in sentences]
        # URLs, email addresses and paths ("pay.example.com/debtor/remit") are never
        # flagged or edited: they are treated like placeholders by every rule
        spans = [(p.start, p.end) for p in self.placeholders]
        spans += _protected_spans(text)
        spans.sort()
        self._spans = spans
        self._ph_starts = [s for s, _ in spans]
        reach, top = [], -1
        for _, e in spans:  # the furthest end of any span so far: where a backward scan can stop
            top = max(top, e)
            reach.append(top)
        self._reach = reach

    def sentence_at(self, offset: int) -> tuple[int, int] | None:
        i = bisect_right(self._sent_starts, offset) - 1
        if i < 0:
            return None
        a, b = self.sentences[i]
        return (a, b) if offset < b else None

    def has_protected_spans(self) -> bool:
        """Whether the letter has any placeholder, template code, URL, email or path."""
        return bool(self._spans)

    def in_placeholder(self, start: int, end: int) -> bool:
        """True when the span touches a placeholder, template code, a URL, an email or a path."""
        i = bisect_right(self._ph_starts, end - 1) - 1
        while i >= 0 and self._reach[i] > start:
            s, e = self._spans[i]
            if e > start and s < end:
                return True
            i -= 1
        return False

    def lower_ids(self) -> list[int]:
        """Each token's ``LOWER`` hash (read from the ``Doc`` once, on first use)."""
        if self._lowers is None:
            from spacy.attrs import LOWER

            self._lowers = self.doc.to_array(LOWER).tolist() if len(self.doc) else []
        return self._lowers

    def word_prefix(self) -> list[int]:
        """Words before each token, and one past the end: the words of tokens ``[i, j)``
        are ``p[j] - p[i]`` (computed once; frames, sentence lengths and counts share it)."""
        if self._words is None:
            self._words = list(accumulate(map(_WORD, self.toks), initial=0))
        return self._words

    def word_count(self) -> int:
        return self.word_prefix()[-1]
