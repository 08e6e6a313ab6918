"""Calls for help to the volunteers, their reminders, and the coordinators' warnings.

Each is claimed by a conditional UPDATE (or a unique notice row) in the transaction that
queues its emails: it goes out once, and again only if that transaction failed.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import Night, NightNotice, NightStatus, NoticeKind, Role, Shift, SignUp, User
from shelter.models.audit import about_night, record
from shelter.shifts import notifications
from shelter.shifts.queries import last_help_call, shifts_held_around
from shelter.shifts.rules import sign_up_refusal
from shelter.work import claim


def uncovered_shifts(night: Night, now: datetime | None = None) -> list[Shift]:
    now = now or utcnow()
    return [shift for shift in night.shifts if shift.is_gap(now)]


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
            if sign_up_refusal(
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


def remind(signup_id: int, now: datetime) -> bool:
    """Queue the reminder of one sign-up, unless another run already did; say whether it did.

    The sign-up is claimed by a conditional UPDATE in the transaction that queues the email,
    so two runs at once never remind twice, and a failed run leaves it to the next one.
    """
    if not claim(SignUp.reminded_at, signup_id, now):
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
