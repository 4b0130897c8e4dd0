"""Settings from environment variables, with safe defaults.

Every setting can be overridden by an environment variable of the same name.
In production (``FORUM_ENV=production``) a missing ``SECRET_KEY`` stops the app
at start-up; in development a random key is generated once and kept in ``instance/``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'forum.db'}"


def _secret_key(env: str) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if env == "production" and len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        return key
    if env == "production":
        raise ConfigError(
            "SECRET_KEY is not set. In production, set SECRET_KEY to a long random value, "
            "for example: export SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_hex(32))')\""
        )
    return _development_secret_key()


def _development_secret_key() -> str:
    """A random key kept in ``instance/secret_key``, so every worker process signs alike."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(secrets.token_hex(32))
        except FileExistsError:
            pass  # another worker wrote it first
    return path.read_text().strip()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from exc


def _base_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if url and not url.startswith(("https://", "http://")):
        raise ConfigError(f"PUBLIC_BASE_URL must start with https:// (or http://), not {raw!r}.")
    return url


def _host_list(raw: str) -> list[str]:
    return [host.strip().lower() for host in raw.split(",") if host.strip()]


def _trusted_hosts(config: dict[str, Any]) -> list[str] | None:
    """The host names requests may be addressed to; in production, from ``PUBLIC_BASE_URL`` when
    ``TRUSTED_HOSTS`` is not set, and one of them is required. ``None``: any host (development)."""
    hosts = config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = _host_list(hosts)
    if hosts:
        return list(hosts)
    if config["FORUM_ENV"] != "production":
        return None
    base = urlsplit(str(config.get("PUBLIC_BASE_URL") or "")).hostname
    if base:
        return [base]
    raise ConfigError(
        "Set PUBLIC_BASE_URL (or TRUSTED_HOSTS) in production, so that requests addressed to another "
        "host are refused and links are built with your address, for example: "
        "export PUBLIC_BASE_URL=https://forum.example.org (TRUSTED_HOSTS is a comma-separated list "
        "of host names, such as forum.example.org,www.forum.example.org)."
    )


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app's settings from the environment, then apply ``overrides``."""
    overrides = dict(overrides or {})
    env = str(overrides.get("FORUM_ENV") or os.environ.get("FORUM_ENV", "development"))
    if env not in {"development", "production", "testing"}:
        raise ConfigError(f"FORUM_ENV must be development, production or testing, not {env!r}.")
    production = env == "production"
    config: dict[str, Any] = {
        "FORUM_ENV": env,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(),
        # Free-text answers are limited to this many characters.
        "MAX_TEXT_LENGTH": _int("MAX_TEXT_LENGTH", 5000),
        # Whole request bodies above this size get a friendly "too large" page.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 256 * 1024),
        # "__Host-": the browser keeps it only if it is Secure, for Path=/ and with no Domain, so no
        # other site on the same domain, nor plain http://, can set or overwrite it.
        "SESSION_COOKIE_NAME": "__Host-forum_session" if production else "forum_session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or os.environ.get("SESSION_COOKIE_SECURE") == "1",
        # A staff sign-in ends after SESSION_HOURS (12) in all, or SESSION_IDLE_MINUTES (30) without a page.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("SESSION_HOURS", 12)),
        "SESSION_IDLE_MINUTES": _int("SESSION_IDLE_MINUTES", 30),
        # Sign-in attempts allowed per account and per source (a daily-rotating hash) in each window;
        # after that even the right password is refused until the window ends.
        "LOGIN_ATTEMPTS_PER_ACCOUNT": _int("LOGIN_ATTEMPTS_PER_ACCOUNT", 10),
        "LOGIN_ATTEMPTS_PER_SOURCE": _int("LOGIN_ATTEMPTS_PER_SOURCE", 30),
        "LOGIN_WINDOW_MINUTES": _int("LOGIN_WINDOW_MINUTES", 15),
        # A parent may leave a page open for hours; an expired token keeps their words.
        "WTF_CSRF_TIME_LIMIT": _int("CSRF_TIME_LIMIT_SECONDS", 24 * 3600),
        "WTF_CSRF_SSL_STRICT": production,
        # How many reverse proxies sit in front of the app (their X-Forwarded-For is trusted).
        # Rate limits need the real source; it is only ever used as a daily-rotating hash.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        # "Save and come back later" codes work for this many days.
        "RESUME_DAYS": _int("RESUME_DAYS", 30),
        "RETRAIN_MIN_CODED": _int("RETRAIN_MIN_CODED", 100),
        # Tries per hour at entering a pack's passcode, per source (a daily-rotating hash).
        "CODE_ATTEMPTS_PER_HOUR": _int("CODE_ATTEMPTS_PER_HOUR", 10),
        # Tries per hour at entering a resume or receipt code: per source, generous, as a drop-in's
        # shared wifi is one source for many families; and wrong tries per code typed, few.
        "CODE_ATTEMPTS_PER_SOURCE": _int("CODE_ATTEMPTS_PER_SOURCE", 30),
        "CODE_TRIES_PER_CODE": _int("CODE_TRIES_PER_CODE", 5),
        # A survey sent sooner than this after "Start now" goes to the leads' spam folder.
        "MIN_COMPLETION_SECONDS": _int("MIN_COMPLETION_SECONDS", 20),
        # Surveys sent per source per hour (a daily-rotating hash) before the rest go to the spam folder.
        "SUBMISSIONS_PER_HOUR": _int("SUBMISSIONS_PER_HOUR", 30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        # Email (safeguarding alerts): sent only when SMTP_HOST and MAIL_FROM are set.
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _int("SMTP_PORT", 587),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "1") != "0",
        "SMTP_TIMEOUT_SECONDS": _int("SMTP_TIMEOUT_SECONDS", 5),
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        # The address staff reach the app at, for links in emails (never taken from a request).
        "PUBLIC_BASE_URL": _base_url(os.environ.get("PUBLIC_BASE_URL", "")),
        # Host names the app answers to (comma-separated; ".example.org" allows its subdomains).
        # A request with any other Host header gets a 400 page. In production it defaults to
        # PUBLIC_BASE_URL's host name, and one of the two is required.
        "TRUSTED_HOSTS": _host_list(os.environ.get("TRUSTED_HOSTS", "")),
        # Leads must use two-factor sign-in. Not read from the environment: no deployment turns it off.
        # Only the test app does, for tests that are not about signing in (tests/conftest.py).
        "LEADS_NEED_TWO_FACTOR": True,
    }
    if "SECRET_KEY" not in overrides:
        config["SECRET_KEY"] = _secret_key(env)
    config.update(overrides)
    config["TRUSTED_HOSTS"] = _trusted_hosts(config)
    config["TESTING"] = env == "testing" or bool(config.get("TESTING"))
    # Past responses uploaded by a lead are imported in a thread of the web process, so a large file
    # outlives the request; the test app imports them within the request unless a test says otherwise.
    config.setdefault("IMPORTS_IN_BACKGROUND", not config["TESTING"])
    return config
