"""Secret links to the calendar feeds; only a hash of each token is stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models.base import UTCDateTime
from shelter.models.users import User


class FeedKind(StrEnum):
    PERSONAL = "personal"
    COORDINATION = "coordination"


class FeedToken(db.Model):
    """One secret link to a feed, named after the device that uses it; a member may hold several.

    Only a hash of the token is kept. ``last_used_at`` is refreshed at most once an hour, so
    that polling a feed does not write on every request.
    """

    __tablename__ = "feed_tokens"
    __table_args__ = (CheckConstraint("kind IN ('personal', 'coordination')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Chosen by the member ("Téléphone"); empty for a link made before links had names.
    name: Mapped[str] = mapped_column(String(40), default="", server_default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<FeedToken {self.id} {self.kind}>"
