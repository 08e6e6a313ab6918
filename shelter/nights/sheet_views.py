"""The team sheet of a night, the week for the wall, and taking or leaving the astreinte."""

from datetime import timedelta

from flask import abort, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm

from shelter.clock import local_today
from shelter.cook import need_counts
from shelter.forms import ConfirmForm, LocalDateField, sensible_year
from shelter.i18n import gettext as _
from shelter.i18n import lazy_gettext as _l
from shelter.nights import bp, on_call, sheets
from shelter.nights.views import _act_on_night, _night_or_404
from shelter.security import coordinator_required


class WeekForm(FlaskForm):
    """The first night of the week sheet, read from the query string."""

    class Meta:
        csrf = False

    first = LocalDateField(_l("À partir du"), validators=[sensible_year])


@bp.get("/nuits/<int:night_id>/feuille")
def team_sheet(night_id: int):
    night = sheets.night_with_team(night_id) or abort(404)
    if not sheets.can_see_team(current_user, night):
        abort(403)
    people = [signup.user for shift in night.shifts for signup in shift.signups]
    phones = {member.id: sheets.phone_for(current_user, member, night) for member in people}
    return render_template(
        "nights/team_sheet.html",
        night=night,
        phones=phones,
        on_call_phone=sheets.phone_for(
            current_user, night.on_call_coordinator, night, on_call=True
        ),
        needs=need_counts(night),
    )


@bp.get("/nuits/semaine")
def week_sheet():
    form = WeekForm(formdata=request.args)
    if request.args and not form.validate():
        return render_template("nights/week_sheet.html", form=form, days=[]), 400
    first = form.first.data or local_today()
    last = first + timedelta(days=sheets.WEEK_DAYS - 1)
    if not current_user.is_coordinator and not sheets.on_duty_between(current_user, first, last):
        abort(403)
    form.first.data = first
    return render_template(
        "nights/week_sheet.html",
        form=form,
        days=sheets.week(first),
        first=first,
        last=last,
        previous=first - timedelta(days=sheets.WEEK_DAYS),
        following=first + timedelta(days=sheets.WEEK_DAYS),
    )


@bp.post("/nuits/<int:night_id>/astreinte")
@coordinator_required
def take_on_call(night_id: int):
    night = _night_or_404(night_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act_on_night(
        night_id,
        lambda: on_call.take_on_call(night, current_user._get_current_object()),
        _("Tu es d'astreinte cette nuit."),
    )


@bp.post("/nuits/<int:night_id>/astreinte/laisser")
@coordinator_required
def leave_on_call(night_id: int):
    night = _night_or_404(night_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _act_on_night(
        night_id,
        lambda: on_call.leave_on_call(night, current_user._get_current_object()),
        _("Tu n'es plus d'astreinte cette nuit."),
    )
