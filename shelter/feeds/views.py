from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from shelter.extensions import db, limiter
from shelter.feeds import bp, calendars, queries, services
from shelter.feeds.forms import FeedLinkForm
from shelter.feeds.http import calendar_response, not_found, too_many_requests
from shelter.feeds.links import feed_host, night_link, subscribe_links
from shelter.i18n import gettext as _
from shelter.models import FeedKind, FeedToken, hash_token, utcnow
from shelter.security import public

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


def _live_token(kind: FeedKind) -> FeedToken | None:
    return services.usable_feed_token(request.args.get("token", ""), kind)


@bp.get("/agenda/personnel.ics")
@public
@feed_limit
def personal():
    feed_token = _live_token(FeedKind.PERSONAL)
    if feed_token is None:
        return not_found()
    user = feed_token.user
    window = queries.Window.around(utcnow())
    host = feed_host()
    fingerprint = queries.personal_fingerprint(user.id, window)
    return calendar_response(
        key=("personal", user.id, user.language, host, window, fingerprint),
        last_modified=fingerprint.last_change or feed_token.created_at,
        build=lambda: calendars.personal_calendar(
            queries.personal_shifts(user.id, window),
            user.language,
            host,
            night_link,
            window.first,
            window.last,
            current_app.config["COLLECTIVE_NAME"],
        ),
    )


@bp.get("/agenda/coordination.ics")
@public
@feed_limit
def coordination():
    feed_token = _live_token(FeedKind.COORDINATION)
    if feed_token is None:
        return not_found()
    language = feed_token.user.language
    window = queries.Window.around(utcnow())
    host = feed_host()
    fingerprint = queries.coordination_fingerprint(window)
    return calendar_response(
        key=("coordination", language, host, window, fingerprint),
        last_modified=fingerprint.last_change or feed_token.created_at,
        build=lambda: calendars.coordination_calendar(
            queries.coordination_nights(window),
            language,
            host,
            night_link,
            window.first,
            window.last,
            current_app.config["COLLECTIVE_NAME"],
        ),
    )


@bp.get("/agenda")
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


@bp.post("/agenda/lien")
def new_link():
    form = FeedLinkForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    kind = FeedKind(form.kind.data)
    if not services.may_use(user, kind):
        abort(403)
    token = services.issue_feed_token(user, kind)
    db.session.commit()
    session[NEW_LINKS_KEY] = {**session.get(NEW_LINKS_KEY, {}), kind.value: token}
    flash(_("Ton nouveau lien est prêt. L'ancien ne fonctionne plus."), "success")
    return redirect(url_for("feeds.page"))
