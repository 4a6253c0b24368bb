"""The app factory and its configuration."""

import pytest

from allervers import create_app
from allervers.config import build_config, database_url, instance_secret_key


def test_default_database_is_the_instance_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(None).endswith("/instance/allervers.db")
    assert database_url(None).startswith("sqlite:///")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_uses_psycopg3(raw, expected):
    assert database_url(raw) == expected


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db/allervers")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "30")
    config = build_config()
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db/allervers"
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert config["SESSION_IDLE_TIMEOUT"].total_seconds() == 30 * 60


def test_default_session_timeouts_are_two_and_twelve_hours(monkeypatch):
    for name in ("SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS"):
        monkeypatch.delenv(name, raising=False)
    config = build_config({"SECRET_KEY": "x"})
    assert config["SESSION_IDLE_TIMEOUT"].total_seconds() == 2 * 3600
    assert config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() == 12 * 3600
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = instance_secret_key(tmp_path)
    second = instance_secret_key(tmp_path)
    assert first == second
    assert len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_never_defaults_to_a_constant(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("allervers.config.INSTANCE_DIR", tmp_path)
    config = build_config()
    assert config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


def test_factory_registers_every_domain(database_url):
    from tests.conftest import config_for_tests

    app = create_app(config_for_tests(database_url))
    endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert {"home", "auth", "training", "admin", "static"} <= endpoints
    assert "csrf" in app.extensions
    assert "migrate" in app.extensions
