"""Fixtures of the sign-in limits' tests."""

import pytest

from tests.helpers import REDIS_URL, redis_or_skip


@pytest.fixture(params=["database", "redis"])
def store(request, app) -> str:
    """Each counter test runs on both stores: the database, and Redis when configured."""
    if request.param == "redis":
        redis_or_skip()
        app.config["REDIS_URL"] = REDIS_URL
    return request.param
