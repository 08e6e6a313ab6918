"""Shift types, the shifts of each night and the volunteers signed up for them."""

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    Time,
    UniqueConstraint,
    and_,
    func,
    not_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models.base import Timestamped, UTCDateTime
from shelter.models.nights import Night, NightStatus
from shelter.models.users import User


class ShiftType(Timestamped, db.Model):
    """A kind of shift (meal, evening and night, morning).

    A start before noon falls on the morning after the night's date; an end at or
    before the start falls on the day after the start.
    """

    __tablename__ = "shift_types"
    __table_args__ = (
        CheckConstraint("min_volunteers >= 0", name="min_not_negative"),
        CheckConstraint("max_volunteers >= 1", name="max_positive"),
        CheckConstraint("min_volunteers <= max_volunteers", name="min_le_max"),
        CheckConstraint("min_leads >= 0", name="min_leads_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    min_volunteers: Mapped[int] = mapped_column(default=1)
    max_volunteers: Mapped[int] = mapped_column(default=2)
    # How many of the people signed up must be référent·es for the shift to be covered.
    min_leads: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Somebody must be there: nobody checked in 30 minutes after the start alerts coordinators.
    presence_required: Mapped[bool] = mapped_column(default=False)

    @property
    def ends_next_day(self) -> bool:
        return self.end_time <= self.start_time

    def __repr__(self) -> str:
        return f"<ShiftType {self.id}>"


class Shift(Timestamped, db.Model):
    """One shift of one night, with its own times (stored in UTC) and limits."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("min_volunteers >= 0", name="min_not_negative"),
        CheckConstraint("min_volunteers <= max_volunteers", name="min_le_max"),
        # Services keep ``signup_count`` equal to the number of sign-ups; the database
        # refuses a shift over its maximum.
        CheckConstraint(
            "signup_count >= 0 AND signup_count <= max_volunteers", name="within_maximum"
        ),
        CheckConstraint("status IN ('planned', 'cancelled')", name="status"),
        CheckConstraint("min_leads >= 0", name="min_leads_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    night_id: Mapped[int] = mapped_column(ForeignKey("nights.id", ondelete="CASCADE"), index=True)
    shift_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_types.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    min_volunteers: Mapped[int]
    max_volunteers: Mapped[int]
    # Copied from the type: how many référent·es the shift needs among its people.
    min_leads: Mapped[int] = mapped_column(default=0)
    signup_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default=NightStatus.PLANNED)
    sequence: Mapped[int] = mapped_column(default=0)
    # When coordinators were told that nobody checked in (``shelter.shifts.presence``).
    no_show_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    night: Mapped[Night] = relationship(back_populates="shifts")
    shift_type: Mapped[ShiftType | None] = relationship()
    signups: Mapped[list["SignUp"]] = relationship(
        back_populates="shift",
        order_by="SignUp.created_at, SignUp.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == NightStatus.CANCELLED

    @hybrid_property
    def is_covered(self) -> bool:
        """The one coverage rule: enough people, and enough référent·es among them.

        Also a SQL expression: the gap lists and the impact report select with the same rule.
        """
        return self.signup_count >= self.min_volunteers and not self.missing_leads

    @is_covered.inplace.expression
    @classmethod
    def _is_covered_expression(cls):
        return and_(cls.signup_count >= cls.min_volunteers, cls.lead_count >= cls.min_leads)

    @property
    def missing(self) -> int:
        return max(0, self.min_volunteers - self.signup_count)

    @property
    def missing_leads(self) -> int:
        return max(0, (self.min_leads or 0) - (self.lead_count or 0))

    @property
    def is_full(self) -> bool:
        return self.signup_count >= self.max_volunteers

    @property
    def is_past(self) -> bool:
        return self.starts_at <= utcnow()

    @hybrid_method
    def is_gap(self, now: datetime) -> bool:
        """Tell whether the shift is still to be covered: planned, not covered, not started.

        In Python and as a SQL condition (``select(Shift).where(Shift.is_gap(now))``).
        """
        return self.status == NightStatus.PLANNED and not self.is_covered and self.starts_at > now

    @is_gap.inplace.expression
    @classmethod
    def _is_gap_expression(cls, now: datetime):
        return and_(cls.status == NightStatus.PLANNED, not_(cls.is_covered), cls.starts_at > now)

    @hybrid_method
    def overlaps(self, first: datetime, last: datetime):
        """Tell whether the shift's times overlap the period [first, last), in Python or SQL."""
        return (self.starts_at < last) & (self.ends_at > first)

    @hybrid_method
    def clashes_with(self, other: "Shift"):
        """Tell whether one person may not hold both shifts: their times overlap on two nights.

        The shifts of one night (one place, one evening) may be combined: cook and stay, sleep
        over and make breakfast. The same body serves in Python and as a SQL condition
        (``select(Shift).where(Shift.clashes_with(shift))``), hence ``&`` rather than ``and``.
        """
        return (self.night_id != other.night_id) & self.overlaps(other.starts_at, other.ends_at)

    def __repr__(self) -> str:
        return f"<Shift {self.id}>"


class SignUp(db.Model):
    """A volunteer on a shift."""

    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("shift_id", "user_id", name="uq_signups_shift_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the volunteer asks a coordinator to be taken off after the cut-off.
    withdrawal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(300))
    # Set when the volunteer presses "Je suis arrivé·e" (guests' arrivals are never recorded).
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship(back_populates="signups")
    user: Mapped[User] = relationship()

    @property
    def withdrawal_requested(self) -> bool:
        return self.withdrawal_requested_at is not None

    def __repr__(self) -> str:
        return f"<SignUp {self.id}>"


# The référent·es among the people signed up, loaded with the shift in the same SELECT, so
# that pages listing shifts keep their query count.
Shift.lead_count = column_property(
    select(func.count(SignUp.id))
    .join(User, SignUp.user_id == User.id)
    .where(SignUp.shift_id == Shift.id, User.is_lead.is_(True))
    .correlate_except(SignUp, User)
    .scalar_subquery()
)


class NoticeKind(StrEnum):
    HELP_CALL = "help_call"
    NOT_READY = "not_ready"


class NightNotice(db.Model):
    """When a night-wide message last went out, so that it is not repeated too often."""

    __tablename__ = "night_notices"
    __table_args__ = (
        UniqueConstraint("night_id", "kind", name="uq_night_notices_night_kind"),
        CheckConstraint("kind IN ('help_call', 'not_ready')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    night_id: Mapped[int] = mapped_column(ForeignKey("nights.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<NightNotice {self.night_id} {self.kind}>"


class ReplacementRequest(db.Model):
    """A volunteer who cannot come after the cut-off asks the free volunteers to take their place.

    Open while ``accepted_at`` and ``closed_at`` are empty. The first to accept sets
    ``accepted_by_id`` with an UPDATE guarded by ``accepted_at IS NULL``: exactly one wins.
    ``closed_at`` ends a request nobody took (the requester was removed, or withdrew).
    ``alerted_at`` is when coordinators were told it was still open 24 h before the start.
    """

    __tablename__ = "replacement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift: Mapped[Shift] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.closed_at is None

    def __repr__(self) -> str:
        return f"<ReplacementRequest {self.id}>"
