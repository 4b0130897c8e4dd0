"""Settings: safe defaults, and a clear start-up error for a missing production secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum_app import config as config_module
from forum_app import create_app
from forum_app.config import ConfigError, load_config


def test_production_without_secret_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FORUM_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_production_rejects_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        load_config({"FORUM_ENV": "production"})


def test_development_generates_one_secret_shared_by_workers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FORUM_ENV", "development")
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path / "instance")
    first, second = load_config(), load_config()
    assert len(first["SECRET_KEY"]) >= 32 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_cookies_are_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = load_config({"FORUM_ENV": "production", "PUBLIC_BASE_URL": "https://forum.example.org"})
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_NAME"] == "__Host-forum_session"


def test_production_needs_its_public_address_or_trusted_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    with pytest.raises(ConfigError, match="Set PUBLIC_BASE_URL \\(or TRUSTED_HOSTS\\) in production"):
        load_config({"FORUM_ENV": "production"})
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://Forum.Example.org:8443/")
    assert load_config({"FORUM_ENV": "production"})["TRUSTED_HOSTS"] == ["forum.example.org"]
    monkeypatch.setenv("TRUSTED_HOSTS", " forum.example.org, .forum.example.net ,")
    assert load_config({"FORUM_ENV": "production"})["TRUSTED_HOSTS"] == [
        "forum.example.org",
        ".forum.example.net",
    ]


def test_development_answers_any_host_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://forum.example.org")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    assert load_config({"FORUM_ENV": "testing", "SECRET_KEY": "x" * 32})["TRUSTED_HOSTS"] is None
    monkeypatch.setenv("TRUSTED_HOSTS", "localhost")
    assert load_config({"FORUM_ENV": "testing", "SECRET_KEY": "x" * 32})["TRUSTED_HOSTS"] == ["localhost"]


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert load_config()["DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert load_config()["DATABASE_URL"].endswith("instance/forum.db")


@pytest.mark.parametrize(("name", "value"), [("FORUM_ENV", "staging"), ("MAX_TEXT_LENGTH", "lots")])
def test_bad_settings_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config()


def test_mail_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("SMTP_STARTTLS", "0")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://forum.example.org/")
    config = load_config({"FORUM_ENV": "testing", "SECRET_KEY": "x" * 32})
    assert config["SMTP_HOST"] == "smtp.example.org" and config["SMTP_PORT"] == 587
    assert config["SMTP_STARTTLS"] is False and config["SMTP_TIMEOUT_SECONDS"] == 5
    assert config["PUBLIC_BASE_URL"] == "https://forum.example.org"
    monkeypatch.setenv("PUBLIC_BASE_URL", "forum.example.org")
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must start with https://"):
        load_config({"FORUM_ENV": "testing", "SECRET_KEY": "x" * 32})
