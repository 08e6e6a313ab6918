"""Feed links: issued, checked and revoked; only a SHA-256 hash of a token is kept."""

import hmac
import secrets

from sqlalchemy import delete, select

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.feeds import queries
from shelter.i18n import lazy_gettext as _l
from shelter.models import FeedKind, FeedToken, Role, User, hash_token, utcnow
from shelter.models.audit import record


def may_use(user: User, kind: str) -> bool:
    """Tell whether ``user`` may have a feed of this kind."""
    return _allowed(user.active, user.role, kind)


def _allowed(active: bool, role: str, kind: str) -> bool:
    if not active:
        return False
    return kind == FeedKind.PERSONAL or (kind == FeedKind.COORDINATION and role == Role.COORDINATOR)


def issue_feed_token(user: User, kind: FeedKind) -> str:
    """Give ``user`` a new link for ``kind`` and return its token; the previous one dies."""
    if not may_use(user, kind):
        raise DomainError(_l("Ce lien d'agenda est réservé à la coordination."))
    # Two clicks at once must not create two rows: lock the user's row first (PostgreSQL;
    # on SQLite the write transaction already holds the database lock).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    token = secrets.token_urlsafe(32)
    feed_token = db.session.scalar(
        select(FeedToken).where(FeedToken.user_id == user.id, FeedToken.kind == kind)
    )
    if feed_token is None:
        feed_token = FeedToken(user_id=user.id, kind=kind)
        db.session.add(feed_token)
    feed_token.token_hash = hash_token(token)
    feed_token.created_at = utcnow()
    record(user, "feed.new_link", "user", user.id, kind=str(kind))
    return token


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
