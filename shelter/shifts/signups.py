"""Sign-ups: taking a shift, leaving it, and which of these a member is offered.

One set of rules decides both what the services accept and which buttons the pages show:
``sign_up_refusal`` and ``withdrawal_offer`` are what ``sign_up``, ``assign``, ``withdraw``
and ``request_withdrawal`` enforce, and what ``available_actions`` reports, so a button is
offered only where pressing it succeeds, and elsewhere the page says why not.

The maximum of a shift is guarded like the beds of a night: ``signup_count`` is changed only
by conditional UPDATEs whose row count says whether the rule held, and a CHECK constraint
backs it. The sign-ups of one person are serialised (a row lock on the person on PostgreSQL;
SQLite's write transaction already holds the database lock), so that two clashing shifts
taken at once cannot both pass the check.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import format_datetime
from shelter.i18n import gettext as _
from shelter.models import Night, NightStatus, ReplacementRequest, Shift, SignUp, User
from shelter.models.audit import about_shift, record
from shelter.shifts import notifications
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


@dataclass(frozen=True)
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
        and not _is_cancelled(shift)
        and check_in_opens(shift) <= now < shift.ends_at
    )


def _is_cancelled(shift: Shift) -> bool:
    return shift.is_cancelled or shift.night.is_cancelled


def _closed(shift: Shift, now: datetime) -> Refusal | None:
    """Return why nobody may join or leave ``shift`` any more, if so."""
    if _is_cancelled(shift):
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


def _reason(refusal: Refusal, clash: Shift | None) -> str:
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


def _refused(
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


# --- What a member is offered ----------------------------------------------------------------


def _held_around(member: User, shifts: Sequence[Shift]) -> list[SignUp]:
    """The member's sign-ups on ``shifts`` and on the planned shifts that could clash with them."""
    first = min(shift.starts_at for shift in shifts)
    last = max(shift.ends_at for shift in shifts)
    return list(
        db.session.scalars(
            select(SignUp)
            .join(SignUp.shift)
            .join(Shift.night)
            .join(Night.place)
            .options(
                contains_eager(SignUp.shift).contains_eager(Shift.night).contains_eager(Night.place)
            )
            .where(
                SignUp.user_id == member.id,
                or_(
                    SignUp.shift_id.in_([shift.id for shift in shifts]),
                    (Shift.status == NightStatus.PLANNED) & Shift.overlaps(first, last),
                ),
            )
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def available_actions(
    member: User, shifts: Sequence[Shift], now: datetime | None = None
) -> dict[int, ShiftAction]:
    """Return, by shift id, what ``member`` may do on each of ``shifts`` and why not; one query.

    The same rules as ``sign_up``, ``withdraw`` and ``request_withdrawal``: an offer here is
    accepted there (barring someone else's action in between). ``shifts`` need their night
    loaded, and the night's place for no more queries. A page renders each shift's buttons
    with ``{% set action = actions[shift.id] %}{% include "shifts/_shift_action.html" %}``
    (the partial also needs ``shift``).
    """
    now = now or utcnow()
    if not shifts:
        return {}
    held = _held_around(member, shifts)
    mine = {signup.shift_id: signup for signup in held}
    planned = [signup.shift for signup in held if not signup.shift.is_cancelled]
    actions = {}
    for shift in shifts:
        open_to_all = sign_up_refusal(shift, now, signed_up=False, clash=None) is None
        coordinator = {
            "can_assign": member.is_coordinator and open_to_all,
            "can_remove": member.is_coordinator and not _is_cancelled(shift),
        }
        signup = mine.get(shift.id)
        if signup is not None:
            coordinator["can_check_in"] = may_check_in(shift, signup, now)
            coordinator["checked_in_at"] = signup.checked_in_at
            decision = withdrawal_offer(shift, signup, now)
            if isinstance(decision, Offer):
                deadline = withdrawal_deadline(shift) if decision is Offer.WITHDRAW else None
                actions[shift.id] = ShiftAction(decision, None, True, deadline, **coordinator)
            else:
                actions[shift.id] = ShiftAction(None, _reason(decision, None), True, **coordinator)
            continue
        clash = next((other for other in planned if other.clashes_with(shift)), None)
        refusal = sign_up_refusal(shift, now, signed_up=False, clash=clash)
        if refusal is None:
            actions[shift.id] = ShiftAction(Offer.SIGN_UP, **coordinator)
        else:
            actions[shift.id] = ShiftAction(None, _reason(refusal, clash), **coordinator)
    return actions


def replaceable(member: User, shifts: Sequence[Shift], now: datetime | None = None) -> set[int]:
    """Return the ids of the ``shifts`` where ``member`` may take someone's place; one query."""
    now = now or utcnow()
    if not shifts:
        return set()
    held = _held_around(member, shifts)
    mine = {signup.shift_id for signup in held}
    planned = [signup.shift for signup in held if not signup.shift.is_cancelled]
    return {
        shift.id
        for shift in shifts
        if replacement_refusal(
            shift,
            now,
            signed_up=shift.id in mine,
            clash=next((other for other in planned if other.clashes_with(shift)), None),
        )
        is None
    }


# --- Signing up ------------------------------------------------------------------------------


def find_signup(shift: Shift, user: User) -> SignUp | None:
    return db.session.scalar(
        select(SignUp).where(SignUp.shift_id == shift.id, SignUp.user_id == user.id)
    )


def clashing_shift(user: User, shift: Shift) -> Shift | None:
    """Return a planned shift of ``user`` that ``Shift.clashes_with`` ``shift``, the soonest."""
    return db.session.scalar(
        select(Shift)
        .join(SignUp, SignUp.shift_id == Shift.id)
        .where(
            SignUp.user_id == user.id,
            Shift.status == NightStatus.PLANNED,
            Shift.clashes_with(shift),
        )
        .order_by(Shift.starts_at)
        .limit(1)
    )


def _add_signup(shift: Shift, user: User, actor: User, now: datetime | None) -> SignUp:
    now = now or utcnow()
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    clash = clashing_shift(user, shift)
    refusal = sign_up_refusal(shift, now, find_signup(shift, user) is not None, clash)
    if refusal is not None:
        raise _refused(refusal, shift, user, actor, clash)
    taken = db.session.execute(
        update(Shift)
        .where(
            Shift.id == shift.id,
            Shift.signup_count < Shift.max_volunteers,
            Shift.status == NightStatus.PLANNED,
        )
        .values(signup_count=Shift.signup_count + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        db.session.refresh(shift)
        raise _refused(Refusal.FULL, shift, user, actor)
    signup = SignUp(shift_id=shift.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:
        raise _refused(Refusal.SIGNED_UP, shift, user, actor) from None
    db.session.refresh(shift)
    return signup


def sign_up(shift: Shift, user: User, now: datetime | None = None) -> SignUp:
    """Sign ``user`` up for ``shift``: open, not full, held once, no clash with their shifts."""
    signup = _add_signup(shift, user, user, now)
    record(user, "signup.create", "shift", shift.id, **about_shift(shift))
    return signup


def assign(shift: Shift, user: User, actor: User, now: datetime | None = None) -> SignUp:
    """Sign someone else up (coordinators) and tell them by email."""
    if not user.active:
        raise DomainError(_("Ce compte est désactivé."))
    signup = _add_signup(shift, user, actor, now)
    record(actor, "signup.assign", "shift", shift.id, user_id=user.id, **about_shift(shift))
    notifications.notify_assigned(signup, actor)
    return signup


# --- Leaving ---------------------------------------------------------------------------------


def _drop_signup(signup: SignUp) -> None:
    shift = signup.shift
    db.session.execute(
        delete(SignUp).where(SignUp.id == signup.id).execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Shift)
        .where(Shift.id == shift.id, Shift.signup_count > 0)
        .values(signup_count=Shift.signup_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expunge(signup)
    db.session.refresh(shift)


def _close_replacement_requests(shift: Shift, user: User) -> None:
    """End the open replacement requests of ``user`` on ``shift``: they are no longer on it."""
    db.session.execute(
        update(ReplacementRequest)
        .where(
            ReplacementRequest.shift_id == shift.id,
            ReplacementRequest.requester_id == user.id,
            ReplacementRequest.accepted_at.is_(None),
            ReplacementRequest.closed_at.is_(None),
        )
        .values(closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def withdraw(shift: Shift, user: User, now: datetime | None = None) -> None:
    """Take ``user`` off ``shift``, free of charge until the cut-off."""
    signup = find_signup(shift, user)
    decision = withdrawal_offer(shift, signup, now or utcnow())
    if decision is not Offer.WITHDRAW:
        raise _refused(decision, shift, user, user)
    _drop_signup(signup)
    _close_replacement_requests(shift, user)
    record(user, "signup.withdraw", "shift", shift.id, **about_shift(shift))


def request_withdrawal(
    shift: Shift, user: User, reason: str, now: datetime | None = None
) -> SignUp:
    """After the cut-off, "Je ne peux plus venir": ask the free volunteers for a replacement.

    The sign-up is marked (``withdrawal_requested_at``) and stays until someone takes the
    place (``shelter.shifts.replacements.accept``) or a coordinator removes the volunteer.
    """
    from shelter.shifts import replacements  # which builds on these rules: imported here

    now = now or utcnow()
    signup = find_signup(shift, user)
    decision = withdrawal_offer(shift, signup, now)
    if decision is not Offer.REQUEST_WITHDRAWAL:
        raise _refused(decision, shift, user, user)
    signup.withdrawal_requested_at = now
    signup.withdrawal_reason = reason.strip()
    record(user, "signup.replacement_request", "shift", shift.id, **about_shift(shift))
    db.session.flush()
    replacements.open_request(signup, now)
    return signup


def check_in(shift: Shift, user: User, now: datetime | None = None) -> SignUp:
    """Record that ``user`` has arrived for ``shift`` ("Je suis arrivé·e"), once."""
    now = now or utcnow()
    signup = find_signup(shift, user)
    if signup is None:
        raise _refused(Refusal.NOT_SIGNED_UP, shift, user, user)
    if signup.checked_in_at is not None:
        raise DomainError(_("Ton arrivée est déjà notée."))
    if not may_check_in(shift, signup, now):
        raise DomainError(
            _(
                "Tu peux signaler ton arrivée à partir d'une heure avant le début du service, "
                "et jusqu'à sa fin."
            )
        )
    claimed = db.session.execute(
        update(SignUp)
        .where(SignUp.id == signup.id, SignUp.checked_in_at.is_(None))
        .values(checked_in_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(_("Ton arrivée est déjà notée."))
    db.session.refresh(signup)
    record(user, "signup.check_in", "shift", shift.id, **about_shift(shift))
    return signup


def remove(signup: SignUp, actor: User) -> None:
    """Take a volunteer off a shift (coordinators) and tell them by email."""
    shift, user = signup.shift, signup.user
    if _is_cancelled(shift):
        raise _refused(Refusal.CANCELLED, shift, user, actor)
    _drop_signup(signup)
    _close_replacement_requests(shift, user)
    record(actor, "signup.remove", "shift", shift.id, user_id=user.id, **about_shift(shift))
    if user.id != actor.id:
        notifications.notify_removed(user, shift, actor)


def refusal_error(
    decision: Offer | Refusal, shift: Shift, user: User, actor: User, clash: Shift | None = None
) -> DomainError:
    """The error a service raises when ``decision`` is not what was asked for."""
    return _refused(decision, shift, user, actor, clash)
