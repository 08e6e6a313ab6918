"""The news as an Atom feed (RFC 4287): published posts in, bytes out."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from shelter.markup import excerpt
from shelter.models import NewsPost
from shelter.text import feed_text

ATOM_NS = "http://www.w3.org/2005/Atom"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def news_feed(
    posts: Iterable[NewsPost],
    *,
    host: str,
    title: str,
    site_url: str,
    feed_url: str,
    post_url: Callable[[NewsPost], str],
    language: str = "fr",
) -> bytes:
    """Build the Atom feed of ``posts`` (newest first); the same posts give the same bytes."""
    posts = list(posts)
    feed = Element("feed", {"xmlns": ATOM_NS, "xml:lang": language})
    SubElement(feed, "id").text = f"tag:{host},2024:news"
    SubElement(feed, "title").text = feed_text(title)
    updated = max((max(post.updated_at, post.published_at) for post in posts), default=EPOCH)
    SubElement(feed, "updated").text = _stamp(updated)
    SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": site_url})
    author = SubElement(feed, "author")
    SubElement(author, "name").text = feed_text(title)
    SubElement(feed, "generator").text = "Shelter"
    for post in posts:
        entry = SubElement(feed, "entry")
        # A tag URI on the id, not the slug: a renamed post stays the same entry.
        SubElement(entry, "id").text = f"tag:{host},2024:news/{post.id}"
        SubElement(entry, "title").text = feed_text(post.title)
        SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": post_url(post)})
        SubElement(entry, "published").text = _stamp(post.published_at)
        SubElement(entry, "updated").text = _stamp(max(post.updated_at, post.published_at))
        SubElement(entry, "summary").text = feed_text(excerpt(post.body_html))
        SubElement(entry, "content", {"type": "html"}).text = feed_text(post.body_html)
    return tostring(feed, encoding="utf-8", xml_declaration=True)
