"""Pages of the training follow-up; each part registers its routes from its own module."""

from . import assessment_views, bp, journal_views, tracking_views  # noqa: F401
