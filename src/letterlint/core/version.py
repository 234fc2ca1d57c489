"""The package version, in one place for every module that stamps it on its output."""

__version__ = "0.1.0"
