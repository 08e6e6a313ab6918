"""Reads of the public site: each page costs a fixed number of queries."""

from datetime import timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import (
    ApplicationStatus,
    MaterialNeed,
    NewsletterSubscriber,
    NewsPost,
    PublicEvent,
    SubscriberStatus,
    VolunteerApplication,
)

FEED_HISTORY = timedelta(days=365)


def _visible_posts():
    return select(NewsPost).where(
        NewsPost.is_published.is_(True), NewsPost.published_at <= utcnow()
    )


def latest_posts(limit: int) -> list[NewsPost]:
    return list(
        db.session.scalars(
            _visible_posts().order_by(NewsPost.published_at.desc(), NewsPost.id.desc()).limit(limit)
        )
    )


def posts_page(page: int, per_page: int) -> Pagination:
    return db.paginate(
        _visible_posts().order_by(NewsPost.published_at.desc(), NewsPost.id.desc()),
        page=page,
        per_page=per_page,
        error_out=True,
    )


def visible_post(slug: str) -> NewsPost | None:
    return db.session.scalar(_visible_posts().where(NewsPost.slug == slug))


def all_posts() -> list[NewsPost]:
    return list(db.session.scalars(select(NewsPost).order_by(NewsPost.published_at.desc())))


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


def current_needs() -> list[MaterialNeed]:
    return list(
        db.session.scalars(
            select(MaterialNeed)
            .where(MaterialNeed.done.is_(False))
            .order_by(MaterialNeed.urgent.desc(), MaterialNeed.item)
        )
    )


def all_needs() -> list[MaterialNeed]:
    return list(
        db.session.scalars(
            select(MaterialNeed).order_by(
                MaterialNeed.done, MaterialNeed.urgent.desc(), MaterialNeed.item
            )
        )
    )


def applications() -> list[VolunteerApplication]:
    """Pending applications first, then the others, newest first."""
    pending_first = (VolunteerApplication.status != ApplicationStatus.PENDING).asc()
    return list(
        db.session.scalars(
            select(VolunteerApplication).order_by(
                pending_first,
                VolunteerApplication.created_at.desc(),
                VolunteerApplication.id.desc(),
            )
        )
    )


def subscriber_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(NewsletterSubscriber.status, func.count()).group_by(NewsletterSubscriber.status)
    )
    counts = {status.value: 0 for status in SubscriberStatus}
    counts.update(dict(rows.all()))
    return counts


def confirmed_subscribers() -> list[NewsletterSubscriber]:
    return list(
        db.session.scalars(
            select(NewsletterSubscriber)
            .where(NewsletterSubscriber.status == SubscriberStatus.CONFIRMED)
            .order_by(NewsletterSubscriber.confirmed_at, NewsletterSubscriber.id)
        )
    )
