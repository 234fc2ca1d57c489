"""The template editor end to end: a real ``streamlit run`` driven by headless Chromium.

Needs Debian's Chromium (``apt-get install chromium chromium-driver``) and the
``playwright`` package; browsers are never downloaded. Without them the test is skipped,
unless ``LETTERLINT_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which makes it fail instead.
``LETTERLINT_UPDATE_SCREENSHOTS=1`` also refreshes the README's ``docs/images/app-editor.png``.

The server runs with the settings shipped in ``.streamlit/config.toml`` beside app.py (no
flags), so the test sees what a user sees: no Deploy button, no request leaving the machine.
It also measures the editor's latency, from the last keystroke to the new highlights.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
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
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
def server(
    browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
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
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    "streamlit exited early:\n"
                    + (work / "streamlit.log").read_text(errors="replace")
                )
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


def one_page_letter() -> str:
    """Two hostile samples joined into one page (316 words, about 60 findings), the letter
    of ``benchmarks/bench_app_relint.py``: a worst case for the editor's latency."""
    first = (SAMPLES / "bad-final-demand.txt").read_text(encoding="utf-8")
    second = (SAMPLES / "bad-first-reminder.txt").read_text(encoding="utf-8")
    body = second.split("Dear Sir/Madam,", 1)[1].split("Yours faithfully", 1)[0].strip()
    head, tail = first.split("Credit Control Department", 1)
    return head.rstrip() + "\n\n" + body + "\n\nCredit Control Department" + tail


LATENCY_SAMPLES = 15
LATENCY_BUDGET_MS = 300.0
LATENCY_ROUNDS = 3


def fresh(page: Page) -> Locator:
    """The editor once the highlights shown are those of the text in it and the page is idle."""
    from playwright.sync_api import expect

    editor = page.locator(".ll-editor")
    expect(editor).to_have_attribute("data-state", "fresh")
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden()
    return editor


def card(page: Page, title: str) -> Locator:
    return page.locator(".ll-card").filter(has=page.locator(".ll-card-title", has_text=title))


# Resolves once the editor shows the highlights of the text in it and nothing is waiting
# to be sent; a MutationObserver is woken by the change itself, so nothing polls the page.
WHEN_FRESH = """root => new Promise((resolve, reject) => {
    const done = () => root.dataset.state === "fresh" && !root._letterlint.timer;
    if (done()) return resolve(true);
    setTimeout(() => reject(new Error("the editor is not fresh after 20 s")), 20000);
    const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); resolve(true); } });
    watch.observe(root, {attributes: true, attributeFilter: ["data-state"]});
})"""


def measure_latency(page: Page) -> list[float]:
    """Type at the end of the letter, pause, repeat: the ms from each last keystroke to the
    highlights of that text, as the component records them (``window.__letterlintLatencies``)."""

    box = page.locator("textarea.ll-input")
    box.click()
    page.keyboard.press("Control+End")
    page.evaluate("window.__letterlintLatencies = []; window.__letterlintRoundTrips = []")
    editor = page.locator(".ll-editor")
    for i in range(LATENCY_SAMPLES):
        before = box.evaluate("e => e.scrollTop")
        page.keyboard.type(" Thank you, debtor." if i % 2 else " Please call us.", delay=25)
        # Wait inside the page, not with expect(): expect() polls the page, and each poll
        # runs on the page's main thread (30-130 ms of layout each on a 2-core machine,
        # measured with a Chromium trace), delaying the very timer and paint being timed.
        editor.evaluate(WHEN_FRESH)
        # the cursor stays where the user typed, and the letter does not scroll away
        caret, length, after = box.evaluate("e => [e.selectionStart, e.value.length, e.scrollTop]")
        assert caret == length and after >= before
        time.sleep(0.7)  # a pause, as a person reads what changed; the rest of the page settles
    trips = [
        t for t in page.evaluate("window.__letterlintRoundTrips") if t == t
    ]  # (NaN: nothing sent)
    print(f"\nround trips (text sent → highlights shown): median {statistics.median(trips):.0f} ms")
    return list(page.evaluate("window.__letterlintLatencies"))


@pytest.mark.slow
def test_editor_in_a_real_browser(server: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from letterlint import check_text

    url, work = server
    expect.set_options(timeout=20_000)
    outside: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, accept_downloads=True
            )
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.on(
                "request",
                lambda r: (
                    None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url)
                ),
            )
            page.on(
                "console", lambda m: console_errors.append(m.text) if m.type == "error" else None
            )
            page.goto(url)
            # The first run (which builds the language pipeline) ends with the editor
            # mounted before anything is clicked: once, a click during that run left the
            # editor showing the empty letter while the score showed the opened one.
            fresh(page)

            # open a sample from the templates folder: highlights in the text, cards beside it
            page.get_by_role("button", name="Open template").click()
            expect(page.get_by_text("Opened bad-final-demand.txt.")).to_be_visible()
            editor = fresh(page)
            expect(editor.locator("mark.ll-error").first).to_be_visible()
            expect(page.get_by_test_id("stMetricValue").first).to_have_text(
                re.compile(r"^\d+/100$")
            )
            expect(page.get_by_text("After the rewrite")).to_be_visible()
            expect(page.get_by_text("Costs the most:")).to_be_visible()
            expect(page.get_by_role("button", name="Deploy")).to_have_count(0)
            expect(page.get_by_test_id("stMainMenu")).to_have_count(0)
            expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "app-editor.png"))
            if os.environ.get("LETTERLINT_UPDATE_SCREENSHOTS") == "1":
                README_SHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(README_SHOT))

            # the legend keeps each entry on one line
            for entry in editor.locator(".ll-legend-row > span").all():
                assert entry.bounding_box()["height"] < 24, entry.inner_text()

            # clicking a highlight opens its card
            mark = editor.locator("mark", has_text="DEFAULTER").first
            box = mark.bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            opened = card(page, "Stigmatising language: ‘DEFAULTER’")
            expect(opened).to_have_class(re.compile(r"\bll-open\b"))
            expect(opened.locator("details")).to_have_attribute("open", "")
            expect(opened).to_be_in_viewport()
            page.screenshot(path=str(ARTIFACTS / "app-editor-card.png"))

            # latency: from the last keystroke to the updated highlights, on a one-page letter.
            # A shared machine has busy moments, so up to LATENCY_ROUNDS rounds of edits are
            # measured and the best round's median must be within budget (as a benchmark
            # takes the best of several runs); every round is printed.
            rounds: list[tuple[float, float, list[float]]] = []
            for _ in range(LATENCY_ROUNDS):
                page.get_by_role("textbox", name="Letter", exact=True).fill(one_page_letter())
                expect(page.locator(".ll-card")).to_have_count(len(check_text(one_page_letter())))
                fresh(page)
                latencies = measure_latency(page)
                assert len(latencies) == LATENCY_SAMPLES, latencies
                median = statistics.median(latencies)
                p90 = statistics.quantiles(latencies, n=10)[-1]
                print(
                    f"\neditor latency over {len(latencies)} edits: "
                    f"median {median:.0f} ms, p90 {p90:.0f} ms"
                )
                rounds.append((median, p90, latencies))
                if median <= LATENCY_BUDGET_MS:
                    break
            best = min(rounds)
            assert best[0] <= LATENCY_BUDGET_MS, (
                f"best of {len(rounds)} rounds: median {best[0]:.0f} ms, p90 {best[1]:.0f} ms: "
                f"{[round(r[0]) for r in rounds]}"
            )
            expect(
                editor.locator("mark", has_text="debtor").last
            ).to_be_visible()  # what was typed is linted

            # paste a letter: the label and the threat are highlighted and carded
            letter = page.get_by_role("textbox", name="Letter", exact=True)
            letter.fill(LETTER)
            editor = fresh(page)
            expect(
                editor.locator("mark.ll-stigmatising-language", has_text="debtor")
            ).to_be_visible()
            expect(
                editor.locator("mark.ll-threatening-tone", has_text="Failure to pay").first
            ).to_be_visible()
            debtor = card(page, "Stigmatising language: ‘debtor’ → ‘customer’")
            expect(debtor).to_have_count(1)
            expect(page.locator(".ll-group").first).to_contain_text("must change")  # errors first

            # accept one suggestion from its card: the text changes and the diff shows it
            debtor.get_by_role("button", name="Accept this fix").click()
            expect(letter).to_have_value(re.compile(r"^Dear customer,"))
            editor = fresh(page)
            expect(page.locator(".ll-diff del", has_text="debtor")).to_be_visible()
            expect(editor.locator("mark.ll-stigmatising-language")).to_have_count(0)
            expect(page.get_by_role("button", name="Undo")).to_be_enabled()

            # ignore a rule in this letter from its card
            inevitable = page.locator(
                ".ll-card", has=page.locator(".ll-card-meta", has_text="LL305")
            )
            expect(inevitable.first).to_be_visible()
            inevitable.first.get_by_role("button", name="Ignore this rule in this letter").click()
            expect(page.locator(".ll-ignored")).to_contain_text("LL305")
            expect(inevitable).to_have_count(0)

            # export to an HTML email and download it
            page.get_by_role("tab", name="Export").click()
            page.get_by_test_id("stSelectbox").filter(has_text="Export to").click()
            page.get_by_role("option", name="html-email").click()
            expect(
                page.get_by_test_id("stDownloadButton").filter(has_text="html-email")
            ).to_have_count(1)
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
            page.screenshot(path=str(ARTIFACTS / "app-editor-export.png"), full_page=True)

            # the Save tab offers the opened file's name (set while the tab was hidden)
            page.get_by_role("tab", name="Save").click()
            expect(
                page.get_by_role("textbox", name="File name in the templates folder")
            ).to_have_value("bad-final-demand.txt")

            # a corrupt upload through the real uploader: a clear error, the letter stays
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                files=[
                    {
                        "name": "broken.docx",
                        "mimeType": "application/octet-stream",
                        "buffer": b"PK\x03\x04 not a zip",
                    }
                ]
            )
            expect(page.get_by_text(re.compile(r"^Could not open broken\.docx: "))).to_be_visible()
            expect(letter).to_have_value(re.compile(r"^Dear customer,"))
        except BaseException:
            # what the page and the server looked like when it failed, for a CI log
            shot = ARTIFACTS / "app-editor-failure.png"
            with contextlib.suppress(Exception):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                context.pages[0].screenshot(path=str(shot), full_page=True)
            log = (work / "streamlit.log").read_text(errors="replace")
            print(f"\nscreenshot: {shot}\nthe server's log, its end:\n{log[-3000:]}")
            raise
        finally:
            browser.close()
    assert not outside, f"the page asked for something outside the app: {outside}"
    assert not console_errors, console_errors


@pytest.mark.slow
def test_a_template_opened_at_once_is_the_letter_in_the_editor(server: tuple[str, Path]) -> None:
    """'Open template' clicked as soon as it shows, before the editor is up: the editor ends
    with the opened letter, not the empty one (a render of the earlier run that arrives last
    is dropped by the editor, which knows the letter's revision)."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = server
    expect.set_options(timeout=20_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.get_by_role("button", name="Open template").click()
            expect(page.get_by_text("Opened bad-final-demand.txt.")).to_be_visible()
            editor = fresh(page)
            first_line = (SAMPLES / "bad-final-demand.txt").read_text().splitlines()[0]
            expect(editor.locator(".ll-input")).to_have_value(
                re.compile("^" + re.escape(first_line))
            )
            assert int(editor.get_attribute("data-findings") or "0") > 0
        finally:
            browser.close()
