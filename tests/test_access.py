"""Every route is protected by default: walked from the URL map, so new routes are covered."""

import pytest
from werkzeug.routing import IntegerConverter

from shelter.security import is_public_endpoint
from tests.conftest import login_as


def concrete_url(rule) -> str:
    values = {
        name: 999999 if isinstance(converter, IntegerConverter) else "inexistant"
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, method, concrete_url(rule)


def test_anonymous_visitors_are_sent_to_login_from_every_member_route(app, client):
    checked = 0
    for rule, method, url in routes(app):
        if is_public_endpoint(app, rule.endpoint):
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (rule.endpoint, response.status_code)
        assert response.headers["Location"].startswith("/connexion"), rule.endpoint
        checked += 1
    assert checked >= 8


def test_volunteers_get_403_on_every_coordinator_route(app, client, volunteer):
    login_as(client, volunteer)
    checked = 0
    for rule, method, url in routes(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "shelter_role", None) != "coordinator":
            continue
        response = client.open(url, method=method)
        assert response.status_code == 403, (rule.endpoint, response.status_code)
        checked += 1
    assert checked >= 6


def test_coordinators_reach_coordinator_routes(app, client, coordinator):
    login_as(client, coordinator)
    for rule, method, url in routes(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "shelter_role", None) != "coordinator" or method != "GET":
            continue
        if rule.arguments:
            continue
        assert client.get(url).status_code == 200, rule.endpoint


@pytest.mark.parametrize("endpoint", ["auth.login", "auth.forgot_password", "auth.set_language"])
def test_public_endpoints_are_marked(app, endpoint):
    assert is_public_endpoint(app, endpoint)
