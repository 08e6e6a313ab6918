"""The app serves under gunicorn with several workers, as in production."""

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.live import LiveClient, gunicorn_server

pytestmark = pytest.mark.server


def test_login_through_gunicorn(migrated_database, tmp_path, volunteer):
    with gunicorn_server(migrated_database, tmp_path / "live", workers=2) as base_url:
        client = LiveClient(base_url)
        assert client.get("/profil").status == 302
        client.login(volunteer.email, DEFAULT_PASSWORD)
        response = client.get("/profil")
        assert response.status == 200
        assert "Mon profil" in response.text
        assert client.post("/deconnexion", {}, token_from="/profil").status == 302
        assert client.get("/profil").status == 302
