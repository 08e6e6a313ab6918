"""Reads of newsletter issues: each page costs a fixed number of queries."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from shelter.extensions import db
from shelter.models import NewsletterIssue


def all_issues() -> list[NewsletterIssue]:
    """Drafts first, newest first; then the sent issues, last sent first."""
    return list(
        db.session.scalars(
            select(NewsletterIssue)
            .options(
                load_only(
                    NewsletterIssue.subject,
                    NewsletterIssue.sent_at,
                    NewsletterIssue.recipient_count,
                    NewsletterIssue.updated_at,
                )
            )
            .order_by(
                NewsletterIssue.sent_at.is_not(None),
                NewsletterIssue.sent_at.desc(),
                NewsletterIssue.updated_at.desc(),
                NewsletterIssue.id.desc(),
            )
        )
    )


def sent_issues() -> list[NewsletterIssue]:
    """The issues that went out, last first, for the public newsletter page."""
    return list(
        db.session.scalars(
            select(NewsletterIssue)
            .options(load_only(NewsletterIssue.subject, NewsletterIssue.sent_at))
            .where(NewsletterIssue.sent_at.is_not(None))
            .order_by(NewsletterIssue.sent_at.desc(), NewsletterIssue.id.desc())
        )
    )


def issue_with_sender(issue_id: int) -> NewsletterIssue | None:
    return db.session.scalar(
        select(NewsletterIssue)
        .options(joinedload(NewsletterIssue.sent_by))
        .where(NewsletterIssue.id == issue_id)
    )
