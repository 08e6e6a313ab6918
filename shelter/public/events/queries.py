"""Reads of public events."""

from datetime import timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import PublicEvent

FEED_HISTORY = timedelta(days=365)


def _published_events():
    return select(PublicEvent).where(PublicEvent.published.is_(True))


def _not_over():
    return func.coalesce(PublicEvent.ends_at, PublicEvent.starts_at) >= utcnow()


def upcoming_events(limit: int | None = None) -> list[PublicEvent]:
    query = _published_events().where(_not_over()).order_by(PublicEvent.starts_at, PublicEvent.id)
    return list(db.session.scalars(query.limit(limit)))


def past_events_page(page: int, per_page: int) -> Pagination:
    query = _published_events().where(~_not_over())
    return db.paginate(
        query.order_by(PublicEvent.starts_at.desc(), PublicEvent.id.desc()),
        page=page,
        per_page=per_page,
        error_out=True,
    )


def feed_events() -> list[PublicEvent]:
    """Published events from a year back, for the public calendar feed."""
    since = utcnow() - FEED_HISTORY
    return list(
        db.session.scalars(
            _published_events()
            .where(PublicEvent.starts_at >= since)
            .order_by(PublicEvent.starts_at, PublicEvent.id)
        )
    )


def published_event(event_id: int) -> PublicEvent | None:
    return db.session.scalar(_published_events().where(PublicEvent.id == event_id))


def all_events() -> list[PublicEvent]:
    return list(db.session.scalars(select(PublicEvent).order_by(PublicEvent.starts_at.desc())))
