"""A night's shifts: their times and limits, from the shift types or edited by coordinators.

A shift's maximum never goes below its sign-ups: the UPDATE that lowers it checks
``signup_count`` itself (on SQLite a write request runs in ``BEGIN IMMEDIATE``; on PostgreSQL
the UPDATE takes the row lock and re-reads the row before deciding).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, update

from shelter.clock import BRUSSELS, local_instant
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import Night, Shift, ShiftType, User
from shelter.models.audit import about_shift, record
from shelter.shifts import notifications
from shelter.shifts.queries import active_shift_types

# Shifts starting before noon belong to the morning after the night's evening.
MORNING_BEFORE = time(12, 0)


@dataclass(frozen=True, kw_only=True)
class ShiftValues:
    """A shift's times, on the Brussels wall clock, and its limits of volunteers."""

    start: time
    end: time
    minimum: int
    maximum: int


def shift_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Return when a shift of the night of ``day`` starts and ends.

    A start before noon is on the morning after ``day``; an end at or before the
    start is on the day after the start.
    """
    start_day = day + timedelta(days=1) if start < MORNING_BEFORE else day
    end_day = start_day + timedelta(days=1) if end <= start else start_day
    return local_instant(start_day, start), local_instant(end_day, end)


def local_times(shift: Shift) -> tuple[time, time]:
    """Return the shift's start and end as Brussels wall-clock times."""
    return (
        shift.starts_at.astimezone(BRUSSELS).time().replace(tzinfo=None),
        shift.ends_at.astimezone(BRUSSELS).time().replace(tzinfo=None),
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
                min_leads=shift_type.min_leads,
            )
        )


def check_shift_values(values: ShiftValues) -> None:
    """Refuse times and limits no shift can have (forms check them too, with field errors)."""
    if values.minimum < 0 or values.maximum < 1:
        raise DomainError(_("Le minimum doit être positif et le maximum au moins 1."))
    if values.minimum > values.maximum:
        raise DomainError(_("Le minimum ne peut pas dépasser le maximum."))
    if values.start == values.end:
        raise DomainError(_("Le début et la fin ne peuvent pas être à la même heure."))


# --- Editing a night's shifts ------------------------------------------------


def _editable_night(night: Night) -> None:
    if night.is_cancelled:
        raise DomainError(_("Cette nuit est annulée : ses services ne se modifient plus."))


def update_shift(shift: Shift, values: ShiftValues, actor: User) -> bool:
    """Change a shift's times and limits; return whether its times changed.

    The maximum never goes below the current sign-ups (checked by the UPDATE itself,
    so that a sign-up arriving meanwhile cannot slip past it).
    """
    _editable_night(shift.night)
    if shift.is_cancelled:
        raise DomainError(_("Ce service est annulé."))
    check_shift_values(values)
    starts_at, ends_at = shift_times(shift.night.date, values.start, values.end)
    result = db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.signup_count <= values.maximum)
        .values(min_volunteers=values.minimum, max_volunteers=values.maximum)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(shift)
        raise DomainError(
            _(
                "%(count)d personnes sont déjà inscrites : le maximum ne peut pas être plus bas.",
                count=shift.signup_count,
            )
        )
    db.session.refresh(shift)
    times_changed = (starts_at, ends_at) != (shift.starts_at, shift.ends_at)
    if times_changed:
        shift.starts_at, shift.ends_at = starts_at, ends_at
        shift.sequence += 1
        # Reminders follow the new time.
        for signup in shift.signups:
            signup.reminded_at = None
    record(
        actor,
        "shift.update",
        "shift",
        shift.id,
        start=values.start.strftime("%H:%M"),
        end=values.end.strftime("%H:%M"),
        minimum=values.minimum,
        maximum=values.maximum,
        **about_shift(shift),
    )
    db.session.flush()
    if times_changed:
        notifications.notify_shift_changed(shift)
    return times_changed


def add_shift(
    night: Night, name: str, values: ShiftValues, actor: User, description: str = ""
) -> Shift:
    """Add an extra shift to a night."""
    _editable_night(night)
    check_shift_values(values)
    starts_at, ends_at = shift_times(night.date, values.start, values.end)
    shift = Shift(
        night=night,
        name=name.strip(),
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        min_volunteers=values.minimum,
        max_volunteers=values.maximum,
    )
    db.session.add(shift)
    db.session.flush()
    record(actor, "shift.add", "shift", shift.id, **about_shift(shift))
    return shift


def delete_shift(shift: Shift, actor: User) -> None:
    """Remove a shift nobody signed up for."""
    shift_id, details = shift.id, about_shift(shift)
    result = db.session.execute(
        delete(Shift)
        .where(Shift.id == shift_id, Shift.signup_count == 0)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainError(_("Des personnes sont inscrites à ce service : retire-les d'abord."))
    db.session.expunge(shift)
    record(actor, "shift.delete", "shift", shift_id, **details)
