"""Public events: "Ajouter à mon agenda" (a one-event iCalendar file) and the place on a map."""

from datetime import UTC, datetime

from icalendar import Calendar

from tests.factories import make_public_event
from tests.helpers import words


def test_an_event_downloads_as_its_own_calendar_file(client):
    event = make_public_event(
        title="Soirée de soutien",
        starts_at=datetime(2031, 3, 7, 18, 30, tzinfo=UTC),
        ends_at=datetime(2031, 3, 7, 22, 0, tzinfo=UTC),
        location="La Zone, Quai de l'Ourthe 42, Liège",
    )
    make_public_event(title="Une autre", starts_at=datetime(2031, 3, 8, 12, 0, tzinfo=UTC))

    response = client.get(f"/agenda/{event.id}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="evenement-{event.id}.ics"'
    )
    assert response.headers["ETag"]
    calendar = Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == "Soirée de soutien"
    [component] = calendar.walk("VEVENT")
    assert str(component["UID"]) == f"event-{event.id}@shelter.test"
    assert str(component["LOCATION"]) == "La Zone, Quai de l'Ourthe 42, Liège"
    assert b"DTSTART;TZID=Europe/Brussels:20310307T193000" in response.data
    assert b"DTEND;TZID=Europe/Brussels:20310307T230000" in response.data
    # The same builder as the public feed: the event's bytes are the same in both.
    assert (
        Calendar.from_ical(client.get("/agenda/public.ics").data).walk("VEVENT")[0].to_ical()
        == component.to_ical()
    )
    etag = response.headers["ETag"]
    cached = client.get(f"/agenda/{event.id}.ics", headers={"If-None-Match": etag})
    assert cached.status_code == 304


def test_unpublished_or_missing_events_have_no_file(client):
    hidden = make_public_event(published=False)

    assert client.get(f"/agenda/{hidden.id}.ics").status_code == 404
    assert client.get("/agenda/999999.ics").status_code == 404


def test_the_event_page_links_to_the_calendar_file_and_the_map(client):
    event = make_public_event(location="Place Saint-Lambert, Liège")

    response = client.get(f"/agenda/{event.id}")

    assert f'href="/agenda/{event.id}.ics"' in response.text
    assert (
        'href="https://www.openstreetmap.org/search?query=Place+Saint-Lambert%2C+Li%C3%A8ge"'
        in response.text
    )
    text = words(response)
    assert "Ajouter à mon agenda" in text
    assert "Voir le lieu sur OpenStreetMap" in text
    # A plain link: no map, tile or script from anywhere else is loaded.
    assert "openstreetmap" not in response.headers["Content-Security-Policy"]
    for loaded in ('<script src="http', '<img src="http', "<iframe", "tile.openstreetmap"):
        assert loaded not in response.text


def test_a_past_event_offers_no_calendar_link(client):
    event = make_public_event(starts_at=datetime(2020, 5, 1, 12, 0, tzinfo=UTC))

    response = client.get(f"/agenda/{event.id}")

    assert "Ajouter à mon agenda" not in words(response)
    assert "Voir le lieu sur OpenStreetMap" in words(response)
