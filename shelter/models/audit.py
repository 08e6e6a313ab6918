"""The audit log: who did what to nights, stays and accounts, never with guest data."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models.base import UTCDateTime
from shelter.models.users import User


class AuditEntry(db.Model):
    """One change, stored as codes and facts; ``shelter.admin.journal`` turns it into a sentence."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # e.g. "night.plan", "signup.assign": the kind of object, a dot, what was done to it.
    action: Mapped[str] = mapped_column(String(50), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None]
    # Facts that name the target and the change: dates, counts, names of shifts or places,
    # ids of nights and members. Never an alias or a note.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


def record(
    actor: User | None, action: str, target_type: str, target_id: int | None, **details
) -> AuditEntry:
    """Add an audit entry to the current transaction.

    ``details`` are JSON values (strings, numbers; dates as ISO strings), never guest data.
    """
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(entry)
    return entry


def about_night(night) -> dict:
    """What an entry keeps of a night: its date (the night itself is the target)."""
    return {"date": night.date.isoformat()}


def about_shift(shift) -> dict:
    """What an entry keeps of a shift: its name and night, which outlive a deleted shift."""
    return {"shift": shift.name, "night_id": shift.night_id, "date": shift.night.date.isoformat()}


def about_stay(stay) -> dict:
    """Dates and counts only: never the alias or the note."""
    return {
        "place_id": stay.place_id,
        "arrival": stay.arrival.isoformat(),
        "departure": stay.departure.isoformat(),
        "places": stay.places,
    }
