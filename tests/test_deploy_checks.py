"""check-deploy also checks hosts, proxy headers, HSTS, instance permissions and demo accounts."""

import pytest

from shelter import create_app
from shelter.extensions import db
from tests.conftest import empty_database, make_config
from tests.factories import make_user
from tests.test_operations import PRODUCTION, run_cli

BEHIND_NGINX = {**PRODUCTION, "PROXY_HOPS": 1}


def check_deploy(database_url, instance, prepare=None, **settings):
    app = create_app(make_config(database_url, instance, **{**BEHIND_NGINX, **settings}))
    with app.app_context():
        if prepare is not None:
            prepare(instance)
        result = run_cli(app, "check-deploy")
        db.session.remove()
        empty_database()
        db.engine.dispose()
    return result


def test_a_sound_production_configuration_passes_every_new_check(migrated_database, tmp_path):
    result = check_deploy(migrated_database, tmp_path / "instance", HSTS_INCLUDE_SUBDOMAINS=True)
    assert result.exit_code == 0, result.output
    for name in ("host allow-list", "proxy headers", "instance permissions", "demo accounts"):
        assert f"[  ok] {name}" in result.output, name
    assert "[  ok] HSTS: Strict-Transport-Security: max-age=31536000; includeSubDomains" in (
        result.output
    )


def readable_by_all(path):
    path.touch()
    path.chmod(0o644)


@pytest.mark.parametrize(
    ("failing", "settings", "prepare"),
    [
        ("host allow-list", {"TRUSTED_HOSTS": ["other.example.org"]}, None),
        ("proxy headers", {"PROXY_TRUST_HOST": True}, None),
        ("proxy headers", {"PROXY_TRUST_PREFIX": True}, None),
        ("instance permissions", {}, lambda path: readable_by_all(path / "outbox.eml")),
        ("demo accounts", {}, lambda _path: make_user(email="alex@demo.example.org")),
    ],
)
def test_check_deploy_fails_on_each_unsafe_setting(
    migrated_database, tmp_path, failing, settings, prepare
):
    result = check_deploy(migrated_database, tmp_path / "instance", prepare, **settings)
    assert result.exit_code != 0
    assert f"[FAIL] {failing}" in result.output, result.output


def test_hsts_covers_subdomains_when_set(app_config):
    app_config.update(HSTS_INCLUDE_SUBDOMAINS=True)
    app = create_app(app_config)
    response = app.test_client().get("/", base_url="https://shelter.test")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    with app.app_context():
        db.engine.dispose()
