"""The pages anybody can read: home, news, public events, join us, support us, newsletter."""

import hashlib
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from shelter.auth.services import normalise_email
from shelter.clock import local_today
from shelter.extensions import csrf, limiter
from shelter.forms import ConfirmForm
from shelter.i18n import current_language
from shelter.i18n import gettext as _
from shelter.public import bp, queries, services
from shelter.public.atom import news_feed
from shelter.public.donations import PRESET_AMOUNTS, bank_account, payment_qr_for_page
from shelter.public.forms import (
    ApplicationForm,
    DonationAmountForm,
    NewsletterForm,
    OneClickUnsubscribeForm,
)
from shelter.public.ical import public_events_calendar
from shelter.public.newsletter import queries as newsletter_issues
from shelter.public.settings import site_settings
from shelter.report.figures import PublicCounter
from shelter.report.queries import public_counter
from shelter.security import public
from shelter.urls import external_url
from shelter.work import unit_of_work

HOME_EVENTS = 3
HOME_POSTS = 3
FEED_POSTS = 20


def _form_limit() -> str:
    return current_app.config["PUBLIC_FORM_LIMIT_PER_IP"]


def _submitted_newsletter_address() -> str:
    # Rate-limit key only: the form itself is validated by NewsletterForm.
    return "newsletter:" + normalise_email(request.form.get("email", ""))


def _host() -> str:
    return urlsplit(external_url("public.home")).hostname or "localhost"


MAX_PAGE = 100_000


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    # A page number the database cannot take is a page that does not exist.
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def _public_file(body: bytes, content_type: str):
    """Answer ``body`` with a strong ETag, 304 when the client already has it."""
    response = make_response(body)
    response.content_type = content_type
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)


def _counter() -> PublicCounter | None:
    return public_counter(local_today()) if site_settings().shows_counter else None


@bp.get("/")
@public
def home():
    return render_template(
        "public/home.html",
        events=queries.upcoming_events(HOME_EVENTS),
        posts=queries.latest_posts(HOME_POSTS),
        counter=_counter(),
    )


@bp.get("/actualites")
@public
def news():
    pagination = queries.posts_page(_page(), current_app.config["NEWS_PER_PAGE"])
    return render_template("public/news.html", pagination=pagination)


@bp.get("/actualites/<slug>")
@public
def article(slug: str):
    post = queries.visible_post(slug) or abort(404)
    return render_template("public/article.html", post=post)


@bp.get("/actualites/atom.xml")
@public
def news_atom():
    body = news_feed(
        queries.latest_posts(FEED_POSTS),
        host=_host(),
        title=site_settings().site_name,
        site_url=external_url("public.news"),
        feed_url=external_url("public.news_atom"),
        post_url=lambda post: external_url("public.article", slug=post.slug),
        language=current_app.config["BABEL_DEFAULT_LOCALE"],
    )
    return _public_file(body, "application/atom+xml; charset=utf-8")


@bp.get("/agenda")
@public
def events():
    return render_template("public/events.html", events=queries.upcoming_events())


@bp.get("/agenda/archives")
@public
def past_events():
    return render_template(
        "public/past_events.html", pagination=queries.past_events_page(_page(), 20)
    )


@bp.get("/agenda/<int:event_id>")
@public
def event(event_id: int):
    found = queries.published_event(event_id) or abort(404)
    return render_template("public/event.html", event=found)


def _calendar_file(events: list, calendar_name: str):
    body = public_events_calendar(
        events,
        host=_host(),
        calendar_name=calendar_name,
        event_url=lambda found: external_url("public.event", event_id=found.id),
    )
    return _public_file(body, "text/calendar; charset=utf-8")


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


@bp.route("/rejoins-nous", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
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
        counter=_counter(),
    )
    return page, 400 if form.amount.errors else 200


@bp.route("/newsletter", methods=["GET", "POST"])
@public
@limiter.limit(_form_limit, methods=["POST"])
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
