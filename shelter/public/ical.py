"""The public calendar feed: published public events as iCalendar (RFC 5545) bytes."""

from collections.abc import Callable, Iterable
from datetime import timedelta

from icalendar import Calendar, Event, Timezone

from shelter.models import BRUSSELS, PublicEvent
from shelter.public.markup import plain_text

REFRESH_INTERVAL = timedelta(hours=1)
# An event without an end is shown as lasting two hours: DTEND is always written.
DEFAULT_LENGTH = timedelta(hours=2)


def public_events_calendar(
    events: Iterable[PublicEvent],
    *,
    host: str,
    calendar_name: str,
    event_url: Callable[[PublicEvent], str] | None = None,
) -> bytes:
    """Build the public feed; the same events always give the same bytes."""
    calendar = Calendar()
    calendar.add("prodid", "-//Shelter//Public events//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add_component(Timezone.from_tzid("Europe/Brussels"))
    for event in events:
        calendar.add_component(_event_component(event, host, event_url))
    return calendar.to_ical()


def _event_component(
    event: PublicEvent, host: str, event_url: Callable[[PublicEvent], str] | None
) -> Event:
    component = Event()
    component.add("uid", f"event-{event.id}@{host}")
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    component.add("dtstart", event.starts_at.astimezone(BRUSSELS))
    ends_at = event.ends_at or event.starts_at + DEFAULT_LENGTH
    component.add("dtend", ends_at.astimezone(BRUSSELS))
    if event.location:
        component.add("location", event.location)
    description = plain_text(event.description)
    if description:
        component.add("description", description)
    if event_url is not None:
        component.add("url", event_url(event))
    component.add("status", "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component
