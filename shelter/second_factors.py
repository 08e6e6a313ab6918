"""Whether a member has a second factor, and whether the policy requires one of them.

A bottom module, below ``shelter.auth`` and ``shelter.feeds``: login asks it, and so does the
coordinators' feed, while ``shelter.auth`` revokes feed links.
"""

from flask import current_app
from sqlalchemy import exists, or_, select

from shelter.extensions import db
from shelter.models import Passkey, Role, TotpAuthenticator


def has_totp(user_id):
    """An SQL condition: the member has a confirmed authenticator app."""
    return exists().where(
        TotpAuthenticator.user_id == user_id, TotpAuthenticator.confirmed_at.is_not(None)
    )


def has_passkey(user_id):
    """An SQL condition: the member has a passkey."""
    return exists().where(Passkey.user_id == user_id)


def has_second_factor(user_id: int) -> bool:
    return bool(db.session.scalar(select(or_(has_totp(user_id), has_passkey(user_id)))))


def second_factor_required(role: str) -> bool:
    """Tell whether the policy obliges a member of this role to have a second factor."""
    return role == Role.COORDINATOR and current_app.config["REQUIRE_2FA_FOR_COORDINATORS"]


def missing_second_factor(user_id: int, role: str) -> bool:
    """Tell whether the policy requires a second factor of this member, who has none."""
    return second_factor_required(role) and not has_second_factor(user_id)
