"""`/presentations`: a formateur's case presentations for a group, and their slideshow."""

from . import bp  # noqa: F401
