"""Count the CPU instructions `letterlint check -j 1` spends on generated letters.

    python benchmarks/count_instructions.py --letters 100
    PYTHONPATH=/path/to/other/checkout/src python benchmarks/count_instructions.py

Wall and CPU times on a shared machine move by 10-30% with the load; an instruction
count does not. This runs ``letterlint check --no-cache -j 1`` in-process under valgrind's
callgrind twice in one process: once on one letter (start-up: spaCy, the rules), then,
with instrumentation switched on only for it (``callgrind_control -i on``), on the
folder of letters, and prints the instructions of that second run and per letter. The
letter folder comes from `corpus.write_corpus`, as for ``bench_check.py``; the code
measured is whichever ``letterlint`` the interpreter imports (``PYTHONPATH`` picks a
checkout), so two versions can be compared on the same letters. Needs valgrind (Debian's
package). Takes a minute or two: the start-up runs without instrumentation, about five
times slower than normal, and the counted part about fifty times slower.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

_ARGS = ["check", "--no-cache", "--fail-on", "never", "-j", "1"]


def _child(warm: str, folder: str) -> None:
    """Under valgrind: lint one letter, then count the run over ``folder``."""
    try:
        from letterlint.frontends.cli import main
    except ImportError:  # an older layout (before the package was split into layers)
        from letterlint.cli import main  # type: ignore[no-redef]

    with contextlib.redirect_stdout(io.StringIO()):
        main([*_ARGS, warm])
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    with contextlib.redirect_stdout(io.StringIO()):
        main([*_ARGS, folder])
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--letters", type=int, default=100)
    ap.add_argument("--child", nargs=2, metavar=("WARM", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="letterlint-instr-"))
    try:
        files = write_corpus(work / "all", args.letters + 1)
        letters, warm = work / "letters", work / "warm"
        letters.mkdir()
        warm.mkdir()
        for f in files[:-1]:
            shutil.move(str(f), letters / f.name)
        shutil.move(str(files[-1]), warm / files[-1].name)
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        out = work / "callgrind.out"
        proc = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                str(warm),
                str(letters),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        found = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or found is None:
            print(proc.stderr[-2000:], file=sys.stderr)
            return 1
        total = int(found.group(1))
        per = total / args.letters
        print(f"{total} instructions for {args.letters} letters ({per:,.0f} a letter)")
        # the cyclic garbage collector runs when allocations reach a threshold, so whether a
        # full collection falls inside the counted run is chance: show its share
        ann = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", str(out)], capture_output=True, text=True
        ).stdout
        gc = re.search(r"^\s*([\d,]+) .*gcmodule\.c:gc_collect_main", ann, re.M)
        if gc:
            print(f"  of which the garbage collector: {int(gc.group(1).replace(',', ''))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
