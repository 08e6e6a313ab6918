"""Sign-ups: taking a shift, leaving it, arriving, and which of these a member is offered.

The rules are in ``shelter.shifts.rules``; ``available_actions`` reports them, the services
here enforce them. The maximum of a shift is guarded like the beds of a night:
``signup_count`` is changed only by conditional UPDATEs whose row count says whether the rule
held, and a CHECK constraint backs it. The sign-ups of one person are serialised (a row lock
on the person on PostgreSQL; SQLite's write transaction already holds the database lock), so
that two clashing shifts taken at once cannot both pass the check.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.models import NightStatus, ReplacementRequest, Shift, SignUp, User
from shelter.models.audit import about_shift, record
from shelter.shifts import notifications
from shelter.shifts.queries import clashing_shift, find_signup, held_around
from shelter.shifts.rules import (
    Offer,
    Refusal,
    ShiftAction,
    is_cancelled,
    may_check_in,
    refusal_error,
    refusal_reason,
    replacement_refusal,
    sign_up_refusal,
    withdrawal_deadline,
    withdrawal_offer,
)
from shelter.work import claim

# --- What a member is offered ----------------------------------------------------------------


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
    held = held_around(member, shifts)
    mine = {signup.shift_id: signup for signup in held}
    planned = [signup.shift for signup in held if not signup.shift.is_cancelled]
    actions = {}
    for shift in shifts:
        buttons = _coordinator_buttons(member, shift, now)
        signup = mine.get(shift.id)
        if signup is not None:
            actions[shift.id] = _holder_action(shift, signup, now, buttons)
        else:
            actions[shift.id] = _newcomer_action(shift, planned, now, buttons)
    return actions


def _coordinator_buttons(member: User, shift: Shift, now: datetime) -> dict[str, bool]:
    open_to_all = sign_up_refusal(shift, now, signed_up=False, clash=None) is None
    return {
        "can_assign": member.is_coordinator and open_to_all,
        "can_remove": member.is_coordinator and not is_cancelled(shift),
    }


def _holder_action(shift: Shift, signup: SignUp, now: datetime, buttons: dict) -> ShiftAction:
    """What the holder of ``signup`` may do: leave, ask for a replacement, say they arrived."""
    holder = {
        "signed_up": True,
        "can_check_in": may_check_in(shift, signup, now),
        "checked_in_at": signup.checked_in_at,
        **buttons,
    }
    decision = withdrawal_offer(shift, signup, now)
    if decision is Offer.WITHDRAW:
        return ShiftAction(offer=decision, deadline=withdrawal_deadline(shift), **holder)
    if isinstance(decision, Offer):
        return ShiftAction(offer=decision, **holder)
    return ShiftAction(offer=None, reason=refusal_reason(decision, None), **holder)


def _newcomer_action(
    shift: Shift, planned: list[Shift], now: datetime, buttons: dict
) -> ShiftAction:
    """Whether someone not on ``shift``, holding ``planned``, may sign up, or why not."""
    clash = next((other for other in planned if other.clashes_with(shift)), None)
    refusal = sign_up_refusal(shift, now, signed_up=False, clash=clash)
    if refusal is None:
        return ShiftAction(offer=Offer.SIGN_UP, **buttons)
    return ShiftAction(offer=None, reason=refusal_reason(refusal, clash), **buttons)


def replaceable(member: User, shifts: Sequence[Shift], now: datetime | None = None) -> set[int]:
    """Return the ids of the ``shifts`` where ``member`` may take someone's place; one query."""
    now = now or utcnow()
    if not shifts:
        return set()
    held = held_around(member, shifts)
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


def _add_signup(shift: Shift, user: User, actor: User, now: datetime | None) -> SignUp:
    now = now or utcnow()
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    clash = clashing_shift(user, shift)
    refusal = sign_up_refusal(shift, now, find_signup(shift, user) is not None, clash)
    if refusal is not None:
        raise refusal_error(refusal, shift, user, actor, clash)
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
        raise refusal_error(Refusal.FULL, shift, user, actor)
    signup = SignUp(shift_id=shift.id, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:
        raise refusal_error(Refusal.SIGNED_UP, shift, user, actor) from None
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


# --- Leaving and arriving ---------------------------------------------------------------------


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
        raise refusal_error(decision, shift, user, user)
    _drop_signup(signup)
    _close_replacement_requests(shift, user)
    record(user, "signup.withdraw", "shift", shift.id, **about_shift(shift))


def check_in(shift: Shift, user: User, now: datetime | None = None) -> SignUp:
    """Record that ``user`` has arrived for ``shift`` ("Je suis arrivé·e"), once."""
    now = now or utcnow()
    signup = find_signup(shift, user)
    if signup is None:
        raise refusal_error(Refusal.NOT_SIGNED_UP, shift, user, user)
    if signup.checked_in_at is not None:
        raise DomainError(_("Ton arrivée est déjà notée."))
    if not may_check_in(shift, signup, now):
        raise DomainError(
            _(
                "Tu peux signaler ton arrivée à partir d'une heure avant le début du service, "
                "et jusqu'à sa fin."
            )
        )
    if not claim(SignUp.checked_in_at, signup.id, now):
        raise DomainError(_("Ton arrivée est déjà notée."))
    db.session.refresh(signup)
    record(user, "signup.check_in", "shift", shift.id, **about_shift(shift))
    return signup


def remove(signup: SignUp, actor: User) -> None:
    """Take a volunteer off a shift (coordinators) and tell them by email."""
    shift, user = signup.shift, signup.user
    if is_cancelled(shift):
        raise refusal_error(Refusal.CANCELLED, shift, user, actor)
    _drop_signup(signup)
    _close_replacement_requests(shift, user)
    record(actor, "signup.remove", "shift", shift.id, user_id=user.id, **about_shift(shift))
    if user.id != actor.id:
        notifications.notify_removed(user, shift, actor)
