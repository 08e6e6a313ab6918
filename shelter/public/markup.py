"""Markdown written by coordinators, rendered to HTML and sanitised with an allow-list."""

import html
import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
WHITESPACE = re.compile(r"\s+")


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to HTML that is safe to show: no scripts, no styles, no images."""
    raw = markdown.markdown(text or "", extensions=["sane_lists", "tables"])
    return Markup(  # noqa: S704 - the HTML has just been sanitised by nh3
        nh3.clean(
            raw,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener nofollow",
        )
    )


def plain_text(text: str | None) -> str:
    """Return the words of a Markdown text, without markup, on one line."""
    stripped = nh3.clean(str(render_markdown(text)), tags=set())
    return WHITESPACE.sub(" ", html.unescape(stripped)).strip()


def excerpt(text: str | None, length: int = 220) -> str:
    """Return the beginning of a Markdown text as plain text, cut at a word."""
    words = plain_text(text)
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
