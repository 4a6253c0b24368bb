"""Stub: routes registered by this module."""

from . import bp  # noqa: F401
