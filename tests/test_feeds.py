"""Calendar feeds: what calendar apps receive, and who can read them."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from shelter.clock import BRUSSELS
from shelter.extensions import db
from shelter.feeds.http import known_etags
from shelter.feeds.links import night_link, night_links
from shelter.ical import event_bytes
from shelter.models import FeedToken, hash_token
from tests.conftest import login_as
from tests.factories import (
    make_feed_link,
    make_night,
    make_place,
    make_shift_type,
    make_signup,
    make_stay,
    make_user,
)
from tests.helpers import count_queries, freeze_feed_clock, french

# Inside every feed's window unless a test moves the clock.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FRIDAY = date(2026, 12, 11)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return freeze_feed_clock(monkeypatch, NOW)


@pytest.fixture
def shift_types(app):
    return {
        "repas": make_shift_type("Repas", time(18, 0), time(21, 0), 1, 2, position=0),
        "nuit": make_shift_type("Soirée et nuit", time(20, 0), time(9, 0), 2, 2, position=1),
        "matin": make_shift_type("Matin", time(7, 30), time(10, 0), 1, 2, position=2),
    }


@pytest.fixture
def night(shift_types):
    return make_night(FRIDAY, shift_types=list(shift_types.values()))


def shift_named(night, name):
    return next(shift for shift in night.shifts if shift.name == name)


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert [component.errors for component in calendar.walk() if component.errors] == []
    assert calendar.get_missing_tzids() == set()
    assert calendar.walk("VTIMEZONE"), "the calendar carries its VTIMEZONE"
    return calendar


def occurrences_on(calendar: Calendar, day: date) -> list:
    """The events that overlap ``day`` in Brussels, expanded by recurring-ical-events."""
    midnight = datetime.combine(day, time(0), BRUSSELS)
    return recurring_ical_events.of(calendar).between(midnight, midnight + timedelta(days=1))


def events_of(response) -> dict[str, object]:
    assert response.status_code == 200
    return {str(event["UID"]): event for event in parse(response.data).walk("VEVENT")}


# --- format and content ---------------------------------------------------------------


def test_an_empty_feed_is_a_valid_calendar_with_its_headers(client, volunteer):
    url = make_feed_link(volunteer)
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/html"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Cache-Control"] == "private, max-age=0"
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert response.headers["ETag"].startswith('"')  # strong
        assert response.headers["Last-Modified"]
    calendar = parse(response.data)
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Shelter Liège — mes créneaux"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Brussels"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in response.data
    assert b"DURATION:" not in response.data.replace(b"VALUE=DURATION:", b"")


def test_the_personal_feed_holds_the_volunteers_own_shifts(
    client, volunteer, other_volunteer, night
):
    repas = shift_named(night, "Repas")
    make_signup(repas, volunteer)
    make_signup(shift_named(night, "Matin"), other_volunteer)

    events = events_of(client.get(make_feed_link(volunteer)))

    assert list(events) == [f"shift-{repas.id}@shelter.test"]
    event = events[f"shift-{repas.id}@shelter.test"]
    assert str(event["SUMMARY"]) == "Repas — Accueil du ven. 11 déc."
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event["DTSTART"].dt == datetime(2026, 12, 11, 18, 0, tzinfo=event["DTSTART"].dt.tzinfo)
    assert "DTEND" in event and "DURATION" not in event
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0
    # DTSTAMP and LAST-MODIFIED come from the rows, not from the time of the request.
    changed = max(repas.updated_at, night.updated_at, night.place.updated_at)
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt == changed.replace(microsecond=0)
    # The description links to the night page.
    assert f"http://shelter.test/nuits/{night.id}" in str(event["DESCRIPTION"])


def test_titles_follow_the_users_language(client, night):
    english = make_user(language="en")
    make_signup(shift_named(night, "Repas"), english)
    response = client.get(make_feed_link(english))
    calendar = parse(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Shelter Liège — my shifts"
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Repas — Hosting night of Fri 11 Dec"


def test_an_overnight_shift_appears_on_both_dates(client, volunteer, night):
    make_signup(shift_named(night, "Soirée et nuit"), volunteer)
    calendar = parse(client.get(make_feed_link(volunteer)).data)
    for day in (FRIDAY, FRIDAY + timedelta(days=1)):
        (event,) = occurrences_on(calendar, day)
        assert str(event["SUMMARY"]).startswith("Soirée et nuit")
    assert occurrences_on(calendar, FRIDAY + timedelta(days=2)) == []
    assert occurrences_on(calendar, FRIDAY - timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("day", "start_utc", "end_utc", "hours"),
    [
        (date(2026, 3, 28), datetime(2026, 3, 28, 19, 0), datetime(2026, 3, 29, 7, 0), 12),
        (date(2026, 10, 24), datetime(2026, 10, 24, 18, 0), datetime(2026, 10, 25, 8, 0), 14),
    ],
)
def test_nights_when_the_clocks_change(
    client, clock, volunteer, shift_types, day, start_utc, end_utc, hours
):
    clock.now = datetime.combine(day, time(12), UTC)
    night = make_night(day, shift_types=[shift_types["nuit"]])
    make_signup(night.shifts[0], volunteer)

    calendar = parse(client.get(make_feed_link(volunteer)).data)
    (event,) = calendar.walk("VEVENT")
    starts, ends = event["DTSTART"].dt, event["DTEND"].dt
    assert (starts.hour, ends.hour) == (20, 9)  # local wall-clock times
    assert starts.astimezone(UTC) == start_utc.replace(tzinfo=UTC)
    assert ends.astimezone(UTC) == end_utc.replace(tzinfo=UTC)
    # Aware datetimes in one zone subtract as wall-clock times: compare in UTC.
    assert ends.astimezone(UTC) - starts.astimezone(UTC) == timedelta(hours=hours)
    (occurrence,) = occurrences_on(calendar, day)
    assert occurrence["DTEND"].dt.astimezone(UTC) == end_utc.replace(tzinfo=UTC)


def test_special_characters_and_emoji_survive(client, volunteer, night):
    repas = shift_named(night, "Repas")
    repas.description = "Courses, cuisine; clés \\ placard 🍲✨"
    db.session.commit()
    make_signup(repas, volunteer)
    (event,) = parse(client.get(make_feed_link(volunteer)).data).walk("VEVENT")
    assert "Courses, cuisine; clés \\ placard 🍲✨" in str(event["DESCRIPTION"])


def test_an_edit_bumps_sequence_and_changes_the_etag(client, volunteer, night):
    repas = shift_named(night, "Repas")
    make_signup(repas, volunteer)
    url = make_feed_link(volunteer)
    first = client.get(url)
    etag = first.headers["ETag"]

    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert unchanged.headers["ETag"] == etag

    repas.starts_at += timedelta(minutes=30)
    repas.sequence += 1
    db.session.commit()

    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    (event,) = parse(changed.data).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt.time() == time(18, 30)
    assert client.get(url, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_cancelled_shifts_and_nights_stay_with_status_cancelled(
    client, coordinator, volunteer, night
):
    repas = shift_named(night, "Repas")
    make_signup(repas, volunteer)
    personal, coordination = make_feed_link(volunteer), make_feed_link(coordinator, "coordination")
    etags = [client.get(url).headers["ETag"] for url in (personal, coordination)]

    night.status = "cancelled"
    night.sequence += 1
    for shift in night.shifts:
        shift.status = "cancelled"
        shift.sequence += 1
    db.session.commit()

    for url, etag in zip((personal, coordination), etags, strict=True):
        response = client.get(url, headers={"If-None-Match": etag})
        (event,) = events_of(response).values()
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) >= 1
    (shift_event,) = events_of(client.get(personal)).values()
    assert str(shift_event["SUMMARY"]) == french("Annulé : Repas — Accueil du ven. 11 déc.")
    (night_event,) = events_of(client.get(coordination)).values()
    assert str(night_event["SUMMARY"]) == "Accueil annulé"


def test_a_shift_the_volunteer_left_disappears(client, volunteer, night):
    repas = shift_named(night, "Repas")
    signup = make_signup(repas, volunteer)
    make_signup(shift_named(night, "Matin"), volunteer)
    url = make_feed_link(volunteer)
    before = client.get(url)
    assert len(events_of(before)) == 2

    db.session.delete(signup)
    repas.signup_count -= 1
    db.session.commit()

    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert f"shift-{repas.id}@shelter.test" not in events_of(after)
    assert len(events_of(after)) == 1


def test_the_coordinators_feed_has_one_event_per_night(client, coordinator, volunteer, night):
    other = make_night(FRIDAY + timedelta(days=1), shift_types=[])
    for _ in range(7):
        make_stay(night)
    make_signup(shift_named(night, "Repas"), volunteer)
    nuit = shift_named(night, "Soirée et nuit")
    make_signup(nuit, volunteer)
    make_signup(nuit, make_user())

    events = events_of(client.get(make_feed_link(coordinator, "coordination")))

    assert set(events) == {f"night-{night.id}@shelter.test", f"night-{other.id}@shelter.test"}
    event = events[f"night-{night.id}@shelter.test"]
    assert str(event["SUMMARY"]) == french("Accueil 7/10 — manque : Matin (1)")
    assert event["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 12, 11, 18, 0)
    assert event["DTEND"].dt.replace(tzinfo=None) == datetime(2026, 12, 12, 10, 0)
    description = str(event["DESCRIPTION"])
    assert french("Repas 18:00–21:00 : 1/2") in description
    assert french("Matin 07:30–10:00 : 0/2 — manque 1") in description
    assert str(events[f"night-{other.id}@shelter.test"]["SUMMARY"]) == "Accueil 0/10 — complet"


def test_the_window_runs_from_60_days_back_to_a_year_ahead(client, coordinator):
    today = date(2026, 12, 1)
    inside = [today - timedelta(days=60), today, today + timedelta(days=365)]
    outside = [today - timedelta(days=61), today + timedelta(days=366)]
    nights = {day: make_night(day) for day in inside + outside}
    events = events_of(client.get(make_feed_link(coordinator, "coordination")))
    assert set(events) == {f"night-{nights[day].id}@shelter.test" for day in inside}


def test_no_guest_data_or_address_in_any_feed(client, coordinator, volunteer, shift_types):
    place = make_place(name="La Maison", address="Rue SECRET-ADDRESS-7f3 1")
    place.notes = "SECRET-PLACE-NOTE-7f3"
    night = make_night(FRIDAY, place=place, shift_types=list(shift_types.values()))
    night.note = "SECRET-NIGHT-NOTE-7f3"
    night.cancel_reason = "SECRET-REASON-7f3"
    db.session.commit()
    make_stay(night, places=2, alias="SECRET-ALIAS-7f3", note="SECRET-STAY-NOTE-7f3")
    make_signup(shift_named(night, "Repas"), volunteer)

    for url in (make_feed_link(volunteer), make_feed_link(coordinator, "coordination")):
        body = client.get(url).data
        assert b"BEGIN:VEVENT" in body
        assert b"SECRET" not in body
        assert b"7f3" not in body


def test_the_same_data_gives_the_same_bytes(client, coordinator, volunteer, night):
    make_signup(shift_named(night, "Repas"), volunteer)
    urls = [make_feed_link(volunteer), make_feed_link(coordinator, "coordination")]
    first = [client.get(url) for url in urls]
    known_etags.clear()
    event_bytes.cache_clear()
    second = [client.get(url) for url in urls]
    for a, b in zip(first, second, strict=True):
        assert a.data == b.data
        assert a.headers["ETag"] == b.headers["ETag"]
        assert a.headers["Last-Modified"] == b.headers["Last-Modified"]


# --- HTTP -----------------------------------------------------------------------------


def test_conditional_requests(client, volunteer, night):
    make_signup(shift_named(night, "Repas"), volunteer)
    url = make_feed_link(volunteer)
    response = client.get(url)
    etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": "W/" + etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200
    # A process that never served this feed builds it and still answers 304.
    known_etags.clear()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    repas = shift_named(night, "Repas")
    repas.description = "Apporter du pain"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


@pytest.mark.parametrize("token", ["", "unknown-token", "x" * 500])
def test_an_unknown_token_gets_a_plain_404(client, token):
    for path in ("/agenda/personnel.ics", "/agenda/coordination.ics"):
        response = client.get(f"{path}?token={token}")
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("text/plain")
        assert "Location" not in response.headers
        assert "ne fonctionne plus" in response.text
    assert client.get("/agenda/personnel.ics").status_code == 404


def test_a_volunteers_token_cannot_read_the_coordinators_feed(client, volunteer, coordinator):
    personal = make_feed_link(volunteer)
    token = personal.split("token=", 1)[1]
    assert client.get(f"/agenda/coordination.ics?token={token}").status_code == 404
    # Nor the other way round: each link opens one feed.
    coordination = make_feed_link(coordinator, "coordination")
    token = coordination.split("token=", 1)[1]
    assert client.get(f"/agenda/personnel.ics?token={token}").status_code == 404


def test_only_the_tokens_hash_is_stored(client, volunteer):
    url = make_feed_link(volunteer)
    token = url.split("token=", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    (row,) = db.session.scalars(select(FeedToken))
    assert row.token_hash == hash_token(token)
    assert token not in (row.token_hash, str(row.id))


def test_deactivation_kills_the_feed_links(client, coordinator, volunteer):
    personal = make_feed_link(volunteer)
    other_coordinator = make_user(role="coordinator")
    coordination = make_feed_link(other_coordinator, "coordination")
    login_as(client, coordinator)
    for user in (volunteer, other_coordinator):
        assert client.post(f"/gestion/comptes/{user.id}/desactiver").status_code == 302
    assert client.get(personal).status_code == 404
    assert client.get(coordination).status_code == 404
    # Reactivating the account does not bring the old links back.
    assert client.post(f"/gestion/comptes/{volunteer.id}/reactiver").status_code == 302
    assert client.get(personal).status_code == 404


def test_a_deactivated_user_gets_404_even_with_a_stored_token(client, volunteer):
    url = make_feed_link(volunteer)
    volunteer.active = False
    db.session.commit()
    assert client.get(url).status_code == 404


def test_losing_the_coordinator_role_kills_the_coordinators_feed(client, coordinator):
    other = make_user(role="coordinator")
    coordination, personal = make_feed_link(other, "coordination"), make_feed_link(other)
    login_as(client, coordinator)
    response = client.post(f"/gestion/comptes/{other.id}/role", data={"role": "volunteer"})
    assert response.status_code == 302
    assert client.get(coordination).status_code == 404
    assert client.get(personal).status_code == 200
    client.post(f"/gestion/comptes/{other.id}/role", data={"role": "coordinator"})
    assert client.get(coordination).status_code == 404


def test_the_role_is_checked_on_every_request(client, coordinator):
    url = make_feed_link(coordinator, "coordination")
    assert client.get(url).status_code == 200
    coordinator.role = "volunteer"
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_query_count_is_fixed(client, coordinator, volunteer, shift_types):
    personal = make_feed_link(volunteer)
    coordination = make_feed_link(coordinator, "coordination")

    def queries_for(url):
        with count_queries(db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200
        with count_queries(db.engine) as conditional:
            again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        return len(statements), len(conditional)

    night = make_night(FRIDAY, shift_types=list(shift_types.values()))
    make_signup(night.shifts[0], volunteer)
    for url in (personal, coordination):
        client.get(url)  # the first use of a link is recorded: a write, once an hour
    few = queries_for(personal), queries_for(coordination)
    for offset in range(1, 25):
        night = make_night(FRIDAY + timedelta(days=offset), shift_types=list(shift_types.values()))
        make_signup(night.shifts[offset % 3], volunteer)
        make_stay(night)
    many = queries_for(personal), queries_for(coordination)
    assert few == many
    assert all(full <= 4 and conditional <= 2 for full, conditional in many)


# --- links ----------------------------------------------------------------------------


def test_night_links_lead_to_the_night_page(app):
    with app.test_request_context():
        assert night_link(12) == "http://shelter.test/nuits/12"
        links = night_links()
        assert [links(12), links(3)] == [
            "http://shelter.test/nuits/12",
            "http://shelter.test/nuits/3",
        ]


# --- the "Mon agenda" page ------------------------------------------------------------


def test_the_menu_leads_to_the_agenda_page(volunteer_client):
    assert 'href="/mon-agenda"' in volunteer_client.get("/profil").text


def test_the_feeds_need_no_login_but_the_page_does(client, volunteer):
    assert client.get("/mon-agenda").status_code == 302
    url = make_feed_link(volunteer)
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
