"""Reads of newsletter subscribers."""

from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import NewsletterSubscriber, SubscriberStatus


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
