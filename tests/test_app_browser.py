"""The template editor end to end: a real ``streamlit run`` driven by headless Chromium.

Needs Debian's Chromium (``apt-get install chromium chromium-driver``) and the
``playwright`` package; browsers are never downloaded. Without them the test is skipped,
unless ``LETTERLINT_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which makes it fail instead.
``LETTERLINT_UPDATE_SCREENSHOTS=1`` also refreshes the README's ``docs/images/app-editor.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import ROOT, SAMPLES

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM = os.environ.get("LETTERLINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"
README_SHOT = ROOT / "docs" / "images" / "app-editor.png"
LETTER = (
    "Dear debtor,\n\n"
    "Our records show that £312.50 is still unpaid on account 4471-22. "
    "Failure to pay will result in legal action.\n\n"
    "Credit Control Department\n"
)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
        import streamlit  # noqa: F401
    except ImportError as exc:
        return f"needs the test extra ({exc.name} is not installed)"
    if not os.path.exists(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    reason = _missing()
    if reason:
        if os.environ.get("LETTERLINT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LETTERLINT_REQUIRE_BROWSER=1 but the browser test {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``streamlit run app.py`` in a temporary folder whose config names its templates folder."""
    work = tmp_path_factory.mktemp("editor")
    letters = work / "letters"
    letters.mkdir()
    shutil.copy(SAMPLES / "bad-final-demand.txt", letters)
    shutil.copy(SAMPLES / "bad-first-reminder.txt", letters)
    (work / "letterlint.toml").write_text('templates = "letters"\n', encoding="utf-8")
    port = _free_port()
    log = (work / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--client.toolbarMode", "viewer", "--theme.base", "light"],
        cwd=work, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail("streamlit exited early:\n" + (work / "streamlit.log").read_text(errors="replace"))
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer /_stcore/health within 30 s")
            time.sleep(0.2)
        yield url, work
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def settled(page: "Page", starts: str) -> "Locator":
    """The highlighted letter once the rerun showing the new text has finished.

    While Streamlit reruns, the previous run's elements stay on the page (stale) beside
    the new ones; wait until only the new highlighted letter is left.
    """
    from playwright.sync_api import expect

    expect(page.locator(".ll-letter").filter(has_text=re.compile(starts))).to_have_count(1)
    expect(page.locator(".ll-letter")).to_have_count(1)
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()
    return page.locator(".ll-letter")


def test_editor_in_a_real_browser(server: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, work = server
    expect.set_options(timeout=20_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(url)

            # open a sample from the templates folder: highlighted spans and the score appear
            page.get_by_role("button", name="Open template").click()
            expect(page.locator("mark.ll-mark").first).to_be_visible()
            expect(page.get_by_text("Opened bad-final-demand.txt.")).to_be_visible()
            expect(page.get_by_test_id("stMetricValue").first).to_have_text(re.compile(r"^\d+/100$"))
            expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()  # the rerun has finished
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "app-editor.png"))
            if os.environ.get("LETTERLINT_UPDATE_SCREENSHOTS") == "1":
                README_SHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(README_SHOT))

            # paste a letter: the label and the threat are highlighted and listed
            letter = page.get_by_role("textbox", name="Letter", exact=True)
            letter.fill(LETTER)
            letter.press("Control+Enter")
            view = settled(page, r"^Dear debtor,\s+Our records show")  # (the sample also says "debtor")
            expect(view.locator('mark[data-codes*="LL101"]', has_text="debtor")).to_be_visible()
            expect(view.locator('mark[data-codes*="LL30"]', has_text="Failure to pay").first).to_be_visible()
            expect(page.get_by_text(re.compile(r"^LL101 · error · line 1 · "))).to_be_visible()
            expect(page.get_by_text(re.compile(r"^LL3\d\d · warning · line 3 · ")).first).to_be_visible()

            # accept one suggestion: the text changes and the diff shows it
            finding = page.get_by_test_id("stExpander").filter(has_text=re.compile(r"LL101 · error · line 1 · "))
            finding.get_by_text(re.compile(r"^LL101 · error · line 1 · ")).click()
            finding.get_by_role("button", name="Accept").click()
            expect(letter).to_have_value(re.compile(r"^Dear customer,"))
            view = settled(page, r"^Dear customer,")
            expect(page.locator(".ll-diff del", has_text="debtor")).to_be_visible()
            expect(view.locator('mark[data-codes*="LL101"]')).to_have_count(0)

            # export to an HTML email and download it
            page.get_by_role("tab", name="Export").click()
            page.get_by_test_id("stSelectbox").filter(has_text="Export to").click()
            page.get_by_role("option", name="html-email").click()
            expect(page.get_by_test_id("stDownloadButton").filter(has_text="html-email")).to_have_count(1)
            expect(page.get_by_test_id("stDownloadButton")).to_have_count(1)
            expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()
            button = page.get_by_test_id("stDownloadButton").get_by_role("button")
            expect(button).to_have_text(re.compile(r"Download bad-final-demand-html-email\.html"))
            with page.expect_download() as download:
                button.click()
            saved = tmp_path / "export.html"
            download.value.save_as(saved)
            exported = saved.read_text(encoding="utf-8")
            assert exported.startswith('<div style="max-width:640px')
            assert "Dear customer,</p>" in exported or "Dear customer,<br>" in exported
            assert "£312.50" in exported and "debtor" not in exported
            page.screenshot(path=str(ARTIFACTS / "app-editor-export.png"))

            # the Save tab offers the opened file's name (set while the tab was hidden)
            page.get_by_role("tab", name="Save").click()
            expect(page.get_by_role("textbox", name="File name in the templates folder")).to_have_value(
                "bad-final-demand.txt")

            # a corrupt upload through the real uploader: a clear error, the letter stays
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=[
                {"name": "broken.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not a zip"}])
            expect(page.get_by_text(re.compile(r"^Could not open broken\.docx: "))).to_be_visible()
            expect(letter).to_have_value(re.compile(r"^Dear customer,"))
        finally:
            browser.close()
