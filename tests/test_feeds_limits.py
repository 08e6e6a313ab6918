"""Feed links are rate-limited per token, and tokens never reach a log."""

import logging
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from shelter.extensions import limiter
from shelter.feeds.redaction import RedactTokens
from tests.factories import make_feed_link


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "FEED_LIMIT_PER_TOKEN": "3 per minute"}


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def logged_text(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_each_link_has_its_own_limit(client, volunteer, other_volunteer, caplog):
    caplog.set_level(logging.INFO)
    url, other_url = make_feed_link(volunteer), make_feed_link(other_volunteer)
    for _ in range(3):
        assert client.get(url).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert client.get(other_url).status_code == 200
    token = url.split("token=", 1)[1]
    assert "ratelimit" in logged_text(caplog)
    assert token not in logged_text(caplog)


def test_the_development_server_log_hides_tokens(app, volunteer, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    url = make_feed_link(volunteer)
    token = url.split("token=", 1)[1]
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        with urllib.request.urlopen(base + url, timeout=10) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    text = logged_text(caplog)
    assert "GET /agenda/personnel.ics?token=[redacted]" in text
    assert token not in text


def test_the_filter_handles_gunicorn_access_atoms():
    atoms = {"r": "GET /agenda/personnel.ics?token=abc-DEF_1 HTTP/1.1", "q": "token=abc", "s": 200}
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(r)s %(s)s", (), None)
    record.args = atoms
    RedactTokens().filter(record)
    assert record.getMessage() == "GET /agenda/personnel.ics?token=[redacted] HTTP/1.1 200"
    assert atoms["q"] == "token=[redacted]"
