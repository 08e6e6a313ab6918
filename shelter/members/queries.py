"""Reads for the member landing page: a fixed number of queries whatever the data."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from shelter.calendar.queries import Nights, upcoming_nights
from shelter.clock import BRUSSELS, utcnow
from shelter.extensions import db
from shelter.models import (
    ApplicationStatus,
    Night,
    NightStatus,
    ReplacementRequest,
    Shift,
    SignUp,
    User,
    VolunteerApplication,
)
from shelter.shifts.queries import gaps_between
from shelter.shifts.replacements import open_requests_for
from shelter.shifts.rules import ShiftAction
from shelter.shifts.signups import available_actions

URGENT_DAYS = 7
NEXT_NIGHTS = 6


@dataclass
class CoordinationTasks:
    """What needs a coordinator: nights not ready soon, applications, withdrawal requests."""

    unready_nights: list[tuple[Night, list[Shift]]]
    pending_applications: int
    withdrawal_requests: list[SignUp]

    def __bool__(self) -> bool:
        return bool(self.unready_nights or self.pending_applications or self.withdrawal_requests)


@dataclass
class Landing:
    next_signup: SignUp | None
    urgent: list[Shift]
    # What the member may do on each urgent shift, by shift id (the sign-up service's answer).
    actions: dict[int, ShiftAction]
    upcoming: Nights
    tasks: CoordinationTasks | None = field(default=None)
    # Others' replacement requests the member may take (``shelter.shifts.replacements``).
    replacements: list[ReplacementRequest] = field(default_factory=list)


def next_signup(user: User, now: datetime) -> SignUp | None:
    """Return the member's next (or current) shift, with its night, place and team."""
    return db.session.scalar(
        select(SignUp)
        .join(Shift, SignUp.shift_id == Shift.id)
        .join(Night, Shift.night_id == Night.id)
        .options(
            joinedload(SignUp.shift).joinedload(Shift.night).joinedload(Night.place),
            joinedload(SignUp.shift).selectinload(Shift.signups).joinedload(SignUp.user),
        )
        .where(
            SignUp.user_id == user.id,
            Shift.ends_at > now,
            Shift.status == NightStatus.PLANNED,
            Night.status == NightStatus.PLANNED,
        )
        .order_by(Shift.starts_at, Shift.id)
        .limit(1)
    )


def unready_nights(gaps: list[Shift], now: datetime) -> list[tuple[Night, list[Shift]]]:
    """Group the gaps starting within the warning window by night: the nights not ready."""
    horizon = now + timedelta(hours=current_app.config["NOT_READY_WARNING_HOURS"])
    nights: dict[int, tuple[Night, list[Shift]]] = {}
    for shift in gaps:
        if shift.starts_at <= horizon:
            nights.setdefault(shift.night_id, (shift.night, []))[1].append(shift)
    return list(nights.values())


def pending_applications() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(VolunteerApplication)
        .where(VolunteerApplication.status == ApplicationStatus.PENDING)
    )


def withdrawal_requests(now: datetime) -> list[SignUp]:
    """Return the open requests to be taken off a shift, soonest shift first."""
    return list(
        db.session.scalars(
            select(SignUp)
            .join(Shift, SignUp.shift_id == Shift.id)
            .options(
                joinedload(SignUp.user),
                joinedload(SignUp.shift).joinedload(Shift.night).joinedload(Night.place),
            )
            .where(SignUp.withdrawal_requested_at.is_not(None), Shift.ends_at > now)
            .order_by(Shift.starts_at, SignUp.id)
        )
    )


def landing(user: User, now: datetime | None = None) -> Landing:
    """Return what the member's landing page shows."""
    now = now or utcnow()
    gaps = gaps_between(now, now + timedelta(days=URGENT_DAYS))
    page = Landing(
        next_signup=next_signup(user, now),
        urgent=gaps,
        actions=available_actions(user, gaps, now),
        upcoming=upcoming_nights(now.astimezone(BRUSSELS).date(), user, limit=NEXT_NIGHTS),
        replacements=open_requests_for(user, now),
    )
    if user.is_coordinator:
        page.tasks = CoordinationTasks(
            unready_nights(gaps, now), pending_applications(), withdrawal_requests(now)
        )
    return page
