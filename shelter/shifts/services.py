"""Shifts: created from the shift types when a night is planned."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from shelter.extensions import db
from shelter.models import BRUSSELS, Night, Shift, ShiftType


def shift_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Return when a shift of the night of ``day`` starts and ends (next day if end <= start)."""
    end_day = day + timedelta(days=1) if end <= start else day
    return datetime.combine(day, start, BRUSSELS), datetime.combine(end_day, end, BRUSSELS)


def active_shift_types() -> list[ShiftType]:
    return list(
        db.session.scalars(
            select(ShiftType)
            .where(ShiftType.active.is_(True))
            .order_by(ShiftType.position, ShiftType.id)
        )
    )


def add_default_shifts(night: Night, shift_types: Sequence[ShiftType] | None = None) -> None:
    """Give ``night`` one shift per active shift type, with the type's times and limits."""
    for shift_type in active_shift_types() if shift_types is None else shift_types:
        starts_at, ends_at = shift_times(night.date, shift_type.start_time, shift_type.end_time)
        night.shifts.append(
            Shift(
                shift_type=shift_type,
                name=shift_type.name,
                description=shift_type.description,
                starts_at=starts_at,
                ends_at=ends_at,
                min_volunteers=shift_type.min_volunteers,
                max_volunteers=shift_type.max_volunteers,
            )
        )
