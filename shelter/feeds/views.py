from dataclasses import dataclass

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
from flask_login import current_user

from shelter.clock import utcnow
from shelter.extensions import db, limiter
from shelter.feeds import bp, calendars, queries, services
from shelter.feeds.forms import FeedLinkForm
from shelter.feeds.http import (
    calendar_response,
    not_found,
    second_factor_needed,
    too_many_requests,
)
from shelter.feeds.links import SubscribeLinks, feed_host, night_links, subscribe_links
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.i18n import lazy_gettext as _l
from shelter.models import FeedKind, User, hash_token
from shelter.second_factors import missing_second_factor
from shelter.security import public
from shelter.work import unit_of_work


def _token_key() -> str:
    # The hash, so that the token itself never reaches the limiter's storage or logs.
    return "feed:" + hash_token(request.args.get("token", ""))


feed_limit = limiter.limit(
    lambda: current_app.config["FEED_LIMIT_PER_TOKEN"],
    key_func=_token_key,
    on_breach=too_many_requests,
)


def _serve(kind: FeedKind, build):
    """Answer a feed request: 404 for a dead link, else the feed (or 304)."""
    now = utcnow()
    window = queries.Window.around(now)
    access = services.live_feed(request.args.get("token", ""), kind, window)
    if access is None:
        return not_found()
    if kind == FeedKind.COORDINATION and missing_second_factor(access.user_id, access.role):
        return second_factor_needed()
    host = feed_host()
    # The coordinators' feed is the same for every coordinator reading the same language.
    owner = access.user_id if kind == FeedKind.PERSONAL else None
    response = calendar_response(
        key=(kind, owner, access.language, host, window, access.fingerprint),
        last_modified=access.fingerprint.last_change or access.created_at,
        build=lambda: build(access, window, host),
    )
    if services.last_use_due(access, now):
        # End the reads first: on SQLite a read transaction cannot always become a write.
        db.session.rollback()
        with unit_of_work():
            services.note_use(access, now)
    return response


@bp.get("/agenda/personnel.ics")
@public
@feed_limit
def personal():
    return _serve(
        FeedKind.PERSONAL,
        lambda access, window, host: calendars.personal_calendar(
            queries.personal_shifts(access.user_id, window),
            access.language,
            host,
            night_links(),
            window.first,
            window.last,
            current_app.config["COLLECTIVE_NAME"],
        ),
    )


@bp.get("/agenda/coordination.ics")
@public
@feed_limit
def coordination():
    return _serve(
        FeedKind.COORDINATION,
        lambda access, window, host: calendars.coordination_calendar(
            queries.coordination_nights(window),
            access.language,
            host,
            night_links(),
            window.first,
            window.last,
            current_app.config["COLLECTIVE_NAME"],
        ),
    )


# Names offered for a member's first links; they may write any other.
SUGGESTED_NAMES = (_l("Téléphone"), _l("Ordinateur"))


@dataclass(frozen=True)
class NewLink:
    """A link just created, shown once in the answer to the request that made it."""

    kind: str
    name: str
    links: SubscribeLinks


def _me() -> User:
    return current_user._get_current_object()


def _link_form(kind: FeedKind, form: FeedLinkForm | None, held: int) -> FeedLinkForm:
    """The form that adds a link of ``kind``: the one submitted, or one with a suggested name."""
    if form is not None and form.kind.data == kind:
        return form.for_kind(kind)
    suggested = SUGGESTED_NAMES[held] if held < len(SUGGESTED_NAMES) else ""
    return FeedLinkForm(formdata=None, name=str(suggested)).for_kind(kind)


def _render_page(form: FeedLinkForm | None = None, new: NewLink | None = None, status=200):
    """The agenda page: each feed with its links, and a form to add one.

    Never cached: the answer that shows a new link holds its token.
    """
    user = _me()
    links = queries.feed_links_of(user.id)
    feeds = []
    for kind in FeedKind:
        if not services.may_use(user, kind):
            continue
        feeds.append(
            {
                "kind": kind.value,
                "links": links[kind],
                "form": _link_form(kind, form, len(links[kind])),
                "new": new if new is not None and new.kind == kind else None,
            }
        )
    response = make_response(render_template("feeds/page.html", feeds=feeds), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/mon-agenda")
def page():
    return _render_page()


@bp.post("/mon-agenda/lien")
def new_link():
    form = FeedLinkForm()
    kind = next((kind for kind in FeedKind if kind.value == form.kind.data), None)
    if kind is not None and not services.may_use(_me(), kind):
        abort(403)
    if not form.validate_on_submit():
        if kind is None or "csrf_token" in form.errors:
            abort(400)
        return _render_page(form, status=400)
    with unit_of_work(lambda: _render_page(form, status=409)):
        token = services.issue_feed_token(_me(), kind, form.name.data)
    # Shown in this answer only: the token is neither stored nor put in the session.
    return _render_page(new=NewLink(kind, form.name.data, subscribe_links(kind, token)))


@bp.post("/mon-agenda/liens/<int:link_id>/revoquer")
def revoke_link(link_id: int):
    link = queries.own_link(_me().id, link_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        services.revoke_feed_link(link, _me())
    flash(_("Le lien « %(name)s » est révoqué : il ne fonctionne plus.", name=link.name), "success")
    return redirect(url_for("feeds.page"))
