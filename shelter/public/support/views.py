"""Soutiens-nous: donations and material needs; coordinators keep the needs."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.models import MaterialNeed
from shelter.public import bp
from shelter.public.pages import shown_counter
from shelter.public.settings.services import site_settings
from shelter.public.support import queries, services
from shelter.public.support.donations import PRESET_AMOUNTS, bank_account, payment_qr_for_page
from shelter.public.support.forms import DonationAmountForm, NeedForm
from shelter.security import coordinator_required, public
from shelter.work import unit_of_work


@bp.get("/soutiens-nous")
@public
def support():
    form = DonationAmountForm(request.args)
    amount = form.chosen_amount if form.amount.data and form.validate() else None
    account = bank_account(site_settings())
    page = render_template(
        "public/support.html",
        needs=queries.current_needs(),
        account=account,
        amount_form=form,
        presets=PRESET_AMOUNTS,
        amount=amount,
        qr=payment_qr_for_page(account, amount) if account and amount else None,
        counter=shown_counter(),
    )
    return page, 400 if form.amount.errors else 200


def _render_needs(form: NeedForm, status: int = 200):
    return render_template(
        "public/manage/needs.html", form=form, needs=queries.all_needs(), confirm_form=ConfirmForm()
    ), status


@bp.get("/gestion/besoins")
@coordinator_required
def manage_needs():
    return _render_needs(NeedForm())


@bp.post("/gestion/besoins")
@coordinator_required
def add_need():
    form = NeedForm()
    if not form.validate_on_submit():
        return _render_needs(form, 400)
    with unit_of_work():
        services.add_need(form.item.data, form.quantity.data or "", form.urgent.data, current_user)
    flash(_("Besoin ajouté."), "success")
    return redirect(url_for("public.manage_needs"))


def _change_need(need_id: int, change, message: str):
    need = db.get_or_404(MaterialNeed, need_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        change(need)
    flash(message, "success")
    return redirect(url_for("public.manage_needs"))


@bp.post("/gestion/besoins/<int:need_id>/fait")
@coordinator_required
def need_done(need_id: int):
    return _change_need(
        need_id, lambda need: services.set_need_done(need, True), _("Besoin marqué comme reçu.")
    )


@bp.post("/gestion/besoins/<int:need_id>/relancer")
@coordinator_required
def need_again(need_id: int):
    return _change_need(
        need_id, lambda need: services.set_need_done(need, False), _("Besoin de nouveau affiché.")
    )


@bp.post("/gestion/besoins/<int:need_id>/supprimer")
@coordinator_required
def delete_need(need_id: int):
    return _change_need(
        need_id, lambda need: services.delete_need(need, current_user), _("Besoin supprimé.")
    )
