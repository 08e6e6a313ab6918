"""Reads for the calendar: nights with their place and shifts, in a fixed number of queries."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from shelter.extensions import db
from shelter.models import Night, NightStatus, Shift, SignUp, User

UPCOMING_LIMIT = 60
# What the calendar shows of a shift: its name and coverage (``templates/calendar/_night.html``).
_SHIFT_COVERAGE = (
    Shift.night_id,
    Shift.name,
    Shift.min_volunteers,
    Shift.signup_count,
    Shift.min_leads,
    Shift.lead_count,
    Shift.status,
)


@dataclass
class Nights:
    """Nights in date order, and which of them the member holds a shift on."""

    nights: list[Night]
    mine: set[int]


def _nights(user: User, *conditions, limit: int | None = None) -> Nights:
    # Whether the member is on the night comes with the night itself: no extra query.
    is_mine = (
        select(SignUp.id)
        .join(Shift, SignUp.shift_id == Shift.id)
        .where(
            Shift.night_id == Night.id,
            Shift.status == NightStatus.PLANNED,
            SignUp.user_id == user.id,
        )
        .exists()
    )
    rows = db.session.execute(
        select(Night, is_mine)
        .options(joinedload(Night.place), selectinload(Night.shifts).load_only(*_SHIFT_COVERAGE))
        .where(*conditions)
        .order_by(Night.date, Night.place_id)
        .limit(limit)
    ).all()
    return Nights([night for night, _ in rows], {night.id for night, mine in rows if mine})


def nights_between(first: date, last: date, user: User) -> Nights:
    """Return the nights from ``first`` to ``last`` included, with places and shifts."""
    return _nights(user, Night.date.between(first, last))


def upcoming_nights(today: date, user: User, limit: int = UPCOMING_LIMIT) -> Nights:
    return _nights(user, Night.date >= today, limit=limit)


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    nights: list[Night] = field(default_factory=list)


@dataclass
class Month:
    weeks: list[list[Day]]
    mine: set[int]

    @property
    def has_nights(self) -> bool:
        return any(day.nights for week in self.weeks for day in week if day.in_month)

    @property
    def busy_weekdays(self) -> set[int]:
        """Return the weekdays (0 is Monday) that carry a night somewhere in the grid."""
        return {day.date.weekday() for week in self.weeks for day in week if day.nights}


def month(year: int, month: int, today: date, user: User) -> Month:
    """Return the month's weeks (Monday first), each day with its nights."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    days = {day: Day(day, day.month == month, day == today) for week in weeks for day in week}
    found = nights_between(weeks[0][0], weeks[-1][-1], user)
    for night in found.nights:
        days[night.date].nights.append(night)
    return Month([[days[day] for day in week] for week in weeks], found.mine)


def neighbour_months(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    return previous, following
