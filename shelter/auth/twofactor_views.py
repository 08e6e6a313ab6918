"""The second step of signing in, passkey sign-in, and the member's own second factors."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from shelter import throttle
from shelter.auth import bp, passkeys, services, totp, twofactor
from shelter.auth.forms import LoginForm
from shelter.auth.twofactor_forms import (
    CodeForm,
    NewPasskeyForm,
    PasskeyForm,
    PasskeySignInForm,
)
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.navigation import member_home_url
from shelter.second_factors import has_second_factor, second_factor_required
from shelter.security import public, safe_next
from shelter.work import unit_of_work


def sign_in_after_password(user, next_url: str | None, attempt: throttle.Attempt | None = None):
    """Log ``user`` in after a right password, or first ask for their second step.

    Part of the caller's unit of work, which commits. ``attempt`` is the password's throttled
    attempt: the browser is trusted only once the whole sign-in has succeeded.
    """
    second_step = has_second_factor(user.id)
    if attempt is not None:
        attempt.succeeded(trust_browser=not second_step)
    if second_step:
        twofactor.begin_second_step(user, safe_next(next_url, ""))
        return redirect(url_for("auth.second_step"))
    services.log_in(user)
    return redirect(safe_next(next_url, member_home_url()))


def _pending_or_restart():
    pending = twofactor.pending_sign_in()
    if pending is None:
        if current_user.is_authenticated:
            abort(redirect(member_home_url()))
        twofactor.forget_pending_sign_in()
        flash(_("Ta connexion a expiré. Recommence avec ton mot de passe."), "info")
        abort(redirect(url_for("auth.login")))
    return pending


def _render_second_step(user, form, status: int = 200):
    factors = twofactor.factors_of(user)
    return render_template(
        "auth/second_step.html",
        form=form,
        factors=factors,
        ceremony=passkeys.sign_in_ceremony(user) if factors.passkeys else None,
    ), status


def _signed_in(user, next_url: str):
    services.log_in(user)
    return redirect(safe_next(next_url, member_home_url()))


def _second_step_attempt(user) -> throttle.Attempt:
    """Count an answer to the second step, per account and address, like a password."""
    return throttle.check(throttle.SECOND_STEP, services.normalise_email(user.email))


@bp.route("/connexion/deuxieme-etape", methods=["GET", "POST"])
@public
def second_step():
    user, next_url = _pending_or_restart()
    form = CodeForm()
    if not form.validate_on_submit():
        return _render_second_step(user, form, 400 if form.is_submitted() else 200)
    attempt = _second_step_attempt(user)
    # A refused code is not shown again: the next try is a new code.
    with unit_of_work(lambda: _render_second_step(user, CodeForm(formdata=None), 401)):
        twofactor.check_code(user, form.code.data)
        attempt.succeeded()
        response = _signed_in(user, next_url)
    return response


@bp.post("/connexion/deuxieme-etape/cle")
@public
def second_step_passkey():
    user, next_url = _pending_or_restart()
    form = PasskeyForm()
    refused = lambda: _render_second_step(user, CodeForm(formdata=None), 401)  # noqa: E731
    if not form.validate_on_submit():
        return refused()
    attempt = _second_step_attempt(user)
    with unit_of_work(refused):
        passkeys.authenticate(form.state.data, form.credential.data, user)
        attempt.succeeded()
        response = _signed_in(user, next_url)
    return response


@bp.post("/connexion/cle")
@public
def passkey_login():
    form = PasskeySignInForm()
    refused = lambda: (render_template("auth/login.html", form=LoginForm(formdata=None)), 401)  # noqa: E731
    if not form.validate_on_submit():
        return refused()
    with unit_of_work(refused):
        user = passkeys.authenticate(form.state.data, form.credential.data)
        response = _signed_in(user, form.next.data)
    return response


# --- the member's own second factors ---


def _render_security(status: int = 200, passkey_form: NewPasskeyForm | None = None):
    user = current_user._get_current_object()
    return render_template(
        "auth/security.html",
        factors=twofactor.factors_of(user),
        required=second_factor_required(user.role),
        new_passkey=passkey_form or NewPasskeyForm(formdata=None),
        ceremony=passkeys.registration_ceremony(user),
        confirm_form=ConfirmForm(),
    ), status


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _after_enrolment(codes: list[str]):
    """Show the new recovery codes, once, or go back to the security page."""
    if codes:
        return render_template("auth/recovery_codes.html", codes=codes)
    return redirect(url_for("auth.security"))


@bp.get("/profil/connexion")
def security():
    return _render_security()


@bp.post("/profil/connexion/application/nouvelle")
def start_totp():
    _confirmed()
    with unit_of_work(lambda: _render_security(409)):
        twofactor.start_totp(current_user._get_current_object())
    return redirect(url_for("auth.totp_setup"))


def _render_totp_setup(form: CodeForm, status: int = 200):
    user = current_user._get_current_object()
    authenticator = twofactor.pending_totp(user)
    if authenticator is None:
        return redirect(url_for("auth.security"))
    uri = totp.provisioning_uri(
        authenticator.secret, user.email, current_app.config["COLLECTIVE_NAME"]
    )
    return render_template(
        "auth/totp_setup.html",
        form=form,
        key=totp.grouped(authenticator.secret),
        uri=uri,
        qr=totp.qr_svg(uri, _("Code QR à scanner avec ton application d'authentification")),
    ), status


@bp.get("/profil/connexion/application")
def totp_setup():
    return _render_totp_setup(CodeForm(formdata=None))


@bp.post("/profil/connexion/application")
def confirm_totp():
    form = CodeForm()
    if not form.validate_on_submit():
        return _render_totp_setup(form, 400)
    with unit_of_work(lambda: _render_totp_setup(form, 409)):
        codes = twofactor.confirm_totp(current_user._get_current_object(), form.code.data)
    flash(_("Ton application d'authentification est activée."), "success")
    return _after_enrolment(codes)


@bp.post("/profil/connexion/application/supprimer")
def remove_totp():
    _confirmed()
    with unit_of_work(lambda: _render_security(409)):
        twofactor.remove_totp(current_user._get_current_object())
    flash(_("L'application d'authentification est retirée de ton compte."), "success")
    return redirect(url_for("auth.security"))


@bp.post("/profil/connexion/cles")
def add_passkey():
    form = NewPasskeyForm()
    if not form.validate_on_submit():
        return _render_security(400, form)
    with unit_of_work(lambda: _render_security(409, form)):
        passkey, codes = twofactor.add_passkey(
            current_user._get_current_object(),
            form.name.data,
            form.state.data,
            form.credential.data,
        )
    flash(_("La clé d'accès « %(name)s » est enregistrée.", name=passkey.name), "success")
    return _after_enrolment(codes)


@bp.post("/profil/connexion/cles/<int:passkey_id>/supprimer")
def remove_passkey(passkey_id: int):
    _confirmed()
    with unit_of_work(lambda: _render_security(409)):
        twofactor.remove_passkey(current_user._get_current_object(), passkey_id)
    flash(_("La clé d'accès est retirée de ton compte."), "success")
    return redirect(url_for("auth.security"))


@bp.post("/profil/connexion/codes")
def new_recovery_codes():
    _confirmed()
    with unit_of_work(lambda: _render_security(409)):
        codes = twofactor.regenerate_recovery_codes(current_user._get_current_object())
    flash(_("Voici tes nouveaux codes de secours : les anciens ne fonctionnent plus."), "success")
    return render_template("auth/recovery_codes.html", codes=codes)
