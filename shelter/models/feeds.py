"""Secret links to the calendar feeds; only a hash of each token is stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.extensions import db
from shelter.models.base import UTCDateTime, utcnow
from shelter.models.users import User


class FeedKind(StrEnum):
    PERSONAL = "personal"
    COORDINATION = "coordination"


class FeedToken(db.Model):
    """The current feed link of one user for one kind of feed."""

    __tablename__ = "feed_tokens"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_feed_tokens_user_kind"),
        CheckConstraint("kind IN ('personal', 'coordination')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<FeedToken {self.id} {self.kind}>"
