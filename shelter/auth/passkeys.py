"""Passkeys (WebAuthn): registering them, and signing in with one.

A ceremony's challenge travels to the page inside its options and back in a signed, dated
``state`` field; once answered, its hash is kept until it expires, so an answer cannot be
replayed. Every check (origin, relying party, signature, counter) is made here by py_webauthn;
nothing the browser says is taken on trust.
"""

import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l
from shelter.models import Passkey, UsedChallenge, User

REGISTER, SIGN_IN = "register", "sign-in"
_SALT = "shelter.passkeys"
_FAILED = _l("La clé d'accès n'a pas été reconnue. Réessaie.")
_EXPIRED = _l("La demande de clé d'accès a expiré. Réessaie.")


class RelyingParty(NamedTuple):
    id: str
    origin: str


class Ceremony(NamedTuple):
    """What a page needs to ask the browser for a passkey: the options and the signed state."""

    options: str
    state: str


def relying_party() -> RelyingParty:
    """Return the relying party: from ``BASE_URL``, else (development) from the request."""
    base_url = current_app.config["BASE_URL"]
    if not base_url and has_request_context():
        base_url = request.host_url
    parts = urlsplit(base_url or "http://localhost")
    return RelyingParty(parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}")


@contextmanager
def _recognised() -> Iterator[None]:
    """Turn py_webauthn's refusal, or an answer of the wrong shape, into the user's message."""
    try:
        yield
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise DomainError(_FAILED) from None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


class _State(NamedTuple):
    challenge: bytes
    user_handle: bytes


def _new_state(challenge: bytes, purpose: str, user_id: int | None, handle: bytes = b"") -> str:
    return _serializer().dumps(
        {
            "challenge": bytes_to_base64url(challenge),
            "handle": bytes_to_base64url(handle),
            "purpose": purpose,
            "user": user_id,
        }
    )


def _read_state(state: str, purpose: str, user_id: int | None) -> _State:
    """Return a state this app signed for this purpose and user, if it has not expired."""
    try:
        data = _serializer().loads(state, max_age=current_app.config["PASSKEY_CHALLENGE_SECONDS"])
    except BadData:
        raise DomainError(_EXPIRED) from None
    if not isinstance(data, dict) or data.get("purpose") != purpose or data.get("user") != user_id:
        raise DomainError(_FAILED)
    return _State(base64url_to_bytes(data["challenge"]), base64url_to_bytes(data["handle"]))


def _consume(challenge: bytes) -> None:
    """Refuse a challenge answered before; remember this one until it expires."""
    now = utcnow()
    db.session.execute(delete(UsedChallenge).where(UsedChallenge.expires_at < now))
    lifetime = timedelta(seconds=current_app.config["PASSKEY_CHALLENGE_SECONDS"])
    try:
        with db.session.begin_nested():
            db.session.add(
                UsedChallenge(
                    challenge_hash=hashlib.sha256(challenge).hexdigest(),
                    expires_at=now + lifetime,
                )
            )
    except IntegrityError:
        raise DomainError(_FAILED) from None


def passkeys_of(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(
            select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)
        )
    )


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = []
    for name in filter(None, passkey.transports.split(",")):
        try:
            transports.append(AuthenticatorTransport(name))
        except ValueError:
            continue
    return PublicKeyCredentialDescriptor(id=passkey.credential_id, transports=transports or None)


def registration_ceremony(user: User) -> Ceremony:
    """Return the options to create a passkey for ``user`` (discoverable, with verification)."""
    existing = passkeys_of(user)
    handle = existing[0].user_handle if existing else secrets.token_bytes(32)
    challenge = secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=relying_party().id,
        rp_name=current_app.config["COLLECTIVE_NAME"],
        user_id=handle,
        user_name=user.email,
        user_display_name=user.name,
        challenge=challenge,
        exclude_credentials=[_descriptor(passkey) for passkey in existing],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        timeout=current_app.config["PASSKEY_CHALLENGE_SECONDS"] * 1000,
    )
    return Ceremony(options_to_json(options), _new_state(challenge, REGISTER, user.id, handle))


def register(user: User, name: str, state: str, credential: str) -> Passkey:
    """Verify the browser's answer to a registration ceremony and keep the new passkey."""
    expected = _read_state(state, REGISTER, user.id)
    rp = relying_party()
    with _recognised():
        verified = verify_registration_response(
            credential=_json_object(credential),
            expected_challenge=expected.challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    _consume(expected.challenge)
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise DomainError(_l("Cette clé d'accès est déjà enregistrée."))
    passkey = Passkey(
        user_id=user.id,
        name=name.strip(),
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=expected.user_handle,
        transports=",".join(_transports(credential)),
    )
    db.session.add(passkey)
    return passkey


def _json_object(credential: str) -> dict:
    try:
        value = json.loads(credential)
    except ValueError:
        raise DomainError(_FAILED) from None
    if not isinstance(value, dict):
        raise DomainError(_FAILED)
    return value


def _transports(credential: str) -> list[str]:
    transports = _json_object(credential).get("response", {}).get("transports") or []
    return [
        str(name)
        for name in transports
        if isinstance(name, str)
        and name in {transport.value for transport in AuthenticatorTransport}
    ]


def sign_in_ceremony(user: User | None = None) -> Ceremony:
    """Return the options to sign in with a passkey: any of ``user``'s, or any at all."""
    challenge = secrets.token_bytes(32)
    allowed = [_descriptor(passkey) for passkey in passkeys_of(user)] if user else None
    options = generate_authentication_options(
        rp_id=relying_party().id,
        challenge=challenge,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.REQUIRED,
        timeout=current_app.config["PASSKEY_CHALLENGE_SECONDS"] * 1000,
    )
    return Ceremony(
        options_to_json(options), _new_state(challenge, SIGN_IN, user.id if user else None)
    )


def authenticate(state: str, credential: str, user: User | None = None) -> User:
    """Return the member whose passkey answered the sign-in ceremony, or refuse.

    With ``user`` (the second step after a password) the passkey must be one of theirs.
    """
    challenge = _read_state(state, SIGN_IN, user.id if user else None).challenge
    with _recognised():
        parsed = parse_authentication_credential_json(_json_object(credential))
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == parsed.raw_id))
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise DomainError(_FAILED)
    handle = parsed.response.user_handle
    if handle is not None and handle != passkey.user_handle:
        raise DomainError(_FAILED)
    rp = relying_party()
    with _recognised():
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    _consume(challenge)
    if not passkey.user.active:
        raise DomainError(_FAILED)
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    return passkey.user
