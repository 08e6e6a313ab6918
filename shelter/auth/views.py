from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from shelter import throttle
from shelter.auth import bp, services
from shelter.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
)
from shelter.auth.twofactor_views import sign_in_after_password
from shelter.extensions import limiter
from shelter.i18n import gettext as _
from shelter.models import TokenPurpose
from shelter.navigation import member_home_url
from shelter.phones import display_phone
from shelter.security import public, safe_next
from shelter.work import after_response, unit_of_work


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(member_home_url())
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    attempt = throttle.check(throttle.PASSWORD, services.normalise_email(form.email.data))
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        flash(_("Adresse email ou mot de passe incorrect."), "error")
        return render_template("auth/login.html", form=form), 401
    with unit_of_work():
        return sign_in_after_password(user, form.next.data, attempt)


@bp.post("/deconnexion")
def logout():
    with unit_of_work():
        services.log_out(current_user._get_current_object())
    flash(_("Tu es déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template(
            "auth/forgot_password.html", form=form
        ), 400 if form.is_submitted() else 200
    # Whether the account exists must not change the answer nor its time: the lookup and the
    # email happen after the response.
    email = form.email.data
    after_response(lambda: services.request_password_reset(email))
    flash(
        _(
            "Si un compte existe pour cette adresse, un email vient d'être envoyé "
            "avec un lien valable une heure."
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _set_password_with(token, TokenPurpose.RESET)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    return _set_password_with(token, TokenPurpose.INVITATION)


def _set_password_with(token: str, purpose: TokenPurpose):
    account_token = services.usable_token(token, purpose)
    if account_token is None:
        return render_template("auth/link_expired.html", purpose=purpose), 404
    form = SetPasswordForm(owner_email=account_token.user.email)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "auth/set_password.html", form=form, purpose=purpose, user=account_token.user
        ), status
    with unit_of_work():
        user = services.set_password_from_token(account_token, form.password.data)
        response = sign_in_after_password(user, None)
    flash(_("Ton mot de passe est enregistré. Bienvenue !"), "success")
    return response


@bp.get("/profil")
def profile():
    form = ProfileForm(obj=current_user)
    form.phone.data = display_phone(current_user.phone)
    return _render_profile(form, _password_form())


def _password_form() -> ChangePasswordForm:
    return ChangePasswordForm(owner_email=current_user.email, prefix="pw")


def _render_profile(profile_form, password_form, status=200):
    return render_template(
        "auth/profile.html", form=profile_form, password_form=password_form
    ), status


@bp.post("/profil")
def update_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render_profile(form, _password_form(), 400)
    with unit_of_work():
        services.update_profile(
            current_user,
            form.name.data,
            form.language.data,
            form.phone.data or None,
            form.phone_shared.data,
        )
    flash(_("Ton profil est enregistré."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profil/mot-de-passe")
def change_password():
    form = _password_form()
    if not form.validate_on_submit():
        return _render_profile(ProfileForm(obj=current_user), form, 400)
    attempt = throttle.check(throttle.PASSWORD, current_user.email)
    with unit_of_work(lambda: _render_profile(ProfileForm(obj=current_user), form, 400)):
        services.change_password(
            current_user._get_current_object(), form.current_password.data, form.password.data
        )
        attempt.succeeded()
    flash(_("Ton mot de passe est changé. Tes autres sessions sont fermées."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/langue")
@public
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["language"] = form.language.data
    if current_user.is_authenticated:
        with unit_of_work():
            current_user.language = form.language.data
    return redirect(safe_next(form.next.data, url_for("auth.login")))
