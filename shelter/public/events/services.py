"""Writes of public events, each in the audit log."""

from dataclasses import dataclass
from datetime import datetime

from shelter.extensions import db
from shelter.models import PublicEvent, User
from shelter.models.audit import record


@dataclass(frozen=True)
class EventText:
    """What a coordinator writes about a public event."""

    title: str
    starts_at: datetime
    ends_at: datetime | None
    location: str
    description: str
    published: bool


def save_public_event(event: PublicEvent | None, text: EventText, actor: User) -> PublicEvent:
    """Create or update a public event; a change of time bumps its iCalendar sequence."""
    creating = event is None
    if event is None:
        event = PublicEvent(sequence=0)
        db.session.add(event)
    elif event.starts_at != text.starts_at or event.ends_at != text.ends_at:
        event.sequence += 1
    event.title, event.starts_at, event.ends_at = text.title, text.starts_at, text.ends_at
    event.location, event.description = text.location, text.description
    event.published = text.published
    db.session.flush()
    record(
        actor, "event.create" if creating else "event.update", "event", event.id, title=event.title
    )
    return event


def delete_public_event(event: PublicEvent, actor: User) -> None:
    record(actor, "event.delete", "event", event.id, title=event.title)
    db.session.delete(event)
