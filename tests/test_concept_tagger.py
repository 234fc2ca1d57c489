"""The concept tagger's trie of token hashes finds what spaCy's PhraseMatcher finds."""

from __future__ import annotations

import copy
import gc

from spacy.matcher import PhraseMatcher

from letterlint.batch.checking import get_linter
from letterlint.kinds.frames import _SPLITS, ConceptTagger, _FormTokens, _phrase_variants
from letterlint.language.analysis import Analysis, get_nlp, parse
from letterlint.reading.readers import read_text
from letterlint.rulebook.loader import available_packs, load_rules
from letterlint.templating.placeholders import find_placeholders, mask

from .conftest import SAMPLES


def _analyse(text: str) -> Analysis:
    ph = find_placeholders(text)
    mtext = mask(text, ph)
    doc, rows = parse(mtext)
    return Analysis(mtext, text, doc, ph, rows=rows)


def _reference(tagger: ConceptTagger) -> tuple[PhraseMatcher, dict[int, list[str]]]:
    """The tagger as it was: a PhraseMatcher over every form with more than one token or
    a punctuation mark, and the hash of each other form as written."""
    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    single: dict[int, list[str]] = {}
    for lex in tagger.lexicons:
        plain = [p for p in lex.phrases if not ({"#", "*"} & set(p.split()))]
        docs = []
        for v in sorted({v for p in plain for v in _phrase_variants(p, lex.exact)}):
            if " " not in v and not _SPLITS.search(v):
                single.setdefault(nlp.vocab.strings.add(v), []).append(lex.name)
            else:
                docs.append(v)
        if docs:
            matcher.add(lex.name, list(nlp.tokenizer.pipe(docs)))
    return matcher, single


def _reference_spans(
    a: Analysis, matcher: PhraseMatcher, single: dict[int, list[str]]
) -> dict[str, list[tuple[int, int]]]:
    nlp = get_nlp()
    matches = [(nlp.vocab.strings[k], s, e) for k, s, e in matcher(a.doc)]
    matches += [(n, i, i + 1) for i, t in enumerate(a.doc) for n in single.get(t.lower, ())]
    out: dict[str, set[tuple[int, int]]] = {}
    for name, s, e in matches:
        if not a.in_placeholder(a.toks[s].start, a.toks[e - 1].end):
            out.setdefault(name, set()).add((s, e))
    return {k: sorted(v) for k, v in out.items()}


def test_tagger_finds_what_the_phrase_matcher_finds() -> None:
    packs = tuple(available_packs())
    tagger = get_linter().compiled._frames.tagger
    assert tagger is not None
    # the base phrases alone: no sequences, no phrases with "#" or "*", no merge-field names
    base = copy.copy(tagger)
    base.sequenced = []
    base._wild = []
    base._fields = {}
    base._wild_at = {}
    matcher, single = _reference(tagger)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in SAMPLES.iterdir()]
    texts += [ex.text for r in load_rules(packs) for ex in (*r.fail_examples, *r.pass_examples)]
    texts += [
        "We cannot wait. We can not wait. We won't wait, we won\u2019t wait.",
        "Your  account   will be   passed to a debt  collection agency!",
        "PAY NOW or we will take legal action; see https://example.com/legal-action",
    ]
    found = 0
    for text in texts:
        a = _analyse(text)
        got = base.tag(a, a.word_prefix(), [0] * (len(a.toks) + 1))
        assert got == _reference_spans(a, matcher, single), text
        found += sum(map(len, got.values()))
    assert found > 1000


def test_form_tokens_are_the_tokenizer_s() -> None:
    nlp = get_nlp()
    tokens = _FormTokens()
    tagger = get_linter().compiled._frames.tagger
    assert tagger is not None
    forms = {v for lex in tagger.lexicons for p in lex.phrases for v in _phrase_variants(p, False)}
    assert len(forms) > 1000
    for form in forms:
        assert list(tokens.hashes(form)) == [t.lower for t in nlp.make_doc(form)], form


def test_a_merge_field_named_as_a_concept_stands_for_it() -> None:
    """A ``fields`` lexicon also tags an output placeholder whose name has one of its
    phrases, in any placeholder syntax; a field named for an identifier of the thing
    ("..._number", "..._name") is not the thing."""
    tagger = get_linter().compiled._frames.tagger
    assert tagger is not None
    cases = {
        "Then {{ reminder_fee }} is added.": ("added-cost", "{{ reminder_fee }}"),
        "Then [Reminder Fee] is added.": ("added-cost", "[Reminder Fee]"),
        "Then {$overdueInterest} is added.": ("added-cost", "{$overdueInterest}"),
        "Your {{ broadband_subscription }} stops.": (
            "service-thing",
            "{{ broadband_subscription }}",
        ),
    }
    for text, (name, shown) in cases.items():
        a = _analyse(text)
        spans = tagger.tag(a, a.word_prefix(), [0] * (len(a.toks) + 1))
        got = [text[a.toks[s].start : a.toks[e - 1].end] for s, e in spans.get(name, ())]
        assert got == [shown], (text, spans)
    for text in ("Your {{ subscription_number }} stops.", "Quote {{ fee_reference }}."):
        a = _analyse(text)
        spans = tagger.tag(a, a.word_prefix(), [0] * (len(a.toks) + 1))
        assert "service-thing" not in spans and "added-cost" not in spans, text


def _reference_wild(tagger: ConceptTagger, a: Analysis) -> set[tuple[str, int, int]]:
    """Each phrase with "#" or "*" tried on its own from every token, step by step."""
    lowers = a.lower_ids()
    n = len(a.toks)
    out = set()
    for i in range(n):
        for name, steps in tagger._wild:
            if lowers[i] not in steps[0]:
                continue
            j = i + 1
            for step in steps[1:]:
                while j < n and a.toks[j].space:
                    j += 1
                if j >= n:
                    break
                if step == "#":
                    ok = a.doc[j].like_num
                elif step == "*":
                    ok = not a.toks[j].punct
                else:
                    ok = lowers[j] in step
                if not ok:
                    break
                j += 1
            else:
                out.add((name, i, j))
    return out


def test_phrases_with_wildcards_match_as_each_phrase_alone() -> None:
    tagger = get_linter().compiled._frames.tagger
    assert tagger is not None and tagger._wild
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in SAMPLES.iterdir()]
    texts += [
        "If the balance is not paid, and if your plan remains unpaid, we will write again.",
        "Please reply within 48 hours, or by 5 pm today. If it isn't settled we will call.",
        "If the account continues unpaid within the next 2 hours",
    ]
    found = 0
    for text in texts:
        a = _analyse(text)
        starts = list(range(len(a.toks)))
        got = set(tagger._wild_matches(a.doc, starts, a))
        assert got == _reference_wild(tagger, a), text
        found += len(got)
    assert found > 5


def test_linting_a_letter_leaves_no_cycles_for_the_garbage_collector() -> None:
    """A letter's Doc and tokens are freed when its lint ends, not at the collector's next
    pass: nothing on the way (the wildcard phrases' walk included) makes a reference cycle."""
    linter = get_linter()
    letters = [
        "Dear Ms Reed,\n\nIf you do not pay 120.50 within 7 days we will pass your account "
        "to a collection agency. If payment is not received by Friday, further action "
        "will follow.\n\nYours sincerely,\nAccounts",
        "Hello Sam, your invoice 4471 is overdue. If you cannot pay in full, call us and "
        "we can set up a plan of 3 payments. Failure to pay will result in legal action.",
    ]
    for text in letters:  # warm: caches filled on a first lint are not garbage
        linter.lint(read_text(text, "letter.txt", "text"))
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for text in letters:
            result = linter.lint(read_text(text, "letter.txt", "text"))
            assert result.findings  # the letters do reach the frame rules' wildcard phrases
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


def test_form_tokens_of_plain_words_are_the_tokenizers() -> None:
    # `_FormTokens` takes a word of ASCII letters (no special case) as one token without
    # running the tokenizer; every word of every lexicon must come out as the tokenizer has it
    tagger = get_linter().compiled._frames.tagger
    assert tagger is not None
    tokens = _FormTokens()
    words = {
        w
        for lex in tagger.lexicons
        for p in lex.phrases
        for v in _phrase_variants(p, lex.exact)
        for w in v.split(" ")
        if w
    }
    words |= {"cannot", "Cannot", "gonna", "Dont", "e-mail", "won't", "HMRC", "naïve"}
    fast = [w for w in words if w.isascii() and w.isalpha()]
    assert len(fast) > 500
    assert {w: tokens._word(w) for w in words} == {w: tokens._tokenized(w) for w in words}
