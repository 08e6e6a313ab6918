"""Running it for real: deployment checks, proxies, request logs, backups and restores."""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

import psycopg
import pytest
from flask_migrate import upgrade
from psycopg import sql
from sqlalchemy import func, make_url, select, text

from shelter import ROOT, create_app
from shelter.extensions import db
from shelter.models import AuditEntry, User
from shelter.serving import loggable_path
from tests.conftest import TEST_SECRET_KEY, empty_database, free_port, make_config
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import links_in

PRODUCTION = {
    "ENV": "production",
    "TESTING": False,
    "SESSION_COOKIE_SECURE": True,
    "MAIL_SERVER": "smtp.example.org",
    "MAIL_SENDER": "Collectif <contact@example.org>",
    "BASE_URL": "https://shelter.example.org",
}


def run_cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_check_deploy_passes_on_a_production_configuration(migrated_database, tmp_path):
    app = create_app(make_config(migrated_database, tmp_path, **PRODUCTION))
    with app.app_context():
        result = run_cli(app, "check-deploy")
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "[  ok] secret key" in result.output
    assert "[  ok] database migrated" in result.output
    assert "[warn] shared rate limits" in result.output
    assert "send-reminders" in result.output and "purge-guests" in result.output


def test_check_deploy_fails_on_a_development_configuration(tmp_path):
    url = f"sqlite:///{tmp_path / 'not-migrated.sqlite'}"
    app = create_app(make_config(url, tmp_path, MAIL_SERVER=""))
    with app.app_context():
        result = run_cli(app, "check-deploy")
        db.engine.dispose()
    assert result.exit_code != 0
    for failing in ["production mode", "database migrated", "mail", "public address"]:
        assert f"[FAIL] {failing}" in result.output, failing


def test_check_deploy_refuses_the_generated_development_key(migrated_database, tmp_path):
    (tmp_path / "secret_key").write_text(TEST_SECRET_KEY)
    app = create_app(make_config(migrated_database, tmp_path, **PRODUCTION))
    with app.app_context():
        result = run_cli(app, "check-deploy")
        db.engine.dispose()
    assert "[FAIL] secret key: the generated development key is in use" in result.output


def test_proxy_headers_are_trusted_only_when_configured(app, client, volunteer, mailbox):
    app.config["BASE_URL"] = ""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "shelter.example.org"}
    client.post("/mot-de-passe-oublie", data={"email": volunteer.email}, headers=headers)
    assert links_in(mailbox.body(mailbox.messages[0]))[0].startswith("http://localhost/")


def test_proxy_fix_uses_forwarded_host_and_scheme(app_config, mailbox):
    app_config.update(PROXY_HOPS=1, PROXY_TRUST_HOST=True, BASE_URL="")
    app = create_app(app_config)
    with app.app_context():
        volunteer = make_user(email="proxied@example.org")
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "shelter.example.org"}
        app.test_client().post(
            "/mot-de-passe-oublie", data={"email": volunteer.email}, headers=headers
        )
        db.session.remove()
        empty_database()
        db.engine.dispose()
    link = links_in(mailbox.body(mailbox.messages[0]))[0]
    assert link.startswith("https://shelter.example.org/mot-de-passe/")


def test_log_paths_hide_tokens(app):
    assert loggable_path("/agenda/personnel.ics?token=SECRET") == "/agenda/personnel.ics"
    assert loggable_path("/mot-de-passe/SECRET") == "/mot-de-passe/***"
    assert loggable_path("/invitation/SECRET?x=1") == "/invitation/***"
    assert loggable_path("/calendrier") == "/calendrier"


@pytest.mark.server
def test_gunicorn_access_log_never_holds_tokens(migrated_database, tmp_path):
    port = free_port()
    log_path = tmp_path / "access.log"
    env = {
        **os.environ,
        "SHELTER_DATABASE_URL": migrated_database,
        "SHELTER_SECRET_KEY": TEST_SECRET_KEY,
        "SHELTER_INSTANCE_PATH": str(tmp_path),
        "SHELTER_BIND": f"127.0.0.1:{port}",
        "SHELTER_WORKERS": "1",
        "SHELTER_ACCESS_LOG": str(log_path),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "shelter:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for path in ["/connexion?token=SECRETQUERY", "/mot-de-passe/SECRETPATH", "/connexion"]:
            for _ in range(50):
                try:
                    urllib.request.urlopen(base + path, timeout=2).close()
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=15)
    log = log_path.read_text()
    assert "GET /connexion HTTP/1.1" in log
    assert "/mot-de-passe/***" in log
    assert "SECRET" not in log


# --- backups ---


def migrated_sqlite_app(path):
    app = create_app(make_config(f"sqlite:///{path}", path.parent / "instance"))
    with app.app_context():
        upgrade()
    return app


def test_sqlite_backup_under_concurrent_writes_restores_a_consistent_copy(tmp_path):
    source_path = tmp_path / "live.sqlite"
    app = migrated_sqlite_app(source_path)
    with app.app_context():
        make_user(email="before@example.org")
        db.engine.dispose()

    stop = threading.Event()
    batches = []

    def write_batches():
        connection = sqlite3.connect(source_path, timeout=30)
        while not stop.is_set():
            with connection:
                for _ in range(5):
                    connection.execute(
                        "INSERT INTO audit_entries (created_at, action, target_type, details)"
                        " VALUES ('2026-01-01 00:00:00', 'test.write', 'test', '{}')"
                    )
            batches.append(1)
        connection.close()

    writer = threading.Thread(target=write_batches)
    writer.start()
    try:
        while len(batches) < 20:
            time.sleep(0.01)
        backup_path = tmp_path / "backup.sqlite"
        with app.app_context():
            result = run_cli(app, "backup", "--unencrypted", str(backup_path))
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        writer.join()

    restored_path = tmp_path / "restored" / "shelter.sqlite"
    restored_path.parent.mkdir()
    restored = create_app(make_config(f"sqlite:///{restored_path}", restored_path.parent))
    with restored.app_context():
        result = run_cli(restored, "restore", "--yes", str(backup_path))
        assert result.exit_code == 0, result.output
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        written = db.session.scalar(select(func.count()).select_from(AuditEntry))
        assert written % 5 == 0, "a batch was cut in half: the copy is not consistent"
        assert 100 <= written <= 5 * len(batches)
        response = restored.test_client().post(
            "/connexion", data={"email": "before@example.org", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        db.engine.dispose()


def test_encrypted_backup_round_trip_and_wrong_passphrase(tmp_path):
    app = migrated_sqlite_app(tmp_path / "live.sqlite")
    backup_path = tmp_path / "backup.enc"
    with app.app_context():
        make_user(email="secret@example.org")
        result = run_cli(app, "backup", str(backup_path), input="phrase\nphrase\n")
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    assert b"secret@example.org" not in backup_path.read_bytes()

    target = tmp_path / "restored"
    target.mkdir()
    restored = create_app(make_config(f"sqlite:///{target / 'db.sqlite'}", target))
    with restored.app_context():
        wrong = run_cli(restored, "restore", "--yes", str(backup_path), input="autre\n")
        assert wrong.exit_code != 0
        assert "Wrong passphrase" in wrong.output
        right = run_cli(restored, "restore", "--yes", str(backup_path), input="phrase\n")
        assert right.exit_code == 0, right.output
        assert db.session.scalar(select(User.email)) == "secret@example.org"
        db.engine.dispose()


def test_restore_refuses_a_database_with_data(app, tmp_path, volunteer):
    backup_path = tmp_path / "backup.sqlite"
    backup_path.write_bytes(b"")
    result = run_cli(app, "restore", "--yes", str(backup_path))
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_backup_refuses_to_overwrite(app, tmp_path):
    existing = tmp_path / "exists.sqlite"
    existing.write_text("keep me")
    result = run_cli(app, "backup", "--unencrypted", str(existing))
    assert result.exit_code != 0
    assert existing.read_text() == "keep me"


def test_postgres_backup_and_restore(app, tmp_path, volunteer):
    url = make_url(db.engine.url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("runs against PostgreSQL (SHELTER_TEST_DATABASE_URL)")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    expected_email = volunteer.email
    backup_path = tmp_path / "backup.dump"
    result = run_cli(app, "backup", "--unencrypted", str(backup_path))
    assert result.exit_code == 0, result.output

    name = f"shelter_restore_{os.getpid()}"
    admin_url = url.set(drivername="postgresql", database="postgres")
    admin = psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        target = url.set(database=name).render_as_string(hide_password=False)
        restored = create_app(make_config(target, tmp_path / "restored"))
        with restored.app_context():
            result = run_cli(restored, "restore", "--yes", str(backup_path))
            assert result.exit_code == 0, result.output
            assert db.session.scalar(select(User.email)) == expected_email
            db.session.remove()
            db.engine.dispose()
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()
