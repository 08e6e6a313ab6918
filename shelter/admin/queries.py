from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shelter.extensions import db
from shelter.models import AuditEntry, User


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))


def recent_audit_entries(limit: int = 200) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
