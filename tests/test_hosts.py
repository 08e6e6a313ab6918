"""Links in emails come from BASE_URL alone; forged hosts and proxy headers change nothing."""

import pytest

from shelter import create_app
from shelter.configure import ConfigurationError
from shelter.extensions import db
from tests.conftest import empty_database
from tests.factories import make_user
from tests.helpers import links_in
from tests.test_operations import PRODUCTION


@pytest.fixture
def production_app(app_config):
    app = create_app({**app_config, **PRODUCTION, "MAIL_SERVER": app_config["MAIL_SERVER"]})
    with app.app_context():
        yield app
        db.session.remove()
        empty_database()
        db.engine.dispose()


def test_production_refuses_requests_for_another_host(production_app, mailbox):
    make_user(email="alex@example.org")
    client = production_app.test_client()
    forged = client.post(
        "/mot-de-passe-oublie",
        data={"email": "alex@example.org"},
        headers={"Host": "evil.example"},
        base_url="https://evil.example",
    )
    assert forged.status_code == 400
    assert mailbox.messages == []

    genuine = client.post(
        "/mot-de-passe-oublie",
        data={"email": "alex@example.org"},
        base_url="https://shelter.example.org",
    )
    assert genuine.status_code == 302
    [link] = links_in(mailbox.body(mailbox.messages[0]))
    assert link.startswith("https://shelter.example.org/mot-de-passe/")


@pytest.mark.parametrize("base_url", ["", "shelter.example.org", "ftp://shelter.example.org"])
def test_production_needs_a_base_url(tmp_path, monkeypatch, base_url):
    monkeypatch.setenv("SHELTER_ENV", "production")
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 48, "BASE_URL": base_url})


FORGED = {
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Prefix": "//evil.example",
    "X-Forwarded-Proto": "https",
}


def test_behind_a_proxy_only_forwarded_for_and_proto_are_trusted(app_config, mailbox):
    app_config.update(PROXY_HOPS=1, BASE_URL="")
    app = create_app(app_config)
    with app.app_context():
        make_user(email="alex@example.org")
        client = app.test_client()
        redirect = client.get("/profil", headers=FORGED)
        client.post("/mot-de-passe-oublie", data={"email": "alex@example.org"}, headers=FORGED)
        db.session.remove()
        empty_database()
        db.engine.dispose()
    assert redirect.status_code == 302
    assert "evil" not in redirect.headers["Location"]
    assert redirect.headers["Location"].startswith(("/connexion", "https://localhost/connexion"))
    [link] = links_in(mailbox.body(mailbox.messages[0]))
    assert link.startswith("https://localhost/mot-de-passe/")
