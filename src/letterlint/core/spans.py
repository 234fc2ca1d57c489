"""Offsets and positions: the maps between the file's source text, the linted text and a
template variant, and the 1-based line and column of an offset.

Three texts are in play for one letter. The **source** is the file's own text (what every
finding's offsets point into). The **linted text** is what the reader extracted (the
visible text of HTML, a .docx's paragraphs); an `OffsetMap` joins it to the source, and is
absent when the two are the same. A **variant** is one rendering of a template (one branch
of each ``{% if %}``); its slices map it to the linted text. `SourceMap` composes the two,
so a span of analysed text becomes a source span in one call, and back.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Protocol


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts (``\\n``, ``\\r\\n`` and lone ``\\r`` end lines)."""
    starts = [0]
    for m in re.finditer(r"\r\n|\r|\n", text):
        starts.append(m.end())
    return starts


def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``."""
    i = bisect_right(starts, offset) - 1
    return i + 1, offset - starts[i] + 1


@dataclass(frozen=True)
class OffsetMap:
    """For each character of the linted text, its ``[start, end)`` span in the source."""

    starts: array
    ends: array

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the linted text as a span of the source."""
        n = len(self.starts)
        if n == 0:
            return 0, 0
        s = self.starts[min(start, n - 1)]
        e = self.ends[min(max(end - 1, start), n - 1)] if end > start else s
        return s, max(e, s)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """A span of the source as a span of the linted text (markup between them dropped):
        where a finding or a `letterlint: off` region shows in the visible text."""
        n = len(self.starts)
        s = bisect_left(self.starts, start)
        e = max(s, bisect_left(self.starts, end))
        return min(s, n), min(e, n)


class VariantSlices(Protocol):
    """A template variant's map to the text it was rendered from (`templating.Variant`)."""

    def to_source(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass(frozen=True)
class SourceMap:
    """The one way from a span of the analysed text to the file's source text, and back.

    ``variant`` maps a template variant to the linted text (``None``: the text itself was
    analysed); ``offsets`` maps the linted text to the source (``None``: they are the same).
    """

    variant: VariantSlices | None = None
    offsets: OffsetMap | None = None

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """A span of the analysed text as a span of the file's source."""
        if self.variant is not None:
            start, end = self.variant.to_source(start, end)
        if self.offsets is not None:
            start, end = self.offsets.span(start, end)
        return start, end

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """A span of the source as a span of the linted text."""
        return (start, end) if self.offsets is None else self.offsets.to_text(start, end)
