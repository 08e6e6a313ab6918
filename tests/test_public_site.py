"""The public site as a visitor sees it: home, news, Atom feed, public events and their feed."""

from datetime import UTC, date, datetime, time, timedelta

import feedparser
import pytest
from icalendar import Calendar

from shelter.clock import local_instant, utcnow
from shelter.extensions import db
from shelter.models import MaterialNeed, PublicEvent
from shelter.public.events.ical import public_events_calendar
from tests.factories import make_post, make_public_event
from tests.helpers import count_queries, page, words


def test_home_shows_presentation_events_news_and_calls_to_action(client):
    make_public_event(title="Grande manifestation")
    make_post(title="Un hiver de plus", body="La maison rouvre. " * 40)
    response = client.get("/")
    assert response.status_code == 200
    text = page(response)
    assert "Nous sommes un collectif" in text
    assert "Grande manifestation" in text
    assert "Un hiver de plus" in text
    assert "Lire la suite" in text
    for label in ("Rejoins-nous", "Soutiens-nous", "Abonne-toi", "Espace membres"):
        assert label in text
    assert 'href="/connexion"' in response.text
    assert 'lang="fr"' in response.text


def test_home_is_in_english_for_english_visitors(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert 'lang="en"' in response.text
    assert "Join us" in page(response)


def test_drafts_future_posts_and_unpublished_events_stay_hidden(client):
    make_post(title="Brouillon secret", published=False, slug="brouillon")
    make_post(title="Article du futur", published_at=utcnow() + timedelta(days=2), slug="futur")
    make_public_event(title="Action pas encore annoncée", published=False)
    text = page(client.get("/")) + page(client.get("/actualites")) + page(client.get("/agenda"))
    assert "Brouillon secret" not in text
    assert "Article du futur" not in text
    assert "Action pas encore annoncée" not in text
    assert client.get("/actualites/brouillon").status_code == 404
    assert client.get("/actualites/futur").status_code == 404


def test_home_costs_a_fixed_number_of_queries(app, client):
    def queries_for_home() -> int:
        with count_queries(db.engine) as statements:
            assert client.get("/").status_code == 200
        return len([statement for statement in statements if not statement.startswith("BEGIN")])

    make_post()
    make_public_event()
    few = queries_for_home()
    for number in range(12):
        make_post(title=f"Article {number}")
        make_public_event(title=f"Rendez-vous {number}")
    assert queries_for_home() == few == 3


def test_news_list_is_paginated(app, client):
    app.config["NEWS_PER_PAGE"] = 3
    for number in range(7):
        make_post(title=f"Nouvelle numéro {number}")
    first = page(client.get("/actualites"))
    assert "Nouvelle numéro 0" in first
    assert "Nouvelle numéro 3" not in first
    assert "Page 1 sur 3" in first
    assert "Nouvelle numéro 6" in page(client.get("/actualites?page=3"))
    assert client.get("/actualites?page=9").status_code == 404


def test_article_page_has_meta_description_and_open_graph(client):
    make_post(
        title="On manifeste samedi", body="Rendez-vous **place Saint-Lambert**.", slug="samedi"
    )
    response = client.get("/actualites/samedi")
    assert response.status_code == 200
    assert "<strong>place Saint-Lambert</strong>" in response.text
    assert '<meta name="description" content="Rendez-vous place Saint-Lambert.">' in response.text
    assert '<meta property="og:type" content="article">' in response.text
    assert '<meta property="og:title" content="On manifeste samedi">' in response.text
    assert 'property="og:url" content="http://shelter.test/actualites/samedi"' in response.text
    assert 'property="article:published_time"' in response.text


def test_atom_feed_is_valid_and_lists_published_posts(client):
    make_post(title="Premier article", body="Du *texte* & des <script>alert(1)</script>.")
    make_post(title="Second article")
    make_post(title="Brouillon", published=False)
    response = client.get("/actualites/atom.xml")
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Shelter Liège"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Premier article", "Second article"]
    entry = feed.entries[0]
    assert entry.link.startswith("http://shelter.test/actualites/article-")
    assert entry.id.startswith("tag:shelter.test,2024:news/")
    assert "<em>texte</em>" in entry.content[0].value
    assert "script" not in entry.content[0].value
    assert client.get("/").text.count('type="application/atom+xml"') == 1


def test_atom_feed_answers_304_when_unchanged(client):
    make_post()
    first = client.get("/actualites/atom.xml")
    again = client.get("/actualites/atom.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_events_page_lists_upcoming_and_archives_past_events(client):
    make_public_event(title="Manif à venir")
    make_public_event(
        title="Soirée passée",
        starts_at=local_instant(date.today() - timedelta(days=20), time(19, 0)),
    )
    upcoming = page(client.get("/agenda"))
    assert "Manif à venir" in upcoming
    assert "Soirée passée" not in upcoming
    archived = page(client.get("/agenda/archives"))
    assert "Soirée passée" in archived
    assert "Manif à venir" not in archived


def test_event_page_shows_time_in_brussels_and_place(client):
    event = make_public_event(
        title="Rassemblement",
        starts_at=datetime(2031, 7, 5, 12, 0, tzinfo=UTC),
        ends_at=datetime(2031, 7, 5, 14, 30, tzinfo=UTC),
        location="Place du Marché",
        description="Avec [le programme](https://example.org/programme).",
    )
    text = page(client.get(f"/agenda/{event.id}"))
    assert "samedi 5 juillet 2031, 14:00" in text
    assert "16:30" in text
    assert "Place du Marché" in text
    assert 'href="https://example.org/programme" rel="noopener nofollow"' in text
    hidden = make_public_event(published=False)
    assert client.get(f"/agenda/{hidden.id}").status_code == 404


def test_support_page_shows_bank_details_and_open_needs(app, client, coordinator_client):
    db.session.add_all(
        [
            MaterialNeed(item="Sacs de couchage", quantity="5", urgent=True),
            MaterialNeed(item="Vieux matelas", done=True),
        ]
    )
    db.session.commit()
    coordinator_client.post(
        "/gestion/site",
        data={
            "site_name": "Collectif Test",
            "iban": "BE68 5390 0754 7034",
            "structured_communication": "+++090/9337/55493+++",
            "account_holder": "Collectif Test ASBL",
        },
    )
    client.post("/deconnexion")
    text = words(client.get("/soutiens-nous"))
    assert "BE68 5390 0754 7034" in text
    assert "+++090/9337/55493+++" in text
    assert "Sacs de couchage" in text
    assert "Urgent" in text
    assert "Vieux matelas" not in text


# --- the public calendar feed --------------------------------------------------------------------


def test_public_ics_feed_holds_published_events_only(client):
    event = make_public_event(
        title="Manifestation", starts_at=datetime(2031, 1, 10, 13, 0, tzinfo=UTC)
    )
    make_public_event(title="Pas publiée", published=False)
    response = client.get("/agenda/public.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["ETag"].startswith('"')
    calendar = Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == "Agenda public — Shelter Liège"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.data
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    [component] = calendar.walk("VEVENT")
    assert str(component["UID"]) == f"event-{event.id}@shelter.test"
    assert str(component["SUMMARY"]) == "Manifestation"
    assert b"DTSTART;TZID=Europe/Brussels:20310110T140000" in response.data
    assert b"DTEND;TZID=Europe/Brussels:20310110T160000" in response.data
    assert b"\r\nDURATION" not in response.data
    assert component["URL"] == f"http://shelter.test/agenda/{event.id}"


def test_public_ics_feed_answers_304_until_an_event_changes(client, coordinator):
    event = make_public_event(starts_at=datetime(2031, 1, 10, 13, 0, tzinfo=UTC))
    first = client.get("/agenda/public.ics")
    etag = first.headers["ETag"]
    assert client.get("/agenda/public.ics", headers={"If-None-Match": etag}).status_code == 304
    event.title = "Manifestation déplacée"
    event.starts_at = datetime(2031, 1, 11, 13, 0, tzinfo=UTC)
    event.sequence += 1
    db.session.commit()
    changed = client.get("/agenda/public.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"SEQUENCE:1" in changed.data


def test_public_events_calendar_is_deterministic():
    stamp = datetime(2030, 5, 1, 8, 0, tzinfo=UTC)
    event = PublicEvent(
        id=7,
        title="Soirée de soutien",
        starts_at=datetime(2030, 6, 1, 17, 0, tzinfo=UTC),
        ends_at=datetime(2030, 6, 1, 21, 0, tzinfo=UTC),
        location="La Zone",
        description="Concert **gratuit**",
        sequence=2,
        created_at=stamp,
        updated_at=stamp,
    )
    body = public_events_calendar([event], host="example.org", calendar_name="Agenda")
    assert body == public_events_calendar([event], host="example.org", calendar_name="Agenda")
    assert b"UID:event-7@example.org" in body
    assert b"DTSTAMP:20300501T080000Z" in body
    assert b"LAST-MODIFIED:20300501T080000Z" in body
    assert b"SEQUENCE:2" in body
    assert b"DESCRIPTION:Concert gratuit" in body


@pytest.mark.parametrize("path", ["/", "/actualites", "/agenda", "/soutiens-nous", "/newsletter"])
def test_public_pages_need_no_login_and_use_no_third_party_resources(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    for marker in ("https://fonts.", "cdn", "googleapis", "analytics"):
        assert marker not in response.text
