from collections.abc import Callable

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from shelter.clock import utcnow
from shelter.cook import need_counts
from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.i18n import ngettext
from shelter.models import Night, Place, Stay
from shelter.nights import bp, needs, queries, services, sheets
from shelter.nights.forms import (
    NEED_PREFIX,
    CancelNightForm,
    EditStayForm,
    NightForm,
    PlanNightsForm,
    StayForm,
    with_needs,
)
from shelter.security import coordinator_required
from shelter.shifts import queries as shift_queries
from shelter.shifts.signups import available_actions
from shelter.work import unit_of_work


def _stay_form(form_class=StayForm, **kwargs):
    """The stay form, with a number per practical need of the list."""
    return with_needs(form_class, needs.active_needs())(**kwargs)


def _night_or_404(night_id: int) -> Night:
    return shift_queries.night_with_shifts(night_id) or abort(404)


def _place_or_404(place_id: int) -> Place:
    return db.get_or_404(Place, place_id)


def _act_on_night(night_id: int, action: Callable, success: str, **forms):
    """Run ``action()``: a refusal shows the night page again (409), else commit and go back."""
    with unit_of_work(lambda: _render_night(_night_or_404(night_id), 409, **forms)):
        action()
    flash(success, "success")
    return redirect(url_for("nights.night", night_id=night_id))


@bp.route("/nuits/planifier", methods=["GET", "POST"])
@coordinator_required
def plan():
    form = PlanNightsForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("nights/plan.html", form=form), status
    place = _place_or_404(form.place.data)
    dates = services.dates_between(
        form.first_date.data, form.last_date.data or form.first_date.data, form.weekdays.data
    )
    with unit_of_work(lambda: (render_template("nights/plan.html", form=form), 409)):
        result = services.plan_nights(
            place, dates, form.capacity.data, form.note.data, current_user
        )
    _flash_plan_result(result)
    first = form.first_date.data
    return redirect(url_for("calendar.month", year=first.year, month=first.month))


def _flash_plan_result(result: services.PlanResult) -> None:
    created = len(result.created)
    flash(ngettext("%(num)d nuit planifiée.", "%(num)d nuits planifiées.", created), "success")
    if result.skipped:
        flash(
            _(
                "Déjà planifiées, donc ignorées : %(dates)s.",
                dates=services.dates_label(result.skipped),
            ),
            "info",
        )


@bp.get("/nuits/<int:night_id>")
def night(night_id: int):
    return _render_night(_night_or_404(night_id))


def _render_night(night: Night, status: int = 200, **forms):
    """Render the night page; coordinators get the stays and the forms to change them."""
    context = {
        "night": night,
        "neighbours": queries.neighbours(night),
        "actions": available_actions(current_user, night.shifts),
    }
    if current_user.is_coordinator:
        context.update(_coordinator_context(night, forms))
    else:
        context.update(_volunteer_context(night))
    return render_template("nights/night.html", **context), status


def _coordinator_context(night: Night, forms: dict) -> dict:
    """The stays, their practical needs and the forms that change the night."""
    return {
        "stays": queries.stays_on(night),
        "stay_form": forms.get("stay_form")
        or _stay_form(
            formdata=None, arrival=night.date, departure=night.morning, place=night.place
        ),
        "night_form": forms.get("night_form")
        or NightForm(formdata=None, prefix="night", obj=night),
        "cancel_form": forms.get("cancel_form") or CancelNightForm(formdata=None, prefix="cancel"),
        "confirm_form": ConfirmForm(formdata=None),
        "needs": need_counts(night),
        "team_sheet": True,
    }


def _volunteer_context(night: Night) -> dict:
    """How many guests, and their practical needs while on duty; never who."""
    context = {
        "guest_notes": queries.guest_notes_for(night, current_user),
        "team_sheet": sheets.on_duty(current_user, night),
    }
    if context["team_sheet"] and utcnow() < night.ends_at:
        context["needs"] = need_counts(night)
    return context


@bp.post("/nuits/<int:night_id>/modifier")
@coordinator_required
def update(night_id: int):
    night = _night_or_404(night_id)
    form = NightForm(prefix="night")
    if not form.validate_on_submit():
        return _render_night(night, 400, night_form=form)
    return _act_on_night(
        night_id,
        lambda: services.update_night(night, form.capacity.data, form.note.data, current_user),
        _("Nuit mise à jour."),
        night_form=form,
    )


@bp.post("/nuits/<int:night_id>/annuler")
@coordinator_required
def cancel(night_id: int):
    night = _night_or_404(night_id)
    form = CancelNightForm(prefix="cancel")
    if not form.validate_on_submit():
        return _render_night(night, 400, cancel_form=form)
    return _act_on_night(
        night_id,
        lambda: services.cancel_night(night, form.reason.data, current_user),
        _("La nuit est annulée."),
    )


@bp.post("/nuits/<int:night_id>/retablir")
@coordinator_required
def reinstate(night_id: int):
    night = _night_or_404(night_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act_on_night(
        night_id,
        lambda: services.reinstate_night(night, current_user),
        _("La nuit est de nouveau prévue."),
    )


@bp.post("/nuits/<int:night_id>/sejours")
@coordinator_required
def add_stay(night_id: int):
    night = _night_or_404(night_id)
    form = _stay_form(place=night.place)
    if not form.validate_on_submit():
        return _render_night(night, 400, stay_form=form)

    def book() -> None:
        stay = services.book_stay(
            night.place,
            form.arrival.data,
            form.departure.data,
            form.places.data,
            form.alias.data,
            form.note.data,
            current_user,
        )
        needs.set_stay_needs(stay, form.people_by_need())

    return _act_on_night(night_id, book, _("Séjour enregistré."), stay_form=form)


def _stay_or_404(stay_id: int) -> Stay:
    return services.locked_stay(stay_id) or abort(404)


def _night_page_of(place_id: int, day) -> str:
    night = queries.night_at(place_id, day)
    if night is None:
        return url_for("calendar.month", year=day.year, month=day.month)
    return url_for("nights.night", night_id=night.id)


@bp.route("/sejours/<int:stay_id>", methods=["GET", "POST"])
@coordinator_required
def edit_stay(stay_id: int):
    stay = _stay_or_404(stay_id)
    back_url = _night_page_of(stay.place_id, stay.arrival)
    if stay.purged_at is not None:
        flash(_("Les données de ce séjour ont été effacées : il n'est plus modifiable."), "error")
        return redirect(back_url)
    form = _stay_form(
        EditStayForm,
        obj=stay,
        **{f"{NEED_PREFIX}{need_id}": people for need_id, people in needs.needs_of(stay).items()},
    )
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _render_edit_stay(stay, form, back_url, status)
    with unit_of_work(lambda: _render_edit_stay(_stay_or_404(stay_id), form, back_url, 409)):
        services.change_stay(stay, _stay_change(form), current_user)
        needs.set_stay_needs(stay, form.people_by_need())
    flash(_("Séjour modifié."), "success")
    return redirect(_night_page_of(stay.place_id, stay.arrival))


def _stay_change(form: EditStayForm) -> services.StayChange:
    return services.StayChange(
        place=_place_or_404(form.place.data),
        arrival=form.arrival.data,
        departure=form.departure.data,
        places=form.places.data,
        alias=form.alias.data,
        note=form.note.data,
    )


def _render_edit_stay(stay: Stay, form: EditStayForm, back_url: str, status: int):
    return render_template(
        "nights/edit_stay.html",
        stay=stay,
        form=form,
        back_url=back_url,
        confirm_form=ConfirmForm(formdata=None),
    ), status


@bp.post("/sejours/<int:stay_id>/annuler")
@coordinator_required
def cancel_stay(stay_id: int):
    stay = _stay_or_404(stay_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back_url = _night_page_of(stay.place_id, stay.arrival)
    with unit_of_work():
        services.cancel_stay(stay, current_user)
    flash(_("Séjour annulé : ses places sont libérées."), "success")
    return redirect(back_url)
