from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shelter.extensions import db
from shelter.i18n import gettext as _
from shelter.i18n import ngettext, night_label
from shelter.models import Night, Shift, ShiftType, SignUp, User
from shelter.security import coordinator_required, safe_next
from shelter.shifts import bp, calls, queries, replacements, shift_types, signups, times
from shelter.shifts.forms import (
    ActionForm,
    AssignForm,
    EditShiftTypeForm,
    ExtraShiftForm,
    ShiftForm,
    ShiftTypeForm,
    WithdrawalRequestForm,
)
from shelter.shifts.labels import gaps_summary
from shelter.urls import external_url
from shelter.work import unit_of_work


def _shift_or_404(shift_id: int) -> Shift:
    return queries.shift_with_night(shift_id) or abort(404)


def _night_or_404(night_id: int) -> Night:
    return queries.night_with_shifts(night_id) or abort(404)


def _me() -> User:
    return current_user._get_current_object()


def _back(form, fallback: str | None = None):
    return redirect(safe_next(form.next.data, fallback or url_for("shifts.mine")))


def _button(action, success: str, fallback: str | None = None):
    """Run a button's action: commit and flash ``success``, or flash the refusal."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(lambda: _back(form, fallback)):
        action()
    flash(success, "success")
    return _back(form, fallback)


# --- Volunteers -----------------------------------------------------------------


@bp.get("/ce-qui-manque")
def missing():
    groups = queries.missing()
    shifts = [shift for group in groups for shift in group.shifts]
    summary = None
    if current_user.is_coordinator:
        summary = gaps_summary(groups, external_url("shifts.missing"))
    return render_template(
        "shifts/missing.html",
        groups=groups,
        actions=signups.available_actions(_me(), shifts),
        summary=summary,
    )


@bp.get("/mes-services")
def mine():
    upcoming, past = queries.my_signups(_me())
    actions = signups.available_actions(_me(), [signup.shift for signup in upcoming])
    return render_template("shifts/mine.html", upcoming=upcoming, past=past, actions=actions)


@bp.post("/services/<int:shift_id>/inscription")
def sign_up(shift_id: int):
    shift = _shift_or_404(shift_id)
    return _button(
        lambda: signups.sign_up(shift, _me()),
        _("Tu es inscrit·e à « %(name)s ». Merci !", name=shift.name),
    )


@bp.post("/services/<int:shift_id>/desistement")
def withdraw(shift_id: int):
    shift = _shift_or_404(shift_id)
    return _button(
        lambda: signups.withdraw(shift, _me()),
        _("Tu n'es plus inscrit·e à « %(name)s ».", name=shift.name),
    )


@bp.route("/services/<int:shift_id>/demande-de-desistement", methods=["GET", "POST"])
def request_withdrawal(shift_id: int):
    shift = _shift_or_404(shift_id)
    signup = queries.find_signup(shift, _me()) or abort(404)
    form = WithdrawalRequestForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        with unit_of_work(lambda: _back(form)):
            replacements.request_withdrawal(shift, _me(), form.reason.data)
        flash(
            _("Ta demande de remplacement est envoyée aux bénévoles libres et à la coordination."),
            "success",
        )
        return _back(form)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "shifts/request_withdrawal.html", shift=shift, signup=signup, form=form
    ), status


@bp.post("/services/<int:shift_id>/arrivee")
def check_in(shift_id: int):
    shift = _shift_or_404(shift_id)
    return _button(
        lambda: signups.check_in(shift, _me()),
        _("Ton arrivée est notée. Bon service !"),
        url_for("nights.night", night_id=shift.night_id),
    )


# --- Replacements ------------------------------------------------------------------


def _replacement_or_404(request_id: int):
    return replacements.request_with_shift(request_id) or abort(404)


def _render_replacement(request_id: int, status: int = 200):
    replacement = _replacement_or_404(request_id)
    can_accept = (
        replacement.is_open
        and replacement.requester_id != current_user.id
        and replacement.shift_id in signups.replaceable(_me(), [replacement.shift])
    )
    return render_template(
        "shifts/replacement.html",
        replacement=replacement,
        can_accept=can_accept,
        form=ActionForm(),
    ), status


@bp.get("/remplacements/<int:request_id>")
def replacement(request_id: int):
    return _render_replacement(request_id)


@bp.post("/remplacements/<int:request_id>/accepter")
def accept_replacement(request_id: int):
    replacement = _replacement_or_404(request_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(lambda: _render_replacement(request_id, 409)):
        replacements.accept(replacement, _me())
    flash(
        _(
            "Merci ! Tu remplaces %(name)s à « %(shift)s ».",
            name=replacement.requester.name,
            shift=replacement.shift.name,
        ),
        "success",
    )
    return redirect(
        url_for(
            "nights.night",
            night_id=replacement.shift.night_id,
            _anchor=f"shift-{replacement.shift_id}",
        )
    )


# --- Coordinators: people on shifts -------------------------------------------------


@bp.route("/services/<int:shift_id>/affecter", methods=["GET", "POST"])
@coordinator_required
def assign(shift_id: int):
    shift = _shift_or_404(shift_id)
    form = AssignForm(next=request.args.get("next", ""))
    form.user_id.choices = [(user.id, user.name) for user in queries.assignable_users(shift)]
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        with unit_of_work(
            lambda: (render_template("shifts/assign.html", shift=shift, form=form), 409)
        ):
            signups.assign(shift, user, _me())
        flash(_("%(name)s est inscrit·e et prévenu·e par email.", name=user.name), "success")
        return _back(form, url_for("shifts.night_shifts", night_id=shift.night_id))
    status = 400 if form.is_submitted() else 200
    return render_template("shifts/assign.html", shift=shift, form=form), status


@bp.post("/inscriptions/<int:signup_id>/retirer")
@coordinator_required
def remove(signup_id: int):
    signup = db.get_or_404(SignUp, signup_id)
    name = signup.user.name
    return _button(
        lambda: signups.remove(signup, _me()),
        _("%(name)s est retiré·e du service.", name=name),
        url_for("shifts.night_shifts", night_id=signup.shift.night_id),
    )


@bp.post("/ce-qui-manque/nuits/<int:night_id>/appel")
@coordinator_required
def call_for_help(night_id: int):
    night = _night_or_404(night_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    back = url_for("shifts.missing")
    with unit_of_work(lambda: _back(form, back)):
        count = calls.call_for_help(night, _me())
    flash(_("Appel à l'aide envoyé à %(count)d bénévole(s).", count=count), "success")
    return _back(form, back)


# --- Coordinators: a night's shifts -----------------------------------------------


def _render_night_shifts(night: Night, edited: dict | None = None, extra=None, status=200):
    forms = {}
    for shift in night.shifts:
        start, end = times.local_times(shift)
        forms[shift.id] = ShiftForm(
            prefix=f"shift-{shift.id}",
            formdata=None,
            start_time=start,
            end_time=end,
            min_volunteers=shift.min_volunteers,
            max_volunteers=shift.max_volunteers,
        )
    forms.update(edited or {})
    return render_template(
        "shifts/night_shifts.html",
        night=night,
        actions=signups.available_actions(_me(), night.shifts),
        forms=forms,
        extra_form=extra or ExtraShiftForm(prefix="extra", formdata=None),
        action_form=ActionForm(),
    ), status


def _shift_values(form: ShiftForm | ExtraShiftForm) -> times.ShiftValues:
    return times.ShiftValues(
        start=form.start_time.data,
        end=form.end_time.data,
        minimum=form.min_volunteers.data,
        maximum=form.max_volunteers.data,
    )


@bp.get("/services/nuit/<int:night_id>")
@coordinator_required
def night_shifts(night_id: int):
    return _render_night_shifts(_night_or_404(night_id))


@bp.post("/services/<int:shift_id>/modifier")
@coordinator_required
def update_shift(shift_id: int):
    shift = _shift_or_404(shift_id)
    form = ShiftForm(prefix=f"shift-{shift.id}")
    if not form.validate_on_submit():
        return _render_night_shifts(shift.night, {shift.id: form}, status=400)
    night_id = shift.night_id
    with unit_of_work(
        lambda: _render_night_shifts(_night_or_404(night_id), {shift_id: form}, status=409)
    ):
        times.update_shift(shift, _shift_values(form), _me())
    flash(_("Service « %(name)s » enregistré.", name=shift.name), "success")
    return redirect(url_for("shifts.night_shifts", night_id=shift.night_id))


@bp.post("/services/nuit/<int:night_id>/ajouter")
@coordinator_required
def add_shift(night_id: int):
    night = _night_or_404(night_id)
    form = ExtraShiftForm(prefix="extra")
    if not form.validate_on_submit():
        return _render_night_shifts(night, extra=form, status=400)
    with unit_of_work(
        lambda: _render_night_shifts(_night_or_404(night_id), extra=form, status=409)
    ):
        times.add_shift(night, form.name.data, _shift_values(form), _me())
    flash(_("Service « %(name)s » ajouté.", name=form.name.data), "success")
    return redirect(url_for("shifts.night_shifts", night_id=night_id))


@bp.post("/services/<int:shift_id>/supprimer")
@coordinator_required
def delete_shift(shift_id: int):
    shift = _shift_or_404(shift_id)
    return _button(
        lambda: times.delete_shift(shift, _me()),
        _("Service « %(name)s » supprimé.", name=shift.name),
        url_for("shifts.night_shifts", night_id=shift.night_id),
    )


# --- Coordinators: shift types --------------------------------------------------------


def _shift_type_fields(form: ShiftTypeForm) -> dict:
    return {
        name: getattr(form, name).data
        for name in (
            "name",
            "description",
            "start_time",
            "end_time",
            "min_volunteers",
            "max_volunteers",
            "min_leads",
            "position",
            "active",
            "presence_required",
        )
    }


def _render_types(form: ShiftTypeForm, status: int = 200):
    return render_template("shifts/types.html", types=queries.shift_types(), form=form), status


@bp.get("/services/types")
@coordinator_required
def types():
    return _render_types(ShiftTypeForm())


@bp.post("/services/types")
@coordinator_required
def create_type():
    form = ShiftTypeForm()
    if not form.validate_on_submit():
        return _render_types(form, 400)
    with unit_of_work(lambda: _render_types(form, 409)):
        shift_types.save_shift_type(ShiftType(), _me(), **_shift_type_fields(form))
    flash(_("Type de service « %(name)s » créé.", name=form.name.data), "success")
    return redirect(url_for("shifts.types"))


def _render_edit_type(shift_type: ShiftType, form: EditShiftTypeForm, status: int = 200):
    return render_template(
        "shifts/edit_type.html",
        form=form,
        shift_type=shift_type,
        following=len(shift_types.shifts_following_type(shift_type)),
    ), status


@bp.route("/services/types/<int:type_id>", methods=["GET", "POST"])
@coordinator_required
def edit_type(type_id: int):
    shift_type = db.get_or_404(ShiftType, type_id)
    form = EditShiftTypeForm(obj=shift_type)
    if not form.validate_on_submit():
        return _render_edit_type(shift_type, form, 400 if form.is_submitted() else 200)
    with unit_of_work(lambda: _render_edit_type(db.get_or_404(ShiftType, type_id), form, 409)):
        applied = shift_types.save_shift_type(
            shift_type, _me(), form.apply_to_nights.data, **_shift_type_fields(form)
        )
    flash(_("Type de service « %(name)s » enregistré.", name=shift_type.name), "success")
    _flash_applied(applied)
    return redirect(url_for("shifts.types"))


def _flash_applied(applied: shift_types.AppliedToNights) -> None:
    if applied.changed:
        flash(
            ngettext(
                "Nouvelles valeurs appliquées à %(num)d nuit à venir.",
                "Nouvelles valeurs appliquées à %(num)d nuits à venir.",
                len(applied.changed),
            ),
            "success",
        )
    if applied.kept:
        flash(
            _(
                "Plus de personnes sont inscrites que le nouveau maximum ; ces nuits gardent "
                "leurs valeurs : %(nights)s.",
                nights=", ".join(night_label(shift.night.date) for shift in applied.kept),
            ),
            "warning",
        )
