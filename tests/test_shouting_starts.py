"""The shouting check's short cuts find what the plain walks find: from the tokens near two
capitals (`_capital_starts`) what a walk from every token with a capital finds, and in a
letter whose only other characters have no capitals ("£", "’", "é"), what a walk over every
token of every sentence finds."""

from __future__ import annotations

import random
import re
from bisect import bisect_right

import pytest

from letterlint.batch.checking import get_linter
from letterlint.kinds.checks import CheckContext, shouting
from letterlint.language.analysis import Analysis, parse

from .conftest import SAMPLES

TRICKY = [
    "Dear Sam,\n\nTHIS IS YOUR FINAL DEMAND. Pay £120 now.",
    "Ref AC-961457, O'NEILL and McDONALD LTD: A.B.C. PAYMENTS (UK) will call.",
    "PAY NOW!!! or ELSE. I AM A. WARNING: N'T DON'T CAN'T WON'T",
    "A\nB C\n\nDO IT\tNOW  please PLEASE  PAY\u00a0NOW",
    "The ÉNORME PROBLÈME is café-side; the CAFÉ is SHUT. Ǆ ǅ ǆ",
    "Pay 中A now, or the 中文 TEAM and ΑΒΓ ΔΕΖ will WRITE AGAIN.",
    "Then 中A 中B 中C wrote, and A.B. C.D. E.F. (G.H.) signed.",
    "U.K. P.L.C. and I.O.U. Y.O.U. are the words.",
    "£5: U.K. P.L.C. and I.O.U. Y.O.U. are the words.",
    "UK: A.B. C.D. signed; O.K. T.H.E. E.N.D.",
    "ACCOUNT NO: 12345\nSUBJECT: your invoice\nNOTE: PAY NOW OR WE WILL SUE",
    "x" * 40 + "AB" + "’s HMRC’S, ‘URGENT’ “FINAL NOTICE” — LAST CHANCE – PAY",
]


def _every_capital(a: Analysis) -> list[tuple[int, int]]:
    """The reference: each token with a capital, to the end of its sentence's tokens."""
    starts = [t.start for t in a.toks]
    sent_firsts = [s for s, _ in a.sentence_toks]
    out: list[tuple[int, int]] = []
    for m in re.finditer("[A-Z]", a.text):
        i = bisect_right(starts, m.start()) - 1
        k = bisect_right(sent_firsts, i) - 1
        if (not out or out[-1][0] != i) and k >= 0 and i < a.sentence_toks[k][1]:
            out.append((i, a.sentence_toks[k][1]))
    return out


def _analysis(text: str) -> Analysis:
    doc, rows = parse(text)
    return Analysis(text, text, doc, [], rows=rows)


def _hits(text: str, short_cut: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    rule = next(r for r in get_linter().compiled.by_kind["check"] if r.check == "shouting")
    a = _analysis(text)
    ctx = CheckContext(body=(0, len(text)))
    with monkeypatch.context() as m:
        if not short_cut:
            m.setattr(shouting, "_capitals_plain", lambda text: False)
            m.setattr(shouting, "_capital_starts", _every_capital)
        return [(h.start, h.end, h.severity, h.suggestion) for h in shouting.shouting(rule, a, ctx)]


def _texts() -> list[str]:
    rng = random.Random(7)
    words = "PAY now NOW Pay A I O'NEILL AC-96 UK £5 ÉTÉ été 中 . ! ? , : \n \n\n ’S (UK) ΑΒ a.b.C A.B. 中A".split(
        " "
    )
    out = list(TRICKY)
    out += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.iterdir())]
    for _ in range(300):
        out.append(
            "".join(rng.choice(words) + rng.choice(["", " ", "  ", "\n"]) for _ in range(30))
        )
    return out


def test_shouting_short_cut_finds_what_the_full_walk_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    found = 0
    for text in _texts():
        fast = _hits(text, True, monkeypatch)
        assert fast == _hits(text, False, monkeypatch), text
        found += len(fast)
    assert found > 100
