from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from shelter.admin import bp, queries
from shelter.admin.forms import InviteForm, JournalFilterForm, RoleForm
from shelter.admin.journal import journal_lines
from shelter.auth import services as accounts
from shelter.auth import twofactor
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.models import User
from shelter.security import coordinator_required
from shelter.work import unit_of_work


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _render_users(form: InviteForm, status: int = 200):
    return render_template(
        "admin/users.html",
        users=queries.all_users(),
        with_second_factor=twofactor.users_with_second_factor(),
        form=form,
        role_form=RoleForm(),
        confirm_form=ConfirmForm(),
    ), status


@bp.get("/comptes")
@coordinator_required
def users():
    return _render_users(InviteForm())


@bp.post("/comptes")
@coordinator_required
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_users(form, 400)
    with unit_of_work(lambda: _render_users(form, 409)):
        user = accounts.invite(
            form.email.data, form.name.data, form.role.data, form.language.data, current_user
        )
    flash(_("Invitation envoyée à %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.users"))


def _apply(user_id: int, form, action) -> object:
    """Validate ``form``, run ``action(user)`` and commit; flash a refusal instead."""
    user = _user_or_404(user_id)
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(lambda: (redirect(url_for("admin.users")), 409)):
        action(user)
    flash(_("Compte de %(name)s mis à jour.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.post("/comptes/<int:user_id>/role")
@coordinator_required
def change_role(user_id: int):
    form = RoleForm()
    return _apply(user_id, form, lambda user: accounts.set_role(user, form.role.data, current_user))


@bp.post("/comptes/<int:user_id>/desactiver")
@coordinator_required
def deactivate(user_id: int):
    return _apply(
        user_id, ConfirmForm(), lambda user: accounts.set_active(user, False, current_user)
    )


@bp.post("/comptes/<int:user_id>/reactiver")
@coordinator_required
def reactivate(user_id: int):
    return _apply(
        user_id, ConfirmForm(), lambda user: accounts.set_active(user, True, current_user)
    )


@bp.post("/comptes/<int:user_id>/referent")
@coordinator_required
def make_lead(user_id: int):
    return _apply(user_id, ConfirmForm(), lambda user: accounts.set_lead(user, True, current_user))


@bp.post("/comptes/<int:user_id>/referent/retirer")
@coordinator_required
def unmake_lead(user_id: int):
    return _apply(user_id, ConfirmForm(), lambda user: accounts.set_lead(user, False, current_user))


@bp.post("/comptes/<int:user_id>/reinviter")
@coordinator_required
def resend_invitation(user_id: int):
    def resend(user: User) -> None:
        if user.has_password or not user.active:
            raise DomainError(_("Ce compte n'attend pas d'invitation."))
        accounts.send_invitation(user, current_user)

    return _apply(user_id, ConfirmForm(), resend)


@bp.post("/comptes/<int:user_id>/deux-etapes/reinitialiser")
@coordinator_required
def reset_second_factor(user_id: int):
    return _apply(
        user_id,
        ConfirmForm(),
        lambda user: twofactor.reset_second_factor(user, current_user._get_current_object()),
    )


@bp.get("/journal")
@coordinator_required
def audit_log():
    form = JournalFilterForm(formdata=request.args)
    form.actor.choices = [SelectChoice("", _("Tout le monde"))] + [
        SelectChoice(str(user.id), user.name) for user in queries.journal_authors()
    ]
    filters = {name: value for name, value in request.args.items() if name != "page" and value}
    if not form.validate():
        return render_template(
            "admin/audit_log.html", form=form, lines=[], pages=None, filters=filters
        ), 400
    chosen = queries.JournalFilter(
        actor_id=int(form.actor.data) if form.actor.data else None,
        category=form.category.data or None,
        since=form.since.data,
        until=form.until.data,
    )
    pages = queries.journal_page(chosen, form.page.data or 1)
    return render_template(
        "admin/audit_log.html",
        form=form,
        lines=journal_lines(pages.items),
        pages=pages,
        filters=filters,
    )
