"""Replacements: after the cut-off, a volunteer who cannot come asks the free volunteers.

``request_withdrawal`` ("Je ne peux plus venir") opens a request: each free
volunteer gets an email with the link to accept, and sees the request on their landing page.
"Free" is the sign-up rule of ``rules.replacement_refusal``: not on that shift, no clashing
shift (the shifts of one night may be combined), the maximum aside since a place is left.

Accepting is atomic: an UPDATE guarded by ``accepted_at IS NULL`` claims the request, so under
any concurrency exactly one volunteer wins (PostgreSQL re-reads the row after the winner's
commit; SQLite serialises write transactions); the others get ``TAKEN`` and a 409. In the same
unit of work the sign-up passes to the new volunteer (the shift's count does not change), and
the volunteer who left, the one who came and the coordinators are told.

``send-reminders`` alerts the coordinators, once, about a request still open 24 h before the
start (``unanswered_requests``, ``alert_unanswered``).
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.i18n import lazy_gettext as _l
from shelter.models import (
    Night,
    NightStatus,
    ReplacementRequest,
    Role,
    Shift,
    SignUp,
    User,
)
from shelter.models.audit import about_shift, record
from shelter.shifts import notifications
from shelter.shifts.queries import clashing_shift, find_signup, shifts_held_around
from shelter.shifts.rules import Offer, refusal_error, replacement_refusal, withdrawal_offer
from shelter.urls import external_url

UNANSWERED_HOURS = 24
TAKEN = _l("Quelqu'un l'a déjà remplacé·e, merci !")


def _open():
    return ReplacementRequest.accepted_at.is_(None) & ReplacementRequest.closed_at.is_(None)


def _in_the_future(now: datetime):
    return (
        (Shift.status == NightStatus.PLANNED)
        & (Night.status == NightStatus.PLANNED)
        & (Shift.starts_at > now)
    )


# --- Asking ----------------------------------------------------------------------------------


def free_volunteers(shift: Shift, now: datetime, but: int) -> list[User]:
    """The active volunteers, but the one leaving, who may take a place on ``shift``."""
    held = shifts_held_around([shift])
    volunteers = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role == Role.VOLUNTEER, User.id != but)
        .order_by(User.id)
    )
    free = []
    for volunteer in volunteers:
        theirs = held.get(volunteer.id, [])
        refusal = replacement_refusal(
            shift,
            now,
            signed_up=any(other.id == shift.id for other in theirs),
            clash=next((other for other in theirs if other.clashes_with(shift)), None),
        )
        if refusal is None:
            free.append(volunteer)
    return free


def open_request(signup: SignUp, now: datetime) -> ReplacementRequest:
    """Open a replacement request for ``signup``; email the free volunteers and coordinators."""
    request = ReplacementRequest(
        shift_id=signup.shift_id,
        requester_id=signup.user_id,
        reason=signup.withdrawal_reason or "",
        created_at=now,
    )
    db.session.add(request)
    db.session.flush()
    shift = signup.shift
    volunteers = free_volunteers(shift, now, but=signup.user_id)
    url = external_url("shifts.replacement", request_id=request.id)
    for volunteer in volunteers:
        notifications.send_about_shift(
            volunteer, "replacement_request", shift, bulk=True, requester=signup.user, url=url
        )
    for coordinator in notifications.active_coordinators():
        notifications.send_about_shift(
            coordinator,
            "withdrawal_request",
            shift,
            volunteer=signup.user,
            reason=signup.withdrawal_reason,
            asked=len(volunteers),
            url=url,
        )
    return request


def request_withdrawal(
    shift: Shift, user: User, reason: str, now: datetime | None = None
) -> SignUp:
    """After the cut-off, "Je ne peux plus venir": ask the free volunteers for a replacement.

    The sign-up is marked (``withdrawal_requested_at``) and stays until someone takes the
    place (``accept``) or a coordinator removes the volunteer.
    """
    now = now or utcnow()
    signup = find_signup(shift, user)
    decision = withdrawal_offer(shift, signup, now)
    if decision is not Offer.REQUEST_WITHDRAWAL:
        raise refusal_error(decision, shift, user, user)
    signup.withdrawal_requested_at = now
    signup.withdrawal_reason = reason.strip()
    record(user, "signup.replacement_request", "shift", shift.id, **about_shift(shift))
    db.session.flush()
    open_request(signup, now)
    return signup


# --- Reading ---------------------------------------------------------------------------------


def request_with_shift(request_id: int) -> ReplacementRequest | None:
    return db.session.scalar(
        select(ReplacementRequest)
        .options(
            joinedload(ReplacementRequest.requester),
            joinedload(ReplacementRequest.shift).joinedload(Shift.night).joinedload(Night.place),
        )
        .where(ReplacementRequest.id == request_id)
    )


def open_requests_for(member: User, now: datetime | None = None) -> list[ReplacementRequest]:
    """The open requests of others that ``member`` may take, soonest first; one query.

    The rule of ``rules.replacement_refusal`` in SQL: not on that shift, and no planned shift
    of theirs that ``Shift.clashes_with`` it.
    """
    now = now or utcnow()
    theirs = aliased(Shift)
    held = (
        select(SignUp.id)
        .join(theirs, SignUp.shift_id == theirs.id)
        .where(
            SignUp.user_id == member.id,
            theirs.status == NightStatus.PLANNED,
            (theirs.id == Shift.id) | theirs.clashes_with(Shift),
        )
    )
    return list(
        db.session.scalars(
            select(ReplacementRequest)
            .join(ReplacementRequest.shift)
            .join(Shift.night)
            .join(Night.place)
            .options(
                contains_eager(ReplacementRequest.shift)
                .contains_eager(Shift.night)
                .contains_eager(Night.place),
                joinedload(ReplacementRequest.requester),
            )
            .where(
                _open(),
                _in_the_future(now),
                ReplacementRequest.requester_id != member.id,
                ~held.exists(),
            )
            .order_by(Shift.starts_at, ReplacementRequest.id)
        )
    )


# --- Accepting -------------------------------------------------------------------------------


def accept(request: ReplacementRequest, member: User, now: datetime | None = None) -> SignUp:
    """Give ``member`` the place of the volunteer who asked; exactly one member ever wins."""
    now = now or utcnow()
    shift = request.shift
    if request.requester_id == member.id:
        raise DomainError(_("C'est ta propre demande : quelqu'un d'autre doit l'accepter."))
    if request.accepted_at is not None:
        raise DomainError(TAKEN)
    if request.closed_at is not None:
        raise DomainError(_("Cette demande n'est plus d'actualité."))
    # The member's sign-ups are serialised, as for signing up (see ``signups``).
    db.session.execute(select(User.id).where(User.id == member.id).with_for_update())
    clash = clashing_shift(member, shift)
    signed_up = find_signup(shift, member) is not None
    refusal = replacement_refusal(shift, now, signed_up, clash)
    if refusal is not None:
        raise refusal_error(refusal, shift, member, member, clash)
    claimed = db.session.execute(
        update(ReplacementRequest)
        .where(ReplacementRequest.id == request.id, _open())
        .values(accepted_by_id=member.id, accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(TAKEN)
    moved = db.session.execute(
        update(SignUp)
        .where(SignUp.shift_id == shift.id, SignUp.user_id == request.requester_id)
        .values(
            user_id=member.id,
            created_at=now,
            reminded_at=None,
            checked_in_at=None,
            withdrawal_requested_at=None,
            withdrawal_reason=None,
        )
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        # The requester is no longer on the shift: nothing to take (undone with the claim).
        raise DomainError(_("Cette demande n'est plus d'actualité."))
    db.session.expire_all()
    request = db.session.get(ReplacementRequest, request.id)
    signup = find_signup(request.shift, member)
    record(
        member,
        "signup.replace",
        "shift",
        shift.id,
        user_id=request.requester_id,
        **about_shift(request.shift),
    )
    _tell_replaced(request)
    return signup


def _tell_replaced(request: ReplacementRequest) -> None:
    shift, requester, replacement = request.shift, request.requester, request.accepted_by
    people = {"requester": requester, "replacement": replacement}
    if requester.active:
        notifications.send_about_shift(
            requester, "replacement_done", shift, role="requester", **people
        )
    notifications.send_about_shift(
        replacement, "replacement_done", shift, role="replacement", **people
    )
    for coordinator in notifications.active_coordinators():
        if coordinator.id not in (requester.id, replacement.id):
            notifications.send_about_shift(
                coordinator, "replacement_done", shift, role="coordinator", **people
            )


# --- Unanswered 24 h before the start (cron) -------------------------------------------------


def unanswered_requests(now: datetime) -> list[int]:
    """The open requests not yet reported whose shift starts within 24 h."""
    horizon = now + timedelta(hours=UNANSWERED_HOURS)
    return list(
        db.session.scalars(
            select(ReplacementRequest.id)
            .join(ReplacementRequest.shift)
            .join(Shift.night)
            .where(
                _open(),
                ReplacementRequest.alerted_at.is_(None),
                _in_the_future(now),
                Shift.starts_at <= horizon,
            )
            .order_by(Shift.starts_at, ReplacementRequest.id)
        )
    )


def alert_unanswered(request_id: int, now: datetime) -> bool:
    """Tell the coordinators about one unanswered request, unless another run already did."""
    claimed = db.session.execute(
        update(ReplacementRequest)
        .where(
            ReplacementRequest.id == request_id,
            ReplacementRequest.alerted_at.is_(None),
            _open(),
        )
        .values(alerted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    request = request_with_shift(request_id)
    url = external_url("shifts.replacement", request_id=request.id)
    for coordinator in notifications.active_coordinators():
        notifications.send_about_shift(
            coordinator,
            "replacement_unanswered",
            request.shift,
            requester=request.requester,
            url=url,
            hours=UNANSWERED_HOURS,
        )
    return True
