"""The no-show alert: a shift that needs someone there, and nobody has checked in.

Volunteers press "Je suis arrivé·e" (``signups.check_in``); guests' arrivals are never
recorded. ``send-reminders`` looks for the shifts of a type flagged *presence required* that
started at least ``NO_SHOW_MINUTES`` ago, have not ended, and have no volunteer checked in,
and tells the night's coordinator on call, or every active coordinator when nobody is on call.
Each shift is claimed by a conditional UPDATE of ``no_show_alerted_at`` in the transaction
that queues the emails: the alert goes once, and again only if that transaction failed.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from shelter.extensions import db
from shelter.models import Night, NightStatus, Shift, ShiftType, SignUp, User
from shelter.shifts import notifications
from shelter.shifts.notifications import send_about_shift
from shelter.work import claim

NO_SHOW_MINUTES = 30


def due_no_show_alerts(now: datetime) -> list[int]:
    """The shifts needing presence, started 30 minutes ago or more, with nobody checked in."""
    checked_in = select(SignUp.id).where(
        SignUp.shift_id == Shift.id, SignUp.checked_in_at.is_not(None)
    )
    return list(
        db.session.scalars(
            select(Shift.id)
            .join(ShiftType, Shift.shift_type_id == ShiftType.id)
            .join(Night, Shift.night_id == Night.id)
            .where(
                ShiftType.presence_required.is_(True),
                Shift.status == NightStatus.PLANNED,
                Night.status == NightStatus.PLANNED,
                Shift.no_show_alerted_at.is_(None),
                Shift.starts_at <= now - timedelta(minutes=NO_SHOW_MINUTES),
                Shift.ends_at > now,
                ~checked_in.exists(),
            )
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def alert_no_show(shift_id: int, now: datetime) -> bool:
    """Queue the alert about one shift, unless another run already did; say whether it did."""
    if not claim(Shift.no_show_alerted_at, shift_id, now):
        return False
    shift = db.session.scalar(
        select(Shift)
        .options(
            joinedload(Shift.night).joinedload(Night.on_call),
            joinedload(Shift.night).joinedload(Night.place),
            selectinload(Shift.signups).joinedload(SignUp.user),
        )
        .where(Shift.id == shift_id)
    )
    team = [signup.user.name for signup in shift.signups]
    for coordinator in recipients(shift.night):
        send_about_shift(coordinator, "no_show", shift, team=team, minutes=NO_SHOW_MINUTES)
    return True


def recipients(night: Night) -> list[User]:
    """The night's coordinator on call when there is an active one, else every coordinator."""
    on_call = night.on_call
    if on_call is not None and on_call.active and on_call.is_coordinator:
        return [on_call]
    return notifications.active_coordinators()
