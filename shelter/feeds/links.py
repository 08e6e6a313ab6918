"""Addresses used by the feeds: event links, the host in UIDs, subscription links."""

from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from shelter.urls import external_url, url_builder

FEED_ENDPOINTS = {"personal": "feeds.personal", "coordination": "feeds.coordination"}
NIGHT_ENDPOINT = "nights.night"


def night_link(night_id: int) -> str:
    """Return the absolute address of the night's page."""
    return external_url(NIGHT_ENDPOINT, night_id=night_id)


def night_links() -> Callable[[int], str]:
    """Return ``night_link`` for a whole feed, with the URL map bound once."""
    build = url_builder()
    return lambda night_id: build(NIGHT_ENDPOINT, night_id=night_id)


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
