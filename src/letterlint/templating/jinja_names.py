"""The dotted names a Jinja expression reads (``customer.first_name``): one walker for the
exporters (which translate each variable into another dialect) and the rewrite (which lists
the variables a template needs in its sample context)."""

from __future__ import annotations

from collections.abc import Container
from typing import Any


def dotted_name(node: Any, assigned: Container[str] | None = None) -> str | None:
    """``a.b.c`` for a name with attribute lookups, else ``None``.

    With ``assigned`` (names the template sets itself: ``{% set %}``, loop variables), only a
    name the template reads from its context counts.
    """
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        if assigned is not None and (node.ctx != "load" or node.name in assigned):
            return None
        return node.name
    if isinstance(node, nodes.Getattr):
        base = dotted_name(node.node, assigned)
        return f"{base}.{node.attr}" if base else None
    return None
