"""Reads for the night page, eager-loading what its templates iterate."""

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from shelter.extensions import db
from shelter.models import Night, NightStatus, Place, Shift, SignUp, Stay, User, utcnow


def night_with_shifts(night_id: int) -> Night | None:
    """Return the night with its place, shifts, sign-ups and volunteers loaded."""
    return db.session.scalar(
        select(Night)
        .where(Night.id == night_id)
        .options(
            joinedload(Night.place),
            selectinload(Night.shifts).selectinload(Shift.signups).joinedload(SignUp.user),
        )
    )


def stays_on(night: Night) -> list[Stay]:
    """Return the stays covering ``night``, earliest arrival first."""
    return list(
        db.session.scalars(
            select(Stay)
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


def places_by_name() -> list[Place]:
    return list(db.session.scalars(select(Place).order_by(Place.active.desc(), Place.name)))
