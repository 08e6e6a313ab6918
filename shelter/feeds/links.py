"""Addresses used by the feeds: event links, the host in UIDs, subscription links."""

from typing import NamedTuple
from urllib.parse import quote, urlsplit

from werkzeug.routing import BuildError

from shelter.urls import external_url

FEED_ENDPOINTS = {"personal": "feeds.personal", "coordination": "feeds.coordination"}


def night_link(night_id: int) -> str:
    """Return the night's page, or the feed page while the app has no night pages."""
    try:
        return external_url("nights.night", night_id=night_id)
    except BuildError:
        return external_url("feeds.page")


def feed_host() -> str:
    """The host name in the UIDs, e.g. ``shift-12@shelter.example.org``."""
    return urlsplit(external_url("feeds.page")).hostname or "localhost"


class SubscribeLinks(NamedTuple):
    https: str
    webcal: str
    google: str


def subscribe_links(kind: str, token: str) -> SubscribeLinks:
    url = external_url(FEED_ENDPOINTS[kind], token=token)
    webcal = "webcal://" + url.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    return SubscribeLinks(url, webcal, google)
