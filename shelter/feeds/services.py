"""Feed links: issued, checked and revoked; only a SHA-256 hash of a token is kept."""

import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.feeds import queries
from shelter.i18n import lazy_gettext as _l
from shelter.models import FeedKind, FeedToken, Role, User, hash_token
from shelter.models.audit import record

# Links a member may hold for one kind of feed: a few devices, not a list to lose track of.
MAX_LINKS = 10
# How stale "last used" may be: writing on every poll would cost the feed its cheap 304.
LAST_USE_PRECISION = timedelta(hours=1)


def may_use(user: User, kind: str) -> bool:
    """Tell whether ``user`` may have a feed of this kind."""
    return _allowed(user.active, user.role, kind)


def _allowed(active: bool, role: str, kind: str) -> bool:
    if not active:
        return False
    return kind == FeedKind.PERSONAL or (kind == FeedKind.COORDINATION and role == Role.COORDINATOR)


def issue_feed_token(user: User, kind: FeedKind, name: str = "") -> str:
    """Give ``user`` one more link for ``kind``, named ``name``, and return its token.

    The member's other links keep working; a member holds at most ``MAX_LINKS`` per kind.
    """
    if not may_use(user, kind):
        raise DomainError(_l("Ce lien d'agenda est réservé à la coordination."))
    # Two clicks at once must not pass the count together: lock the user's row first
    # (PostgreSQL; on SQLite the write transaction already holds the database lock).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    held = db.session.scalar(
        select(func.count())
        .select_from(FeedToken)
        .where(FeedToken.user_id == user.id, FeedToken.kind == kind)
    )
    if held >= MAX_LINKS:
        raise DomainError(
            _l(
                "Tu as déjà %(count)d liens pour cet agenda : révoque ceux que tu n'utilises "
                "plus avant d'en créer un autre.",
                count=held,
            )
        )
    token = secrets.token_urlsafe(32)
    name = name.strip()
    db.session.add(FeedToken(user_id=user.id, kind=kind, name=name, token_hash=hash_token(token)))
    record(user, "feed.new_link", "user", user.id, kind=str(kind), name=name)
    return token


def revoke_feed_link(link: FeedToken, user: User) -> None:
    """Kill one link of ``user``'s: calendars subscribed with it get a 404 from now on."""
    db.session.delete(link)
    record(user, "feed.revoke", "user", user.id, kind=link.kind, name=link.name)


def revoke_feed_tokens(user: User, kinds: tuple[str, ...] = tuple(FeedKind)) -> None:
    """Kill ``user``'s feed links of these kinds (deactivation, loss of a role)."""
    db.session.execute(
        delete(FeedToken).where(FeedToken.user_id == user.id, FeedToken.kind.in_(kinds))
    )


def live_feed(token: str, kind: FeedKind, window: queries.Window) -> queries.FeedAccess | None:
    """Return the link's access row when ``token`` opens this kind of feed now, else None.

    Role and account state are checked on every request, not only when they change.
    """
    if not token or len(token) > 200:
        return None
    token_hash = hash_token(token)
    access = queries.feed_access(kind, token_hash, window)
    # The lookup is by hash; the comparison in constant time is a second, cheap guard.
    if access is None or not hmac.compare_digest(access.token_hash, token_hash):
        return None
    if access.kind != kind or not _allowed(access.active, access.role, kind):
        return None
    return access


def last_use_due(access: queries.FeedAccess, now: datetime) -> bool:
    """Tell whether the link's last use is older than ``LAST_USE_PRECISION`` (or unknown).

    A feed is polled often and its 304 answer is meant to be cheap: most requests write
    nothing, and a link's "last used" is right to the hour.
    """
    return access.last_used_at is None or access.last_used_at <= now - LAST_USE_PRECISION


def note_use(access: queries.FeedAccess, now: datetime) -> None:
    """Record that the link was used ``now``, unless another request just did."""
    db.session.execute(
        update(FeedToken)
        .where(
            FeedToken.id == access.link_id,
            or_(
                FeedToken.last_used_at.is_(None),
                FeedToken.last_used_at <= now - LAST_USE_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
