"""What the public pages share: page numbers, cacheable files, the rate limit of forms."""

import hashlib
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, request

from shelter.clock import local_today
from shelter.public.settings.services import site_settings
from shelter.report.figures import PublicCounter
from shelter.report.queries import public_counter
from shelter.urls import external_url


def form_limit() -> str:
    return current_app.config["PUBLIC_FORM_LIMIT_PER_IP"]


def site_host() -> str:
    return urlsplit(external_url("public.home")).hostname or "localhost"


MAX_PAGE = 100_000


def page_number() -> int:
    page = request.args.get("page", 1, type=int)
    # A page number the database cannot take is a page that does not exist.
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def public_file(body: bytes, content_type: str):
    """Answer ``body`` with a strong ETag, 304 when the client already has it."""
    response = make_response(body)
    response.content_type = content_type
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)


def shown_counter() -> PublicCounter | None:
    return public_counter(local_today()) if site_settings().shows_counter else None
