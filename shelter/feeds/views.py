from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from shelter.auth.factors import missing_second_factor
from shelter.extensions import limiter
from shelter.feeds import bp, calendars, queries, services
from shelter.feeds.forms import FeedLinkForm
from shelter.feeds.http import (
    calendar_response,
    not_found,
    second_factor_needed,
    too_many_requests,
)
from shelter.feeds.links import feed_host, night_links, subscribe_links
from shelter.i18n import gettext as _
from shelter.models import FeedKind, hash_token, utcnow
from shelter.security import public
from shelter.work import unit_of_work

# Where a new link waits, in the user's own session, to be shown once.
NEW_LINKS_KEY = "new_feed_links"


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
    window = queries.Window.around(utcnow())
    access = services.live_feed(request.args.get("token", ""), kind, window)
    if access is None:
        return not_found()
    if kind == FeedKind.COORDINATION and missing_second_factor(access.user_id, access.role):
        return second_factor_needed()
    host = feed_host()
    # The coordinators' feed is the same for every coordinator reading the same language.
    owner = access.user_id if kind == FeedKind.PERSONAL else None
    return calendar_response(
        key=(kind, owner, access.language, host, window, access.fingerprint),
        last_modified=access.fingerprint.last_change or access.created_at,
        build=lambda: build(access, window, host),
    )


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


@bp.get("/mon-agenda")
def page():
    user = current_user._get_current_object()
    kinds = [kind for kind in FeedKind if services.may_use(user, kind)]
    tokens = queries.feed_tokens_of(user.id)
    new_links = session.pop(NEW_LINKS_KEY, {})
    feeds = [
        {
            "kind": kind.value,
            "token": tokens.get(kind),
            "links": subscribe_links(kind, new_links[kind]) if kind in new_links else None,
        }
        for kind in kinds
    ]
    return render_template("feeds/page.html", feeds=feeds, form=FeedLinkForm())


@bp.post("/mon-agenda/lien")
def new_link():
    form = FeedLinkForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    kind = FeedKind(form.kind.data)
    if not services.may_use(user, kind):
        abort(403)
    replaced = kind in queries.feed_tokens_of(user.id)
    with unit_of_work():
        token = services.issue_feed_token(user, kind)
    session[NEW_LINKS_KEY] = {**session.get(NEW_LINKS_KEY, {}), kind.value: token}
    if replaced:
        flash(_("Ton nouveau lien est prêt. L'ancien ne fonctionne plus."), "success")
    else:
        flash(_("Ton lien est prêt."), "success")
    return redirect(url_for("feeds.page"))
