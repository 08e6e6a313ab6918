"""Migrations build the schema the models describe, and keep data on upgrade."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from shelter import ROOT, create_app
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


def test_upgrading_a_populated_database_keeps_its_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = create_app(make_config(url, tmp_path))
    first = script_directory().get_base()
    with app.app_context():
        upgrade(revision=first)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, role, active, language, session_version,"
                    " created_at, updated_at) VALUES ('old@example.org', 'Old', 'volunteer',"
                    " 1, 'fr', 1, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
                )
            )
        upgrade()
        db.engine.dispose()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT email FROM users")).scalars().all() == [
            "old@example.org"
        ]
    engine.dispose()
