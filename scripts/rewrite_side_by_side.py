"""Write a side-by-side HTML page of letter rewrites for a person to read (not committed).

    python scripts/rewrite_side_by_side.py LETTER_OR_FOLDER ... -o rewrites.html

Each letter gets a row: the original as letterlint reads it, and the rewrite (its template
filled with the context it found), with what the rewrite could not change listed below.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from letterlint.actions.rewrite import Rewrite, rewrite_eml, rewrite_source  # noqa: E402
from letterlint.reading.readers import ReadError, kind_for, read_bytes  # noqa: E402

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5em;background:#f6f6f4}
h2{font-size:1em;margin:1.5em 0 .3em}table{width:100%;border-collapse:collapse;table-layout:fixed}
td{vertical-align:top;padding:.6em;background:#fff;border:1px solid #ddd}
pre{white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace;margin:0}
.left{color:#8a1c1c;font-size:.9em}.err{color:#8a1c1c}"""


def _letters(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted(f for f in p.iterdir() if kind_for(f)) if p.is_dir() else [p]
    return out


def _shown(rw: Rewrite, kind: str) -> str:
    """The rewrite as a reader would see it: rendered when it is a Jinja template, and an
    HTML letter as its text (the markup is kept in the file, not shown here)."""
    text = rw.render() if rw.jinja else rw.template
    if kind == "html":
        return read_bytes(text.encode("utf-8"), "x.html").text
    return text


def row(path: Path) -> str:
    data = path.read_bytes()
    try:
        src = read_bytes(data, str(path))
        rw = rewrite_eml(data, path=str(path)) if src.kind == "eml" else rewrite_source(src)
        after = _shown(rw, src.kind if src.kind != "eml" else "text")
        left = "".join(
            f"<li>{html.escape(f.code)} {html.escape(f.text)}</li>" for f in rw.unrewritten
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in rw.notes)
        extra = (f"<ul class=left>{left}</ul>" if left else "") + (
            f"<ul>{notes}</ul>" if notes else ""
        )
        right = f"<pre>{html.escape(after)}</pre>{extra}"
        before = src.text
    except (ReadError, ValueError) as exc:
        before, right = data.decode("utf-8", "replace"), f"<p class=err>{html.escape(str(exc))}</p>"
    return (
        f"<h2>{html.escape(path.name)}</h2><table><tr><td><pre>{html.escape(before)}</pre></td>"
        f"<td>{right}</td></tr></table>"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-o", "--output", default="rewrites-side-by-side.html")
    args = ap.parse_args()
    rows = [row(p) for p in _letters(args.paths)]
    page = (
        "<!doctype html><meta charset=utf-8><title>letterlint rewrites</title>"
        f"<style>{STYLE}</style>"
        f"<h1>letterlint rewrites: before and after</h1>{''.join(rows)}"
    )
    Path(args.output).write_text(page, encoding="utf-8")
    print(f"wrote {args.output} ({len(rows)} letters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
