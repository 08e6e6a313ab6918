"""Markdown written by coordinators, rendered once to sanitised HTML when it is saved.

CommonMark with tables, parsed by cmark-gfm, the reference C implementation, built and tested to
run in linear time on hostile input (nested brackets, emphasis runs, long backtick strings). Raw
HTML in the text is dropped by cmark-gfm (its safe mode); nh3 then keeps an allow-list of tags.
"""

import html
import re

import nh3
from cmarkgfm import markdown_to_html_with_extensions
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "code", "pre",
    "ul", "ol", "li", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
WHITESPACE = re.compile(r"\s+")
EXTENSIONS = ("table",)
# Quotes and lists nested on one line cost one character a level, and the sanitiser's HTML parser
# slows down with the depth of the tree: a line opens at most this many of them.
MAX_NESTING = 16
LINE_CONTAINERS = re.compile(r"^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t])))+", re.MULTILINE)
CONTAINER = re.compile(r"[ \t]*(?:>|[-+*]|\d{1,9}[.)])")
# A table pads every row to its header's width: a wide header over many short rows would turn a
# few kilobytes of text into megabytes of cells. Past this many cells, tables are left as text.
MAX_TABLE_CELLS = 20_000
TABLE_DELIMITER_ROW = re.compile(r"^[ \t|:-]*-[ \t|:-]*$", re.MULTILINE)


def _shallow(markers: re.Match) -> str:
    found = CONTAINER.findall(markers.group())
    return markers.group() if len(found) <= MAX_NESTING else "".join(found[:MAX_NESTING])


def render_markdown(text: str | None) -> str:
    """Return the HTML of a Markdown text, safe to show: no scripts, no styles, no images.

    It takes time in proportion to the text's length whatever the text: call it when a text is
    saved and keep its result, never while showing a page.
    """
    text = LINE_CONTAINERS.sub(_shallow, text or "")
    widest = max((row.count("|") + 1 for row in TABLE_DELIMITER_ROW.findall(text)), default=0)
    tables = widest * (text.count("\n") + 1) <= MAX_TABLE_CELLS
    return nh3.clean(
        markdown_to_html_with_extensions(text, extensions=EXTENSIONS if tables else ()),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        attribute_filter=_drop_empty_links,
    )


def _drop_empty_links(_tag: str, attribute: str, value: str) -> str | None:
    # cmark-gfm empties a link to a forbidden scheme (``javascript:``): leave no link at all.
    return None if attribute == "href" and not value else value


def plain_text(rendered: str | None) -> str:
    """Return the words of rendered HTML, without markup, on one line."""
    stripped = nh3.clean(rendered or "", tags=set())
    return WHITESPACE.sub(" ", html.unescape(stripped)).strip()


def excerpt(rendered: str | None, length: int = 220) -> str:
    """Return the beginning of rendered HTML as plain text, cut at a word."""
    words = plain_text(rendered)
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def stored_html(rendered: str | None) -> Markup:
    """Mark HTML made by :func:`render_markdown` when its text was saved as safe to show."""
    return Markup(rendered or "")  # noqa: S704 - sanitised by nh3 before it was stored
