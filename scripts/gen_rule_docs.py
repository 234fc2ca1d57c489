"""Generate the rule catalogue from the rule files.

python scripts/gen_rule_docs.py          # rewrite docs/rules.md and the README table
python scripts/gen_rule_docs.py --check  # exit 1 when either is out of date (a test runs this)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from letterlint.output.ruledoc import rule_markdown  # noqa: E402
from letterlint.rulebook.loader import load_rules  # noqa: E402

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def _one_line(s: str) -> str:
    return " ".join(s.split()).replace("|", "\\|")


def table() -> str:
    rules = load_rules(("core",))
    lines = ["| code | name | severity | fix | what it finds |", "|---|---|---|---|---|"]
    for r in rules:
        lines.append(
            f"| [{r.code}](docs/rules.md#{r.code.lower()}) | `{r.name}` | {r.severity} "
            f"| {r.fix or '–'} | {_one_line(r.summary)} |"
        )
    return "\n".join(lines)


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
        out += rule_markdown(r)
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
