"""Generate the rule catalogue from the rule files.

python scripts/gen_rule_docs.py          # rewrite docs/rules.md and the README table
python scripts/gen_rule_docs.py --check  # exit 1 when either is out of date (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from letterlint.frontends.cli import FIX_SAFETY  # noqa: E402
from letterlint.kinds.frames import describe  # noqa: E402
from letterlint.rulebook.loader import load_rules  # noqa: E402

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def _one_line(s: str) -> str:
    return " ".join(s.split()).replace("|", "\\|")


def table() -> str:
    rules = load_rules(("core",))
    lines = ["| code | name | severity | fix | what it finds |", "|---|---|---|---|---|"]
    for r in rules:
        lines.append(
            f"| [{r.code}](docs/rules.md#{r.code.lower()}) | `{r.name}` | {r.severity} | {r.fix or '–'} | {_one_line(r.summary)} |"
        )
    return "\n".join(lines)


def _example(text: str) -> str:
    return "\n".join("    " + ln for ln in text.replace("[[", "").replace("]]", "").splitlines())


def catalogue() -> str:
    rules = load_rules(("core",))
    out = [
        "# Rule catalogue (pack `core`)",
        "",
        "Generated from `rules/core/*.yaml` by `scripts/gen_rule_docs.py`; do not edit by hand.",
        "`letterlint rule CODE` prints the same text in a terminal.",
        "",
    ]
    for r in rules:
        out += [
            f"## {r.code}",
            "",
            f"**`{r.name}`** · {r.category} · {r.severity}",
            "",
            "### What it finds",
            "",
            _one_line(r.summary),
            "",
            "### Why it matters",
            "",
            _one_line(r.rationale),
            "",
            "### Sources",
            "",
        ]
        out += [f"- {s}" for s in r.sources]
        if r.frame is not None:
            out += ["", "### How it matches", "", "```"] + describe(r.frame) + ["```"]
        out += ["", "### Example", ""]
        for ex in r.fail_examples[:2]:
            out += [_example(ex.text), ""]
        out += ["### Use instead", ""]
        for ex in r.pass_examples[:2]:
            out += [_example(ex.text), ""]
        out += ["### Fix safety", "", FIX_SAFETY.get(r.fix, FIX_SAFETY[None]), ""]
    return "\n".join(out)


def readme_with_table(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    check = "--check" in sys.argv
    readme_path = ROOT / "README.md"
    docs_path = ROOT / "docs" / "rules.md"
    readme = readme_path.read_text(encoding="utf-8")
    new_readme = readme_with_table(readme)
    new_docs = catalogue()
    stale = []
    if new_readme != readme:
        stale.append("README.md")
    if not docs_path.exists() or docs_path.read_text(encoding="utf-8") != new_docs:
        stale.append("docs/rules.md")
    if check:
        if stale:
            print("out of date: " + ", ".join(stale) + "; run python scripts/gen_rule_docs.py")
            return 1
        return 0
    readme_path.write_text(new_readme, encoding="utf-8")
    docs_path.write_text(new_docs, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
