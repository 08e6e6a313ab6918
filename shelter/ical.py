"""iCalendar (RFC 5545) feeds as pure functions: events in, bytes out.

Everything here is deterministic: the same events give the same bytes, so that a feed's
ETag only changes when its content does. Times are written in Europe/Brussels with the
zone's VTIMEZONE in the file.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone
from icalendar.prop import vDuration

from shelter.text import feed_text

TZID = "Europe/Brussels"
REFRESH_INTERVAL = timedelta(hours=1)
PRODID = "-//Shelter//Shelter calendar feeds//FR"
_END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One VEVENT: aware start and end, and the last change of the rows it shows."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    changed_at: datetime
    sequence: int = 0
    cancelled: bool = False
    description: str = ""
    url: str = ""
    location: str = ""


def event_uid(kind: str, row_id: int, host: str) -> str:
    """Return the stable UID of a row, e.g. ``shift-12@shelter.example.org``."""
    return f"{kind}-{row_id}@{host}"


@lru_cache(maxsize=16)
def brussels_timezone(first_year: int, last_year: int) -> Timezone:
    """Return the Europe/Brussels VTIMEZONE, with its transitions for these years."""
    return Timezone.from_tzid(
        TZID, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def new_calendar(name: str, first_day: date, last_day: date, description: str = "") -> Calendar:
    """Return an empty calendar named ``name`` covering ``first_day``..``last_day``."""
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    name, description = feed_text(name), feed_text(description)
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
    if description:
        calendar.add("DESCRIPTION", description)
        calendar.add("X-WR-CALDESC", description)
    calendar.add("X-WR-TIMEZONE", TZID)
    calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    # A shift of the window's last night ends the morning after it.
    calendar.add_component(brussels_timezone(first_day.year, last_day.year + 1))
    return calendar


def new_event(event: FeedEvent) -> Event:
    """Return the VEVENT of ``event`` (DTEND, never DURATION)."""
    component = Event()
    component.add("UID", event.uid)
    component.add("DTSTAMP", event.changed_at)
    component.add("LAST-MODIFIED", event.changed_at)
    component.add("SEQUENCE", event.sequence)
    component.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("SUMMARY", feed_text(event.summary))
    component.add("DTSTART", event.starts_at)
    component.add("DTEND", event.ends_at)
    if event.description:
        component.add("DESCRIPTION", feed_text(event.description))
    if event.location:
        component.add("LOCATION", feed_text(event.location))
    if event.url:
        component.add("URL", event.url)
    return component


@lru_cache(maxsize=4096)
def event_bytes(event: FeedEvent) -> bytes:
    """Serialise one VEVENT, remembered: a feed mostly repeats the events it served last time."""
    return new_event(event).to_ical()


def calendar_bytes(
    name: str,
    events: Iterable[FeedEvent],
    first_day: date,
    last_day: date,
    description: str = "",
) -> bytes:
    """Return the whole calendar as bytes, events in the given order.

    The result is exactly what icalendar writes for the calendar with the events as
    subcomponents (a test checks it); each VEVENT is serialised once and reused.
    """
    header = _calendar_header(name, first_day.year, last_day.year, description)
    return b"".join((header, *(event_bytes(event) for event in events), _END))


@lru_cache(maxsize=64)
def _calendar_header(name: str, first_year: int, last_year: int, description: str) -> bytes:
    """The calendar's bytes up to its first event; depends on the years only, not the days."""
    calendar = new_calendar(name, date(first_year, 1, 1), date(last_year, 12, 31), description)
    header = calendar.to_ical()
    if not header.endswith(_END):
        raise ValueError("unexpected calendar serialisation")
    return header[: -len(_END)]
