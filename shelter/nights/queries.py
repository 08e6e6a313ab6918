"""Reads for the night page, eager-loading what its templates iterate."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import Night, NightStatus, Place, Shift, SignUp, Stay, StayNeed, User


def stays_on(night: Night) -> list[Stay]:
    """Return the stays covering ``night``, earliest arrival first."""
    return list(
        db.session.scalars(
            select(Stay)
            .options(selectinload(Stay.needs).joinedload(StayNeed.need))
            .where(
                Stay.place_id == night.place_id,
                Stay.arrival <= night.date,
                Stay.departure > night.date,
            )
            .order_by(Stay.arrival, Stay.id)
        )
    )


def guest_notes_for(night: Night, volunteer: User) -> list[str]:
    """Return the practical notes of the night's stays, never their aliases.

    Only for a volunteer who holds one of the night's shifts, and only until its morning.
    """
    if utcnow() >= night.ends_at:
        return []
    holds_a_shift = exists().where(
        SignUp.user_id == volunteer.id,
        SignUp.shift_id == Shift.id,
        Shift.night_id == night.id,
        Shift.status != NightStatus.CANCELLED,
    )
    return list(
        db.session.scalars(
            select(Stay.note)
            .where(
                Stay.place_id == night.place_id,
                Stay.arrival <= night.date,
                Stay.departure > night.date,
                Stay.note != "",
                holds_a_shift,
            )
            .order_by(Stay.arrival, Stay.id)
        )
    )


def night_at(place_id: int, day) -> Night | None:
    return db.session.scalar(select(Night).where(Night.place_id == place_id, Night.date == day))


def places_by_name(active_only: bool = False) -> list[Place]:
    """Return the places, those in use first, by name."""
    query = select(Place).order_by(Place.active.desc(), Place.name, Place.id)
    if active_only:
        query = query.where(Place.active.is_(True))
    return list(db.session.scalars(query))


@dataclass
class Neighbours:
    """The nights just before and after one, in calendar order (any place)."""

    previous_id: int | None
    previous_date: date | None
    next_id: int | None
    next_date: date | None


def neighbours(night: Night) -> Neighbours:
    """Return the previous and next nights of ``night``, in one query."""
    before = or_(
        Night.date < night.date, and_(Night.date == night.date, Night.place_id < night.place_id)
    )
    after = or_(
        Night.date > night.date, and_(Night.date == night.date, Night.place_id > night.place_id)
    )
    backwards = (Night.date.desc(), Night.place_id.desc())
    forwards = (Night.date, Night.place_id)

    def first(column, condition, order):
        return select(column).where(condition).order_by(*order).limit(1).scalar_subquery()

    row = db.session.execute(
        select(
            first(Night.id, before, backwards),
            first(Night.date, before, backwards),
            first(Night.id, after, forwards),
            first(Night.date, after, forwards),
        )
    ).one()
    return Neighbours(*row)
