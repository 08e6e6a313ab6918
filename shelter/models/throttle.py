"""Counters of recent failed attempts, shared by every worker process."""

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from shelter.extensions import db


class ThrottleCounter(db.Model):
    """The attempts counted under one key (an action and a hashed client, account or device)."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    # Unix time at which the window ends and the count starts again from nothing.
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
