"""Configuration layers: defaults, then ``instance/config.py``, then ``SHELTER_*`` variables."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "SHELTER_"
# Variables that steer the test suite or the app's location, not the app's settings.
NOT_SETTINGS = {"INSTANCE_PATH", "TEST_DATABASE_URL"}
TRUE_WORDS = {"1", "true", "yes", "on"}


class ConfigurationError(RuntimeError):
    """The configuration cannot run safely."""


def instance_path_for(overrides: Mapping[str, Any] | None) -> Path:
    """Return the instance folder: an override, ``SHELTER_INSTANCE_PATH`` or ``instance/``."""
    from shelter import ROOT

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
            settings[key] = int(raw)
        else:
            settings[key] = raw
    return settings


def _derive(app: Flask) -> None:
    config = app.config
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
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
