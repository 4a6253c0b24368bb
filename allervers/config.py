"""Configuration: safe defaults, overridden by environment variables."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def database_url(raw: str | None) -> str:
    """Normalise DATABASE_URL so that plain `postgres://` URLs use the psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{INSTANCE_DIR / 'allervers.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def instance_secret_key(instance_dir: Path) -> str:
    """Read the key generated on first start; create it once (exclusively, so workers agree)."""
    path = instance_dir / "secret_key"
    instance_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment() -> dict:
    """Everything that may differ between a laptop workshop and a production server."""
    env = os.environ
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL")),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true"),
        "BEHIND_PROXY": env.get("BEHIND_PROXY", "").lower() in ("1", "true"),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(env.get("SESSION_IDLE_MINUTES", 120))),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=int(env.get("SESSION_ABSOLUTE_HOURS", 12))),
        **mail_from_environment(env),
        # The security log (auth/security_log.py) is purged of older entries every night.
        "SECURITY_LOG_RETENTION_DAYS": int(env.get("SECURITY_LOG_RETENTION_DAYS", 365)),
    }


def mail_from_environment(env) -> dict:
    """SMTP settings (core/mail.py): e-mail is sent only when MAIL_SERVER is set."""
    use_ssl = env.get("MAIL_USE_SSL", "").lower() in ("1", "true")
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT") or (465 if use_ssl else 587)),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "true").lower() in ("1", "true"),
        "MAIL_USE_SSL": use_ssl,
        "MAIL_SENDER": env.get("MAIL_SENDER") or "Aller-vers <ne-pas-repondre@localhost>",
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # SQLite: command-line tools write, so their transactions take the write lock up front
    # (core/database.py).
    "SQLITE_BEGIN_OUTSIDE_REQUESTS": "IMMEDIATE",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session (see TOOLCHAIN.md)
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "allervers_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "PASSWORD_HASH_METHOD": "scrypt",
    # Sign-in limits (auth/throttle.py). Per account: 5 failures in 15 minutes. Per address,
    # failures are forgiven once their account signs in from there; the budget fits a room of
    # 30 who each fail 3 times before anyone succeeds (90 failures, 30 accounts), then the
    # back-off doubles from 30 s to 10 min and the counts last 1 h after the last failure.
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
    "LOGIN_ADDRESS_MAX_FAILURES": 100,
    "LOGIN_ADDRESS_MAX_ACCOUNTS": 40,
    "LOGIN_ADDRESS_BACKOFF_FIRST": timedelta(seconds=30),
    "LOGIN_ADDRESS_BACKOFF_MAX": timedelta(minutes=10),
    "LOGIN_ADDRESS_PENALTY": timedelta(hours=1),
    "JOIN_MAX_FAILURES_PER_ADDRESS": 30,
    # Password reset links (auth/recovery.py): valid 24 h; an address that opens this many
    # unknown, used or expired links in the window is refused every link until it ends.
    "PASSWORD_RESET_VALIDITY": timedelta(hours=24),
    "RESET_MAX_FAILURES_PER_ADDRESS": 10,
    "RESET_FAILURE_WINDOW": timedelta(minutes=15),
    "MAIL_TIMEOUT_SECONDS": 10,
    "PER_PAGE": 20,
    # Larger requests get the French 413 page. The CSV imports are the only uploads: the map
    # import takes 1 MB; the directory's 2 MB file raises its own limit (directory/views.py).
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
}


def build_config(overrides: dict | None = None) -> dict:
    """Defaults, then the environment, then explicit overrides (tests, scripts)."""
    config = {**DEFAULTS, **from_environment(), **(overrides or {})}
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = instance_secret_key(INSTANCE_DIR)
    config["PERMANENT_SESSION_LIFETIME"] = config["SESSION_ABSOLUTE_TIMEOUT"]
    if config["SESSION_COOKIE_SECURE"]:
        host_only_cookie(config)
    return config


def host_only_cookie(config: dict) -> None:
    """A Secure session cookie takes the `__Host-` prefix: browsers then accept it only when
    Secure, for Path=/ and without Domain, so no sibling subdomain or plain-HTTP page can
    plant or overwrite it (ASVS 3.4.4)."""
    if not config["SESSION_COOKIE_NAME"].startswith("__Host-"):
        config["SESSION_COOKIE_NAME"] = "__Host-" + config["SESSION_COOKIE_NAME"]
    config["SESSION_COOKIE_PATH"] = "/"
    config["SESSION_COOKIE_DOMAIN"] = None
