"""File names as the output formats print them."""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def shown_path(path: str) -> str:
    """A file name safe to print: control characters (an escape sequence in a file name
    could rewrite the terminal) and undecodable bytes shown as ``\\xNN``."""
    if not _UNPRINTABLE.search(path):
        return path
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group(0)) & 0xFF:02x}", path)
