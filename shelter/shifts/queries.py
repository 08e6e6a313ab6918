"""Reads for the shift pages, each a fixed number of queries whatever they show."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import (
    Night,
    NightNotice,
    NightStatus,
    NoticeKind,
    Shift,
    ShiftType,
    SignUp,
    User,
)


@dataclass
class NightGaps:
    """A night and its uncovered shifts, as the "what is missing" page groups them."""

    night: Night
    shifts: list[Shift] = field(default_factory=list)
    last_help_call: datetime | None = None


def night_with_shifts(night_id: int) -> Night | None:
    """Return the night with its place, shifts, sign-ups and volunteers loaded."""
    return db.session.scalar(
        select(Night)
        .where(Night.id == night_id)
        .options(
            joinedload(Night.place),
            joinedload(Night.on_call),
            selectinload(Night.shifts).selectinload(Shift.signups).joinedload(SignUp.user),
        )
    )


def shift_types() -> list[ShiftType]:
    return list(db.session.scalars(select(ShiftType).order_by(ShiftType.position, ShiftType.id)))


def gaps_between(now: datetime, until: datetime) -> list[Shift]:
    """Return the uncovered shifts starting after ``now`` until ``until``, soonest first."""
    return list(
        db.session.scalars(
            select(Shift)
            .join(Night, Shift.night_id == Night.id)
            .options(joinedload(Shift.night).joinedload(Night.place))
            .where(
                Shift.is_gap(now),
                Night.status == NightStatus.PLANNED,
                Shift.starts_at <= until,
            )
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def missing(now: datetime | None = None) -> list[NightGaps]:
    """Return the uncovered shifts of the coming weeks, soonest first, grouped by night."""
    now = now or utcnow()
    shifts = gaps_between(now, now + timedelta(days=current_app.config["MISSING_WINDOW_DAYS"]))
    groups: dict[int, NightGaps] = {}
    for shift in shifts:
        groups.setdefault(shift.night_id, NightGaps(shift.night)).shifts.append(shift)
    if groups:
        calls = db.session.execute(
            select(NightNotice.night_id, NightNotice.sent_at).where(
                NightNotice.night_id.in_(groups), NightNotice.kind == NoticeKind.HELP_CALL
            )
        )
        for night_id, sent_at in calls:
            groups[night_id].last_help_call = sent_at
    return sorted(groups.values(), key=lambda group: group.shifts[0].starts_at)


def my_signups(user: User, now: datetime | None = None, past_limit: int = 30):
    """Return the user's upcoming sign-ups (soonest first) and recent past ones (latest first)."""
    now = now or utcnow()
    base = (
        select(SignUp)
        .join(Shift, SignUp.shift_id == Shift.id)
        .options(
            joinedload(SignUp.shift).joinedload(Shift.night).joinedload(Night.place),
            joinedload(SignUp.shift).selectinload(Shift.signups).joinedload(SignUp.user),
        )
        .where(SignUp.user_id == user.id)
    )
    upcoming = db.session.scalars(
        base.where(Shift.ends_at > now).order_by(Shift.starts_at, Shift.id)
    ).all()
    past = db.session.scalars(
        base.where(Shift.ends_at <= now).order_by(Shift.starts_at.desc()).limit(past_limit)
    ).all()
    return upcoming, past


def shift_with_night(shift_id: int) -> Shift | None:
    return db.session.scalar(
        select(Shift)
        .options(
            joinedload(Shift.night).joinedload(Night.place),
            selectinload(Shift.signups).joinedload(SignUp.user),
        )
        .where(Shift.id == shift_id)
    )


def assignable_users(shift: Shift) -> list[User]:
    """Active accounts not yet on ``shift``, by name."""
    taken = select(SignUp.user_id).where(SignUp.shift_id == shift.id)
    return list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.id.not_in(taken)).order_by(User.name)
        )
    )


def active_shift_types() -> list[ShiftType]:
    return list(
        db.session.scalars(
            select(ShiftType)
            .where(ShiftType.active.is_(True))
            .order_by(ShiftType.position, ShiftType.id)
        )
    )


def last_help_call(night: Night) -> NightNotice | None:
    return db.session.scalar(
        select(NightNotice).where(
            NightNotice.night_id == night.id, NightNotice.kind == NoticeKind.HELP_CALL
        )
    )


def shifts_held_around(shifts: Sequence[Shift]) -> dict[int, list[Shift]]:
    """Map each person to their planned shifts around ``shifts``."""
    first = min(shift.starts_at for shift in shifts)
    last = max(shift.ends_at for shift in shifts)
    rows = db.session.execute(
        select(SignUp.user_id, Shift)
        .join(Shift, SignUp.shift_id == Shift.id)
        .where(Shift.status == NightStatus.PLANNED, Shift.overlaps(first, last))
    )
    held: dict[int, list[Shift]] = {}
    for user_id, shift in rows:
        held.setdefault(user_id, []).append(shift)
    return held


def due_reminders(now: datetime) -> list[int]:
    """The sign-ups whose volunteer has not been reminded of a shift starting soon."""
    horizon = now + timedelta(hours=current_app.config["REMINDER_HOURS"])
    return list(
        db.session.scalars(
            select(SignUp.id)
            .join(Shift, SignUp.shift_id == Shift.id)
            .join(Night, Shift.night_id == Night.id)
            .join(User, SignUp.user_id == User.id)
            .where(
                SignUp.reminded_at.is_(None),
                Shift.status == NightStatus.PLANNED,
                Night.status == NightStatus.PLANNED,
                User.active.is_(True),
                Shift.starts_at > now,
                Shift.starts_at <= horizon,
            )
            .order_by(Shift.starts_at, SignUp.id)
        )
    )


def find_signup(shift: Shift, user: User) -> SignUp | None:
    return db.session.scalar(
        select(SignUp).where(SignUp.shift_id == shift.id, SignUp.user_id == user.id)
    )


def clashing_shift(user: User, shift: Shift) -> Shift | None:
    """Return a planned shift of ``user`` that ``Shift.clashes_with`` ``shift``, the soonest."""
    return db.session.scalar(
        select(Shift)
        .join(SignUp, SignUp.shift_id == Shift.id)
        .where(
            SignUp.user_id == user.id,
            Shift.status == NightStatus.PLANNED,
            Shift.clashes_with(shift),
        )
        .order_by(Shift.starts_at)
        .limit(1)
    )


def held_around(member: User, shifts: Sequence[Shift]) -> list[SignUp]:
    """The member's sign-ups on ``shifts`` and on the planned shifts that could clash with them."""
    first = min(shift.starts_at for shift in shifts)
    last = max(shift.ends_at for shift in shifts)
    return list(
        db.session.scalars(
            select(SignUp)
            .join(SignUp.shift)
            .join(Shift.night)
            .join(Night.place)
            .options(
                contains_eager(SignUp.shift).contains_eager(Shift.night).contains_eager(Night.place)
            )
            .where(
                SignUp.user_id == member.id,
                or_(
                    SignUp.shift_id.in_([shift.id for shift in shifts]),
                    (Shift.status == NightStatus.PLANNED) & Shift.overlaps(first, last),
                ),
            )
            .order_by(Shift.starts_at, Shift.id)
        )
    )
