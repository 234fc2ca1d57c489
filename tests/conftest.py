from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_letters"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


_WHEEL_BUILD = pytest.StashKey[tuple[subprocess.Popen[bytes], Path]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start building the wheel as soon as test_wheel.py is collected, in the background.

    ``pip wheel`` spends most of its ~20 s setting up an isolated build environment, mostly
    waiting; started here it overlaps the rest of the suite instead of adding to it.
    The `built_wheel` fixture waits for it.
    """
    if any(item.path.name == "test_wheel.py" for item in items):
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="letterlint-wheel-"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(ROOT)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        config.stash[_WHEEL_BUILD] = (proc, folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    build = config.stash.get(_WHEEL_BUILD, None)
    if build is not None:
        import shutil

        proc, folder = build
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def built_wheel(pytestconfig: pytest.Config) -> Path:
    """The wheel of this source tree, built once per session (see the hook above)."""
    build = pytestconfig.stash.get(_WHEEL_BUILD, None)
    if build is None:  # test_wheel.py was not collected by the hook (e.g. run by node id)
        pytest.fail("the wheel build was not started: run test_wheel.py through pytest")
    proc, folder = build
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out.decode("utf-8", "replace")
    (wheel,) = folder.glob("letterlint-*.whl")
    return wheel


def spawn_cli(
    *args: str,
    cwd: Path | str = ROOT,
    input: bytes | None = None,
    cache: bool = False,
    module: str = "letterlint",
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter (``python -m letterlint``), as a user or a CI job would.

    Each run pays the interpreter and spaCy start-up (about a second), so only the smoke
    tests (marked ``slow``) use it; the rest call `run_cli`, which gives the same result
    in-process. The result cache is off unless ``cache=True``.
    """
    env = {**os.environ, "LETTERLINT_NO_CACHE": "0" if cache else "1"}
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=120,
        env=env,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def _process_state() -> dict[str, object]:
    """What one CLI run must leave as it found it when it runs inside a longer process."""
    import gc
    import logging
    import signal

    return {
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "sys.path": list(sys.path),
        "gc thresholds": gc.get_threshold(),
        "gc frozen": gc.get_freeze_count(),
        "signal handlers": {
            s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE)
        },
        "logging": {
            name: (lg.level, list(lg.handlers), lg.disabled)
            for name, lg in [("", logging.getLogger())]
            + [(n, logging.getLogger(n)) for n in ("pypdf", "letterlint", "matplotlib")]
        },
    }


def run_cli(
    *args: str, cwd: Path | str = ROOT, input: bytes | None = None, cache: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``letterlint ARGS`` in this process: `letterlint.frontends.cli.main` with its own stdin,
    stdout, stderr, current folder and ``LETTERLINT_NO_CACHE``, returning what `spawn_cli`
    would (exit code and decoded output), without a second of start-up per call.

    Standard streams are bytes-backed UTF-8 with ``surrogateescape`` like a real process's
    under the C.UTF-8 locale, and not terminals (so no progress bar). ``SystemExit`` (usage
    errors, ``--help``, ``--version``) becomes the exit code; any other exception is a bug and
    propagates. The run must leave the process as it found it (environment, folder, signal
    handlers, logging, gc thresholds): one CLI call leaking state into the next is a bug in
    `main`, so it fails the test here. The result cache is off unless ``cache=True``.
    """
    from letterlint.frontends import cli

    out, err = io.BytesIO(), io.BytesIO()

    def stream(buf: io.BytesIO) -> io.TextIOWrapper:
        return io.TextIOWrapper(buf, encoding="utf-8", errors="surrogateescape", newline="\n")

    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_cwd = os.getcwd()
    saved_env = os.environ.get("LETTERLINT_NO_CACHE")
    os.chdir(cwd)
    os.environ["LETTERLINT_NO_CACHE"] = "0" if cache else "1"
    before = _process_state()
    streams = stream(io.BytesIO(input or b"")), stream(out), stream(err)  # kept: a dropped wrapper
    sys.stdin, sys.stdout, sys.stderr = streams  # closes its buffer
    try:
        try:
            rc = cli.main(list(args))
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                rc = exc.code or 0
            else:  # SystemExit("message"): Python prints it and exits 1
                print(exc.code, file=sys.stderr)
                rc = 1
        for s in streams[1:]:
            s.flush()
        after = _process_state()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        if saved_env is None:
            os.environ.pop("LETTERLINT_NO_CACHE", None)
        else:
            os.environ["LETTERLINT_NO_CACHE"] = saved_env
    leaked = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not leaked, f"letterlint {' '.join(args)} left process state changed: {leaked}"
    return subprocess.CompletedProcess(
        ["letterlint", *args], rc, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    )


def assert_snapshot(name: str, actual: str) -> None:
    """Compare with tests/snapshots/NAME. A missing snapshot fails like a changed one (as insta
    does): a new one is accepted only by running with UPDATE_SNAPSHOTS=1, which writes it."""
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(
            f"snapshot {name} is missing; run the tests with UPDATE_SNAPSHOTS=1, "
            "review it and commit it"
        )
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"snapshot {name} changed; review and re-run with UPDATE_SNAPSHOTS=1"


def make_docx(
    text: str,
    *,
    header: str | None = None,
    footer: str | None = None,
    table: list[list[str]] | None = None,
    textbox: str | None = None,
) -> bytes:
    """A real .docx: one paragraph per line; ``[[...]]`` becomes bold red text."""
    from docx import Document
    from docx.shared import RGBColor

    doc = Document()
    for line in text.split("\n"):
        p = doc.add_paragraph()
        for i, part in enumerate(re.split(r"\[\[(.*?)\]\]", line)):
            if not part:
                continue
            run = p.add_run(part)
            if i % 2 == 1:
                run.bold = True
                run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, val in enumerate(row):
                t.cell(r, c).text = val
    sec = doc.sections[0]
    if header:
        sec.header.paragraphs[0].text = header
    if footer:
        sec.footer.paragraphs[0].text = footer
    if textbox:
        _add_textbox(doc, textbox)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _add_textbox(doc, text: str) -> None:
    """A text box as Word writes it: DrawingML with a VML fallback holding the same text."""
    from docx.oxml import parse_xml

    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    box = f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
    xml = (
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx>{box}</wps:txbx></mc:Choice>'
        f"<mc:Fallback><v:textbox>{box}</v:textbox></mc:Fallback></mc:AlternateContent></w:r>"
    )
    p = doc.add_paragraph("See the box: ")
    p._p.append(parse_xml(xml))


def make_pdf(pages: list[list[str]]) -> bytes:
    """A real PDF with a text layer: each page a list of lines in Helvetica.

    Written by hand (objects, content streams and a cross-reference table) so the tests
    need no PDF-writing library; ``[]`` as a page gives a page with no text at all, as a
    scanned letter would have.
    """
    objects: list[bytes] = []
    kids = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    for i, lines in enumerate(pages):
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        kids.append(f"{page_id} 0 R")
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({esc}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    tree = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {n_pages} >>".encode()
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    all_objs = [catalog, tree, *objects, font]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for num, body in enumerate(all_objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(all_objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(all_objs) + 1,
        xref,
    )
    return bytes(out)


def make_odt(
    paragraphs: list[str],
    *,
    heading: str | None = None,
    table: list[list[str]] | None = None,
    footer: str | None = None,
) -> bytes:
    """A real OpenDocument text file written with odfdo."""
    from odfdo import Document, Header, Paragraph, Table

    doc = Document("text")
    if heading:
        doc.body.append(Header(1, heading))
    for p in paragraphs:
        doc.body.append(Paragraph(p))
    if table:
        t = Table("T1", width=len(table[0]), height=len(table))
        for r, row in enumerate(table):
            for c, val in enumerate(row):
                t.set_value((c, r), val)
        doc.body.append(t)
    if footer:
        doc.styles.get_elements("//style:master-page")[0].set_page_footer(footer)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def modules_loaded(imports: str, names: list[str] | tuple[str, ...]) -> list[str]:
    """Which of ``names`` a fresh interpreter has loaded after ``import {imports}``: what a
    user's process pays for at start-up."""
    import json

    code = (
        f"import json, sys\nimport {imports}\n"
        f"print(json.dumps(sorted(set({list(names)!r}) & set(sys.modules))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return list(json.loads(out.stdout))
