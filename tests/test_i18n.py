"""French by default, English complete, dates in Europe/Brussels."""

from datetime import UTC, datetime

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import render_template_string

from shelter import ROOT
from tests.conftest import TRANSLATIONS, login_as
from tests.factories import DEFAULT_PASSWORD, make_user

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [
    ("shelter/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def extracted_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_has_an_english_translation():
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalogue = read_po(po_file)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue
        if message.id
        and not message.fuzzy
        and (message.string if isinstance(message.string, str) else all(message.string))
    }
    used = extracted_messages()
    assert len(used) > 100
    missing = sorted(used - translated)
    assert not missing, f"{len(missing)} strings lack an English translation: {missing[:20]}"


def test_french_is_the_default(client):
    response = client.get("/connexion")
    assert 'lang="fr"' in response.text
    assert "Se connecter" in response.text


def test_browser_language_is_used_for_visitors(client):
    response = client.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in response.text
    assert "Log in" in response.text
    response = client.get("/connexion", headers={"Accept-Language": "de, nl;q=0.8"})
    assert 'lang="fr"' in response.text


def test_language_switch_is_remembered(client):
    response = client.post("/langue", data={"language": "en", "next": "/connexion"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion"
    assert "Forgot your password?" in client.get("/connexion").text


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    assert client.post("/langue", data={"language": "xx"}).status_code == 400
    response = client.post("/langue", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/connexion"


def test_user_preference_wins_over_browser(app, client):
    user = make_user(language="en")
    login_as(client, user)
    response = client.get("/profil", headers={"Accept-Language": "fr"})
    assert "My profile" in response.text


def test_switching_language_when_logged_in_updates_the_preference(app, client, volunteer):
    login_as(client, volunteer)
    client.post("/langue", data={"language": "en", "next": "/profil"})
    assert volunteer.language == "en"


def test_dates_are_shown_in_brussels_time(app):
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    winter = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        rendered = render_template_string(
            "{{ summer|datetimeformat('HH:mm') }} {{ winter|datetimeformat('HH:mm') }}",
            summer=summer,
            winter=winter,
        )
    assert rendered == "12:00 11:00"


def test_error_pages_are_translated(client):
    assert "Page introuvable" in client.get("/nulle-part").text
    response = client.get("/nulle-part", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_language_chosen_before_login_becomes_the_preference(client, volunteer):
    client.post("/langue", data={"language": "en", "next": "/connexion"})
    client.post("/connexion", data={"email": volunteer.email, "password": DEFAULT_PASSWORD})
    assert volunteer.language == "en"
    assert "My profile" in client.get("/profil").text
