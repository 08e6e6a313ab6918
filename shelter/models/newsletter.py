"""Newsletter issues: written in Markdown by coordinators, sent once to the subscribers."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.extensions import db
from shelter.models.base import Timestamped, UTCDateTime
from shelter.models.users import User


class NewsletterIssue(Timestamped, db.Model):
    """A draft until it is sent; then it keeps when, by whom and to how many, and never changes."""

    __tablename__ = "newsletter_issues"
    __table_args__ = (
        CheckConstraint(
            "(sent_at IS NULL AND recipient_count IS NULL)"
            " OR (sent_at IS NOT NULL AND recipient_count >= 0)",
            name="sent_to_a_count",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # Rendered once, when the body is saved: the emails and the web version never parse Markdown.
    body_html: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient_count: Mapped[int | None]

    sent_by: Mapped[User | None] = relationship()

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def __repr__(self) -> str:
        return f"<NewsletterIssue {self.id}{' sent' if self.is_sent else ''}>"
