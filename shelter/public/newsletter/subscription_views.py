"""Subscribing, confirming, unsubscribing; coordinators count and export subscribers."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from shelter.auth.services import normalise_email
from shelter.extensions import csrf, limiter
from shelter.forms import ConfirmForm
from shelter.i18n import current_language
from shelter.i18n import gettext as _
from shelter.public import bp
from shelter.public.newsletter import queries as newsletter_issues
from shelter.public.newsletter import subscription_queries as queries
from shelter.public.newsletter import subscriptions as services
from shelter.public.newsletter.export import subscribers_csv
from shelter.public.newsletter.subscription_forms import NewsletterForm, OneClickUnsubscribeForm
from shelter.public.pages import form_limit
from shelter.security import coordinator_required, public
from shelter.work import unit_of_work


def _submitted_newsletter_address() -> str:
    # Rate-limit key only: the form itself is validated by NewsletterForm.
    return "newsletter:" + normalise_email(request.form.get("email", ""))


@bp.route("/newsletter", methods=["GET", "POST"])
@public
@limiter.limit(form_limit, methods=["POST"])
@limiter.limit(
    lambda: current_app.config["NEWSLETTER_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    key_func=_submitted_newsletter_address,
)
def newsletter():
    form = NewsletterForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "public/newsletter.html", form=form, issues=newsletter_issues.sent_issues()
        ), status
    if not form.is_spam:
        with unit_of_work():
            services.subscribe(form.email.data, current_language())
    flash(
        _(
            "C'est presque fini : on vient de t'envoyer un email. Clique sur le lien qu'il "
            "contient pour confirmer ton abonnement (pense à regarder dans les indésirables)."
        ),
        "success",
    )
    return redirect(url_for("public.newsletter"))


@bp.route("/newsletter/confirmer/<token>", methods=["GET", "POST"])
@public
def confirm_subscription(token: str):
    subscriber = services.pending_subscription(token)
    if subscriber is None:
        return render_template("public/newsletter_link.html", expired=True), 404
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("public/newsletter_link.html", form=form, confirming=True)
    with unit_of_work():
        services.confirm_subscription(subscriber)
    flash(_("Ton abonnement est confirmé. Merci de nous suivre !"), "success")
    return redirect(url_for("public.home"))


@bp.route("/newsletter/desabonnement/<int:subscriber_id>/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058: mail clients post the one-click unsubscription without a form token.
def unsubscribe(subscriber_id: int, token: str):
    if request.method == "POST" and not (
        OneClickUnsubscribeForm().is_one_click or ConfirmForm().validate_on_submit()
    ):
        abort(400)
    subscriber = services.subscriber_for_unsubscribe(subscriber_id, token)
    if subscriber is None:
        return render_template("public/newsletter_link.html", expired=True), 404
    if request.method == "GET":
        return render_template("public/newsletter_link.html", form=ConfirmForm(), confirming=False)
    with unit_of_work():
        services.unsubscribe(subscriber)
    flash(_("C'est fait : ton adresse est retirée de la newsletter."), "success")
    return redirect(url_for("public.home"))


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
