"""Shift types, and carrying a type's new times and limits to the nights already planned."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import Night, NightStatus, Shift, ShiftType, User
from shelter.models.audit import record
from shelter.shifts.times import ShiftValues, check_shift_values, shift_times, update_shift


@dataclass(frozen=True)
class AppliedToNights:
    """What saving a shift type changed in the nights already planned."""

    changed: list[Shift] = field(default_factory=list)
    # Left alone: more people signed up than the type's new maximum.
    kept: list[Shift] = field(default_factory=list)


def _values(shift_type: ShiftType) -> ShiftValues:
    return ShiftValues(
        start=shift_type.start_time,
        end=shift_type.end_time,
        minimum=shift_type.min_volunteers,
        maximum=shift_type.max_volunteers,
    )


def shifts_following_type(shift_type: ShiftType, now: datetime | None = None) -> list[Shift]:
    """Return the planned shifts to come of this type that still have its times and limits.

    A shift changed by hand for its night no longer follows its type.
    """
    values = _values(shift_type)
    shifts = db.session.scalars(
        select(Shift)
        .join(Night, Shift.night_id == Night.id)
        .options(contains_eager(Shift.night))
        .where(
            Shift.shift_type_id == shift_type.id,
            Shift.status == NightStatus.PLANNED,
            Night.status == NightStatus.PLANNED,
            Shift.starts_at > (now or utcnow()),
            Shift.min_volunteers == values.minimum,
            Shift.max_volunteers == values.maximum,
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    return [
        shift
        for shift in shifts
        if (shift.starts_at, shift.ends_at)
        == shift_times(shift.night.date, values.start, values.end)
    ]


def _require_leads_from_now(shift_type: ShiftType) -> None:
    """Give the shifts to come of this type its number of required référent·es."""
    db.session.execute(
        update(Shift)
        .where(
            Shift.shift_type_id == shift_type.id,
            Shift.status == NightStatus.PLANNED,
            Shift.starts_at > utcnow(),
            Shift.min_leads != shift_type.min_leads,
        )
        .values(min_leads=shift_type.min_leads)
        .execution_options(synchronize_session=False)
    )


def save_shift_type(
    shift_type: ShiftType, actor: User, apply_to_nights: bool = False, **fields
) -> AppliedToNights:
    """Create (when new) or update a shift type.

    With ``apply_to_nights``, the planned shifts to come that still had the type's former
    times and limits get the new ones, each as if edited on its night (sequence bumped and
    people signed up emailed when the times change); a shift with more people than the new
    maximum keeps its values.
    """
    check_shift_values(
        ShiftValues(
            start=fields["start_time"],
            end=fields["end_time"],
            minimum=fields["min_volunteers"],
            maximum=fields["max_volunteers"],
        )
    )
    former = _values(shift_type)
    following = (
        shifts_following_type(shift_type) if apply_to_nights and shift_type.id is not None else []
    )
    for name, value in fields.items():
        setattr(shift_type, name, value)
    if shift_type.id is None:
        db.session.add(shift_type)
    db.session.flush()
    _require_leads_from_now(shift_type)
    applied = AppliedToNights()
    if _values(shift_type) != former:
        for shift in following:
            try:
                with db.session.begin_nested():
                    update_shift(shift, _values(shift_type), actor)
            except DomainError:
                applied.kept.append(shift)
            else:
                applied.changed.append(shift)
    record(
        actor,
        "shift_type.save",
        "shift_type",
        shift_type.id,
        name=shift_type.name,
        applied=len(applied.changed),
    )
    return applied
