"""`/techniques`: the catalogue of aller-vers techniques and the initiatives that use them."""

from . import bp  # noqa: F401
