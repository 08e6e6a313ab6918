"""Headers, cookies, CSRF and login throttling."""

import pytest

from shelter.extensions import limiter
from tests.conftest import login_as
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import csrf_token, page


@pytest.mark.parametrize("url", ["/connexion", "/nulle-part", "/static/css/shelter.css"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}


def test_pages_link_no_third_party_resource(client, coordinator):
    login_as(client, coordinator)
    for url in ["/connexion", "/profil", "/gestion/comptes"]:
        text = client.get(url).text
        assert 'src="http' not in text and 'href="http' not in text, url


def test_logged_in_pages_are_not_cached(client, volunteer):
    assert "no-store" not in client.get("/connexion").headers.get("Cache-Control", "")
    login_as(client, volunteer)
    assert client.get("/profil").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, volunteer):
    response = client.post(
        "/connexion", data={"email": volunteer.email, "password": DEFAULT_PASSWORD}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def default_cookie_config(app_config):
    del app_config["SESSION_COOKIE_SECURE"]
    return app_config


def test_session_cookie_is_secure_outside_debug(default_cookie_config, app, client, volunteer):
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = client.post(
        "/connexion",
        data={"email": volunteer.email, "password": DEFAULT_PASSWORD},
        base_url="https://localhost",
    )
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.fixture
def csrf_app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_post_without_csrf_token_is_refused(csrf_app_config, client, volunteer):
    response = client.post(
        "/connexion", data={"email": volunteer.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert "Le formulaire a expiré" in page(response)
    token = csrf_token(client.get("/connexion").text)
    response = client.post(
        "/connexion",
        data={"email": volunteer.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


def test_every_member_post_route_checks_csrf(csrf_app_config, app, client, coordinator):
    login_as(client, coordinator)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {name: 1 for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        assert client.post(url, data={}).status_code == 400, rule.endpoint
        checked += 1
    assert checked >= 8


@pytest.fixture
def throttled_app_config(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    return app_config


def test_login_is_throttled_per_account(throttled_app_config, app, client, volunteer):
    limiter.reset()
    for attempt in range(5):
        response = client.post(
            "/connexion",
            data={"email": volunteer.email, "password": "mauvais mot de passe"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"},
        )
        assert response.status_code == 401
    response = client.post(
        "/connexion",
        data={"email": volunteer.email, "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in page(response)


def test_login_is_throttled_per_address(throttled_app_config, app, client):
    limiter.reset()
    for attempt in range(20):
        response = client.post(
            "/connexion",
            data={"email": f"x{attempt}@example.org", "password": "mauvais mot de passe"},
        )
        assert response.status_code == 401
    response = client.post("/connexion", data={"email": "y@example.org", "password": "x" * 12})
    assert response.status_code == 429


def test_successful_logins_are_not_counted(throttled_app_config, app, client, volunteer):
    limiter.reset()
    for _ in range(8):
        response = client.post(
            "/connexion", data={"email": volunteer.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        client.post("/deconnexion")
