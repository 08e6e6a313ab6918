"""The audit log: who did what to nights, stays and accounts, never with guest data."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.extensions import db
from shelter.models.base import UTCDateTime, utcnow
from shelter.models.users import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None]
    # A short factual summary (dates, counts); never an alias or a note.
    summary: Mapped[str] = mapped_column(String(300), default="")

    actor: Mapped[User | None] = relationship()


def record(actor: User | None, action: str, target_type: str, target_id: int | None, summary=""):
    """Add an audit entry to the current transaction."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary,
    )
    db.session.add(entry)
    return entry
