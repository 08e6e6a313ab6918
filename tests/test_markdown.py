"""Markdown is rendered once, when it is saved, in linear time whatever the text."""

import time

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from shelter import create_app, markup
from shelter.configure import database_uri
from shelter.extensions import db
from shelter.markup import render_markdown
from tests.conftest import make_config
from tests.factories import make_post, make_public_event
from tests.test_migrations import fresh_database_url  # noqa: F401 (a fixture)

LENGTH = 50_000


def repeated(unit: str) -> str:
    return (unit * (LENGTH // len(unit) + 1))[:LENGTH]


# The inputs that made Markdown parsers slow (cmark's and markdown-it's pathological tests).
PATHOLOGICAL = {
    "opening brackets": repeated("["),
    "nested brackets": "[" * (LENGTH // 2) + "]" * (LENGTH // 2),
    "link openers": repeated("[a"),
    "link closers": repeated("a]"),
    "unclosed links": repeated("[a](b"),
    "unclosed angle links": repeated("[a](<b"),
    "link openers and emphasis closers": repeated("[ a_"),
    "brackets and parentheses": repeated("[ (]("),
    "image openers": repeated("!["),
    "stars": repeated("*"),
    "underscores": repeated("_"),
    "nested strong emphasis": "*a **a " * 3500 + "b" + " a** a*" * 3500,
    "emphasis openers": repeated("_a "),
    "emphasis closers": repeated("a_ "),
    "mismatched emphasis": repeated("*a_ "),
    "emphasis runs": repeated("**a** "),
    "mixed delimiter runs": repeated("*_"),
    "multiples of three": "a**b" + repeated("c* "),
    "quote markers": repeated(">"),
    "nested quotes": repeated("> "),
    "nested lists on one line": repeated("- "),
    "quotes and lists": repeated("> - "),
    "ordered lists on one line": repeated("1. "),
    "backticks": repeated("`"),
    "backtick strings": "".join("e" + "`" * size for size in range(1, 315)),
    "less-than signs": repeated("<"),
    "unclosed comments": "</" + repeated("<!--"),
    "unclosed tags": repeated('<a href="'),
    "autolinks": repeated("<http://a"),
    "link reference definitions": repeated("[a]: u\n"),
    "references used": repeated("[a]: u\n")[: LENGTH // 2] + repeated("[a] ")[: LENGTH // 2],
    "long reference label": "[" + "a" * (LENGTH - 10) + "]: /u",
    "nul characters": repeated("abc\u0000de\u0000"),
    "wide table": "|" + "a|" * 2000 + "\n|" + "-|" * 2000 + "\n" + repeated("|x\n")[:42000],
    "long table": "| a | b |\n|---|---|\n" + repeated("| x | y |\n"),
    "setext headings": repeated("a\n=\n"),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markdown_renders_in_linear_time(name):
    source = PATHOLOGICAL[name]
    assert len(source) >= LENGTH * 0.95
    # The best of three runs: the machine running the tests is shared.
    fastest = min(_timed(render_markdown, source) for _ in range(3))
    assert fastest < 0.2, f"{name}: {fastest:.3f} s"


def _timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def test_markdown_still_renders_what_coordinators_write():
    html = render_markdown(
        "## Cette semaine\n\n**Merci** à *toutes* et [tous](https://ok.example).\n\n"
        "- soupe\n- pain\n\n> une citation\n\n| quoi | combien |\n|---|---|\n| duvets | 4 |"
    )
    for fragment in (
        "<h2>Cette semaine</h2>",
        "<strong>Merci</strong>",
        "<em>toutes</em>",
        '<a href="https://ok.example" rel="noopener nofollow">tous</a>',
        "<li>soupe</li>",
        "<blockquote>",
        "<td>duvets</td>",
    ):
        assert fragment in html


def test_hostile_news_and_events_are_served_quickly_and_never_parsed_again(client, monkeypatch):
    make_post(slug="crochets", body="Début " + "[" * 12_000)
    event = make_public_event(description="**Soirée** " + "[" * 12_000)

    def refuse(*_args, **_kwargs):
        raise AssertionError("Markdown parsed while showing a page")

    monkeypatch.setattr(markup, "markdown_to_html_with_extensions", refuse)
    for url in (
        "/",
        "/actualites",
        "/actualites/crochets",
        "/actualites/atom.xml",
        f"/agenda/{event.id}",
        "/agenda/public.ics",
        "/soutiens-nous",
    ):
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, url
        assert time.perf_counter() - started < 1, url
    assert "<strong>Soirée</strong>" in client.get(f"/agenda/{event.id}").text


def test_the_migration_renders_existing_texts(fresh_database_url, tmp_path):  # noqa: F811
    url = fresh_database_url
    app = create_app(make_config(url, tmp_path))
    with app.app_context():
        upgrade(revision="b7e2f0c5d913")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO news_posts (title, slug, body, published_at, is_published,"
                    " created_at, updated_at) VALUES ('Vieux', 'vieux', 'Du **gras**',"
                    " '2026-01-01 10:00:00', true, '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO site_settings (key, value) VALUES"
                    " ('presentation', 'Nous *accueillons*'), ('iban', 'BE00 *pas du Markdown*')"
                )
            )
        upgrade()
        db.engine.dispose()
    engine = create_engine(database_uri(url, str(tmp_path)))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT body_html FROM news_posts")).scalar() == (
            "<p>Du <strong>gras</strong></p>\n"
        )
        settings = dict(connection.execute(text("SELECT key, html FROM site_settings")).all())
    engine.dispose()
    assert settings == {"presentation": "<p>Nous <em>accueillons</em></p>\n", "iban": ""}
