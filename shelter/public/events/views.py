"""Public events: the agenda, its archive and iCalendar files; coordinators edit them."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from shelter.clock import from_form, to_form
from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.models import PublicEvent
from shelter.public import bp
from shelter.public.events import queries, services
from shelter.public.events.forms import PublicEventForm
from shelter.public.events.ical import public_events_calendar
from shelter.public.pages import page_number, public_file, site_host
from shelter.public.settings.services import site_settings
from shelter.security import coordinator_required, public
from shelter.urls import external_url
from shelter.work import unit_of_work


@bp.get("/agenda")
@public
def events():
    return render_template("public/events.html", events=queries.upcoming_events())


@bp.get("/agenda/archives")
@public
def past_events():
    return render_template(
        "public/past_events.html", pagination=queries.past_events_page(page_number(), 20)
    )


@bp.get("/agenda/<int:event_id>")
@public
def event(event_id: int):
    found = queries.published_event(event_id) or abort(404)
    return render_template("public/event.html", event=found)


def _calendar_file(events: list, calendar_name: str):
    body = public_events_calendar(
        events,
        host=site_host(),
        calendar_name=calendar_name,
        event_url=lambda found: external_url("public.event", event_id=found.id),
    )
    return public_file(body, "text/calendar; charset=utf-8")


@bp.get("/agenda/public.ics")
@public
def events_ics():
    return _calendar_file(
        queries.feed_events(), _("Agenda public — %(site)s", site=site_settings().site_name)
    )


@bp.get("/agenda/<int:event_id>.ics")
@public
def event_ics(event_id: int):
    """One event, for "Ajouter à mon agenda": calendar apps offer to add it."""
    found = queries.published_event(event_id) or abort(404)
    response = _calendar_file([found], found.title)
    response.headers["Content-Disposition"] = f'inline; filename="evenement-{found.id}.ics"'
    return response


@bp.get("/gestion/agenda-public")
@coordinator_required
def manage_events():
    return render_template(
        "public/manage/events.html", events=queries.all_events(), confirm_form=ConfirmForm()
    )


def _event_form(event: PublicEvent | None) -> PublicEventForm:
    if event is None:
        return PublicEventForm()
    return PublicEventForm(
        data={
            "title": event.title,
            "starts_at": to_form(event.starts_at),
            "ends_at": to_form(event.ends_at),
            "location": event.location,
            "description": event.description,
            "published": event.published,
        }
    )


def _edit_event(event: PublicEvent | None):
    form = _event_form(event)
    if form.validate_on_submit():
        with unit_of_work():
            text = services.EventText(
                title=form.title.data,
                starts_at=from_form(form.starts_at.data),
                ends_at=from_form(form.ends_at.data),
                location=form.location.data,
                description=form.description.data or "",
                published=form.published.data,
            )
            saved = services.save_public_event(event, text, current_user)
        flash(_("Événement enregistré."), "success")
        return redirect(url_for("public.edit_event", event_id=saved.id))
    status = 400 if form.is_submitted() else 200
    return render_template("public/manage/event_form.html", form=form, event=event), status


@bp.route("/gestion/agenda-public/nouveau", methods=["GET", "POST"])
@coordinator_required
def new_event():
    return _edit_event(None)


@bp.route("/gestion/agenda-public/<int:event_id>", methods=["GET", "POST"])
@coordinator_required
def edit_event(event_id: int):
    return _edit_event(db.get_or_404(PublicEvent, event_id))


@bp.post("/gestion/agenda-public/<int:event_id>/supprimer")
@coordinator_required
def delete_event(event_id: int):
    event = db.get_or_404(PublicEvent, event_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        services.delete_public_event(event, current_user)
    flash(_("Événement supprimé."), "success")
    return redirect(url_for("public.manage_events"))
