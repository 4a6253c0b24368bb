"""The shared counters behind the sign-in limits, on the database and on Redis."""

import uuid
from datetime import timedelta

from allervers.auth import ratelimit, throttle
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
    user = make_user(email=f"{uuid.uuid4().hex[:12]}@exemple.fr")  # Redis is shared
    for _ in range(5):
        sign_in(app.test_client(), user.email, "mauvais-mot-de-passe")
    assert "Trop de tentatives" in text(sign_in(app.test_client(), user.email))
    throttle.forget(user.email, "127.0.0.1")


def test_counters_fall_back_to_the_database_when_redis_is_down(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    assert [ratelimit.hit("k", WINDOW) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("k") == 3
    assert db.session.get(RateCounter, "k").count == 3
    ratelimit.reset("k")
    assert ratelimit.count("k") == 0


def test_hit_until_moves_the_end_and_subtract_stops_at_zero(app, store):
    key = f"test:{uuid.uuid4().hex}"  # Redis is shared between runs and workers
    soon, later = utcnow() + timedelta(minutes=5), utcnow() + timedelta(hours=1)
    assert ratelimit.hit_until(key, soon) == 1
    assert ratelimit.hit_until(key, soon, 0) == 1  # 0 only moves the end
    assert abs(ratelimit.ends_at(key) - soon) < timedelta(seconds=2)
    assert ratelimit.hit_until(key, later, 2) == 3
    assert abs(ratelimit.ends_at(key) - later) < timedelta(seconds=2)
    ratelimit.subtract(key, 2)
    assert ratelimit.count(key) == 1
    ratelimit.subtract(key, 5)
    assert ratelimit.count(key) == 0
    assert abs(ratelimit.ends_at(key) - later) < timedelta(seconds=2)  # the end is kept
    ratelimit.reset(key)
    assert ratelimit.ends_at(key) is None


def test_a_window_that_ended_starts_again_from_the_amount(app):
    ratelimit.hit_until("k", utcnow() + timedelta(minutes=5), 4)
    row = db.session.get(RateCounter, "k")
    row.window_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert ratelimit.ends_at("k") is None
    assert ratelimit.hit_until("k", utcnow() + timedelta(minutes=5), 2) == 2


def test_deleting_an_account_forgets_its_counts_at_every_address(app, store):
    email = f"{uuid.uuid4().hex[:12]}@exemple.fr"
    addresses = [f"2001:db8::{uuid.uuid4().hex[:4]}" for _ in range(2)]
    for address in addresses:
        attempt = throttle.begin(email, address)
        throttle.failed(attempt)
    throttle.forget_account(email)
    for address in addresses:
        attempt = throttle.Attempt(email, address)
        assert ratelimit.count(attempt.pair_key) == 0
        assert ratelimit.count(attempt.key("failures")) == 1  # names nobody: kept
    assert ratelimit.count(throttle.account_key(email)) == 0
