"""Every email about shifts: reminders, changes, cancellations, requests, calls for help.

Emails are written in the recipient's language and never mention guests beyond a count.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from shelter.cook import need_counts, needs_summary
from shelter.extensions import db
from shelter.i18n import force_language, night_label
from shelter.mail import queue_mail, render_mail
from shelter.models import Night, Role, Shift, SignUp, User
from shelter.shifts.labels import shift_label, shortfall
from shelter.urls import external_url


def _send(user: User, template: str, bulk: bool = False, **context) -> None:
    with force_language(user.language):
        labels = {
            "shift_text": shift_label(context["shift"]) if "shift" in context else "",
            "night_text": night_label(context["night"].date) if "night" in context else "",
        }
    subject, body = render_mail(
        template,
        user.language,
        user=user,
        mine_url=external_url("shifts.mine"),
        missing_url=external_url("shifts.missing"),
        **labels,
        **context,
    )
    queue_mail(user.email, subject, body, language=user.language, bulk=bulk)


def send_about_shift(
    user: User, template: str, shift: Shift, bulk: bool = False, **context
) -> None:
    """One email about ``shift`` in the recipient's language; never a word about guests."""
    _send(
        user,
        template,
        bulk=bulk,
        shift=shift,
        night=shift.night,
        night_url=external_url("nights.night", night_id=shift.night_id),
        collective=current_app.config["COLLECTIVE_NAME"],
        **context,
    )


def active_coordinators() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.role == Role.COORDINATOR)
            .order_by(User.id)
        )
    )


def notify_night_cancelled(night: Night, signups: Iterable[SignUp]) -> None:
    """Tell each volunteer signed up for a cancelled night's shifts."""
    by_user: dict[int, tuple[User, list[Shift]]] = {}
    for signup in signups:
        user, shifts = by_user.setdefault(signup.user_id, (signup.user, []))
        shifts.append(signup.shift)
    for user, shifts in by_user.values():
        if not user.active:
            continue
        with force_language(user.language):
            shift_texts = [shift_label(shift) for shift in shifts]
        _send(user, "night_cancelled", night=night, shift_texts=shift_texts)


def notify_shift_changed(shift: Shift) -> None:
    """Tell the volunteers of ``shift`` its new times."""
    for signup in shift.signups:
        if signup.user.active:
            _send(signup.user, "shift_changed", shift=shift)


def notify_assigned(signup: SignUp, actor: User) -> None:
    _send(signup.user, "shift_assigned", shift=signup.shift, actor=actor)


def notify_removed(user: User, shift: Shift, actor: User) -> None:
    _send(user, "shift_removed", shift=shift, actor=actor)


def send_help_call(volunteer: User, night: Night, shifts: Sequence[Shift]) -> None:
    with force_language(volunteer.language):
        gaps = [(shift_label(shift), shortfall(shift)) for shift in shifts]
    _send(volunteer, "help_call", night=night, gaps=gaps)


def send_reminder(signup: SignUp) -> None:
    shift = signup.shift
    night = shift.night
    with force_language(signup.user.language):
        needs = needs_summary(need_counts(night))
    _send(
        signup.user,
        "shift_reminder",
        shift=shift,
        place=night.place,
        guests=night.places_used,
        night_note=night.note,
        needs=needs,
        teammates=[other.user.name for other in shift.signups if other.user_id != signup.user_id],
    )


def send_unready_nights(coordinator: User, nights: Sequence[Night], now: datetime) -> None:
    with force_language(coordinator.language):
        gaps = [
            (
                night_label(night.date),
                [
                    (shift_label(shift), shortfall(shift))
                    for shift in night.shifts
                    if shift.is_gap(now)
                ],
            )
            for night in nights
        ]
    hours = current_app.config["NOT_READY_WARNING_HOURS"]
    _send(coordinator, "nights_not_ready", gaps=gaps, hours=hours)
