"""The public calendar feed: published public events as iCalendar (RFC 5545) bytes."""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from shelter.clock import BRUSSELS
from shelter.ical import FeedEvent, calendar_bytes, event_uid
from shelter.markup import plain_text
from shelter.models import PublicEvent

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
    feed_events = [_feed_event(event, host, event_url) for event in events]
    days = [event.starts_at.date() for event in feed_events] or [date.today()]
    return calendar_bytes(calendar_name, feed_events, min(days), max(days))


def _feed_event(
    event: PublicEvent, host: str, event_url: Callable[[PublicEvent], str] | None
) -> FeedEvent:
    return FeedEvent(
        uid=event_uid("event", event.id, host),
        summary=event.title,
        starts_at=event.starts_at.astimezone(BRUSSELS),
        ends_at=(event.ends_at or event.starts_at + DEFAULT_LENGTH).astimezone(BRUSSELS),
        changed_at=event.updated_at,
        sequence=event.sequence,
        description=plain_text(event.description_html),
        url=event_url(event) if event_url is not None else "",
        location=event.location or "",
    )
