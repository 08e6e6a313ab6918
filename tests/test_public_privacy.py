"""Abuse and privacy on the public site: rate limits, and no operational data on any public URL."""

from datetime import date, timedelta

import pytest
from werkzeug.routing import IntegerConverter

from shelter.extensions import db, limiter
from shelter.models import NewsletterSubscriber, VolunteerApplication
from shelter.security import is_public_endpoint
from tests.factories import (
    make_night,
    make_place,
    make_post,
    make_public_event,
    make_shift_type,
    make_signup,
    make_stay,
    make_user,
)


@pytest.fixture
def throttled_app_config(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    return app_config


def test_application_form_is_rate_limited_per_ip(throttled_app_config, app, client, mailbox):
    limiter.reset()
    for number in range(5):
        response = client.post(
            "/rejoins-nous",
            data={
                "name": f"Personne {number}",
                "email": f"p{number}@example.org",
                "helps": ["meals"],
                "availability": "Le soir",
                "consent": "y",
            },
        )
        assert response.status_code == 302
    refused = client.post("/rejoins-nous", data={"name": "Une de trop"})
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.text
    assert db.session.query(VolunteerApplication).count() == 5
    other_ip = client.post("/rejoins-nous", data={}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_ip.status_code == 400
    assert client.get("/rejoins-nous").status_code == 200


def test_newsletter_is_rate_limited_per_address(throttled_app_config, app, client, mailbox):
    limiter.reset()
    for attempt in range(3):
        response = client.post(
            "/newsletter",
            data={"email": "target@example.org", "consent": "y"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{attempt}"},
        )
        assert response.status_code == 302
    flood = client.post(
        "/newsletter",
        data={"email": "Target@example.org", "consent": "y"},
        environ_base={"REMOTE_ADDR": "10.0.1.99"},
    )
    assert flood.status_code == 429
    assert len(mailbox.to("target@example.org")) == 3
    assert db.session.query(NewsletterSubscriber).count() == 1


# --- no operational leak ------------------------------------------------------------------------

MARKERS = {
    "address": "Rue Secrète 4242",
    "place": "Maison Zéphyrine",
    "alias": "Aliasmarqueur",
    "note": "Notemarqueur sans gluten",
    "night note": "Noteduneuitmarqueur",
    "cancel reason": "Raisonannulmarqueur",
    "volunteer": "Bénévolemarqueur",
    "volunteer email": "benevole-marqueur@example.org",
    "coordinator": "Coordomarqueur",
    "coordinator email": "coordo-marqueur@example.org",
    "applicant": "Candidatmarqueur",
    "applicant email": "candidat-marqueur@example.org",
    "subscriber email": "abonne-marqueur@example.org",
    "volunteer phone": "+32470999111",
    "coordinator phone": "+32470999222",
}


def seed_operational_data():
    place = make_place(name=MARKERS["place"], address=MARKERS["address"])
    volunteer = make_user(name=MARKERS["volunteer"], email=MARKERS["volunteer email"])
    coordinator = make_user(
        role="coordinator", name=MARKERS["coordinator"], email=MARKERS["coordinator email"]
    )
    volunteer.phone, volunteer.phone_shared = MARKERS["volunteer phone"], True
    coordinator.phone = MARKERS["coordinator phone"]
    shift_type = make_shift_type()
    for offset in (-3, 0, 2, 9):
        night = make_night(
            day=date.today() + timedelta(days=offset), place=place, shift_types=[shift_type]
        )
        night.note = MARKERS["night note"]
        make_stay(night, places=2, alias=MARKERS["alias"], note=MARKERS["note"])
        make_signup(night.shifts[0], volunteer)
        night.on_call_id = coordinator.id
    cancelled = make_night(day=date.today() + timedelta(days=4), place=place, status="cancelled")
    cancelled.cancel_reason = MARKERS["cancel reason"]
    db.session.add(
        VolunteerApplication(
            name=MARKERS["applicant"], email=MARKERS["applicant email"], helps="meals"
        )
    )
    db.session.add(NewsletterSubscriber(email=MARKERS["subscriber email"], status="confirmed"))
    db.session.commit()


def public_urls(app, values: dict) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not is_public_endpoint(app, rule.endpoint):
            continue
        if "GET" not in rule.methods:
            continue
        arguments = {}
        for name, converter in rule._converters.items():
            if name in values:
                arguments[name] = values[name]
            else:
                arguments[name] = 1 if isinstance(converter, IntegerConverter) else "inconnu"
        urls.append(rule.build(arguments, append_unknown=False)[1])
    return urls


def test_no_public_url_reveals_nights_stays_volunteers_or_the_address(app, client):
    seed_operational_data()
    post = make_post(slug="nouvelles", body="Des nouvelles du collectif.")
    past = make_public_event(title="Ancienne manif")
    past.starts_at = past.starts_at - timedelta(days=60)
    event = make_public_event(title="Prochaine manif")
    db.session.commit()
    urls = public_urls(app, {"slug": post.slug, "event_id": event.id})
    urls += [
        "/agenda/archives",
        f"/agenda/{past.id}",
        "/page-qui-n-existe-pas",
        "/actualites?page=99",
        "/agenda/999999",
    ]
    assert {"/", "/actualites/atom.xml", "/agenda/public.ics", "/actualites/nouvelles"} <= set(urls)
    for language in ("fr", "en"):
        for url in urls:
            response = client.get(url, headers={"Accept-Language": language})
            assert response.status_code < 500, url
            body = response.get_data(as_text=True)
            for what, marker in MARKERS.items():
                assert marker not in body, f"{what} leaked on {url}"
