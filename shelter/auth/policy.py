"""Who must have a second factor, and what happens to a coordinator who has none yet."""

from flask import Flask, current_app, redirect, request, url_for
from flask_login import current_user

from shelter.auth import passkeys
from shelter.second_factors import missing_second_factor
from shelter.security import is_public_endpoint

# What a coordinator without a second factor may still open: enrolment, and the way out.
ENROLMENT_ENDPOINTS = frozenset(
    {
        "auth.security",
        "auth.start_totp",
        "auth.totp_setup",
        "auth.confirm_totp",
        "auth.add_passkey",
        "auth.new_recovery_codes",
        "auth.logout",
        "auth.set_language",
    }
)


def send_to_enrolment():
    """Send a coordinator without a second factor to enrolment, from every member page."""
    endpoint = request.endpoint
    if endpoint in ENROLMENT_ENDPOINTS or is_public_endpoint(current_app, endpoint):
        return None
    if not current_user.is_authenticated:
        return None
    if not missing_second_factor(current_user.id, current_user.role):
        return None
    # The enrolment page itself says why the coordinator is there.
    return redirect(url_for("auth.security"))


def init_app(app: Flask) -> None:
    app.before_request(send_to_enrolment)
    app.context_processor(lambda: {"passkey_sign_in": passkeys.sign_in_ceremony})
