"""Writes of public events, each in the audit log."""

from datetime import datetime

from shelter.extensions import db
from shelter.models import PublicEvent, User
from shelter.models.audit import record


def save_public_event(
    event: PublicEvent | None,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    location: str,
    description: str,
    published: bool,
    actor: User,
) -> PublicEvent:
    """Create or update a public event; a change of time bumps its iCalendar sequence."""
    creating = event is None
    if event is None:
        event = PublicEvent(sequence=0)
        db.session.add(event)
    elif event.starts_at != starts_at or event.ends_at != ends_at:
        event.sequence += 1
    event.title, event.starts_at, event.ends_at = title, starts_at, ends_at
    event.location, event.description, event.published = location, description, published
    db.session.flush()
    record(
        actor, "event.create" if creating else "event.update", "event", event.id, title=event.title
    )
    return event


def delete_public_event(event: PublicEvent, actor: User) -> None:
    record(actor, "event.delete", "event", event.id, title=event.title)
    db.session.delete(event)
