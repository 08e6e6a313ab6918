"""Accounts: logging in and out, invitations, password resets, profiles, roles."""

import secrets
from datetime import timedelta

from flask import current_app, session
from flask_login import login_user, logout_user
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.feeds.services import revoke_feed_tokens
from shelter.i18n import lazy_gettext as _l
from shelter.mail import queue_mail, render_mail
from shelter.models import AccountToken, FeedKind, Role, TokenPurpose, User, hash_token
from shelter.models.audit import record
from shelter.passwords import password_problem
from shelter.security import start_session_clock
from shelter.urls import external_url

# Compared against when the email is unknown, so that a login takes as long either way.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same cost either way)."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def log_in(user: User) -> None:
    # A fresh session for every login: nothing planted before it survives, except the
    # language the visitor just chose, which becomes their preference.
    chosen_language = session.get("language")
    session.clear()
    login_user(user)
    start_session_clock(session)
    user.last_login_at = utcnow()
    if chosen_language in current_app.config["LANGUAGES"]:
        user.language = chosen_language
        session["language"] = chosen_language


def log_out(user: User) -> None:
    """End this session and every other session of the user."""
    user.end_sessions()
    logout_user()
    session.clear()


def revoke_links(user: User) -> None:
    """Make every outstanding invitation or reset link of ``user`` unusable."""
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta) -> str:
    """Create a single-use link token for ``user`` and return it (only its hash is kept).

    Only the newest link of an account works: sending one revokes the others.
    """
    revoke_links(user)
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=hash_token(token),
            expires_at=utcnow() + lifetime,
        )
    )
    return token


def usable_token(token: str, purpose: TokenPurpose) -> AccountToken | None:
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose
        )
    )
    if found is None or not found.is_usable or not found.user.active:
        return None
    return found


def set_password_from_token(account_token: AccountToken, password: str) -> User:
    """Use a link token once: set the password and end every existing session."""
    user = account_token.user
    revoke_links(user)
    user.set_password(password)
    user.end_sessions()
    return user


def invite(
    email: str,
    name: str,
    role: str,
    language: str,
    inviter: User | None,
    phone: str | None = None,
) -> User:
    """Create an account without password and email it a link to choose one.

    A ``phone`` (E.164) is seen by coordinators only until the member shares it on the profile.
    """
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_l("Un compte existe déjà pour cette adresse."))
    user = User(email=email, name=name.strip(), role=role, language=language, phone=phone)
    db.session.add(user)
    db.session.flush()
    record(inviter, "user.invite", "user", user.id, role=role)
    send_invitation(user, inviter)
    return user


def create_account(email: str, name: str, role: str, language: str, password: str) -> User:
    """Create an account with its password (the command line's first coordinator)."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(_l("Un compte existe déjà pour cette adresse."))
    problem = password_problem(password, email)
    if problem:
        raise DomainError(problem)
    user = User(email=email, name=name.strip(), role=role, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(None, "user.create", "user", user.id, role=role)
    return user


def send_invitation(user: User, inviter: User | None) -> None:
    lifetime = timedelta(days=current_app.config["INVITATION_VALID_DAYS"])
    token = issue_token(user, TokenPurpose.INVITATION, lifetime)
    subject, body = render_mail(
        "invitation",
        user.language,
        user=user,
        inviter=inviter,
        link=external_url("auth.accept_invitation", token=token),
        days=lifetime.days,
    )
    queue_mail(user.email, subject, body, language=user.language)


def request_password_reset(email: str) -> None:
    """Email a reset link if an active account has this address; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    lifetime = timedelta(hours=current_app.config["RESET_VALID_HOURS"])
    token = issue_token(user, TokenPurpose.RESET, lifetime)
    subject, body = render_mail(
        "password_reset",
        user.language,
        user=user,
        link=external_url("auth.reset_password", token=token),
        hours=current_app.config["RESET_VALID_HOURS"],
    )
    queue_mail(user.email, subject, body, language=user.language)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise DomainError(_l("Le mot de passe actuel n'est pas le bon."))
    revoke_links(user)
    user.set_password(new_password)
    # Other devices are logged out; this one gets a fresh session.
    user.end_sessions()
    log_in(user)


def update_profile(
    user: User, name: str, language: str, phone: str | None = None, phone_shared: bool = False
) -> None:
    """Save the member's name, language and phone (E.164, or None to remove it)."""
    user.name = name.strip()
    user.language = language
    user.phone = phone
    user.phone_shared = phone is not None and phone_shared
    session["language"] = language


def set_lead(user: User, is_lead: bool, actor: User) -> None:
    """Mark ``user`` as a référent·e (night lead), or no longer."""
    if user.is_lead == is_lead:
        return
    user.is_lead = is_lead
    record(actor, "user.lead" if is_lead else "user.unlead", "user", user.id)


def count_active_coordinators() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.COORDINATOR, User.active.is_(True))
    )


def set_role(user: User, role: str, actor: User) -> None:
    if user.role == role:
        return
    if user.role == Role.COORDINATOR and count_active_coordinators() <= 1 and user.active:
        raise DomainError(_l("Il faut garder au moins un·e coordinateur·rice actif·ve."))
    if user.role == Role.COORDINATOR:
        revoke_feed_tokens(user, (FeedKind.COORDINATION,))
    user.role = role
    # A new role means new rights: sessions and coordinator feeds start over.
    user.end_sessions()
    record(actor, "user.role", "user", user.id, role=role)


def set_active(user: User, active: bool, actor: User) -> None:
    if user.active == active:
        return
    if not active:
        if user.id == actor.id:
            raise DomainError(_l("Tu ne peux pas désactiver ton propre compte."))
        if user.is_coordinator and count_active_coordinators() <= 1:
            raise DomainError(_l("Il faut garder au moins un·e coordinateur·rice actif·ve."))
        user.end_sessions()
        revoke_feed_tokens(user)
    user.active = active
    record(actor, "user.activate" if active else "user.deactivate", "user", user.id)
