"""Pages of the directory (annuaire) of structures."""

from . import bp  # noqa: F401
