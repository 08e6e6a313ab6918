"""Guest data at rest: erased means gone from the files, and files are the owner's alone."""

import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import make_url

from shelter import create_app
from shelter.configure import ConfigurationError
from shelter.extensions import db
from tests.conftest import login_as, make_config
from tests.factories import make_night, make_stay
from tests.test_operations import run_cli

OLD_ALIAS = "Ancien-Pseudonyme-Qzx"
OLD_NOTE = "Note-Effacee-Wvk"


def database_bytes() -> bytes:
    """The bytes of the SQLite database and its write-ahead log and shared-memory files."""
    path = Path(make_url(str(db.engine.url)).database)
    return b"".join(
        candidate.read_bytes()
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
        if candidate.exists()
    )


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("about SQLite's files")


def stay_payload(night, alias: str, note: str) -> dict:
    return {
        "alias": alias,
        "places": "1",
        "arrival": night.date.isoformat(),
        "departure": night.morning.isoformat(),
        "note": note,
        "place": str(night.place_id),
    }


def test_an_edited_away_alias_leaves_no_copy_in_the_files(sqlite_only, client, coordinator):
    night = make_night(day=date.today() + timedelta(days=3))
    night_id = night.id
    login_as(client, coordinator)
    db.session.commit()  # no snapshot held open by the test while the app checkpoints
    booked = client.post(
        f"/nuits/{night_id}/sejours", data=stay_payload(night, OLD_ALIAS, OLD_NOTE)
    )
    assert booked.status_code == 302
    assert OLD_ALIAS.encode() in database_bytes()

    stay_id = db.session.execute(db.text("SELECT id FROM stays")).scalar()
    db.session.commit()
    edited = client.post(f"/sejours/{stay_id}", data=stay_payload(night, "Nouveau", "Autre"))
    assert edited.status_code == 302, edited.text
    content = database_bytes()
    assert OLD_ALIAS.encode() not in content
    assert OLD_NOTE.encode() not in content


def test_a_cancelled_stay_leaves_no_copy_in_the_files(sqlite_only, client, coordinator):
    night = make_night(day=date.today() + timedelta(days=3))
    stay = make_stay(night, alias=OLD_ALIAS, note=OLD_NOTE)
    stay_id = stay.id
    login_as(client, coordinator)
    db.session.commit()
    assert client.post(f"/sejours/{stay_id}/annuler").status_code == 302
    assert OLD_ALIAS.encode() not in database_bytes()


def test_the_purge_leaves_no_copy_in_the_files(sqlite_only, app):
    night = make_night(day=date.today() - timedelta(days=90))
    make_stay(night, alias=OLD_ALIAS, note=OLD_NOTE)
    db.session.commit()
    result = run_cli(app, "purge-guests")
    assert result.exit_code == 0, result.output
    db.session.commit()
    content = database_bytes()
    assert OLD_ALIAS.encode() not in content
    assert OLD_NOTE.encode() not in content


def owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


def test_instance_files_and_backups_are_the_owners_alone(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    app = create_app(make_config(f"sqlite:///{instance / 'shelter.sqlite'}", instance))
    with app.app_context():
        upgrade()
        encrypted = run_cli(app, "backup", str(tmp_path / "b.enc"), input="phrase\nphrase\n")
        plain = run_cli(app, "backup", "--unencrypted", str(tmp_path / "b.sqlite"))
        db.engine.dispose()
    assert encrypted.exit_code == 0 and plain.exit_code == 0, encrypted.output + plain.output
    assert owner_only(instance)
    for path in [*instance.iterdir(), tmp_path / "b.enc", tmp_path / "b.sqlite"]:
        assert owner_only(path), path
    assert (tmp_path / "b.enc").read_bytes().startswith(b"SHELTER-ENCRYPTED-BACKUP")


def test_backups_are_encrypted_unless_asked_otherwise(app, tmp_path):
    result = run_cli(app, "backup", str(tmp_path / "b.db"), input="phrase\nphrase\n")
    assert result.exit_code == 0, result.output
    assert "(encrypted)" in result.output


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("GUEST_RETENTION_DAYS", -60),
        ("SESSION_IDLE_HOURS", 0),
        ("INVITATION_VALID_DAYS", "7"),
        ("LOGIN_LIMIT_PER_ACCOUNT", "five a minute"),
    ],
)
def test_unsafe_settings_are_refused_at_start_with_a_clear_message(tmp_path, setting, value):
    config = make_config(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path, **{setting: value})
    with pytest.raises(ConfigurationError, match=setting):
        create_app(config)


def test_a_setting_from_the_environment_that_is_not_a_number_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("SHELTER_GUEST_RETENTION_DAYS", "trente")
    with pytest.raises(ConfigurationError, match="SHELTER_GUEST_RETENTION_DAYS"):
        create_app(make_config(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path))
