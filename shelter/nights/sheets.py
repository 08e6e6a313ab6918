"""Reads for the team sheet of a night and the week on the wall: a fixed number of queries.

Neither reads a guest's alias or note: the team sheet gets the number of guests and the
counts of their practical needs, the week nothing about guests at all.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import Night, NightStatus, Shift, SignUp, User

WEEK_DAYS = 7


def holds_a_shift(user: User, *night_conditions) -> bool:
    """Tell whether ``user`` is signed up for a shift, not cancelled, of the nights selected."""
    return db.session.scalar(
        select(
            exists().where(
                SignUp.user_id == user.id,
                SignUp.shift_id == Shift.id,
                Shift.night_id == Night.id,
                Shift.status != NightStatus.CANCELLED,
                *night_conditions,
            )
        )
    )


def on_duty(user: User, night: Night) -> bool:
    return holds_a_shift(user, Night.id == night.id)


def on_duty_between(user: User, first: date, last: date) -> bool:
    return holds_a_shift(user, Night.date.between(first, last))


def can_see_team(user: User, night: Night) -> bool:
    """Coordinators, and the people on duty that night, see its team sheet and phones."""
    return user.is_coordinator or on_duty(user, night)


def _with_team():
    return (
        joinedload(Night.place),
        joinedload(Night.on_call),
        selectinload(Night.shifts).selectinload(Shift.signups).joinedload(SignUp.user),
    )


def night_with_team(night_id: int) -> Night | None:
    return db.session.scalar(select(Night).where(Night.id == night_id).options(*_with_team()))


def phone_for(viewer: User, member: User | None, night: Night, on_call: bool = False) -> str | None:
    """The number ``viewer`` may see of ``member`` on the team sheet of ``night``.

    Coordinators see every number; the team sees, until the night's morning, the numbers
    members chose to share ("le temps de ces nuits"), and the on-call coordinator's, who took
    the astreinte to be called. After the morning the team sees names only.
    """
    if member is None or not member.phone:
        return None
    if viewer.is_coordinator:
        return member.phone
    if (member.phone_shared or on_call) and utcnow() < night.ends_at:
        return member.phone
    return None


@dataclass(frozen=True)
class WeekDay:
    date: date
    nights: list[Night]


def week(first: date) -> list[WeekDay]:
    """Return the 7 days from ``first``, each with its nights, shifts, people and on-call."""
    last = first + timedelta(days=WEEK_DAYS - 1)
    nights = db.session.scalars(
        select(Night)
        .where(Night.date.between(first, last))
        .options(*_with_team())
        .order_by(Night.date, Night.place_id)
    ).all()
    days = [WeekDay(first + timedelta(days=offset), []) for offset in range(WEEK_DAYS)]
    for night in nights:
        days[(night.date - first).days].nights.append(night)
    return days
