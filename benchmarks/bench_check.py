"""Benchmark `letterlint check` on generated letters, with peer linters side by side.

    python benchmarks/bench_check.py --letters 10000 --runs 3
    python benchmarks/bench_check.py --letters 1000 --peers      # + proselint \
(pip install ".[bench]")
    python benchmarks/bench_check.py --peers --peers-bin /work/peers-npm/node_modules/.bin \
--json out.json

Each tool runs as a user would run it (a fresh process over a folder), several times;
the table gives the median wall time, letters per second, and the peak memory of the
whole process tree (all worker processes added up, sampled every 50 ms from /proc).

Peers: proselint comes from this Python environment (or PATH). write-good and alex are
npm packages; install them outside the repository and point the script at their
``node_modules/.bin`` with ``--peers-bin DIR`` or the ``LETTERLINT_PEERS_BIN``
environment variable (else they are looked up on PATH)::

    mkdir -p /work/peers-npm && cd /work/peers-npm && npm init -y
    npm install alex@11.0.1 write-good@1.0.8

They run as ``write-good --parse FILE...`` and ``alex --text FOLDER``. Both exit
non-zero when they find something (write-good with the count, alex with 1); that is
their normal result, recorded in the row's ``exit_code``, not a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in kB (cheap: no /proc scan)."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as fh:
                total += int(fh.read().split()[1]) * _PAGE_KB
        except (OSError, ValueError, IndexError):
            continue
        stack.extend(_children(pid))
    return total


def measure(cmd: list[str], cwd: str | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak tree memory (MB) and exit code of one run."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    t.join()
    return wall, peak / 1024, code


def npm_version(exe: str) -> str:
    """The version in the package.json above an npm bin link ("" if not found)."""
    path = Path(os.path.realpath(exe)).parent
    for folder in (path, *path.parents):
        pkg = folder / "package.json"
        if pkg.is_file():
            try:
                return str(json.loads(pkg.read_text()).get("version", ""))
            except (OSError, ValueError):
                return ""
    return ""


def find_peer(tool: str, peers_bin: str | None) -> str | None:
    """``tool`` in the peers folder if given, else on PATH."""
    if peers_bin:
        found = shutil.which(tool, path=peers_bin)
        if found:
            return found
    return shutil.which(tool)


def run_tool(name: str, cmd: list[str], n: int, runs: int, cwd: str | None = None) -> dict:
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak, code = measure(cmd, cwd=cwd)
        walls.append(wall)
        peaks.append(peak)
    med = statistics.median(walls)
    row = {
        "tool": name,
        "letters": n,
        "runs": runs,
        "median_s": round(med, 2),
        "min_s": round(min(walls), 2),
        "max_s": round(max(walls), 2),
        "letters_per_s": round(n / med, 1),
        "peak_mb": round(max(peaks)),
        "exit_code": code,
    }
    print(
        f"  {name:<28} median {med:6.2f}s  ({n / med:7.1f} letters/s)  peak {max(peaks):5.0f} MB",
        flush=True,
    )
    return row


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--letters", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--peers", action="store_true", help="also run proselint, write-good and alex (when found)"
    )
    ap.add_argument(
        "--peers-bin",
        metavar="DIR",
        default=os.environ.get("LETTERLINT_PEERS_BIN"),
        help="folder holding the write-good and alex executables (node_modules/.bin; "
        "default $LETTERLINT_PEERS_BIN, else PATH)",
    )
    ap.add_argument("--peer-letters", type=int, default=1000)
    ap.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="letterlint-bench-"))
    try:
        corpus = work / "letters"
        print(f"generating {args.letters} letters in {corpus}", flush=True)
        write_corpus(corpus, args.letters)
        exe = [sys.executable, "-m", "letterlint"]
        check = [
            *exe,
            "check",
            "--no-cache",
            "--fail-on",
            "never",
        ]  # the cache has its own rows below
        rows = [
            run_tool(
                f"letterlint check ({args.letters})", [*check, str(corpus)], args.letters, args.runs
            ),
            run_tool(
                "letterlint --format json",
                [*check, str(corpus), "--format", "json", "--output-file", str(work / "out.json")],
                args.letters,
                args.runs,
            ),
            run_tool("letterlint -j 1", [*check, str(corpus), "-j", "1"], args.letters, args.runs),
        ]
        one = corpus / "letter00000.txt"
        rows.append(run_tool("letterlint check one.txt", [*check, str(one)], 1, max(3, args.runs)))
        rows.append(
            run_tool(
                "python -c 'import spacy'",
                [sys.executable, "-c", "import spacy"],
                1,
                max(3, args.runs),
            )
        )
        # the result cache: one run fills .letterlint_cache/ in the work folder, then re-runs
        cached = [*exe, "check", "--fail-on", "never", str(corpus)]
        print("  (filling the result cache)", flush=True)
        measure(cached, cwd=str(work))
        rows.append(
            run_tool(
                "letterlint check, cached re-run", cached, args.letters, args.runs, cwd=str(work)
            )
        )
        rows.append(
            run_tool(
                "letterlint check --format json, cached",
                [*cached, "--format", "json", "--output-file", str(work / "out.json")],
                args.letters,
                args.runs,
                cwd=str(work),
            )
        )
        audit = [*exe, "audit", str(corpus), "--report", str(work / "audit.html"), "--force"]
        rows.append(
            run_tool(
                "letterlint audit (HTML, cached)", audit, args.letters, args.runs, cwd=str(work)
            )
        )
        if args.peers:
            sub = work / "subset"
            sub.mkdir()
            files = sorted(corpus.iterdir())[: args.peer_letters]
            for f in files:
                shutil.copy(f, sub / f.name)
            n = len(files)
            rows.append(run_tool(f"letterlint ({n})", [*check, str(sub)], n, args.runs))
            proselint = shutil.which(
                "proselint",
                path=os.pathsep.join(
                    [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
                ),
            )
            if proselint:
                rows.append(
                    run_tool(
                        f"proselint 0.16 ({n})",
                        [proselint, "check", "-o", "compact", str(sub)],
                        n,
                        args.runs,
                    )
                )
            else:
                print("  proselint not installed: pip install '.[bench]'")
            for tool, cmd in (
                ("write-good", ["--parse", *map(str, files)]),
                ("alex", ["--text", str(sub)]),
            ):
                path = find_peer(tool, args.peers_bin)
                if path:
                    version = npm_version(path)
                    rows.append(
                        run_tool(
                            f"{tool} {version} ({n})".replace("  ", " "), [path, *cmd], n, args.runs
                        )
                    )
                else:
                    print(f"  {tool} not found: see --peers-bin")
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
