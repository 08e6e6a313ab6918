"""Coordinators keep the list of practical needs a stay may carry."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from shelter.extensions import db
from shelter.forms import ConfirmForm, single_line, strip
from shelter.i18n import gettext as _
from shelter.i18n import lazy_gettext as _l
from shelter.models import PracticalNeed
from shelter.nights import bp, needs
from shelter.security import coordinator_required
from shelter.work import unit_of_work


def _label_field(label):
    return StringField(
        label,
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique un nom.")),
            Length(max=40, message=_l("40 caractères au maximum.")),
        ],
    )


class NeedForm(FlaskForm):
    label_fr = _label_field(_l("En français"))
    label_en = _label_field(_l("En anglais"))


def _render(form: NeedForm, status: int = 200):
    return render_template(
        "nights/needs.html",
        needs=needs.all_needs(),
        form=form,
        confirm_form=ConfirmForm(formdata=None),
    ), status


@bp.get("/coordination/besoins-pratiques")
@coordinator_required
def practical_needs():
    return _render(NeedForm(formdata=None))


@bp.post("/coordination/besoins-pratiques")
@coordinator_required
def add_need():
    form = NeedForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    with unit_of_work(lambda: _render(form, 409)):
        needs.save_need(PracticalNeed(), form.label_fr.data, form.label_en.data, current_user)
    flash(_("Besoin « %(name)s » ajouté.", name=form.label_fr.data), "success")
    return redirect(url_for("nights.practical_needs"))


@bp.route("/coordination/besoins-pratiques/<int:need_id>", methods=["GET", "POST"])
@coordinator_required
def edit_need(need_id: int):
    need = db.get_or_404(PracticalNeed, need_id)
    form = NeedForm(obj=need)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("nights/edit_need.html", need=need, form=form), status
    with unit_of_work():
        needs.save_need(need, form.label_fr.data, form.label_en.data, current_user)
    flash(_("Besoin renommé."), "success")
    return redirect(url_for("nights.practical_needs"))


def _set_active(need_id: int, active: bool):
    need = db.get_or_404(PracticalNeed, need_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        needs.set_need_active(need, active, current_user)
    done = _("Besoin remis dans la liste.") if active else _("Besoin retiré de la liste.")
    flash(done, "success")
    return redirect(url_for("nights.practical_needs"))


@bp.post("/coordination/besoins-pratiques/<int:need_id>/retirer")
@coordinator_required
def retire_need(need_id: int):
    return _set_active(need_id, False)


@bp.post("/coordination/besoins-pratiques/<int:need_id>/remettre")
@coordinator_required
def restore_need(need_id: int):
    return _set_active(need_id, True)
