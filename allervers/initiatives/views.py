"""`/initiatives`: the shared base, an initiative's page and form, its partners and effects."""

from . import bp, presentation_views, technique_views  # noqa: F401 - they register their routes
