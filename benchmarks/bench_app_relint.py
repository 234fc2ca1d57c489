"""How long the template editor takes to re-lint a one-page letter after one edit.

    python benchmarks/bench_app_relint.py            # 200 edits
    python benchmarks/bench_app_relint.py --runs 500 --json benchmarks/results/app-relint.json

The pipeline is warmed first, as in the running app (built once per server). Each run
makes one small edit to a different place of the letter (so no cache can answer) and
times what the app does on a rerun: ``check_text`` alone, and the whole re-lint the page
shows (findings, score, readability figures, the highlight pieces and the cards). The letter is two
hostile samples joined into one page of about 340 words (about 60 findings): a worst case.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from letterlint import (  # noqa: E402
    Config,
    check_text,
    rule_docs,  # noqa: E402
)
from letterlint.frontends.app_support import editor_pieces, lint_letter, panel_data  # noqa: E402


def one_page_letter() -> str:
    first = (ROOT / "sample_letters" / "bad-final-demand.txt").read_text(encoding="utf-8")
    second = (ROOT / "sample_letters" / "bad-first-reminder.txt").read_text(encoding="utf-8")
    body = second.split("Dear Sir/Madam,", 1)[1].split("Yours faithfully", 1)[0].strip()
    head, tail = first.split("Credit Control Department", 1)
    return head.rstrip() + "\n\n" + body + "\n\nCredit Control Department" + tail


def edits(letter: str, n: int, seed: int = 7) -> list[str]:
    """``n`` versions of the letter, each with one word typed at a different place."""
    rng = random.Random(seed)
    spaces = [i for i, c in enumerate(letter) if c == " "]
    out = []
    for k in range(n):
        at = rng.choice(spaces)
        out.append(letter[:at] + f" please{k}" + letter[at:])
    return out


def ms(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p90_ms": round(values[int(len(values) * 0.9) - 1] * 1000, 1),
        "min_ms": round(values[0] * 1000, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--json", metavar="FILE", help="also write the results here")
    args = ap.parse_args()

    letter = one_page_letter()
    config = Config()
    t0 = time.perf_counter()
    check_text(letter, config=config)  # builds the pipeline and compiles the rules, once
    warm = time.perf_counter() - t0
    for text in edits(letter, 5, seed=1):  # a few untimed runs, as a user's first edits
        lint_letter(text, "text", "bench.txt", config)

    docs = rule_docs(config)
    check_times, page_times = [], []
    for text in edits(letter, args.runs):
        t = time.perf_counter()
        check_text(text, config=config)
        check_times.append(time.perf_counter() - t)
    for text in edits(letter, args.runs, seed=8):
        t = time.perf_counter()
        view = lint_letter(text, "text", "bench.txt", config)
        editor_pieces(text, view.findings)  # what the editor component is sent: highlights, cards
        panel_data(view.findings, docs)
        page_times.append(time.perf_counter() - t)

    result = {
        "letter_words": len(letter.split()),
        "findings": len(check_text(letter, config=config)),
        "runs": args.runs,
        "first_check_s": round(warm, 2),
        "check_text": ms(check_times),
        "app_relint": ms(page_times),
        "python": sys.version.split()[0],
    }
    print(
        f"one-page letter: {result['letter_words']} words, {result['findings']} findings; "
        f"first check (pipeline build) {result['first_check_s']} s"
    )
    print(
        f"check_text after one edit:            median {result['check_text']['median_ms']} ms, "
        f"p90 {result['check_text']['p90_ms']} ms ({args.runs} runs)"
    )
    print(
        "app re-lint (+ score, readability, highlights, cards): "
        f"median {result['app_relint']['median_ms']} ms, "
        f"p90 {result['app_relint']['p90_ms']} ms"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
