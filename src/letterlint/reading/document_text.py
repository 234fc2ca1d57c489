"""Text out of the archive formats consultants meet: PDF (its text layer) and OpenDocument.

Both readers are imported only when such a file is read, so the libraries behind them
(pypdf, odfdo) cost nothing on a run over plain text. A failure becomes a `ReadError`
with a message that says what to do, never a traceback.
"""

from __future__ import annotations

import io
import logging
import re
import time
from typing import Any

from letterlint.reading.readers import MAX_DOCX_BYTES, ReadError, SourceText, _guard_zip

MAX_PDF_BYTES = 32 * 1024 * 1024
MAX_PDF_PAGES = 200
"""A letter is a few pages; a 200-page PDF is a bundle or a statement, not a letter."""

MAX_PDF_SECONDS = 10.0
"""Wall time for reading one PDF's text layer (a normal letter takes milliseconds)."""
MAX_PDF_TEXT_CHARS = 1_000_000

_TRAILING_SPACES = re.compile(r"[ \t]+\n")


def read_pdf(data: bytes, path: str) -> SourceText:
    """The text layer of every page, pages separated by a blank line.

    A scanned letter has no text layer: that is reported as unreadable with the advice
    to run OCR first, rather than audited as an empty letter.
    """
    if len(data) > MAX_PDF_BYTES:
        raise ReadError(
            "too-large", f"file is {len(data):,} bytes; the limit for a PDF is {MAX_PDF_BYTES:,}"
        )
    if not data.strip():
        raise ReadError("unreadable", "file is empty")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReadError("unreadable", "not a PDF file (no %PDF header)")
    from pypdf import PdfReader

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)  # pypdf warns about every repaired cross-reference
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are "encrypted" with an empty password
            except Exception:  # noqa: BLE001 - unsupported encryption algorithms raise various types
                opened = 0
            if not opened:
                raise ReadError(
                    "unreadable", "PDF is password-protected; save an unprotected copy to audit it"
                )
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise ReadError(
                "too-large", f"PDF has {len(pages)} pages; the limit is {MAX_PDF_PAGES}"
            )
        texts = _page_texts(pages)
    except ReadError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise ReadError("unreadable", f"damaged PDF: {type(exc).__name__}: {exc}") from None
    finally:
        log.setLevel(level)
    text = "\n\n".join(_TRAILING_SPACES.sub("\n", t).strip("\n") for t in texts)
    if not text.strip():
        raise ReadError(
            "unreadable", "PDF has no text layer (a scanned image?); run it through OCR first"
        )
    return SourceText(path=path, kind="pdf", source=text, text=text)


def _page_texts(pages: Any) -> list[str]:
    """Each page's text, within `MAX_PDF_SECONDS` and `MAX_PDF_TEXT_CHARS` for the file.

    Pages that share their content streams (a 7 KB PDF can point every page at one
    3.8 MB stream) are extracted once: the text is the same.
    """
    deadline = time.monotonic() + MAX_PDF_SECONDS
    by_contents: dict[tuple[int, ...], str] = {}
    texts: list[str] = []
    size = 0
    for n, page in enumerate(pages, start=1):
        key = _contents_key(page)
        text = by_contents.get(key) if key is not None else None
        if text is None:
            text = page.extract_text() or ""
            if key is not None:
                by_contents[key] = text
        size += len(text)
        if size > MAX_PDF_TEXT_CHARS:
            raise ReadError(
                "too-large", f"the PDF's text is over {MAX_PDF_TEXT_CHARS:,} characters (page {n})"
            )
        if time.monotonic() > deadline:
            raise ReadError(
                "too-complex",
                f"reading the PDF's text took over {MAX_PDF_SECONDS:g} s (at page {n} "
                f"of {len(pages)})",
            )
        texts.append(text)
    return texts


def _contents_key(page: Any) -> tuple[int, ...] | None:
    """The object numbers of a page's content streams, or None when they are not references."""
    ref = page.get("/Contents")
    refs = ref if isinstance(ref, list) else [ref]
    nums = [getattr(r, "idnum", None) for r in refs]
    return None if ref is None or None in nums else tuple(nums)  # type: ignore[arg-type]


_ODT_PARAGRAPHS = "//text:p | //text:h"


def read_odt(data: bytes, path: str) -> SourceText:
    """Page headers, the body (tables and lists in place), then page footers.

    Paragraphs nested in another paragraph (text boxes, notes) are read with their
    parent's text by odfdo, so they are skipped on their own to avoid reading them twice.
    """
    if len(data) > MAX_DOCX_BYTES:
        raise ReadError(
            "too-large", f"file is {len(data):,} bytes; the limit is {MAX_DOCX_BYTES:,}"
        )
    if not data:
        raise ReadError("unreadable", "file is empty")
    _guard_zip(
        data, ".odt", "unreadable"
    )  # also reads every part once: a damaged stream fails here
    from odfdo import Document

    try:
        doc = Document(io.BytesIO(data))
        if doc.get_type() not in ("text", "text-template"):
            raise ReadError(
                "unreadable",
                f"this OpenDocument file holds a {doc.get_type()}, not a text document",
            )
        header = _paragraphs(doc.styles, "//style:header//text:p | //style:header//text:h")
        body = _paragraphs(doc.body, _ODT_PARAGRAPHS)
        footer = _paragraphs(doc.styles, "//style:footer//text:p | //style:footer//text:h")
    except ReadError:
        raise
    except Exception as exc:  # odfdo and lxml raise many types on damaged files
        raise ReadError("unreadable", f"damaged .odt: {type(exc).__name__}: {exc}") from None
    text = "\n".join(header + body + footer).strip("\n")
    if not text.strip():
        raise ReadError("unreadable", ".odt has no text")
    return SourceText(path=path, kind="odt", source=text, text=text)


def _paragraphs(root: object, xpath: str) -> list[str]:
    if root is None:
        return []
    out = []
    for el in root.get_elements(xpath):  # type: ignore[attr-defined]
        parent = el.parent
        nested = False
        while parent is not None:
            if parent.tag in ("text:p", "text:h"):
                nested = True
                break
            parent = parent.parent
        if not nested:
            out.append(el.text_recursive)
    return out
