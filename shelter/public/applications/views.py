"""Rejoins-nous: the application form; coordinators approve or decline."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from shelter.extensions import db, limiter
from shelter.forms import ConfirmForm
from shelter.i18n import current_language
from shelter.i18n import gettext as _
from shelter.models import VolunteerApplication
from shelter.public import bp
from shelter.public.applications import queries, services
from shelter.public.applications.forms import HELP_LABELS, ApplicationForm
from shelter.public.pages import form_limit
from shelter.security import coordinator_required, public
from shelter.work import unit_of_work


@bp.route("/rejoins-nous", methods=["GET", "POST"])
@public
@limiter.limit(form_limit, methods=["POST"])
def apply():
    form = ApplicationForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("public/apply.html", form=form), status
    if not form.is_spam:
        with unit_of_work():
            services.submit_application(
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                helps=form.helps.data,
                availability=form.availability.data,
                message=form.message.data,
                language=current_language(),
            )
    flash(
        _(
            "Merci ! Ta candidature est bien arrivée. Un email de confirmation est en route, "
            "et quelqu'un de la coordination te recontacte bientôt."
        ),
        "success",
    )
    return redirect(url_for("public.apply"))


@bp.get("/gestion/candidatures")
@coordinator_required
def applications():
    return render_template(
        "public/manage/applications.html",
        applications=queries.applications(),
        help_labels=HELP_LABELS,
        confirm_form=ConfirmForm(),
    )


def _decide(application_id: int, decision, done_message: str):
    application = db.get_or_404(VolunteerApplication, application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work(lambda: (redirect(url_for("public.applications")), 409)):
        decision(application, current_user)
    flash(done_message % {"name": application.name}, "success")
    return redirect(url_for("public.applications"))


@bp.post("/gestion/candidatures/<int:application_id>/accepter")
@coordinator_required
def approve_application(application_id: int):
    return _decide(
        application_id,
        services.approve_application,
        _("Candidature acceptée : %(name)s reçoit une invitation par email."),
    )


@bp.post("/gestion/candidatures/<int:application_id>/refuser")
@coordinator_required
def decline_application(application_id: int):
    return _decide(
        application_id, services.decline_application, _("Candidature de %(name)s refusée.")
    )
