"""Reads for the calendar: nights with their place and shifts, in a fixed number of queries."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from shelter.extensions import db
from shelter.models import Night

UPCOMING_LIMIT = 60


def _nights_query():
    return (
        select(Night)
        .options(joinedload(Night.place), selectinload(Night.shifts))
        .order_by(Night.date, Night.place_id)
    )


def nights_between(first: date, last: date) -> list[Night]:
    """Return the nights from ``first`` to ``last`` included, with places and shifts."""
    return list(db.session.scalars(_nights_query().where(Night.date.between(first, last))))


def upcoming_nights(today: date, limit: int = UPCOMING_LIMIT) -> list[Night]:
    return list(db.session.scalars(_nights_query().where(Night.date >= today).limit(limit)))


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    nights: list[Night] = field(default_factory=list)


def month_weeks(year: int, month: int, today: date) -> list[list[Day]]:
    """Return the month's weeks (Monday first), each day with its nights."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    days = {day: Day(day, day.month == month, day == today) for week in weeks for day in week}
    for night in nights_between(weeks[0][0], weeks[-1][-1]):
        days[night.date].nights.append(night)
    return [[days[day] for day in week] for week in weeks]


def neighbour_months(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    return previous, following
