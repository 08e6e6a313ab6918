"""HTTP for calendar feeds: strong ETags, 304 on a matching If-None-Match, cache headers."""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

from flask import Response, request

from shelter.i18n import gettext as _

CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_HEADERS = {
    "Cache-Control": "private, max-age=0",
    "X-Robots-Tag": "noindex",
}


class EtagMemo:
    """Remember the ETag served for a feed fingerprint, so that a 304 needs no rebuild.

    Only an optimisation local to the process: a process that does not know a fingerprint
    builds the feed, and builds the same bytes as any other (the feeds are deterministic).
    """

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._etags: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            etag = self._etags.get(key)
            if etag is not None:
                self._etags.move_to_end(key)
            return etag

    def put(self, key: Hashable, etag: str) -> None:
        with self._lock:
            self._etags[key] = etag
            self._etags.move_to_end(key)
            while len(self._etags) > self._size:
                self._etags.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._etags.clear()


known_etags = EtagMemo()


def body_etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:40]


def _headers(response: Response, etag: str, last_modified: datetime) -> Response:
    response.set_etag(etag)
    response.last_modified = last_modified
    response.headers.update(FEED_HEADERS)
    return response


def _not_modified(etag: str, last_modified: datetime) -> Response:
    return _headers(Response(status=304), etag, last_modified)


def calendar_response(
    key: Hashable, last_modified: datetime, build: Callable[[], bytes]
) -> Response:
    """Answer 304 when the client holds the current feed, else 200 with the built feed.

    ``key`` must determine the feed's bytes (fingerprint of the rows, window, language,
    host): it lets a request whose ETag matches skip building the feed altogether.
    If-None-Match compares weakly (RFC 9110), as proxies that compress mark ETags weak;
    If-Modified-Since alone never gives a 304: only the ETag says nothing changed.
    """
    etag = known_etags.get(key)
    if etag is not None and request.if_none_match.contains_weak(etag):
        return _not_modified(etag, last_modified)
    body = build()
    etag = body_etag(body)
    known_etags.put(key, etag)
    if request.if_none_match.contains_weak(etag):
        return _not_modified(etag, last_modified)
    return _headers(Response(body, status=200, content_type=CONTENT_TYPE), etag, last_modified)


def not_found() -> Response:
    """A plain-text 404: calendar apps show it as is, and there is no page to log into."""
    response = Response(
        _("Agenda introuvable : ce lien n'existe pas ou ne fonctionne plus.") + "\n",
        status=404,
        content_type="text/plain; charset=utf-8",
    )
    response.headers.update(FEED_HEADERS)
    return response


def second_factor_needed() -> Response:
    """A plain-text 403 for the coordinators' feed of a coordinator without a second factor.

    A calendar app cannot follow a redirect to the enrolment page, so it is told in words.
    """
    response = Response(
        _(
            "Cet agenda de la coordination est suspendu : active la connexion en deux étapes "
            "sur ton profil pour le rouvrir."
        )
        + "\n",
        status=403,
        content_type="text/plain; charset=utf-8",
    )
    response.headers.update(FEED_HEADERS)
    return response


def too_many_requests(_limit=None) -> Response:
    response = Response(
        _("Trop de demandes pour cet agenda ; réessaie plus tard.") + "\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response.headers.update(FEED_HEADERS)
    return response
