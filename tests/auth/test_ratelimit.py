"""The shared counters behind the sign-in limits, on the database and on Redis."""

from datetime import timedelta

from allervers.auth import ratelimit
from allervers.auth.models import RateCounter
from allervers.core.redis_client import redis_client
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.helpers import REDIS_URL, redis_or_skip, sign_in, text

WINDOW = timedelta(minutes=15)


def test_database_counter_counts_and_resets(app):
    assert ratelimit.count("k") == 0
    assert [ratelimit.hit("k", WINDOW) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("k") == 3
    ratelimit.reset("k")
    assert ratelimit.count("k") == 0


def test_database_window_starts_again_when_over(app):
    ratelimit.hit("k", WINDOW)
    ratelimit.hit("k", WINDOW)
    row = db.session.get(RateCounter, "k")
    row.window_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert ratelimit.count("k") == 0
    assert ratelimit.hit("k", WINDOW) == 1


def test_redis_counter_counts_expires_and_resets(app):
    redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    ratelimit.reset("k")
    assert [ratelimit.hit("k", WINDOW) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("k") == 3
    client = redis_client()
    assert 0 < client.ttl("allervers:rate:k") <= WINDOW.total_seconds()
    ratelimit.reset("k")
    assert ratelimit.count("k") == 0
    assert db.session.get(RateCounter, "k") is None  # nothing went to the database


def test_sign_in_lock_through_redis(app, make_user):
    redis_or_skip()
    app.config["REDIS_URL"] = REDIS_URL
    user = make_user()
    ratelimit.reset(f"login:account:{user.email}")
    ratelimit.reset("login:address:127.0.0.1")
    for _ in range(5):
        sign_in(app.test_client(), user.email, "mauvais-mot-de-passe")
    assert "Trop de tentatives" in text(sign_in(app.test_client(), user.email))
    ratelimit.reset(f"login:account:{user.email}")
    ratelimit.reset("login:address:127.0.0.1")


def test_counters_fall_back_to_the_database_when_redis_is_down(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    assert [ratelimit.hit("k", WINDOW) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("k") == 3
    assert db.session.get(RateCounter, "k").count == 3
    ratelimit.reset("k")
    assert ratelimit.count("k") == 0
