"""Second factors: enrolment, the second step of signing in, recovery codes, resets.

A member has a second factor once an authenticator app is confirmed or a passkey registered.
Every change of factor ends the member's other sessions and goes to the audit log.
"""

import secrets
import time
from dataclasses import dataclass

from flask import current_app, session
from sqlalchemy import delete, func, or_, select, update

from shelter.auth import passkeys, totp
from shelter.auth.services import log_in
from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l
from shelter.mail import queue_mail, render_mail
from shelter.models import Passkey, RecoveryCode, Role, TotpAuthenticator, User, hash_token
from shelter.models.audit import record
from shelter.second_factors import has_passkey, has_second_factor, has_totp, second_factor_required
from shelter.urls import external_url

RECOVERY_CODE_COUNT = 10
# Without 0/o and 1/l/i, which are misread from paper. 12 of 31 symbols, about 59 bits: far
# beyond online guessing (the second step is throttled), so a SHA-256 hash is enough.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 12
PENDING_KEY = "second_step"


# --- what a member has ---


def users_with_second_factor() -> set[int]:
    """Return the ids of the members who have a second factor (one query)."""
    confirmed = select(TotpAuthenticator.user_id).where(TotpAuthenticator.confirmed_at.is_not(None))
    return set(db.session.scalars(confirmed.union(select(Passkey.user_id))))


def coordinators_without_second_factor() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                ~has_totp(User.id),
                ~has_passkey(User.id),
            )
            .order_by(User.email)
        )
    )


@dataclass(frozen=True)
class Factors:
    """A member's second factors, as the security page shows them."""

    totp: TotpAuthenticator | None
    passkeys: list[Passkey]
    recovery_codes_left: int

    @property
    def any(self) -> bool:
        return self.totp is not None or bool(self.passkeys)


def factors_of(user: User) -> Factors:
    confirmed = db.session.scalar(
        select(TotpAuthenticator).where(
            TotpAuthenticator.user_id == user.id, TotpAuthenticator.confirmed_at.is_not(None)
        )
    )
    left = db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return Factors(confirmed, passkeys.passkeys_of(user), left)


# --- changes of factor ---


def _factor_changed(user: User, action: str, **details) -> None:
    """Audit the change and end the member's other sessions (this one starts afresh)."""
    record(user, action, "user", user.id, **details)
    user.end_sessions()
    log_in(user)


def _totp_of(user: User) -> TotpAuthenticator | None:
    return db.session.scalar(select(TotpAuthenticator).where(TotpAuthenticator.user_id == user.id))


def start_totp(user: User) -> TotpAuthenticator:
    """Give ``user`` a new key to scan; it counts once a first code confirms it."""
    authenticator = _totp_of(user)
    if authenticator is not None and authenticator.is_confirmed:
        raise DomainError(_l("Ton application d'authentification est déjà configurée."))
    if authenticator is None:
        authenticator = TotpAuthenticator(user_id=user.id)
        db.session.add(authenticator)
    authenticator.secret = totp.new_secret()
    authenticator.created_at = utcnow()
    return authenticator


def pending_totp(user: User) -> TotpAuthenticator | None:
    """Return the key being set up, not yet confirmed."""
    authenticator = _totp_of(user)
    return authenticator if authenticator and not authenticator.is_confirmed else None


def confirm_totp(user: User, code: str) -> list[str]:
    """Activate the key with a first code; return new recovery codes if it is a first factor."""
    authenticator = pending_totp(user)
    if authenticator is None:
        raise DomainError(_l("Recommence la configuration : aucune clé n'est en attente."))
    step = totp.matching_step(authenticator.secret, code)
    if step is None:
        raise DomainError(
            _l("Ce code ne correspond pas. Vérifie l'heure de ton téléphone et réessaie.")
        )
    first_factor = not has_second_factor(user.id)
    authenticator.confirmed_at = utcnow()
    authenticator.last_used_step = step
    _factor_changed(user, "twofactor.totp_add")
    return new_recovery_codes(user) if first_factor else []


def remove_totp(user: User) -> None:
    authenticator = _totp_of(user)
    if authenticator is None or not authenticator.is_confirmed:
        raise DomainError(_l("Aucune application d'authentification n'est configurée."))
    db.session.delete(authenticator)
    db.session.flush()
    _after_removal(user, "twofactor.totp_remove")


def add_passkey(user: User, name: str, state: str, credential: str) -> tuple[Passkey, list[str]]:
    """Keep a newly registered passkey; return it and new recovery codes for a first factor."""
    first_factor = not has_second_factor(user.id)
    passkey = passkeys.register(user, name, state, credential)
    db.session.flush()
    _factor_changed(user, "twofactor.passkey_add", name=passkey.name)
    return passkey, new_recovery_codes(user) if first_factor else []


def remove_passkey(user: User, passkey_id: int) -> None:
    passkey = db.session.scalar(
        select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    )
    if passkey is None:
        raise DomainError(_l("Cette clé d'accès n'existe pas ou plus."))
    db.session.delete(passkey)
    db.session.flush()
    _after_removal(user, "twofactor.passkey_remove", name=passkey.name)


def _after_removal(user: User, action: str, **details) -> None:
    if not has_second_factor(user.id):
        if second_factor_required(user.role):
            raise DomainError(
                _l(
                    "La coordination doit garder une deuxième étape : ajoute d'abord une autre "
                    "méthode, puis retire celle-ci."
                )
            )
        # Recovery codes stand in for a factor; without one they have nothing to recover.
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _factor_changed(user, action, **details)


def reset_second_factor(user: User, actor: User | None) -> None:
    """Remove all of ``user``'s second factors (lost phone), end their sessions, tell them."""
    if actor is not None and actor.id == user.id:
        raise DomainError(
            _l("Pour ton propre compte, passe par ta page « Connexion en deux étapes ».")
        )
    if not has_second_factor(user.id):
        raise DomainError(_l("Ce compte n'a pas de connexion en deux étapes."))
    for model in (TotpAuthenticator, Passkey, RecoveryCode):
        db.session.execute(delete(model).where(model.user_id == user.id))
    user.end_sessions()
    record(actor, "twofactor.reset", "user", user.id)
    subject, body = render_mail(
        "two_factor_reset",
        user.language,
        user=user,
        actor=actor,
        required=second_factor_required(user.role),
        link=external_url("auth.security"),
    )
    queue_mail(user.email, subject, body, language=user.language)


# --- recovery codes ---


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[index : index + 4] for index in range(0, _RECOVERY_LENGTH, 4))


def _normalise_recovery_code(code: str) -> str:
    return "".join(char for char in code.lower() if char.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones and return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_token(_normalise_recovery_code(code)))
        for code in codes
    )
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    if not has_second_factor(user.id):
        raise DomainError(_l("Configure d'abord une deuxième étape."))
    codes = new_recovery_codes(user)
    record(user, "twofactor.recovery_new", "user", user.id)
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    # One statement: two requests racing with the same code cannot both use it.
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(_normalise_recovery_code(code)),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    if used.rowcount != 1:
        return False
    record(user, "twofactor.recovery_use", "user", user.id)
    return True


def _use_totp_code(user: User, code: str) -> bool:
    authenticator = _totp_of(user)
    if authenticator is None or not authenticator.is_confirmed:
        return False
    step = totp.matching_step(authenticator.secret, code)
    if step is None:
        return False
    # Each code once: only a step later than the last one used moves it forward.
    accepted = db.session.execute(
        update(TotpAuthenticator)
        .where(
            TotpAuthenticator.id == authenticator.id,
            or_(
                TotpAuthenticator.last_used_step.is_(None),
                TotpAuthenticator.last_used_step < step,
            ),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    return accepted.rowcount == 1


# --- signing in ---


def begin_second_step(user: User, next_url: str) -> None:
    """Remember, in the signed session, that ``user`` gave the right password just now."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    session[PENDING_KEY] = {
        "user": user.id,
        "version": user.session_version,
        "since": int(time.time()),
        "next": next_url,
    }


def pending_sign_in() -> tuple[User, str] | None:
    """Return the member waiting for their second step and where they go next, if in time."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    age = time.time() - pending.get("since", 0)
    if not 0 <= age <= current_app.config["SECOND_STEP_MINUTES"] * 60:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user, pending.get("next", "")


def forget_pending_sign_in() -> None:
    session.pop(PENDING_KEY, None)


def check_code(user: User, code: str) -> None:
    """Accept an authenticator code or an unused recovery code of ``user``, else refuse."""
    if totp.is_code_shaped(code):
        accepted = _use_totp_code(user, code)
    else:
        accepted = _use_recovery_code(user, code)
    if not accepted:
        raise DomainError(_l("Ce code n'est pas valable (ou a déjà servi). Réessaie."))
