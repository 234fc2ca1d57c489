"""Readers: turn a file's bytes into a `SourceText` — the text that findings point into.

Each reader decides two strings: ``source``, the text that offsets in the output refer to
(the decoded file for txt/md/html/templates; the extracted text for .docx; subject plus
body for .eml), and ``text``, what is linted (the visible text). When they differ, an
`OffsetMap` maps every linted character back to its span in ``source``, so a finding in
HTML points at ``&pound;`` as written, not at the decoded ``£``.

Bad input never raises anything but `ReadError`, whose ``code`` is one of the JSON error
codes (contract 2).
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
import zipfile
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from letterlint.core.doc_kinds import KIND_BY_SUFFIX, UNSUPPORTED_SUFFIXES
from letterlint.core.files import BOMS
from letterlint.core.spans import OffsetMap, SourceMap

# Size limits. A collection letter is a few kilobytes; these leave a wide margin while
# keeping a stray log file or archive from eating memory.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_DOCX_BYTES = 25 * 1024 * 1024
# Zip guard for .docx (checked before python-docx unpacks anything).
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_MEMBER = 50 * 1024 * 1024
MAX_ZIP_TOTAL = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200


class ReadError(Exception):
    """A file that cannot be linted; ``code`` is a JSON error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RunFormat:
    """Direct formatting of a stretch of .docx text (offsets in the extracted text)."""

    start: int
    end: int
    bold: bool = False
    caps: bool = False
    color: str | None = None  # "RRGGBB" when set


@dataclass(frozen=True)
class SourceText:
    path: str
    kind: str
    source: str
    text: str
    offsets: OffsetMap | None = None
    formatting: tuple[RunFormat, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the linted text to the source text."""
        return SourceMap(offsets=self.offsets).to_source(start, end)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the source text to the linted text (its inverse)."""
        return SourceMap(offsets=self.offsets).to_text(start, end)


def kind_for(path: str | Path) -> str | None:
    """The reader kind for a file name, or None when the extension is not known."""
    return KIND_BY_SUFFIX.get(Path(path).suffix.lower())


# --------------------------------------------------------------------------- decoding

_BINARY_MAGIC = (b"%PDF", b"\xd0\xcf\x11\xe0", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def decode_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Decode text: a BOM wins, then UTF-8, then Windows-1252 (with a note).

    Line endings are kept so that offsets and line numbers match the file.
    """
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError(
            "too-large", f"file is {len(data):,} bytes; the limit is {MAX_TEXT_BYTES:,}"
        )
    if not data.strip():
        raise ReadError("unreadable", "file is empty")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), ()
            except UnicodeDecodeError as exc:
                raise ReadError(
                    "decode-error",
                    f"not valid {enc} after its byte-order mark: {exc.reason} at byte {exc.start}",
                ) from None
    head = data[:8192]
    if b"\x00" in head or data.startswith(_BINARY_MAGIC):
        raise ReadError("binary", "file looks binary, not text")
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ReadError(
            "decode-error",
            f"not UTF-8 (bad byte at {first_bad}) and not Windows-1252 "
            f"(byte 0x{data[exc.start]:02x} at {exc.start})",
        ) from None
    line = data[:first_bad].count(b"\n") + 1
    return text, (f"not valid UTF-8 (first bad byte on line {line}); read as Windows-1252",)


# --------------------------------------------------------------------------- html

_HTML_TOKEN = re.compile(
    r"<!--.*?(?:-->|$)"  # comment
    r"|<!\[CDATA\[.*?(?:\]\]>|$)"  # CDATA
    r"|<[!?][^>]*>?"  # doctype / processing instruction
    # tag (bounded: linear time)
    r"|</?([a-zA-Z][\w:.-]{0,64})(?:[^>\"'<]|\"[^\"]{0,2000}\"|'[^']{0,2000}'){0,4000}>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?",  # entity
    re.S,
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul "
    "title".split()
)
_HIDDEN_TAGS = frozenset({"script", "style", "head", "template", "noscript", "svg"})
_WS = re.compile(r"[\t\r\n\f\v\xa0]")


def html_visible_text(source: str, base: int = 0) -> tuple[str, OffsetMap]:
    """The visible text of an HTML document and a map back into ``source``.

    Entities are decoded (the decoded characters map to the whole entity), block
    elements and ``<br>`` become line breaks, other whitespace becomes spaces, and
    ``<script>``, ``<style>`` and ``<head>`` are skipped. ``base`` is added to every
    source offset (for an HTML body inside an .eml).
    """
    out: list[str] = []
    starts = array("l")
    ends = array("l")
    hidden = 0
    pos = 0

    def emit(s: str, a: int, b: int) -> None:
        out.append(s)
        for _ in s:
            starts.append(base + a)
            ends.append(base + b)

    def emit_data(a: int, b: int) -> None:
        chunk = _WS.sub(" ", source[a:b])
        out.append(chunk)
        starts.extend(range(base + a, base + b))
        ends.extend(range(base + a + 1, base + b + 1))

    for m in _HTML_TOKEN.finditer(source):
        if m.start() > pos and not hidden:
            emit_data(pos, m.start())
        pos = m.end()
        tok = m.group(0)
        tag = m.group(1)
        if tag is not None:
            name = tag.lower()
            closing = tok.startswith("</")
            if name in _HIDDEN_TAGS:
                if closing:
                    hidden = max(0, hidden - 1)
                elif not tok.endswith("/>"):
                    hidden += 1
                continue
            if not hidden and name in _BLOCK_TAGS:
                emit("\n", m.start(), m.end())
        elif tok.startswith("&") and not hidden:
            decoded = html.unescape(tok)
            decoded = _WS.sub(" ", decoded)
            emit(decoded, m.start(), m.end())
    if pos < len(source) and not hidden:
        emit_data(pos, len(source))
    return "".join(out), OffsetMap(starts, ends)


# --------------------------------------------------------------------------- docx


def _guard_zip(data: bytes, label: str = ".docx", corrupt: str = "corrupt-docx") -> zipfile.ZipFile:
    """Reject zip bombs before anything is unpacked (sizes are counted, not trusted).

    Used for .docx and .odt (both are zip packages); ``corrupt`` is the error code for a
    package that is not a valid zip.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(corrupt, f"not a valid {label} (zip) file: {exc}") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ReadError(
            "unsafe-archive", f"{label} holds {len(infos)} parts; the limit is {MAX_ZIP_MEMBERS}"
        )
    total = 0
    for info in infos:
        if info.file_size > MAX_ZIP_MEMBER or (
            info.compress_size
            and info.file_size > (1 << 20)
            and info.file_size / info.compress_size > MAX_ZIP_RATIO
        ):
            raise ReadError(
                "unsafe-archive",
                f"{label} part {info.filename!r} would unpack to {info.file_size:,} bytes "
                "(a zip bomb?)",
            )
    for info in infos:
        try:
            with zf.open(info) as fh:
                n = 0
                while chunk := fh.read(1 << 16):
                    n += len(chunk)
                    total += len(chunk)
                    if n > MAX_ZIP_MEMBER or total > MAX_ZIP_TOTAL:
                        raise ReadError(
                            "unsafe-archive",
                            f"{label} unpacks to more than {MAX_ZIP_TOTAL:,} bytes (a zip bomb?)",
                        )
        except ReadError:
            raise
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            zlib.error,
        ) as exc:
            raise ReadError(corrupt, f"damaged {label} part {info.filename!r}: {exc}") from None
    return zf


def read_docx(data: bytes, path: str) -> SourceText:
    """Headers, the body with tables in place, footers, then text boxes (each once)."""
    if len(data) > MAX_DOCX_BYTES:
        raise ReadError(
            "too-large", f"file is {len(data):,} bytes; the limit is {MAX_DOCX_BYTES:,}"
        )
    if not data:
        raise ReadError("unreadable", "file is empty")
    _guard_zip(data)
    from letterlint.reading import docx_text  # lazy: python-docx (150-200 ms), only for .docx

    try:
        text, runs = docx_text.extract(data)
    except ReadError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types on damaged files
        raise ReadError(
            "corrupt-docx", f"cannot read the .docx: {type(exc).__name__}: {exc}"
        ) from None
    if not text.strip():
        raise ReadError("unreadable", ".docx has no text")
    return SourceText(path=path, kind="docx", source=text, text=text, formatting=tuple(runs))


# --------------------------------------------------------------------------- eml


def read_eml(data: bytes, path: str) -> SourceText:
    """Subject line, a blank line, then the text/plain body (else the HTML body's text)."""
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError(
            "too-large", f"file is {len(data):,} bytes; the limit is {MAX_TEXT_BYTES:,}"
        )
    if not data.strip():
        raise ReadError("unreadable", "file is empty")
    if b"\x00" in data[:8192]:
        raise ReadError("binary", "file looks binary, not an email")
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        subject = str(msg.get("subject") or "").replace("\r", " ").replace("\n", " ").strip()
        part = msg.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else None
    except (LookupError, ValueError, TypeError, AttributeError) as exc:
        raise ReadError("unreadable", f"cannot parse the email: {exc}") from None
    except RecursionError:
        raise ReadError("too-complex", "the email nests its parts too deeply to be read") from None
    if body is None or not isinstance(body, str):
        raise ReadError("unreadable", "email has no text/plain or text/html body")
    head = subject + "\n\n"
    source = head + body
    if part.get_content_type() == "text/html":
        visible, omap = html_visible_text(body, base=len(head))
        starts = array("l", range(len(head)))
        ends = array("l", range(1, len(head) + 1))
        starts.extend(omap.starts)
        ends.extend(omap.ends)
        return SourceText(
            path=path,
            kind="eml",
            source=source,
            text=head + visible,
            offsets=OffsetMap(starts, ends),
        )
    return SourceText(path=path, kind="eml", source=source, text=source)


# --------------------------------------------------------------------------- dispatch


def read_bytes(data: bytes, path: str, kind: str | None = None) -> SourceText:
    """Read ``data`` as the file ``path``; ``kind`` overrides the extension."""
    suffix = Path(path).suffix.lower()
    if kind is None:
        if suffix in UNSUPPORTED_SUFFIXES:
            raise ReadError(
                "unsupported-format",
                f"{UNSUPPORTED_SUFFIXES[suffix]} files are not supported; export the letter as "
                ".docx, .html or .txt",
            )
        kind = KIND_BY_SUFFIX.get(suffix, "text")
    if kind == "docx":
        return read_docx(data, path)
    if kind == "eml":
        return read_eml(data, path)
    if kind in ("pdf", "odt"):
        # lazy: it loads logging (5-10 ms of start-up), pypdf and odfdo when read; only for these
        from letterlint.reading import document_text

        return (
            document_text.read_pdf(data, path)
            if kind == "pdf"
            else document_text.read_odt(data, path)
        )
    if data[:4] == b"PK\x03\x04" and kind not in ("docx",):
        raise ReadError("binary", "file is a zip archive, not text")
    source, notes = decode_text(data)
    if kind == "html":
        visible, omap = html_visible_text(source)
        return SourceText(
            path=path, kind=kind, source=source, text=visible, offsets=omap, notes=notes
        )
    return SourceText(path=path, kind=kind, source=source, text=source, notes=notes)


def read_text(text: str, path: str, kind: str = "text") -> SourceText:
    """Wrap text that is already decoded (the API's ``check_text``)."""
    if kind == "html":
        visible, omap = html_visible_text(text)
        return SourceText(path=path, kind=kind, source=text, text=visible, offsets=omap)
    if kind == "eml":
        return read_eml(text.encode("utf-8"), path)
    return SourceText(path=path, kind=kind, source=text, text=text)
