"""Second factors: an authenticator app, passkeys and recovery codes."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models.base import UTCDateTime
from shelter.models.users import User


class TotpAuthenticator(db.Model):
    """The key an authenticator app shares with us (RFC 6238); one per account.

    Until a first code confirms it (``confirmed_at``) it is an enrolment in progress and does
    not count as a second factor.
    """

    __tablename__ = "totp_authenticators"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second step of the last code accepted: that code and older ones are refused.
    last_used_step: Mapped[int | None]

    user: Mapped[User] = relationship()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Passkey(db.Model):
    """A WebAuthn credential: its public key, never anything secret."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(default=0)
    # The random user handle the authenticator keeps with a discoverable credential; the
    # same for all of one member's passkeys.
    user_handle: Mapped[bytes] = mapped_column(LargeBinary)
    transports: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use code for when the phone or the key is lost; only its hash is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_recovery_codes_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UsedChallenge(db.Model):
    """A WebAuthn challenge already answered, kept until it expires so it cannot be replayed."""

    __tablename__ = "used_webauthn_challenges"

    challenge_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
