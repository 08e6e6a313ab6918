"""The sign-up rules: who may take a shift, leave it, or say they have arrived.

One set of rules decides both what the services accept and which buttons the pages show:
``sign_up_refusal`` and ``withdrawal_offer`` are what ``signups.sign_up``, ``signups.assign``,
``signups.withdraw`` and ``replacements.request_withdrawal`` enforce, and what
``signups.available_actions`` reports, so a button is offered only where pressing it
succeeds, and elsewhere the page says why not.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app

from shelter.domain import DomainError
from shelter.i18n import format_datetime
from shelter.i18n import gettext as _
from shelter.models import Shift, SignUp, User
from shelter.shifts.labels import shift_label

CHECK_IN_HOURS_BEFORE = 1


class Offer(StrEnum):
    """A button a member may press on a shift."""

    SIGN_UP = "sign_up"
    WITHDRAW = "withdraw"
    # After the cut-off: "Je ne peux plus venir" asks the free volunteers for a replacement
    # (``shelter.shifts.replacements``); coordinators are told and may still remove anyone.
    REQUEST_WITHDRAWAL = "request_withdrawal"


class Refusal(StrEnum):
    """Why a member may not sign up for, or withdraw from, a shift."""

    CANCELLED = "cancelled"
    STARTED = "started"
    SIGNED_UP = "signed_up"
    NOT_SIGNED_UP = "not_signed_up"
    CLASH = "clash"
    FULL = "full"
    REQUESTED = "requested"


@dataclass(frozen=True, kw_only=True)
class ShiftAction:
    """What one member may do on one shift: a button (``offer``) or why not (``reason``).

    ``deadline`` is the end of free withdrawal when ``offer`` is to withdraw. ``can_assign``
    and ``can_remove`` are the coordinators' buttons (sign someone up, take someone off).
    """

    offer: Offer | None
    reason: str | None = None
    signed_up: bool = False
    deadline: datetime | None = None
    can_assign: bool = False
    can_remove: bool = False
    # "Je suis arrivé·e", from an hour before the start until the end; when it was pressed.
    can_check_in: bool = False
    checked_in_at: datetime | None = None


# --- The rules -------------------------------------------------------------------------------


def withdrawal_deadline(shift: Shift) -> datetime:
    """Return the instant after which withdrawing needs a coordinator."""
    return shift.starts_at - timedelta(hours=current_app.config["WITHDRAW_CUTOFF_HOURS"])


def check_in_opens(shift: Shift) -> datetime:
    """Return the instant from which the people on ``shift`` may say they have arrived."""
    return shift.starts_at - timedelta(hours=CHECK_IN_HOURS_BEFORE)


def may_check_in(shift: Shift, signup: SignUp | None, now: datetime) -> bool:
    """Tell whether the holder of ``signup`` may press "Je suis arrivé·e" now."""
    return (
        signup is not None
        and signup.checked_in_at is None
        and not is_cancelled(shift)
        and check_in_opens(shift) <= now < shift.ends_at
    )


def is_cancelled(shift: Shift) -> bool:
    return shift.is_cancelled or shift.night.is_cancelled


def _closed(shift: Shift, now: datetime) -> Refusal | None:
    """Return why nobody may join or leave ``shift`` any more, if so."""
    if is_cancelled(shift):
        return Refusal.CANCELLED
    if shift.starts_at <= now:
        return Refusal.STARTED
    return None


def sign_up_refusal(
    shift: Shift, now: datetime, signed_up: bool, clash: Shift | None
) -> Refusal | None:
    """Return why nobody, or this person, may take ``shift``; None when they may.

    ``signed_up`` says whether they already hold it, ``clash`` is a shift of theirs that
    ``Shift.clashes_with`` it.
    """
    if (closed := _closed(shift, now)) is not None:
        return closed
    if signed_up:
        return Refusal.SIGNED_UP
    if clash is not None:
        return Refusal.CLASH
    if shift.is_full:
        return Refusal.FULL
    return None


def replacement_refusal(
    shift: Shift, now: datetime, signed_up: bool, clash: Shift | None
) -> Refusal | None:
    """Return why this person may not take someone's place on ``shift``; None when they may.

    The sign-up rule, but for the maximum: the place they take is the one being left.
    """
    refusal = sign_up_refusal(shift, now, signed_up, clash)
    return None if refusal is Refusal.FULL else refusal


def withdrawal_offer(shift: Shift, signup: SignUp | None, now: datetime) -> Offer | Refusal:
    """Return how the holder of ``signup`` may leave ``shift``, or why they may not."""
    if signup is None:
        return Refusal.NOT_SIGNED_UP
    if (closed := _closed(shift, now)) is not None:
        return closed
    if now < withdrawal_deadline(shift):
        return Offer.WITHDRAW
    if signup.withdrawal_requested:
        return Refusal.REQUESTED
    return Offer.REQUEST_WITHDRAWAL


def refusal_reason(refusal: Refusal, clash: Shift | None) -> str:
    """The few words shown where a button would be."""
    if refusal is Refusal.CLASH:
        return _(
            "Chevauche ton service « %(shift)s » du %(date)s à %(place)s",
            shift=clash.name,
            # "12 déc." must not break across two lines.
            date=format_datetime(clash.starts_at, "d MMM").replace(" ", "\u00a0"),
            place=clash.night.place.name,
        )
    return {
        Refusal.CANCELLED: _("Service annulé"),
        Refusal.STARTED: _("Déjà commencé"),
        Refusal.FULL: _("Complet"),
        Refusal.REQUESTED: _("Tu cherches un·e remplaçant·e."),
    }.get(refusal, "")


def refusal_error(
    decision: Offer | Refusal,
    shift: Shift,
    user: User,
    actor: User,
    clash: Shift | None = None,
) -> DomainError:
    """The error a service raises when ``decision`` is not what was asked for."""
    myself = user.id == actor.id
    if decision is Refusal.SIGNED_UP:
        message = (
            _("Tu es déjà inscrit·e à ce service.")
            if myself
            else _("%(name)s est déjà inscrit·e à ce service.", name=user.name)
        )
    elif decision is Refusal.CLASH:
        message = (
            _(
                "Tu es déjà inscrit·e à « %(shift)s », qui chevauche ce service.",
                shift=shift_label(clash),
            )
            if myself
            else _(
                "%(name)s est déjà inscrit·e à « %(shift)s », qui chevauche ce service.",
                name=user.name,
                shift=shift_label(clash),
            )
        )
    else:
        message = {
            Refusal.CANCELLED: _("Ce service est annulé."),
            Refusal.STARTED: _("Ce service a déjà commencé."),
            Refusal.FULL: _("Ce service est complet."),
            Refusal.NOT_SIGNED_UP: _("Tu n'es pas inscrit·e à ce service."),
            Refusal.REQUESTED: _("Ta demande de remplacement est déjà envoyée."),
            Offer.REQUEST_WITHDRAWAL: _(
                "Le service commence dans moins de %(hours)d heures : demande qu'on te remplace.",
                hours=current_app.config["WITHDRAW_CUTOFF_HOURS"],
            ),
            Offer.WITHDRAW: _(
                "Tu peux encore te désister toi-même jusqu'au %(when)s.",
                when=format_datetime(withdrawal_deadline(shift), "EEE d MMM HH:mm"),
            ),
        }[decision]
    return DomainError(message)
