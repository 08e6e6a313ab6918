"""Small helpers for reading pages and emails in tests."""

import html
import re
from contextlib import contextmanager

from sqlalchemy import event

from shelter.feeds import views as feed_views

CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
LINK = re.compile(r"https?://\S+")


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def page(response) -> str:
    """The response's text with HTML entities decoded, to compare with plain sentences."""
    return html.unescape(response.text)


def words(response) -> str:
    """What a reader sees of the page: tags dropped, entities decoded, spaces collapsed."""
    without_tags = re.sub(
        r"<[^>]+>", "", re.sub(r"<(script|style|svg)\b.*?</\1>", "", response.text, flags=re.S)
    )
    return " ".join(html.unescape(without_tags).split())


@contextmanager
def count_queries(engine):
    """Count the SQL statements sent through ``engine`` inside the block."""
    statements: list[str] = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)


class FeedClock:
    """The feeds' notion of now, frozen by ``freeze_feed_clock``; set ``now`` to move it."""

    def __init__(self, now) -> None:
        self.now = now


def freeze_feed_clock(monkeypatch, now) -> FeedClock:
    clock = FeedClock(now)
    monkeypatch.setattr(feed_views, "utcnow", lambda: clock.now)
    return clock


def change_password(client, current: str, new: str, **kwargs):
    """Post the profile's password form: the current password, then the new one twice."""
    data = {"pw-current_password": current, "pw-password": new, "pw-confirm": new}
    return client.post("/profil/mot-de-passe", data=data, **kwargs)
