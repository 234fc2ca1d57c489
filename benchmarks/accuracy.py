"""How well `letterlint check` does on a hand-labelled corpus of real letters, beside peers.

    python benchmarks/accuracy.py                      # ../shared/corpus, letterlint only
    python benchmarks/accuracy.py --peers --peers-bin /tmp/peers/node_modules/.bin
    python benchmarks/accuracy.py --corpus DIR -v      # -v: every miss and false alarm

The corpus is a folder with ``letters/``, ``labels.yaml`` and the scorer ``score.py`` (see
the development corpus's README). letterlint's JSON output is scored as it is. A generic
style checker has no categories, so for the peers (write-good, alex, proselint) any
finding counts for every category: the threat and jargon rows are what they find at
all, an upper bound. Nothing here is needed by CI; the corpus is read at run time and
never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from bisect import bisect_right
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
CATEGORIES = ("stigmatising-language", "legal-jargon", "threatening-tone")
ROWS = (
    "threat_phrase_recall",
    "jargon_phrase_recall",
    "strong_threat_letter_recall",
    "no_threat_letters_flagged_rate",
    "cta_accuracy",
    "salutation_accuracy",
    "stig_false_pos_letters",
    "friendly_letters_warned",
    "friendly_score_auc",
)


def _score(corpus: Path, result: dict, verbose: bool) -> dict[str, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(result, fh)
    try:
        args = [sys.executable, str(corpus / "score.py"), str(corpus / "labels.yaml"), fh.name]
        out = subprocess.run(
            args + (["-v"] if verbose else []), capture_output=True, text=True, check=False
        ).stdout
    finally:
        os.unlink(fh.name)
    if verbose:
        print(out)
    return dict(line.split(": ", 1) for line in out.splitlines() if re.match(r"^\w+: ", line))


def _letterlint(corpus: Path) -> dict:
    letters = sorted(str(p) for p in (corpus / "letters").iterdir() if p.is_file())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "letterlint.frontends.cli",
            "check",
            "--no-cache",
            "--format",
            "json",
            "--fail-on",
            "never",
            *letters,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"letterlint check failed: {proc.stderr.strip()[-300:]}")
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------- peers


def _offsets(text: str) -> list[int]:
    starts = [0]
    starts += [m.end() for m in re.finditer(r"\n", text)]
    return starts


def _word_span(text: str, start: int) -> tuple[int, int]:
    m = re.compile(r"\S+").match(text, start)
    return (start, m.end()) if m else (start, start + 1)


def _run_write_good(binary: str, path: Path, text: str) -> list[tuple[int, int]]:
    out = subprocess.run(
        [binary, "--parse", str(path)], capture_output=True, text=True, check=False
    ).stdout
    starts = _offsets(text)
    spans = []
    for line in out.splitlines():  # file:line:col:message, column 0-based
        m = re.match(r"^.*?:(\d+):(\d+):", line)
        if m:
            ln, col = int(m.group(1)), int(m.group(2))
            if ln - 1 < len(starts):
                spans.append(_word_span(text, starts[ln - 1] + col))
    return spans


def _run_alex(binary: str, path: Path, text: str) -> list[tuple[int, int]]:
    # alex looks for its reporter package from the working folder: run it beside node_modules
    home = Path(binary).resolve().parent
    while home.name and home.name != "node_modules":
        home = home.parent
    proc = subprocess.run(
        [binary, "--text", "--reporter=vfile-reporter-json", str(path.resolve())],
        capture_output=True,
        text=True,
        check=False,
        cwd=home.parent if home.name else None,
    )
    starts = _offsets(text)
    spans = []
    for payload in (proc.stdout, proc.stderr):
        try:
            files = json.loads(payload)
        except json.JSONDecodeError:
            continue
        for f in files:
            for msg in f.get("messages", []):
                if not msg.get("line") or msg["line"] - 1 >= len(starts):
                    continue
                a = starts[msg["line"] - 1] + msg.get("column", 1) - 1
                spans.append((a, a + max(1, len(msg.get("actual") or "x"))))
    return spans


def _run_proselint(binary: str, path: Path, text: str) -> list[tuple[int, int]]:
    out = subprocess.run(
        [binary, "check", "-o", "compact", str(path)], capture_output=True, text=True, check=False
    ).stdout
    starts = _offsets(text)
    spans = []
    for line in out.splitlines():  # file:line:col: check: message (column 1-based)
        m = re.match(r"^.*?:(\d+):(\d+): ", line)
        if m:
            ln, col = int(m.group(1)), int(m.group(2))
            if ln - 1 < len(starts):
                spans.append(_word_span(text, starts[ln - 1] + col - 1))
    return spans


PEERS = {"write-good": _run_write_good, "alex": _run_alex, "proselint": _run_proselint}


def _find(name: str, bin_dir: str | None) -> str | None:
    for folder in (bin_dir, str(Path(sys.executable).parent)):
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    return shutil.which(name)


def _peer_result(name: str, binary: str, corpus: Path) -> dict:
    files = []
    for path in sorted(p for p in (corpus / "letters").iterdir() if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        starts = _offsets(text)
        findings = []
        for a, b in PEERS[name](binary, path, text):
            line = bisect_right(starts, a)
            for cat in CATEGORIES:  # no categories: any finding counts for each
                findings.append(
                    {
                        "code": name,
                        "name": f"{cat}.{name}",
                        "category": cat,
                        "severity": "warning",
                        "start": a,
                        "end": b,
                        "line": line,
                        "text": text[a:b],
                    }
                )
        files.append(
            {
                "path": str(path),
                "score": max(0, 100 - 8 * len(findings) // len(CATEGORIES)),
                "error": None,
                "findings": findings,
            }
        )
    return {"schema_version": 1, "files": files, "skipped": []}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument(
        "--peers", action="store_true", help="also run write-good, alex and proselint where found"
    )
    ap.add_argument(
        "--peers-bin",
        default=os.environ.get("LETTERLINT_PEERS_BIN"),
        help="folder holding write-good and alex (node_modules/.bin)",
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", type=Path, help="write the table as JSON")
    args = ap.parse_args(argv)
    if not (args.corpus / "score.py").exists():
        print(
            f"no labelled corpus at {args.corpus} "
            "(a folder with letters/, labels.yaml and score.py)",
            file=sys.stderr,
        )
        return 2
    table = {"letterlint": _score(args.corpus, _letterlint(args.corpus), args.verbose)}
    if args.peers:
        for name in PEERS:
            binary = _find(name, args.peers_bin)
            if binary is None:
                print(f"{name}: not found (skipped)", file=sys.stderr)
                continue
            table[name] = _score(args.corpus, _peer_result(name, binary, args.corpus), False)
    tools = list(table)
    print("| metric | " + " | ".join(tools) + " |")
    print("|---|" + "---|" * len(tools))
    for row in ROWS:
        cells = []
        for t in tools:
            v = table[t].get(row, "–")
            cells.append(
                v
                if t == "letterlint" or row in ("threat_phrase_recall", "jargon_phrase_recall")
                else "–"
            )
        print(f"| {row} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(table, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
