"""Through gunicorn: a feed is served, and the access log never shows its token."""

import pytest

from tests.factories import make_feed_link
from tests.live import LiveClient, gunicorn_server

pytestmark = pytest.mark.server


def test_gunicorn_access_log_hides_tokens(migrated_database, tmp_path, monkeypatch, volunteer):
    url = make_feed_link(volunteer)
    token = url.split("token=", 1)[1]
    access_log = tmp_path / "access.log"
    monkeypatch.setenv("GUNICORN_CMD_ARGS", f"--access-logfile {access_log}")
    with gunicorn_server(migrated_database, tmp_path / "live", workers=1) as base_url:
        client = LiveClient(base_url)
        response = client.get(url)
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert "BEGIN:VCALENDAR" in response.text
        assert client.get("/agenda/personnel.ics?token=wrong").status == 404
    logged = access_log.read_text()
    assert "GET /agenda/personnel.ics HTTP/1.1" in logged
    assert token not in logged
