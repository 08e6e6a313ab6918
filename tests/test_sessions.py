"""Sessions end after 72 idle hours and 14 days after signing in, whatever they did since."""

import time

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.test_hosts import production_app  # noqa: F401 (a fixture)

HOUR = 3600


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += hours * HOUR


@pytest.fixture
def clock(monkeypatch):
    # Cookie signatures and session limits both read time.time().
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


def sign_in(client, user):
    response = client.post("/connexion", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_a_session_ends_after_72_idle_hours(client, volunteer, clock):
    sign_in(client, volunteer)
    clock.advance(71)
    assert client.get("/profil").status_code == 200
    clock.advance(72.5)
    response = client.get("/profil")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_a_session_kept_busy_still_ends_14_days_after_signing_in(client, volunteer, clock):
    sign_in(client, volunteer)
    for _day in range(13):
        clock.advance(24)
        # Changing the language re-signs the cookie: its age starts again, the session's not.
        assert client.post("/langue", data={"language": "fr", "next": "/profil"}).status_code == 302
        assert client.get("/profil").status_code == 200
    clock.advance(24 + 1)
    assert client.get("/profil").status_code == 302


def test_the_idle_limit_is_a_setting(app, client, volunteer, clock):
    app.config["SESSION_IDLE_HOURS"] = 1
    sign_in(client, volunteer)
    clock.advance(1.5)
    assert client.get("/profil").status_code == 302


def test_production_cookies_are_host_only(production_app):  # noqa: F811
    user = make_user()
    response = production_app.test_client().post(
        "/connexion",
        data={"email": user.email, "password": DEFAULT_PASSWORD},
        base_url="https://shelter.example.org",
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("__Host-shelter_session="))
    assert "Secure" in session_cookie and "Path=/" in session_cookie
    assert "Domain" not in session_cookie
