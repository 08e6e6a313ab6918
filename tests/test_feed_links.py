"""Feed links per device: named, shown once, stored hashed, listed, revoked one by one."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shelter.extensions import db
from shelter.feeds import services
from shelter.models import AuditEntry, FeedToken, hash_token
from tests.conftest import login_as
from tests.factories import make_feed_link, make_user
from tests.helpers import count_queries, csrf_token, freeze_feed_clock, french, page, words

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TOKEN_IN_PAGE = re.compile(r'value="http://shelter\.test/agenda/(\w+)\.ics\?token=([^"]+)"')


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return freeze_feed_clock(monkeypatch, NOW)


def create(client, name: str, kind: str = "personal"):
    """Press "Créer mon lien" with ``name``; return the answer and the token it shows."""
    response = client.post("/mon-agenda/lien", data={"kind": kind, "name": name})
    found = TOKEN_IN_PAGE.search(response.text)
    return response, found.group(2) if found else None


def feed(kind: str, token: str) -> str:
    return f"/agenda/{'personnel' if kind == 'personal' else 'coordination'}.ics?token={token}"


def test_each_link_is_shown_once_in_the_answer_and_never_kept(volunteer_client, volunteer):
    first = volunteer_client.get("/mon-agenda")
    assert first.status_code == 200
    assert 'value="Téléphone"' in first.text  # a name is suggested for the first link
    response, token = create(volunteer_client, "Téléphone")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = page(response)
    assert french("Voici ton lien « Téléphone ».") in text
    assert f'href="webcal://shelter.test/agenda/personnel.ics?token={token}"' in text
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2Fshelter.test" in text
    assert len(token) >= 43
    # Neither the session nor the database holds the token.
    with volunteer_client.session_transaction() as session:
        assert token not in repr(dict(session))
    assert token not in response.headers.get("Set-Cookie", "")
    (row,) = db.session.scalars(select(FeedToken))
    assert (row.name, row.token_hash) == ("Téléphone", hash_token(token))
    # Shown once: the page lists the link, never its address again.
    again = volunteer_client.get("/mon-agenda")
    assert token not in again.text
    listed = words(again)
    assert "Téléphone" in listed and "jamais utilisé" in listed
    assert 'value="Ordinateur"' in again.text


def test_a_second_device_never_breaks_the_first(volunteer_client):
    _, phone = create(volunteer_client, "Téléphone")
    _, laptop = create(volunteer_client, "Ordinateur")
    assert phone != laptop
    for token in (phone, laptop):
        assert volunteer_client.get(feed("personal", token)).status_code == 200
    names = [link.name for link in db.session.scalars(select(FeedToken).order_by(FeedToken.id))]
    assert names == ["Téléphone", "Ordinateur"]


def test_links_are_revoked_one_by_one(client, volunteer, other_volunteer):
    login_as(client, volunteer)
    _, phone = create(client, "Téléphone")
    _, laptop = create(client, "Ordinateur")
    phone_link = db.session.scalar(select(FeedToken).where(FeedToken.name == "Téléphone"))
    response = client.post(f"/mon-agenda/liens/{phone_link.id}/revoquer", follow_redirects=True)
    assert french("Le lien « Téléphone » est révoqué") in page(response)
    assert client.get(feed("personal", phone)).status_code == 404
    assert client.get(feed("personal", laptop)).status_code == 200
    listed = page(client.get("/mon-agenda"))
    assert "<strong>Téléphone</strong>" not in listed and "<strong>Ordinateur</strong>" in listed
    # Nobody revokes another member's link.
    laptop_link = db.session.scalar(select(FeedToken).where(FeedToken.name == "Ordinateur"))
    login_as(client, other_volunteer)
    assert client.post(f"/mon-agenda/liens/{laptop_link.id}/revoquer").status_code == 404
    assert client.get(feed("personal", laptop)).status_code == 200
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["feed.new_link", "feed.new_link", "feed.revoke"]


def test_a_name_is_needed_and_links_are_not_endless(volunteer_client):
    response, token = create(volunteer_client, "  ")
    assert response.status_code == 400 and token is None
    assert "Donne un nom à ce lien" in page(response)
    response, _ = create(volunteer_client, "x" * 41)
    assert response.status_code == 400
    for number in range(services.MAX_LINKS):
        assert create(volunteer_client, f"Appareil {number}")[0].status_code == 200
    refused, token = create(volunteer_client, "Un de trop")
    assert refused.status_code == 409 and token is None
    assert "révoque ceux que tu n'utilises plus" in page(refused)
    assert len(db.session.scalars(select(FeedToken)).all()) == services.MAX_LINKS


def test_coordinators_hold_several_links_to_each_feed(coordinator_client):
    text = page(coordinator_client.get("/mon-agenda"))
    assert "Mes créneaux" in text and "Agenda de la coordination" in text
    tokens = [create(coordinator_client, name, "coordination")[1] for name in ("Tél", "PC")]
    for token in tokens:
        assert coordinator_client.get(feed("coordination", token)).status_code == 200
    assert "Tél" in words(coordinator_client.get("/mon-agenda"))


def test_deactivation_and_losing_the_role_kill_every_link(client, coordinator):
    other = make_user(role="coordinator", name="Dominique")
    personal = [make_feed_link(other) for _ in range(2)]
    coordination = [make_feed_link(other, "coordination") for _ in range(2)]
    login_as(client, coordinator)
    client.post(f"/gestion/comptes/{other.id}/role", data={"role": "volunteer"})
    assert [client.get(url).status_code for url in coordination] == [404, 404]
    assert [client.get(url).status_code for url in personal] == [200, 200]
    client.post(f"/gestion/comptes/{other.id}/desactiver")
    assert [client.get(url).status_code for url in personal] == [404, 404]


def test_last_use_is_kept_to_the_hour_without_a_write_per_poll(client, volunteer, clock):
    url = make_feed_link(volunteer)
    link = db.session.scalar(select(FeedToken))
    assert link.last_used_at is None

    def poll(etag=None):
        headers = {"If-None-Match": etag} if etag else {}
        with count_queries(db.engine) as statements:
            response = client.get(url, headers=headers)
        writes = [sql for sql in statements if sql.startswith("UPDATE")]
        return response, writes

    first, writes = poll()
    assert first.status_code == 200 and len(writes) == 1
    db.session.expire_all()
    assert db.session.get(FeedToken, link.id).last_used_at == NOW
    for minutes in (1, 30, 59):
        clock.now = NOW + timedelta(minutes=minutes)
        response, writes = poll(first.headers["ETag"])
        assert response.status_code == 304 and writes == []
    clock.now = NOW + timedelta(hours=1, minutes=5)
    response, writes = poll(first.headers["ETag"])
    assert response.status_code == 304 and len(writes) == 1
    db.session.expire_all()
    assert db.session.get(FeedToken, link.id).last_used_at == clock.now
    login_as(client, volunteer)
    assert "utilisé le 1 déc. 2026" in words(client.get("/mon-agenda"))


def test_the_page_needs_a_valid_form(app, volunteer, app_config):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_as(client, volunteer)
    token = csrf_token(client.get("/mon-agenda").text)
    assert (
        client.post("/mon-agenda/lien", data={"kind": "personal", "name": "Tél"}).status_code == 400
    )
    response = client.post(
        "/mon-agenda/lien", data={"kind": "personal", "name": "Tél", "csrf_token": token}
    )
    assert response.status_code == 200
    link = db.session.scalar(select(FeedToken))
    assert client.post(f"/mon-agenda/liens/{link.id}/revoquer").status_code == 400
    assert db.session.get(FeedToken, link.id) is not None
