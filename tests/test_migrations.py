"""Migrations build the schema the models describe, and keep data on upgrade."""

import os

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from psycopg import sql
from sqlalchemy import create_engine, make_url, select, text

from shelter import ROOT, create_app
from shelter.configure import database_uri
from shelter.extensions import db
from shelter.models import AuditEntry, FeedToken, User, hash_token
from tests.conftest import login_as, make_config

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


BEFORE_FEED_LINKS = "694509b92cf1"
OLD_ROWS = """
INSERT INTO users (id, email, name, role, active, language, session_version, created_at,
    updated_at) VALUES (1, 'camille@example.org', 'Camille', 'coordinator', true, 'fr', 1,
    '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO places (id, name, beds, address, notes, active, created_at, updated_at)
    VALUES (1, 'La Maison', 10, '', '', true, '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO nights (id, place_id, date, capacity, places_used, status, note, sequence,
    created_at, updated_at) VALUES (7, 1, '2026-12-04', 10, 0, 'planned', '', 0,
    '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO shifts (id, night_id, name, description, starts_at, ends_at, min_volunteers,
    max_volunteers, signup_count, status, sequence, created_at, updated_at) VALUES (3, 7,
    'Repas', '', '2026-12-04 17:00:00', '2026-12-04 20:00:00', 2, 3, 0, 'planned', 0,
    '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO feed_tokens (user_id, kind, token_hash, created_at)
    VALUES (1, 'personal', :token_hash, '2026-01-01 10:00:00');
"""
OLD_ENTRIES = [
    ("night.plan", "night", 7, "2026-12-04 capacity=10"),
    ("signup.assign", "shift", 3, "Repas user=1"),
    ("shift.update", "shift", 3, "Repas min=1 max=4"),
    ("stay.create", "stay", 5, "place=1 2026-12-04..2026-12-06 places=2"),
    ("stay.purge", "stay", None, "stays=3 departure<2026-11-01"),
    ("user.role", "user", 1, "role=coordinator"),
    ("place.update", "place", 1, "beds=10"),
    ("feed.new_link", "user", 1, "kind=personal"),
]


def test_old_audit_entries_and_feed_links_survive_the_upgrade(fresh_database_url, tmp_path):
    url = fresh_database_url
    app = create_app(make_config(url, tmp_path))
    token = "an-old-feed-token-made-before-links-had-names-0123456789"
    with app.app_context():
        upgrade(revision=BEFORE_FEED_LINKS)
        with db.engine.begin() as connection:
            for statement in OLD_ROWS.split(";"):
                if statement.strip():
                    connection.execute(text(statement), {"token_hash": hash_token(token)})
            for action, target_type, target_id, summary in OLD_ENTRIES:
                connection.execute(
                    text(
                        "INSERT INTO audit_entries (created_at, actor_id, action, target_type,"
                        " target_id, summary) VALUES ('2026-11-01 10:00:00', 1, :action,"
                        " :target_type, :target_id, :summary)"
                    ),
                    {
                        "action": action,
                        "target_type": target_type,
                        "target_id": target_id,
                        "summary": summary,
                    },
                )
        upgrade()
        rows = db.session.execute(select(AuditEntry.action, AuditEntry.details))
        details = {action: facts for action, facts in rows}
        assert details == {
            "night.plan": {"date": "2026-12-04", "capacity": 10},
            "signup.assign": {"shift": "Repas", "user_id": 1, "night_id": 7, "date": "2026-12-04"},
            "shift.update": {
                "shift": "Repas",
                "minimum": 1,
                "maximum": 4,
                "night_id": 7,
                "date": "2026-12-04",
            },
            "stay.create": {
                "place_id": 1,
                "arrival": "2026-12-04",
                "departure": "2026-12-06",
                "places": 2,
            },
            "stay.purge": {"stays": 3, "before": "2026-11-01"},
            "user.role": {"role": "coordinator"},
            "place.update": {"beds": 10, "place": "La Maison"},
            "feed.new_link": {"kind": "personal"},
        }
        (link,) = db.session.scalars(select(FeedToken))
        assert (link.name, link.last_used_at) == ("", None)
        client = app.test_client()
        assert client.get(f"/agenda/personnel.ics?token={token}").status_code == 200
        login_as(client, db.session.get(User, 1))
        journal = client.get("/gestion/journal").get_data(as_text=True)
        assert "Camille a planifié la" in journal and "capacité 10 places" in journal
        assert "Lien existant" in client.get("/mon-agenda").get_data(as_text=True)
        db.session.remove()

        downgrade(revision=BEFORE_FEED_LINKS)
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT action, summary FROM audit_entries"))
            summaries = {action: summary for action, summary in rows}
            assert summaries["night.plan"] == "capacity=10 date=2026-12-04"
            assert connection.execute(text("SELECT count(*) FROM feed_tokens")).scalar() == 1
        db.engine.dispose()


BEFORE_REPLACEMENTS = "e1a7c3b90f42"
ROWS_BEFORE_REPLACEMENTS = """
INSERT INTO users (id, email, name, role, active, language, session_version, created_at,
    updated_at) VALUES (1, 'alex@example.org', 'Alex', 'volunteer', true, 'fr', 1,
    '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO places (id, name, beds, address, notes, active, created_at, updated_at)
    VALUES (1, 'La Maison', 10, '', '', true, '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO nights (id, place_id, date, capacity, places_used, status, note, sequence,
    created_at, updated_at) VALUES (7, 1, '2026-12-04', 10, 0, 'planned', '', 0,
    '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO shift_types (id, name, description, start_time, end_time, min_volunteers,
    max_volunteers, position, active, created_at, updated_at) VALUES
    (1, 'Repas', '', '18:00:00', '21:00:00', 2, 3, 0, true, '2026-01-01 10:00:00',
    '2026-01-01 10:00:00'),
    (2, 'Nuit', '', '20:00:00', '09:00:00', 2, 2, 1, true, '2026-01-01 10:00:00',
    '2026-01-01 10:00:00');
INSERT INTO shifts (id, night_id, shift_type_id, name, description, starts_at, ends_at,
    min_volunteers, max_volunteers, signup_count, status, sequence, created_at, updated_at)
    VALUES (3, 7, 1, 'Repas', '', '2026-12-04 17:00:00', '2026-12-04 20:00:00', 2, 3, 1,
    'planned', 0, '2026-01-01 10:00:00', '2026-01-01 10:00:00');
INSERT INTO signups (id, shift_id, user_id, created_at, withdrawal_requested_at,
    withdrawal_reason) VALUES (5, 3, 1, '2026-11-01 10:00:00', '2026-12-03 09:00:00',
    'Malade')
"""


def test_the_overnight_type_needs_presence_and_old_requests_seek_a_replacement(
    fresh_database_url, tmp_path
):
    app = create_app(make_config(fresh_database_url, tmp_path))
    with app.app_context():
        upgrade(revision=BEFORE_REPLACEMENTS)
        with db.engine.begin() as connection:
            for statement in ROWS_BEFORE_REPLACEMENTS.split(";"):
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            flags = connection.execute(
                text("SELECT name, presence_required FROM shift_types ORDER BY id")
            ).all()
            assert [(name, bool(flag)) for name, flag in flags] == [
                ("Repas", False),
                ("Nuit", True),
            ]
            requests = connection.execute(
                text(
                    "SELECT shift_id, requester_id, reason, accepted_by_id, closed_at"
                    " FROM replacement_requests"
                )
            ).all()
            assert [tuple(row) for row in requests] == [(3, 1, "Malade", None, None)]
        downgrade(revision=BEFORE_REPLACEMENTS)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM signups")).scalar() == 1
        db.engine.dispose()
