"""Text and run formatting out of a .docx, in the order contract 2 fixes.

python-docx's ``paragraph.text`` drops merge-field results and text boxes, and Word
stores every text box twice (DrawingML plus a VML fallback), so paragraphs are read
from their ``w:t`` elements directly and text boxes are collected once, skipping the
fallback copy.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from letterlint.reading.readers import RunFormat

_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TXBX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RPR, _B, _CAPS, _COLOR, _RSTYLE = (
    qn("w:rPr"),
    qn("w:b"),
    qn("w:caps"),
    qn("w:color"),
    qn("w:rStyle"),
)
_PPR, _PSTYLE = qn("w:pPr"), qn("w:pStyle")
_VAL = qn("w:val")


def _on(el: Any) -> bool:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``) is on unless its value says off."""
    if el is None:
        return False
    return el.get(_VAL) not in ("0", "false", "off")


class _Styles:
    """Effective bold / caps / colour of a style id, following ``basedOn``."""

    def __init__(self, document: Any) -> None:
        self._by_id: dict[str, Any] = {}
        try:
            for st in document.styles:
                if st.style_id:
                    self._by_id[st.style_id] = st
        except Exception:  # a styles part is optional
            pass
        self._cache: dict[str, tuple[bool | None, bool | None, str | None]] = {}

    def props(self, style_id: str | None) -> tuple[bool | None, bool | None, str | None]:
        if not style_id or style_id not in self._by_id:
            return None, None, None
        if style_id in self._cache:
            return self._cache[style_id]
        bold = caps = None
        color = None
        st = self._by_id[style_id]
        seen = 0
        while st is not None and seen < 20:
            seen += 1
            rpr = st.element.find(_RPR)
            if rpr is not None:
                if bold is None and rpr.find(_B) is not None:
                    bold = _on(rpr.find(_B))
                if caps is None and rpr.find(_CAPS) is not None:
                    caps = _on(rpr.find(_CAPS))
                c = rpr.find(_COLOR)
                if color is None and c is not None and c.get(_VAL) not in (None, "auto"):
                    color = c.get(_VAL)
            st = st.base_style
        self._cache[style_id] = (bold, caps, color)
        return bold, caps, color


def extract(data: bytes) -> tuple[str, list[RunFormat]]:
    """Return the document's text and the formatting of its runs."""
    document = Document(io.BytesIO(data))
    styles = _Styles(document)
    parts: list[str] = []
    runs: list[RunFormat] = []
    pos = 0

    def add_paragraph(p: Any) -> None:
        nonlocal pos
        pstyle_el = p.find(f"{_PPR}/{_PSTYLE}")
        pbold, pcaps, pcolor = styles.props(pstyle_el.get(_VAL) if pstyle_el is not None else None)
        buf: list[str] = []
        for r in p.iter(_R):
            if _inside(r, _TXBX, stop=p):
                continue
            text = "".join(
                (c.text or "") if c.tag == _T else ("\t" if c.tag == _TAB else "\n")
                for c in r
                if c.tag in (_T, _TAB, _BR, _CR)
            )
            if not text:
                continue
            rpr = r.find(_RPR)
            rs = rpr.find(_RSTYLE) if rpr is not None else None
            sbold, scaps, scolor = styles.props(rs.get(_VAL) if rs is not None else None)
            bold = (
                _on(rpr.find(_B))
                if rpr is not None and rpr.find(_B) is not None
                else (sbold if sbold is not None else bool(pbold))
            )
            caps = (
                _on(rpr.find(_CAPS))
                if rpr is not None and rpr.find(_CAPS) is not None
                else (scaps if scaps is not None else bool(pcaps))
            )
            cel = rpr.find(_COLOR) if rpr is not None else None
            color = (
                cel.get(_VAL) if cel is not None and cel.get(_VAL) != "auto" else (scolor or pcolor)
            )
            start = pos + sum(len(b) for b in buf)
            buf.append(text)
            if bold or caps or color:
                runs.append(
                    RunFormat(
                        start,
                        start + len(text),
                        bool(bold),
                        bool(caps),
                        color.upper() if color else None,
                    )
                )
        line = "".join(buf)
        parts.append(line)
        pos += len(line) + 1  # the joining newline

    def add_block(container: Any) -> None:
        for child in container:
            if child.tag == _P:
                add_paragraph(child)
            elif child.tag == _TBL:
                for tr in child.iter(_TR):
                    if _inside(tr, _TBL, stop=child):
                        continue  # nested tables are reached through their cell
                    seen_cells: set[int] = set()
                    for tc in tr.findall(_TC):
                        if id(tc) in seen_cells:
                            continue
                        seen_cells.add(id(tc))
                        add_block(tc)

    def header_footer_elements(attr_names: tuple[str, ...]) -> list[Any]:
        seen: set[int] = set()
        out = []
        for section in document.sections:
            for name in attr_names:
                hf = getattr(section, name)
                if hf.is_linked_to_previous:
                    continue
                el = hf._element
                if id(hf.part) in seen:
                    continue
                seen.add(id(hf.part))
                out.append(el)
        return out

    headers = header_footer_elements(("first_page_header", "header", "even_page_header"))
    footers = header_footer_elements(("first_page_footer", "footer", "even_page_footer"))
    for el in headers:
        add_block(el)
    add_block(document.element.body)
    for el in footers:
        add_block(el)
    for root in [*headers, document.element.body, *footers]:
        for box in root.iter(_TXBX):
            if _inside(box, _FALLBACK) or _inside(box, _TXBX):
                continue
            add_block(box)
    text = "\n".join(parts)
    return text, runs


def _inside(el: Any, tag: str, stop: Any = None) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False
