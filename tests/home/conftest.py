"""The home page lists initiatives: the same factory as the initiative tests."""

from tests.initiatives.conftest import make_initiative  # noqa: F401  (a fixture, shared)
