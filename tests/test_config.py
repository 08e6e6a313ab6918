"""Configuration layers and the production checks."""

import pytest

from shelter import create_app
from shelter.configure import ConfigurationError, database_uri, settings_from_environment


def test_environment_variables_override_defaults():
    settings = settings_from_environment(
        {"MAIL_PORT": 25, "MAIL_USE_TLS": False, "MAIL_SERVER": ""},
        {
            "SHELTER_MAIL_PORT": "587",
            "SHELTER_MAIL_USE_TLS": "true",
            "SHELTER_MAIL_SERVER": "smtp.example.org",
            "OTHER": "ignored",
            "SHELTER_TEST_DATABASE_URL": "not a setting",
        },
    )
    assert settings == {"MAIL_PORT": 587, "MAIL_USE_TLS": True, "MAIL_SERVER": "smtp.example.org"}


def test_layers_in_order(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'COLLECTIVE_NAME = "Depuis instance"\nMAIL_SENDER = "instance@example.org"\n'
        'SECRET_KEY = "k" * 40\n'
    )
    monkeypatch.setenv("SHELTER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SHELTER_MAIL_SENDER", "env@example.org")
    app = create_app()
    assert app.config["COLLECTIVE_NAME"] == "Depuis instance"
    assert app.config["MAIL_SENDER"] == "env@example.org"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'shelter.sqlite'}"


def test_postgres_urls_use_psycopg():
    assert database_uri("postgresql://u@h/db", "/x") == "postgresql+psycopg://u@h/db"
    assert database_uri("postgres://u@h/db", "/x") == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("key", ["", "short"])
def test_production_refuses_a_missing_or_short_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setenv("SHELTER_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": key})


def test_wsgi_start_without_debug_refuses_a_missing_key(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_development_generates_and_keeps_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_accepts_a_long_key(tmp_path, monkeypatch):
    monkeypatch.setenv("SHELTER_ENV", "production")
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "s" * 48,
            "BASE_URL": "https://shelter.example.org",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
