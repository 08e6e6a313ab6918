"""Hosting nights and the guest stays that use their places."""

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.clock import local_instant
from shelter.extensions import db
from shelter.models.base import Timestamped, UTCDateTime
from shelter.models.places import Place

# A night runs from the evening of its date to the morning after.
EVENING_STARTS = time(18, 0)
MORNING_ENDS = time(10, 0)


class NightStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Night(Timestamped, db.Model):
    """A place open on the evening of ``date`` until the morning after."""

    __tablename__ = "nights"
    __table_args__ = (
        UniqueConstraint("place_id", "date", name="uq_nights_place_date"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        # The capacity guarantee itself: services keep ``places_used`` equal to the sum
        # of the places of the night's stays, and the database refuses to exceed it.
        CheckConstraint("places_used >= 0 AND places_used <= capacity", name="within_capacity"),
        CheckConstraint("status IN ('planned', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    capacity: Mapped[int]
    places_used: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=NightStatus.PLANNED)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # Practical information for the volunteers of that night (never guest data).
    note: Mapped[str] = mapped_column(String(500), default="")
    # iCalendar SEQUENCE: bumped on every change of time or status.
    sequence: Mapped[int] = mapped_column(default=0)
    # The coordinator on call (astreinte) that night: whom the team calls, and whom the
    # no-show alert reaches first. Nobody by default.
    on_call_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    place: Mapped[Place] = relationship()
    on_call: Mapped["User | None"] = relationship(foreign_keys=[on_call_id])  # noqa: F821
    shifts: Mapped[list["Shift"]] = relationship(  # noqa: F821
        back_populates="night", order_by="Shift.starts_at, Shift.id", cascade="all, delete-orphan"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == NightStatus.CANCELLED

    @property
    def on_call_coordinator(self) -> "User | None":  # noqa: F821
        """The coordinator on call, while they still are an active coordinator."""
        member = self.on_call
        if member is None or not member.active or not member.is_coordinator:
            return None
        return member

    @property
    def free_places(self) -> int:
        return self.capacity - self.places_used

    @property
    def morning(self) -> date:
        return self.date + timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        return local_instant(self.date, EVENING_STARTS)

    @property
    def ends_at(self) -> datetime:
        return local_instant(self.morning, MORNING_ENDS)

    def __repr__(self) -> str:
        return f"<Night {self.id} {self.date}>"


class Stay(Timestamped, db.Model):
    """A group of guests using ``places`` places from ``arrival`` evening to ``departure`` morning.

    Only an alias and a short practical note are kept, and both are erased a set
    number of days after departure (see ``purge-guests``).
    """

    __tablename__ = "stays"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("departure > arrival", name="departure_after_arrival"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    arrival: Mapped[date] = mapped_column(Date, index=True)
    departure: Mapped[date] = mapped_column(Date, index=True)
    places: Mapped[int]
    alias: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(200))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    place: Mapped[Place] = relationship()
    # How many of its people have each practical need (counts only, erased with the alias).
    needs: Mapped[list["StayNeed"]] = relationship(  # noqa: F821
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def nights_count(self) -> int:
        return (self.departure - self.arrival).days

    @property
    def dates(self) -> list[date]:
        return [self.arrival + timedelta(days=i) for i in range(self.nights_count)]

    def __repr__(self) -> str:
        return f"<Stay {self.id} {self.arrival}..{self.departure}>"
