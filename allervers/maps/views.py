"""Pages of the cooperation maps and the map editor."""

from . import bp  # noqa: F401
