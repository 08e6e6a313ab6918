"""Reads for the shift pages, each a fixed number of queries whatever they show."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

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
                Shift.status == NightStatus.PLANNED,
                Night.status == NightStatus.PLANNED,
                ~Shift.is_covered,
                Shift.starts_at > now,
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
