"""The errors every layer may raise or report."""

from __future__ import annotations


class ConfigError(Exception):
    """A config or usage error (exit code 2)."""
