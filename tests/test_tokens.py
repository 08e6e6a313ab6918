"""No token reaches the access log, and an unsubscribe link dies with its subscription."""

from werkzeug.routing import IntegerConverter

from shelter.extensions import db
from shelter.models import NewsletterSubscriber
from shelter.public.newsletter.subscriptions import unsubscribe_url
from shelter.serving import loggable_path
from tests.helpers import path_of

SECRET = "Zm9vYmFyc2VjcmV0dG9rZW4tMTIzNDU2Nzg5MA"


def token_routes(app):
    for rule in app.url_map.iter_rules():
        if any("token" in name for name in rule.arguments):
            yield rule


def url_with_secret(rule) -> str:
    values = {
        name: 7 if isinstance(converter, IntegerConverter) else SECRET
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


def test_every_route_carrying_a_token_is_masked_in_the_access_log(app):
    rules = list(token_routes(app))
    assert {rule.endpoint for rule in rules} >= {
        "auth.reset_password",
        "auth.accept_invitation",
        "public.confirm_subscription",
        "public.unsubscribe",
    }
    for rule in rules:
        path = url_with_secret(rule)
        assert SECRET not in loggable_path(path), rule.rule
        assert SECRET not in loggable_path(f"{path}?token={SECRET}"), rule.rule
    assert loggable_path("/calendrier/2026/12") == "/calendrier/2026/12"


def test_an_unsubscribe_link_dies_with_its_subscription(app, client):
    first = NewsletterSubscriber(email="nina@example.org", status="confirmed")
    db.session.add(first)
    db.session.commit()
    old_link, old_id = path_of(unsubscribe_url(first)), first.id
    assert client.post(old_link, data={"List-Unsubscribe": "One-Click"}).status_code == 302

    # The address subscribes again and gets the same id (SQLite reuses the highest one).
    again = NewsletterSubscriber(id=old_id, email="nina@example.org", status="confirmed")
    db.session.add(again)
    db.session.commit()
    assert client.get(old_link).status_code == 404
    assert client.get(path_of(unsubscribe_url(again))).status_code == 200
