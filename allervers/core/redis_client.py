"""One Redis client per URL and process, when REDIS_URL is set (rate limits, analysis cache)."""

from flask import current_app

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
