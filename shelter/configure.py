"""Configuration layers: defaults, then ``instance/config.py``, then ``SHELTER_*`` variables."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from limits import parse_many

ENV_PREFIX = "SHELTER_"
# Variables that steer the test suite or the app's location, not the app's settings.
NOT_SETTINGS = {"INSTANCE_PATH", "TEST_DATABASE_URL"}
TRUE_WORDS = {"1", "true", "yes", "on"}


# The repository: templates, static files, migrations and the default instance folder.
ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely."""


def instance_path_for(overrides: Mapping[str, Any] | None) -> Path:
    """Return the instance folder: an override, ``SHELTER_INSTANCE_PATH`` or ``instance/``."""
    if overrides and overrides.get("INSTANCE_PATH"):
        return Path(overrides["INSTANCE_PATH"])
    if os.environ.get("SHELTER_INSTANCE_PATH"):
        return Path(os.environ["SHELTER_INSTANCE_PATH"])
    return ROOT / "instance"


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Apply every configuration layer, then derive and check the settings."""
    app.config.from_object("shelter.config")
    app.config["SESSION_COOKIE_SECURE"] = None
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings_from_environment(app.config, os.environ))
    if overrides:
        app.config.update(overrides)
    _derive(app)


def settings_from_environment(defaults: Mapping[str, Any], environ: Mapping[str, str]) -> dict:
    """Read ``SHELTER_*`` variables, typed like the setting they override."""
    settings: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name.removeprefix(ENV_PREFIX)
        if key in NOT_SETTINGS:
            continue
        default = defaults.get(key)
        if isinstance(default, bool) or key == "SESSION_COOKIE_SECURE":
            settings[key] = raw.strip().lower() in TRUE_WORDS
        elif isinstance(default, int):
            try:
                settings[key] = int(raw)
            except ValueError:
                raise ConfigurationError(f"{name} must be a whole number (got {raw!r})") from None
        else:
            settings[key] = raw
    return settings


def _derive(app: Flask) -> None:
    config = app.config
    _check_settings(config)
    # The instance folder holds guest data (the database, outbox emails): owner-only, and so is
    # every file the process creates (databases, logs, backups).
    os.umask(0o077)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    instance.chmod(0o700)
    config["SQLALCHEMY_DATABASE_URI"] = database_uri(config["DATABASE_URL"], app.instance_path)
    # A database error's message would otherwise list the statement's values (a guest's alias
    # and note) and end up in the logs with the traceback.
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **config["SQLALCHEMY_ENGINE_OPTIONS"],
        "hide_parameters": True,
    }
    if config["RATELIMIT_STORAGE_URL"]:
        config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    if config["SESSION_COOKIE_SECURE"] is None:
        config["SESSION_COOKIE_SECURE"] = not app.debug
    config["REQUIRE_2FA_FOR_COORDINATORS"] = _flag(
        config["REQUIRE_2FA_FOR_COORDINATORS"], default=config["ENV"] == "production"
    )
    _check_secret_key(app)
    if config["ENV"] == "production":
        _derive_trusted_hosts(config)
        if config["SESSION_COOKIE_SECURE"] and not config["SESSION_COOKIE_NAME"].startswith("__"):
            # Secure, for this host only and the whole site: no subdomain can plant or read it.
            config["SESSION_COOKIE_NAME"] = "__Host-" + config["SESSION_COOKIE_NAME"]


def _derive_trusted_hosts(config) -> None:
    # Links in emails and feeds come from BASE_URL alone, and a request naming another host
    # (a forged Host header) is refused with a 400.
    base_url = urlsplit(config["BASE_URL"])
    if base_url.scheme not in ("http", "https") or not base_url.hostname:
        raise ConfigurationError(
            "BASE_URL is required in production: set SHELTER_BASE_URL to the public address, "
            "e.g. https://shelter.example.org"
        )
    if config["TRUSTED_HOSTS"] is None:
        config["TRUSTED_HOSTS"] = [base_url.hostname]


# Settings that must be whole numbers of at least this value.
MINIMUMS = {
    "GUEST_RETENTION_DAYS": 0,
    "INVITATION_VALID_DAYS": 1,
    "RESET_VALID_HOURS": 1,
    "MIN_PASSWORD_LENGTH": 8,
    "SESSION_IDLE_HOURS": 1,
    "PROXY_HOPS": 0,
    "MAIL_PORT": 1,
    "MAIL_TIMEOUT": 1,
    "WITHDRAW_CUTOFF_HOURS": 0,
    "REMINDER_HOURS": 1,
    "HELP_CALL_INTERVAL_HOURS": 0,
    "NOT_READY_WARNING_HOURS": 1,
    "MISSING_WINDOW_DAYS": 1,
    "MAX_CONTENT_LENGTH": 1024,
    "NEWSLETTER_CONFIRM_VALID_DAYS": 1,
    "NEWS_PER_PAGE": 1,
    "SQLITE_BUSY_TIMEOUT_MS": 0,
}
RATE_SETTINGS = (
    "LOGIN_LIMIT_PER_IP",
    "LOGIN_LIMIT_PER_ACCOUNT",
    "LOGIN_LIMIT_PER_DEVICE",
    "RESET_LIMIT_PER_IP",
    "FEED_LIMIT_PER_TOKEN",
    "PUBLIC_FORM_LIMIT_PER_IP",
    "NEWSLETTER_LIMIT_PER_ADDRESS",
)


def _check_settings(config) -> None:
    """Refuse, at start, a setting the app cannot run safely with (a negative retention...)."""
    problems = []
    for name, minimum in MINIMUMS.items():
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            problems.append(f"{name} must be a whole number of at least {minimum} (got {value!r})")
    for name in RATE_SETTINGS:
        try:
            parse_many(str(config.get(name)))
        except ValueError:
            problems.append(f"{name} must read like '5 per 10 minutes' (got {config.get(name)!r})")
    if config["ENV"] not in ("development", "production"):
        problems.append(f"ENV must be development or production (got {config['ENV']!r})")
    if problems:
        raise ConfigurationError(
            "Settings to fix (SHELTER_<NAME> or instance/config.py): " + "; ".join(problems)
        )


def _flag(value: Any, default: bool) -> bool:
    """Read an on/off setting that may be unset (None), a bool or a word from the environment."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


def database_uri(url: str, instance_path: str) -> str:
    """Return the SQLAlchemy URI for a configured URL, defaulting to the instance's SQLite file."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'shelter.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _check_secret_key(app: Flask) -> None:
    key = app.config["SECRET_KEY"]
    minimum = app.config["MIN_SECRET_KEY_LENGTH"]
    if key and len(key) >= minimum:
        return
    production = app.config["ENV"] == "production"
    development = app.debug or app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"
    if development and not production:
        if not key:
            app.config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
        return
    reason = "is missing" if not key else f"is shorter than {minimum} characters"
    raise ConfigurationError(
        f"SECRET_KEY {reason}. Set SHELTER_SECRET_KEY (or SECRET_KEY in instance/config.py) "
        'to a long random value, e.g. python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
    )


def _development_secret_key(instance_path: Path) -> str:
    """Return the development key kept in the instance folder, creating it on first use."""
    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
