"""Look at the audit reports as a reader does: render them to PNG and check what shows.

The HTML report is screenshotted by Debian's headless Chromium; the Word report is laid
out by LibreOffice (to PDF) and cut into page images by ``pdftoppm``. The images are kept
in ``build/report-images/`` (or ``$LETTERLINT_ARTIFACTS``) for a person to look at. Each
test skips when its tool is missing; ``.ci/run`` installs them, so CI runs both.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from letterlint import audit
from letterlint.reporting.reports import render_report

from .conftest import ROOT

SAMPLES = ROOT / "sample_letters"
pytestmark = pytest.mark.slow  # Chromium and LibreOffice, in subprocesses
OUT = Path(os.environ.get("LETTERLINT_ARTIFACTS", ROOT / "build" / "report-images"))


def _tool(*names: str) -> str | None:
    return next(
        (found for n in names if (found := shutil.which(n) or (n if os.path.isfile(n) else None))),
        None,
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both reports of the sample letters, written to a temporary folder."""
    here = Path.cwd()
    os.chdir(ROOT)  # the report names sample_letters/..., as the example in docs/ does
    try:
        a = audit(
            ["sample_letters"],
            client="Example Energy Ltd",
            author="Harbour Consulting",
            today=dt.date(2026, 11, 25),
        )
    finally:
        os.chdir(here)
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for suffix in (".html", ".docx"):
        out[suffix] = folder / f"audit{suffix}"
        out[suffix].write_bytes(render_report(a, suffix))
    OUT.mkdir(parents=True, exist_ok=True)
    return out


def _not_blank(png: Path) -> None:
    from PIL import Image, ImageStat

    with Image.open(png) as im:
        assert im.width > 300 and im.height > 300
        stat = ImageStat.Stat(im.convert("L"))
        assert stat.stddev[0] > 5, f"{png} looks blank"


def test_the_html_report_renders_in_chromium(reports: dict[str, Path], tmp_path: Path) -> None:
    chromium = _tool("chromium", "/usr/bin/chromium")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    shots = {"html-summary.png": 1400, "html-full.png": 9000}
    for name, height in shots.items():
        png = OUT / name
        png.unlink(missing_ok=True)
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                f"--user-data-dir={tmp_path / 'profile'}",
                f"--window-size=1100,{height}",
                f"--screenshot={png}",
                reports[".html"].as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        _not_blank(png)


def test_the_word_report_renders_in_libreoffice(reports: dict[str, Path], tmp_path: Path) -> None:
    office = _tool("libreoffice", "soffice")
    pdftoppm = _tool("pdftoppm")
    if office is None or pdftoppm is None:
        pytest.skip(
            "LibreOffice or pdftoppm is not installed (apt-get install libreoffice-writer poppler-utils)"
        )
    profile = (
        tmp_path / "lo-profile"
    ).as_uri()  # its own profile: runs in parallel never share one
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(reports[".docx"]),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "audit.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    for old in OUT.glob("docx-*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", str(pdf), str(OUT / "docx")], check=True, timeout=300
    )
    pages = sorted(OUT.glob("docx-*.png"))
    assert len(pages) >= 5
    for png in pages:
        _not_blank(png)

    if _tool("pdfinfo") and _tool("pdftotext"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert "Customer-first letter audit for Example Energy Ltd" in info
        assert "Harbour Consulting" in info and "python-docx" not in info
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # every table header word is laid out whole (a narrow column shows "Scor e", "Warnin gs")
        words = set(text.split())
        for header in (
            "Score",
            "Errors",
            "Warnings",
            "Advice",
            "Severity",
            "Letters",
            "Folder",
            "Sources",
        ):
            assert header in words, f"{header!r} is broken across lines in the Word report"
        pages_text = text.split("\f")
        assert "Page" not in pages_text[0]  # the title page has no number
        assert "Page 2" in pages_text[1]


@pytest.fixture(scope="module")
def compliance_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both reports of an audit with the compliance packs on: the three passing examples,
    a US letter that threatens arrest and a validation notice with a flagged word beside
    its prescribed sentences."""
    from letterlint.core.config import Config

    from .test_audit import US_CONTEXT

    folder = tmp_path_factory.mktemp("compliance-letters")
    for f in (ROOT / "examples" / "compliance").glob("*.md"):
        shutil.copy(f, folder / f.name)
    (folder / "threat-us.md").write_text(
        US_CONTEXT + "Dear debtor,\n\nYou owe $1,250.00. If this balance is not "
        "paid you could face arrest. Pay within 30 days.\n\nRegards, Collections\n"
    )
    good = (ROOT / "examples" / "compliance" / "good-us-validation-notice.md").read_text()
    miranda = "We will use any information you give us to help collect the debt."
    (folder / "notice-with-debtor.md").write_text(
        good.replace(miranda, miranda + " Pay now, debtor!!!")
    )
    a = audit(
        [folder],
        config=Config(packs=("core", "us-fdcpa", "uk-fca", "uk-b2b")),
        client="Example Recovery LLC",
        today=dt.date(2026, 11, 25),
    )
    out = {}
    reports_dir = tmp_path_factory.mktemp("compliance-reports")
    for suffix in (".html", ".docx"):
        out[suffix] = reports_dir / f"compliance-audit{suffix}"
        out[suffix].write_bytes(render_report(a, suffix))
    OUT.mkdir(parents=True, exist_ok=True)
    return out


def test_the_compliance_reports_render(compliance_reports: dict[str, Path], tmp_path: Path) -> None:
    chromium = _tool("chromium", "/usr/bin/chromium")
    office = _tool("libreoffice", "soffice")
    pdftoppm = _tool("pdftoppm")
    if chromium is None or office is None or pdftoppm is None:
        pytest.skip("headless Chromium, LibreOffice or pdftoppm is not installed")
    png = OUT / "html-compliance-full.png"
    png.unlink(missing_ok=True)
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1100,7000",
            f"--screenshot={png}",
            compliance_reports[".html"].as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    _not_blank(png)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(compliance_reports[".docx"]),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = tmp_path / "compliance-audit.pdf"
    assert pdf.is_file()
    for old in OUT.glob("docx-compliance-*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", str(pdf), str(OUT / "docx-compliance")],
        check=True,
        timeout=300,
    )
    pages = sorted(OUT.glob("docx-compliance-*.png"))
    assert len(pages) >= 4
    for page in pages:
        _not_blank(page)
    if _tool("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Wording that must not be used" in text and "15 USC 1692e(4), (7)" in text
        assert "Required content that is missing" in text and "required text" in text
