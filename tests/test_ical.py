"""The pure iCalendar helpers shared by every feed (personal, coordinators', public)."""

from datetime import UTC, date, datetime

from icalendar import Calendar

from shelter.clock import BRUSSELS
from shelter.ical import FeedEvent, calendar_bytes, event_uid, new_calendar, new_event

FIRST, LAST = date(2026, 10, 2), date(2027, 12, 1)


def sample_events() -> list[FeedEvent]:
    return [
        FeedEvent(
            uid=event_uid("event", number, "shelter.test"),
            summary=f"Manifestation {number} — place Saint-Lambert",
            starts_at=datetime(2026, 12, number, 14, 0, tzinfo=BRUSSELS),
            ends_at=datetime(2026, 12, number, 17, 0, tzinfo=BRUSSELS),
            changed_at=datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
            sequence=number,
            cancelled=number == 2,
            description="Rendez-vous ; pancartes, sifflets \\ 📣",
            url="https://shelter.test/evenements/1",
            location="Place Saint-Lambert, Liège",
        )
        for number in (1, 2)
    ]


def test_calendar_bytes_are_what_icalendar_writes():
    calendar = new_calendar("Public", FIRST, LAST)
    for event in sample_events():
        calendar.add_component(new_event(event))
    assert calendar_bytes("Public", sample_events(), FIRST, LAST) == calendar.to_ical()


def test_a_calendar_is_deterministic_and_complete():
    body = calendar_bytes("Public", sample_events(), FIRST, LAST, description="Agenda public")
    assert body == calendar_bytes("Public", sample_events(), FIRST, LAST, "Agenda public")
    parsed = Calendar.from_ical(body)
    assert [component.errors for component in parsed.walk() if component.errors] == []
    assert parsed.get_missing_tzids() == set()
    assert [str(c["TZID"]) for c in parsed.walk("VTIMEZONE")] == ["Europe/Brussels"]
    for name, value in {
        "VERSION": "2.0",
        "X-WR-CALNAME": "Public",
        "X-WR-CALDESC": "Agenda public",
        "X-WR-TIMEZONE": "Europe/Brussels",
    }.items():
        assert str(parsed[name]) == value
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in body
    first, second = parsed.walk("VEVENT")
    assert str(first["UID"]) == "event-1@shelter.test"
    assert str(first["STATUS"]) == "CONFIRMED" and str(second["STATUS"]) == "CANCELLED"
    assert str(first["DESCRIPTION"]) == "Rendez-vous ; pancartes, sifflets \\ 📣"
    assert str(first["LOCATION"]) == "Place Saint-Lambert, Liège"


def test_an_empty_calendar_still_has_its_timezone():
    parsed = Calendar.from_ical(calendar_bytes("Vide", [], FIRST, LAST))
    assert parsed.walk("VEVENT") == []
    assert parsed.walk("VTIMEZONE")
