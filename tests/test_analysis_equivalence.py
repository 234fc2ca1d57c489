"""The fast paths in analysis.py give what the plain versions they replaced gave."""

from __future__ import annotations

import random

from letterlint.language.analysis import (
    _ENDERS,
    _PROTECTED,
    _protected_spans,
    _sentence_starts,
    get_nlp,
)

from .conftest import SAMPLES


def _sentence_starts_reference(text: str, rows: list[list[int]]) -> list[int]:
    """The token-by-token loop `_sentence_starts` replaced."""
    n = len(rows)
    starts = [-1] * n
    starts[0] = 1
    i = 0
    while i < n:
        idx, length, space, punct = rows[i]
        tok = text[idx : idx + length]
        nxt = i + 1
        if punct and tok and tok[-1] in _ENDERS:
            while nxt < n and rows[nxt][3] and not rows[nxt][2]:
                nxt += 1
            if nxt < n:
                j = nxt
                while j < n and rows[j][2]:
                    j += 1
                if j < n:
                    starts[j] = 1
        gap = text[idx + length : (rows[i + 1][0] if i + 1 < n else len(text))]
        if space:
            gap = tok + gap
        if "\n" in gap or "\r" in gap:
            j = i + 1
            while j < n and rows[j][2]:
                gap += text[rows[j][0] : rows[j][0] + rows[j][1]]
                j += 1
            if j < n:
                first = text[rows[j][0] : rows[j][0] + 1]
                blank = gap.count("\n") >= 2 or gap.count("\r") >= 2
                if blank or not first.islower():
                    starts[j] = 1
            i = max(i + 1, j - 1) if j > i + 1 else i + 1
            continue
        i += 1
    return starts


def _texts(seed: int, pieces: list[str], count: int) -> list[str]:
    rng = random.Random(seed)
    out = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in SAMPLES.iterdir()
        if p.suffix != ".docx"
    ]
    out += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(count)]
    return out


def test_sentence_starts_match_the_token_loop() -> None:
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

    pieces = [
        "a",
        "B",
        "word",
        "Dear",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "\t",
        ".",
        "!",
        "?",
        "...",
        '"',
        "'",
        ")",
        "(",
        "?!",
        "x.",
        "Mr.",
        "e.g.",
        "\u00a0",
        "\u2028",
        "“",
        "”",
        "-",
        "\n \n",
        " \n",
    ]
    nlp = get_nlp()
    checked = 0
    for text in _texts(5, pieces, 3000):
        doc = nlp.make_doc(text)
        if not len(doc):
            continue
        rows = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist()
        assert _sentence_starts(text, rows) == _sentence_starts_reference(text, rows), repr(text)
        checked += 1
    assert checked > 2500


def test_protected_spans_match_a_full_scan() -> None:
    pieces = list("ab /@\\w.#!]()\n\th:ps") + ["www.", "https://", "](", "#!", "\u00a0", "\u2003"]
    for text in _texts(3, pieces, 5000):
        assert _protected_spans(text) == [m.span() for m in _PROTECTED.finditer(text)], repr(text)


def test_the_lexical_attributes_read_are_those_of_a_full_pipeline() -> None:
    # `get_nlp` drops the lexeme attribute getters letterlint never reads; the ones it
    # reads must come out as a full pipeline has them, on words it has never seen too
    import spacy

    full = spacy.blank("en")
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.iterdir())]
    texts += [
        "Pay £3,199.19 (ten pounds) by 6/11/2025, ref AC-961457, at https://pay.example.com!",
        "Zyxquv’s  naïve\u00a0coöperation — 1st, 2nd; fifty-five; 10,000.50; ½ … “quoted” ¿qué?",
    ]
    for text in texts:
        ours = get_nlp().make_doc(text)
        theirs = full.make_doc(text)
        assert [t.text for t in ours] == [t.text for t in theirs]
        for a, b in zip(ours, theirs):
            assert (a.lower_, a.lower, a.is_space, a.is_punct, a.like_num) == (
                b.lower_,
                b.lower,
                b.is_space,
                b.is_punct,
                b.like_num,
            ), a.text


def _tokens_reference(text: str, rows: list[list[int]]) -> tuple[list, list, list]:
    """`Analysis`'s tokens and sentences as one loop over the rows worked them out."""
    import re

    toks: list[tuple[int, int, bool, bool, bool]] = []
    sentences, sent_toks = [], []
    first = last = -1
    for i, (idx, length, space, punct, sent) in enumerate(rows):
        if sent == 1 and first >= 0:
            sentences.append((toks[first][0], toks[last][1]))
            sent_toks.append((first, last + 1))
            first = last = -1
        end = idx + length
        word = not space and not punct and re.search(r"\w", text[idx:end]) is not None
        toks.append((idx, end, space == 1, punct == 1, word))
        if not space:
            if first < 0:
                first = i
            last = i
    if first >= 0:
        sentences.append((toks[first][0], toks[last][1]))
        sent_toks.append((first, last + 1))
    return toks, sentences, sent_toks


def test_tokens_and_sentences_match_the_row_loop() -> None:
    from letterlint.language.analysis import Analysis, parse

    rng = random.Random(11)
    pieces = ["Pay", "now", ".", "!", "?", " ", "  ", "\n", "\n\n", "\t", "£5", "_", "--", "é", "1"]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.iterdir())]
    texts += ["", " ", "\n\n", "  Hello.  \n\n  World!! ", "a_b __ 12 ..", "\n Hi"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(300)]
    for text in texts:
        doc, rows = parse(text)
        for a in (Analysis(text, text, doc, [], rows=rows), Analysis(text, text, doc, [])):
            want = _tokens_reference(text, rows)
            assert ([tuple(t) for t in a.toks], a.sentences, a.sentence_toks) == want, text
