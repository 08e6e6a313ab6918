"""Access rules, security headers and safe redirects."""

import time
from collections.abc import Callable, MutableMapping
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from shelter.extensions import db, login_manager
from shelter.i18n import lazy_gettext as _l
from shelter.models import User

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Browsers send forms in these encodings; nothing else is read by the app.
FORM_ENCODINGS = {"application/x-www-form-urlencoded", "multipart/form-data"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a number outside the database's integers is a 404, not a crash."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


# When the session's sign-in happened and when it was last used, in Unix seconds.
SIGNED_IN_AT, SEEN_AT = "_signed_in_at", "_seen_at"
# How often the last use is written back (each write sends a new cookie).
SEEN_RESOLUTION_SECONDS = 60


def start_session_clock(session_data: MutableMapping) -> None:
    """Start the idle and absolute time limits of a session that just signed in."""
    now = int(time.time())
    session_data[SIGNED_IN_AT] = now
    session_data[SEEN_AT] = now


def _session_expired(now: int) -> bool:
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return True
    config = current_app.config
    too_old = now - signed_in_at > config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return too_old or now - seen_at > config["SESSION_IDLE_HOURS"] * 3600


def hsts_header(app: Flask) -> str:
    """Return the Strict-Transport-Security value this configuration sends over HTTPS."""
    subdomains = "; includeSubDomains" if app.config["HSTS_INCLUDE_SUBDOMAINS"] else ""
    return f"max-age=31536000{subdomains}"


def public(view: Callable) -> Callable:
    """Mark a view as reachable without logging in."""
    view.shelter_public = True
    return view


def coordinator_required(view: Callable) -> Callable:
    """Answer 403 to anybody but a coordinator."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_coordinator:
            abort(403)
        return view(*args, **kwargs)

    wrapper.shelter_role = "coordinator"
    return wrapper


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "shelter_public", False))


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` when it is a path on this site, else ``fallback``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in target):
        return fallback
    return target


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connecte-toi pour voir cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(refuse_other_encodings)
    app.before_request(end_expired_sessions)
    app.before_request(require_login)
    app.teardown_request(forget_request_state)
    app.after_request(add_security_headers)


def refuse_other_encodings():
    # JSON would reach the forms as lists and dicts: only form encodings are read.
    if request.method not in BODY_METHODS or request.mimetype in FORM_ENCODINGS:
        return None
    if request.mimetype or request.content_length:
        abort(415)
    return None


def end_expired_sessions() -> None:
    # The cookie's own signature age restarts whenever the session changes: the limits
    # are counted from the sign-in (absolute) and from the last request (idle) instead.
    if "_user_id" not in session:
        return
    now = int(time.time())
    if _session_expired(now):
        language = session.get("language")
        session.clear()
        if language:
            session["language"] = language
        g.pop("_login_user", None)
    elif now - session[SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now


def require_login():
    if is_public_endpoint(current_app, request.endpoint):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def forget_request_state(_error) -> None:
    # Flask-Login, Flask-Babel, ``shelter.i18n`` and Flask-WTF cache the user, the locale,
    # the language and the CSRF check on ``g``, which outlives the request when an app
    # context was already pushed (scripts, tests): never let the next request reuse them.
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop("shelter_language", None)
    g.pop("csrf_valid", None)


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", hsts_header(current_app))
    if "Cache-Control" not in response.headers and _has_logged_in_user():
        response.headers["Cache-Control"] = "no-store"
    return response


def _has_logged_in_user() -> bool:
    # Avoid loading the user for anonymous requests (static files, public pages).
    return "_user_id" in session and current_user.is_authenticated


def load_user(user_key: str) -> User | None:
    """Load the session's user, refusing a session older than the user's last logout."""
    user_id, _, version = user_key.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
