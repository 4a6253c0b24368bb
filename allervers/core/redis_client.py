"""One Redis client per URL and process, when REDIS_URL is set (rate limits, analysis cache)."""

import logging

from flask import current_app

log = logging.getLogger(__name__)

_clients: dict[str, object] = {}


def redis_client():
    """The client for REDIS_URL, or None when the app runs on its database alone."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _clients:
        import redis

        _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _clients[url]


def with_redis(function, *args):
    """`function(client, *args)`, or None when Redis is not configured or does not answer.

    Callers then use the database instead: an outage of Redis slows the app, never breaks it.
    """
    client = redis_client()
    if client is None:
        return None
    import redis

    try:
        return function(client, *args)
    except redis.RedisError as error:
        log.warning("Redis ne répond pas (%s) : la base de données prend le relais.", error)
        return None
