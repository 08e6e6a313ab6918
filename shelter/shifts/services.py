"""Shifts: created from the shift types, edited by coordinators; calls for help and reminders.

Signing up and withdrawing are in ``shelter.shifts.signups``. A shift's maximum never goes
below its sign-ups: the UPDATE that lowers it checks ``signup_count`` itself (on SQLite a
write request runs in ``BEGIN IMMEDIATE``; on PostgreSQL the UPDATE takes the row lock and
re-reads the row before deciding).
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from shelter.clock import BRUSSELS, local_instant, utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import (
    Night,
    NightNotice,
    NightStatus,
    NoticeKind,
    Role,
    Shift,
    ShiftType,
    SignUp,
    User,
)
from shelter.models.audit import about_night, about_shift, record
from shelter.shifts import notifications, signups

# Shifts starting before noon belong to the morning after the night's evening.
MORNING_BEFORE = time(12, 0)


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
                min_leads=shift_type.min_leads,
            )
        )


def check_shift_values(start: time, end: time, minimum: int, maximum: int) -> None:
    """Refuse times and limits no shift can have (forms check them too, with field errors)."""
    if minimum < 0 or maximum < 1:
        raise DomainError(_("Le minimum doit être positif et le maximum au moins 1."))
    if minimum > maximum:
        raise DomainError(_("Le minimum ne peut pas dépasser le maximum."))
    if start == end:
        raise DomainError(_("Le début et la fin ne peuvent pas être à la même heure."))


# --- Editing a night's shifts ------------------------------------------------


def _editable_night(night: Night) -> None:
    if night.is_cancelled:
        raise DomainError(_("Cette nuit est annulée : ses services ne se modifient plus."))


def update_shift(
    shift: Shift, start: time, end: time, minimum: int, maximum: int, actor: User
) -> bool:
    """Change a shift's times and limits; return whether its times changed.

    The maximum never goes below the current sign-ups (checked by the UPDATE itself,
    so that a sign-up arriving meanwhile cannot slip past it).
    """
    _editable_night(shift.night)
    if shift.is_cancelled:
        raise DomainError(_("Ce service est annulé."))
    check_shift_values(start, end, minimum, maximum)
    starts_at, ends_at = shift_times(shift.night.date, start, end)
    result = db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.signup_count <= maximum)
        .values(min_volunteers=minimum, max_volunteers=maximum)
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
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        minimum=minimum,
        maximum=maximum,
        **about_shift(shift),
    )
    db.session.flush()
    if times_changed:
        notifications.notify_shift_changed(shift)
    return times_changed


def add_shift(
    night: Night,
    name: str,
    start: time,
    end: time,
    minimum: int,
    maximum: int,
    actor: User,
    description: str = "",
) -> Shift:
    """Add an extra shift to a night."""
    _editable_night(night)
    check_shift_values(start, end, minimum, maximum)
    starts_at, ends_at = shift_times(night.date, start, end)
    shift = Shift(
        night=night,
        name=name.strip(),
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        min_volunteers=minimum,
        max_volunteers=maximum,
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


# --- Calls for help and reminders ---------------------------------------------


def uncovered_shifts(night: Night, now: datetime | None = None) -> list[Shift]:
    now = now or utcnow()
    return [shift for shift in night.shifts if shift.is_gap(now)]


def last_help_call(night: Night) -> NightNotice | None:
    return db.session.scalar(
        select(NightNotice).where(
            NightNotice.night_id == night.id, NightNotice.kind == NoticeKind.HELP_CALL
        )
    )


def _claim_help_call(night: Night, actor: User, now: datetime) -> None:
    """Record the call, unless one went out less than the interval ago (atomically)."""
    interval = timedelta(hours=current_app.config["HELP_CALL_INTERVAL_HOURS"])
    claimed = db.session.execute(
        update(NightNotice)
        .where(
            NightNotice.night_id == night.id,
            NightNotice.kind == NoticeKind.HELP_CALL,
            NightNotice.sent_at <= now - interval,
        )
        .values(sent_at=now, sent_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:
        return
    previous = last_help_call(night)
    if previous is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    NightNotice(
                        night_id=night.id,
                        kind=NoticeKind.HELP_CALL,
                        sent_at=now,
                        sent_by_id=actor.id,
                    )
                )
            return
        except IntegrityError:
            previous = last_help_call(night)
    db.session.refresh(previous)
    raise DomainError(
        _(
            "Un appel à l'aide a déjà été envoyé pour cette nuit il y a moins de %(hours)d heures.",
            hours=current_app.config["HELP_CALL_INTERVAL_HOURS"],
        )
    )


def call_for_help(night: Night, actor: User, now: datetime | None = None) -> int:
    """Email every active volunteer who may take some of the night's gaps; return how many."""
    now = now or utcnow()
    if night.is_cancelled:
        raise DomainError(_("Cette nuit est annulée."))
    gaps = uncovered_shifts(night, now)
    if not gaps:
        raise DomainError(_("Il ne manque personne cette nuit-là."))
    _claim_help_call(night, actor, now)
    held = shifts_held_around(gaps)
    volunteers = db.session.scalars(
        select(User).where(User.active.is_(True), User.role == Role.VOLUNTEER).order_by(User.id)
    )
    sent = 0
    for volunteer in volunteers:
        theirs = held.get(volunteer.id, [])
        free_for = [
            shift
            for shift in gaps
            if signups.sign_up_refusal(
                shift,
                now,
                signed_up=any(other.id == shift.id for other in theirs),
                clash=next((other for other in theirs if other.clashes_with(shift)), None),
            )
            is None
        ]
        if free_for:
            notifications.send_help_call(volunteer, night, free_for)
            sent += 1
    record(actor, "night.help_call", "night", night.id, recipients=sent, **about_night(night))
    return sent


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


def remind(signup_id: int, now: datetime) -> bool:
    """Queue the reminder of one sign-up, unless another run already did; say whether it did.

    The sign-up is claimed by a conditional UPDATE in the transaction that queues the email,
    so two runs at once never remind twice, and a failed run leaves it to the next one.
    """
    claimed = db.session.execute(
        update(SignUp)
        .where(SignUp.id == signup_id, SignUp.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    notifications.send_reminder(db.session.get(SignUp, signup_id))
    return True


def warn_coordinators_of_unready_nights(now: datetime) -> int:
    """Tell coordinators, once per night, about nights within the warning window not ready.

    One email per coordinator lists every such night; the nights are marked as reported in
    the same transaction, so the warning is given once, and is given again if this one fails.
    """
    horizon = now + timedelta(hours=current_app.config["NOT_READY_WARNING_HOURS"])
    already_warned = select(NightNotice.id).where(
        NightNotice.night_id == Night.id, NightNotice.kind == NoticeKind.NOT_READY
    )
    candidates = db.session.scalars(
        select(Night)
        .join(Shift, and_(Shift.night_id == Night.id, Shift.status == NightStatus.PLANNED))
        .where(
            Night.status == NightStatus.PLANNED,
            Shift.is_gap(now),
            Shift.starts_at <= horizon,
            ~already_warned.exists(),
        )
        .distinct()
        .order_by(Night.date)
    ).all()
    nights = []
    for night in candidates:
        try:
            with db.session.begin_nested():
                db.session.add(NightNotice(night_id=night.id, kind=NoticeKind.NOT_READY))
        except IntegrityError:
            continue
        nights.append(night)
    if not nights:
        return 0
    for coordinator in notifications.active_coordinators():
        notifications.send_unready_nights(coordinator, nights, now)
    return len(nights)
