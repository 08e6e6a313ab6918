"""Coordinators' pages of the public site: news, public events, applications, needs,
newsletter subscribers and settings."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from shelter.clock import from_form, to_form
from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.models import MaterialNeed, NewsPost, PublicEvent, VolunteerApplication
from shelter.public import bp, queries, services
from shelter.public.export import subscribers_csv
from shelter.public.forms import (
    HELP_LABELS,
    NeedForm,
    NewsPostForm,
    PublicEventForm,
    SiteSettingsForm,
)
from shelter.public.newsletter import queries as newsletter_issues
from shelter.public.settings import SETTING_NAMES, save_site_settings, site_settings
from shelter.security import coordinator_required
from shelter.work import unit_of_work

# --- news -------------------------------------------------------------------------------------


@bp.get("/gestion/actualites")
@coordinator_required
def manage_news():
    return render_template(
        "public/manage/news.html", posts=queries.all_posts(), confirm_form=ConfirmForm()
    )


def _edit_post(post: NewsPost | None):
    if post is None:
        form = NewsPostForm()
    else:
        form = NewsPostForm(
            data={
                "title": post.title,
                "slug": post.slug,
                "body": post.body,
                "published_at": to_form(post.published_at),
                "is_published": post.is_published,
            }
        )
    if form.validate_on_submit():
        with unit_of_work(
            lambda: (render_template("public/manage/news_form.html", form=form, post=post), 409)
        ):
            saved = services.save_news_post(
                post,
                title=form.title.data,
                slug=form.slug.data,
                body=form.body.data,
                published_at=from_form(form.published_at.data),
                is_published=form.is_published.data,
                actor=current_user,
            )
        flash(_("Article enregistré."), "success")
        return redirect(url_for("public.edit_news", post_id=saved.id))
    status = 400 if form.is_submitted() else 200
    return render_template("public/manage/news_form.html", form=form, post=post), status


@bp.route("/gestion/actualites/nouvelle", methods=["GET", "POST"])
@coordinator_required
def new_news():
    return _edit_post(None)


@bp.route("/gestion/actualites/<int:post_id>", methods=["GET", "POST"])
@coordinator_required
def edit_news(post_id: int):
    return _edit_post(db.get_or_404(NewsPost, post_id))


@bp.post("/gestion/actualites/<int:post_id>/supprimer")
@coordinator_required
def delete_news(post_id: int):
    post = db.get_or_404(NewsPost, post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        services.delete_news_post(post, current_user)
    flash(_("Article supprimé."), "success")
    return redirect(url_for("public.manage_news"))


# --- public events ------------------------------------------------------------------------------


@bp.get("/gestion/agenda-public")
@coordinator_required
def manage_events():
    return render_template(
        "public/manage/events.html", events=queries.all_events(), confirm_form=ConfirmForm()
    )


def _edit_event(event: PublicEvent | None):
    if event is None:
        form = PublicEventForm()
    else:
        form = PublicEventForm(
            data={
                "title": event.title,
                "starts_at": to_form(event.starts_at),
                "ends_at": to_form(event.ends_at),
                "location": event.location,
                "description": event.description,
                "published": event.published,
            }
        )
    if form.validate_on_submit():
        with unit_of_work():
            saved = services.save_public_event(
                event,
                title=form.title.data,
                starts_at=from_form(form.starts_at.data),
                ends_at=from_form(form.ends_at.data),
                location=form.location.data,
                description=form.description.data or "",
                published=form.published.data,
                actor=current_user,
            )
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


# --- volunteer applications ---------------------------------------------------------------


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


# --- material needs ------------------------------------------------------------------------------


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


# --- newsletter ----------------------------------------------------------------------------------


@bp.get("/gestion/newsletter")
@coordinator_required
def subscribers():
    return render_template(
        "public/manage/newsletter.html",
        counts=queries.subscriber_counts(),
        issues=newsletter_issues.all_issues(),
    )


@bp.get("/gestion/newsletter/abonne-es.csv")
@coordinator_required
def subscribers_export():
    body = subscribers_csv(queries.confirmed_subscribers(), services.unsubscribe_url)
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="newsletter.csv"',
            "Cache-Control": "no-store",
        },
    )


# --- settings ------------------------------------------------------------------------------------


@bp.route("/gestion/site", methods=["GET", "POST"])
@coordinator_required
def site_settings_page():
    form = SiteSettingsForm(obj=site_settings())
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("public/manage/settings.html", form=form), status
    with unit_of_work():
        save_site_settings({name: getattr(form, name).data for name in SETTING_NAMES})
    flash(_("Réglages du site enregistrés."), "success")
    return redirect(url_for("public.site_settings_page"))
