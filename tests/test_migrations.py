"""Migrations build the schema the models describe, and keep data on upgrade."""

import os

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from psycopg import sql
from sqlalchemy import create_engine, make_url, text

from shelter import ROOT, create_app
from shelter.configure import database_uri
from shelter.extensions import db
from tests.conftest import make_config

MIGRATIONS = ROOT / "migrations"


def script_directory() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def test_there_is_a_single_head():
    assert len(script_directory().get_heads()) == 1


def test_models_match_the_migrated_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database like the suite's: a new PostgreSQL database or SQLite file."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    name = f"shelter_migrations_{os.getpid()}"
    admin_url = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_upgrading_a_populated_database_keeps_its_data(fresh_database_url, tmp_path):
    url = fresh_database_url
    app = create_app(make_config(url, tmp_path))
    first = script_directory().get_base()
    with app.app_context():
        upgrade(revision=first)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, role, active, language, session_version,"
                    " created_at, updated_at) VALUES ('old@example.org', 'Old', 'volunteer',"
                    " true, 'fr', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
                )
            )
        upgrade()
        db.engine.dispose()
    engine = create_engine(database_uri(url, str(tmp_path)))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT email FROM users")).scalars().all() == [
            "old@example.org"
        ]
    engine.dispose()
