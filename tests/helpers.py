"""Small helpers for tests that go through the public surface (pages and forms)."""

import html
import os
import re

import pytest
from flask.testing import FlaskClient

TEST_PASSWORD = "mot-de-passe-de-test"
# For the tests that time password checks: production's method (scrypt, as allervers/config.py
# sets it) with 2**13 rounds instead of 2**15, so one hash (~50 ms) still outweighs the rest of
# the request several times while a test stays near a second (the suite uses 2**10).
TIMING_HASH_METHOD = "scrypt:8192:8:1"
CSRF_PATTERNS = (
    re.compile(r'name="csrf-token" content="([^"]+)"'),
    re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'),
    re.compile(r'type="hidden" name="csrf_token" value="([^"]+)"'),
)


def csrf_token(client: FlaskClient, path: str = "/connexion") -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    html = client.get(path).get_data(as_text=True)
    for pattern in CSRF_PATTERNS:
        match = pattern.search(html)
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path}")


def post_form(
    client: FlaskClient,
    path: str,
    data: dict | None = None,
    *,
    htmx: bool = False,
    token_from: str = "/connexion",
    **kwargs,
):
    """POST a form with the session's CSRF token, as the page's own form would."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    headers = {"HX-Request": "true"} if htmx else {}
    headers.update(kwargs.pop("headers", {}))
    return client.post(path, data=payload, headers=headers, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD, **kwargs):
    return post_form(client, "/connexion", {"email": email, "password": password}, **kwargs)


def fragment(client: FlaskClient, path: str):
    """GET as htmx does (not boosted): the answer is a fragment, not a whole page."""
    return client.get(path, headers={"HX-Request": "true"})


def text(response) -> str:
    """The body with HTML entities decoded, so French apostrophes read as typed (l'ancien)."""
    return html.unescape(response.get_data(as_text=True))


def visible_text(response) -> str:
    """What a reader sees: tags removed, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def _redis_url_for_this_worker() -> str:
    """Redis database 15, 14, … for xdist workers gw0, gw1, …: their keys never meet."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - worker % 12}")


REDIS_URL = _redis_url_for_this_worker()


def redis_or_skip() -> None:
    """Skip a Redis test where no Redis runs; in CI (which starts one) fail instead."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis injoignable sur {REDIS_URL} (CI doit le démarrer)")
        pytest.skip(f"Redis injoignable sur {REDIS_URL}")
