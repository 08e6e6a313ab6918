"""Reads for the coordinators' pages: accounts and the audit log."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from shelter.admin.journal import CATEGORIES
from shelter.clock import BRUSSELS
from shelter.extensions import db
from shelter.models import AuditEntry, User

ENTRIES_PER_PAGE = 50


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))


@dataclass(frozen=True)
class JournalFilter:
    """Who did it, what kind of change, and the period (Brussels dates, both included)."""

    actor_id: int | None = None
    category: str | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), BRUSSELS)


def journal_page(chosen: JournalFilter, page: int = 1) -> Pagination:
    """Return one page of the audit log, latest first, with each entry's author; two queries."""
    statement = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if chosen.actor_id is not None:
        statement = statement.where(AuditEntry.actor_id == chosen.actor_id)
    if chosen.category in CATEGORIES:
        statement = statement.where(
            or_(
                *(
                    AuditEntry.action.startswith(prefix, autoescape=True)
                    for prefix in CATEGORIES[chosen.category]
                )
            )
        )
    if chosen.since is not None:
        statement = statement.where(AuditEntry.created_at >= _start_of(chosen.since))
    if chosen.until is not None:
        statement = statement.where(
            AuditEntry.created_at < _start_of(chosen.until + timedelta(days=1))
        )
    statement = statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(statement, page=page, per_page=ENTRIES_PER_PAGE, error_out=False)


def journal_authors() -> list[User]:
    """The people who appear in the log as authors, by name."""
    authors = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(authors)).order_by(User.name)))
