"""Generate the example audit report in docs/ from sample_letters/, and its screenshots.

    python scripts/gen_example_report.py            # docs/example-report/audit.html and audit.docx
    python scripts/gen_example_report.py --shots    # also docs/images/audit-*.png (needs \
/usr/bin/chromium,
                                                    # and LibreOffice with pdftoppm for the Word \
pages)

The report is dated 25 November 2026 so that regenerating it changes it only when the
rules, the letters or the report itself change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from letterlint import audit  # noqa: E402
from letterlint.reporting.reports import render_report  # noqa: E402

OUT = ROOT / "docs" / "example-report"
IMAGES = ROOT / "docs" / "images"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def generate() -> Path:
    os.chdir(ROOT)  # paths in the report read sample_letters/..., not this machine's folders
    a = audit(["sample_letters"], client="Example Energy Ltd", today=dt.date(2026, 11, 25))
    OUT.mkdir(parents=True, exist_ok=True)
    html = OUT / "audit.html"
    html.write_bytes(render_report(a, ".html"))
    (OUT / "audit.docx").write_bytes(render_report(a, ".docx"))
    return html


def screenshot(html: Path, png: Path, height: int, letter: str | None = None) -> None:
    """A screenshot by Debian's Chromium in headless mode (no browser is downloaded)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    target = html
    if letter:  # a letter's page: a copy of the report that starts at that letter's section
        text = html.read_text(encoding="utf-8")
        cut = text.rfind("<section", 0, text.index(f'id="{letter}"'))
        head = text[: text.index("<main>") + len("<main>")]
        tmp = Path(tempfile.mkdtemp()) / "part.html"
        tmp.write_text(head + text[cut:], encoding="utf-8")
        target = tmp
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size=1100,{height}",
                f"--screenshot={png}",
                target.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def word_pages(docx: Path, png: Path, pages: tuple[int, int] = (1, 2)) -> bool:
    """The first pages of the Word report side by side, as LibreOffice lays them out."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office or not shutil.which("pdftoppm"):
        print("skipped the Word pages: LibreOffice or pdftoppm is missing", file=sys.stderr)
        return False
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                office,
                f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                str(pages[0]),
                "-l",
                str(pages[1]),
                str(Path(tmp, docx.stem + ".pdf")),
                str(Path(tmp, "page")),
            ],
            check=True,
            timeout=120,
        )
        images = [Image.open(p) for p in sorted(Path(tmp).glob("page-*.png"))]
        gap = 16
        out = Image.new(
            "RGB",
            (
                sum(im.width for im in images) + gap * (len(images) + 1),
                max(im.height for im in images) + 2 * gap,
            ),
            "#d9e2ec",
        )
        x = gap
        for im in images:
            out.paste(im, (x, gap))
            x += im.width + gap
        out.save(png, optimize=True)
    return True


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--shots", action="store_true", help="also take screenshots with headless Chromium"
    )
    args = ap.parse_args()
    html = generate()
    print(f"wrote {html.relative_to(ROOT)} and audit.docx")
    if args.shots:
        IMAGES.mkdir(parents=True, exist_ok=True)
        screenshot(html, IMAGES / "audit-summary.png", 1500)
        screenshot(html, IMAGES / "audit-letter.png", 1400, letter="letter-2")
        print("wrote docs/images/audit-summary.png and audit-letter.png")
        if word_pages(OUT / "audit.docx", IMAGES / "audit-word.png"):
            print("wrote docs/images/audit-word.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
