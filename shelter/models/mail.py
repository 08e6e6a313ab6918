"""The mail queue: messages added in the transaction of the change they announce.

A message is claimed by one sender at a time (``claimed_by`` until ``claimed_until``), then
marked sent, or given its next attempt with a growing delay. Sent messages are forgotten
``MAIL_KEEP_SENT_DAYS`` after they went out.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models.base import UTCDateTime


class MailState(StrEnum):
    QUEUED = "queued"  # never tried yet
    SENDING = "sending"  # claimed by a sender right now
    RETRYING = "retrying"  # tried and failed; waits for its next attempt
    SENT = "sent"  # accepted by the mail server (or written to the outbox folder)


class QueuedMail(db.Model):
    __tablename__ = "mail_queue"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # Serves both "what is due" (unsent, by next attempt) and the purge of old sent ones.
        Index("ix_mail_queue_sent_at_next_attempt_at", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # An HTML alternative to the plain text (a newsletter issue); most messages have none.
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    language: Mapped[str] = mapped_column(String(8))
    # Kept from the first attempt to the last, so a receiving server can tell a retry.
    message_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
