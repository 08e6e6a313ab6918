"""French typography: a narrow no-break space before « : ; ! ? » and inside « », everywhere.

Also: the singular for 0 and 1 in French, and capitals for months and days.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import icalendar
import pytest
from werkzeug.routing import IntegerConverter

from shelter.clock import local_today
from shelter.extensions import db
from shelter.i18n import french_typography, ngettext
from tests.conftest import login_as
from tests.factories import (
    make_application,
    make_feed_link,
    make_night,
    make_place,
    make_post,
    make_public_event,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import page

NNBSP = "\u202f"
# A sign that may start a line: a plain or no-break space before it, or after «.
LOOSE_SIGN = re.compile(r"[ \u00a0][:;!?»]|«[ \u00a0]|«(?!\u202f)|(?<!\u202f)»")
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "data-confirm", "data-copied", "alt"}


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("Merci !", f"Merci{NNBSP}!"),
        ("Lieu : %(place)s", f"Lieu{NNBSP}: %(place)s"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("un ; deux", f"un{NNBSP}; deux"),
        ("déjà\u00a0: oui", f"déjà{NNBSP}: oui"),
        ("« Repas »", f"«{NNBSP}Repas{NNBSP}»"),
        ("«Repas»", f"«{NNBSP}Repas{NNBSP}»"),
        ("Subject: Rappel : x", f"Subject: Rappel{NNBSP}: x"),
    ],
)
def test_signs_get_a_narrow_no_break_space(written, printed):
    assert french_typography(written) == printed
    assert french_typography(printed) == printed


@pytest.mark.parametrize(
    "untouched",
    [
        "https://example.org/a?b=1&amp;c=2",
        "de 18:00 à 21:00",
        'href="/ce-qui-manque?x=1"',
        "Pas de signe ici.",
    ],
)
def test_urls_times_and_entities_are_left_alone(untouched):
    assert french_typography(untouched) == untouched


def test_french_takes_the_singular_for_zero_and_one(app):
    with app.test_request_context():
        assert ngettext("%(num)d nuit planifiée.", "%(num)d nuits planifiées.", 0) == (
            "0 nuit planifiée."
        )
        assert ngettext("%(num)d nuit planifiée.", "%(num)d nuits planifiées.", 1) == (
            "1 nuit planifiée."
        )
        assert ngettext("%(num)d nuit planifiée.", "%(num)d nuits planifiées.", 2) == (
            "2 nuits planifiées."
        )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert ngettext("%(num)d nuit planifiée.", "%(num)d nuits planifiées.", 0) == (
            "0 nights planned."
        )


def test_templates_take_the_singular_for_zero_too(volunteer_client):
    night = make_night(local_today() + timedelta(days=3))
    assert "0 personne hébergée cette nuit." in page(volunteer_client.get(f"/nuits/{night.id}"))


def test_months_and_days_take_a_capital_only_where_they_begin(volunteer_client):
    make_night(local_today().replace(year=2030, month=12, day=6))
    month = page(volunteer_client.get("/calendrier/2030/12"))
    assert ">Décembre 2030</h1>" in month
    assert "← Novembre 2030" in month and "Janvier 2031 →" in month
    assert "ven. 6 déc." in month  # a label inside the grid
    upcoming = page(volunteer_client.get("/calendrier/liste"))
    assert "<strong>Vendredi 6 décembre 2030</strong>" in upcoming  # not this year: with it
    night = page(volunteer_client.get("/nuits/1"))
    assert "Nuit du vendredi 6 décembre 2030" in night  # inside a sentence


class ShownText(HTMLParser):
    """Collect what a person reads: text outside scripts and styles, and shown attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def loose_signs(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for match in LOOSE_SIGN.finditer(part):
            found.append(part[max(0, match.start() - 30) : match.end() + 30])
    return found


@pytest.fixture
def world(app):
    """A bit of everything the pages show, with no sign written by hand."""
    place = make_place("La Maison", address="Rue de la Paix 3")
    types = make_standard_shift_types()
    soon = make_night(local_today() + timedelta(days=1), place, shift_types=types)
    make_night(local_today() + timedelta(days=2), place, shift_types=types, status="cancelled")
    make_stay(soon, places=2, alias="Amina", note="Végétarienne")
    coordinator = make_user(role="coordinator", name="Camille", email="camille@example.org")
    volunteer = make_user(name="Alex", email="alex@example.org")
    signup = make_signup(shift_named(soon, "Repas"), volunteer)
    signup.withdrawal_requested_at = soon.starts_at
    make_signup(shift_named(soon, "Matin"), coordinator)
    make_post(title="Des nouvelles", slug="des-nouvelles")
    make_public_event()
    make_application()
    db.session.commit()
    ids = {
        "night_id": soon.id,
        "shift_id": soon.shifts[0].id,
        "stay_id": 1,
        "place_id": place.id,
        "type_id": types[0].id,
        "slug": "des-nouvelles",
        "event_id": 1,
        "post_id": 1,
        "year": soon.date.year,
        "month": soon.date.month,
    }
    return {"coordinator": coordinator, "volunteer": volunteer, "ids": ids}


def page_urls(app, ids: dict) -> list[str]:
    """Every GET page that can be built from ``ids`` (new pages are checked on their own)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not set(rule.arguments) <= set(ids):
            continue
        if any(
            not isinstance(rule._converters[name], IntegerConverter) and name not in ("slug",)
            for name in rule.arguments
        ):
            continue
        urls.append(rule.build({name: ids[name] for name in rule.arguments}, False)[1])
    return urls


def test_no_french_page_lets_a_sign_start_a_line(app, client, world):
    urls = page_urls(app, world["ids"])
    assert len(urls) > 30
    checked = 0
    for who in (None, world["volunteer"], world["coordinator"]):
        if who is not None:
            login_as(client, who)
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            assert loose_signs(response.get_data(as_text=True)) == [], (url, who)
            checked += 1
    # Failed submits and error pages speak too.
    for url, data in (
        ("/rejoins-nous", {}),
        ("/newsletter", {}),
        ("/profil/mot-de-passe", {}),
        (f"/nuits/{world['ids']['night_id']}/sejours", {"places": "x"}),
    ):
        html = client.post(url, data=data).get_data(as_text=True)
        assert "error-summary" in html, url
        assert loose_signs(html) == [], url
    assert loose_signs(client.get("/nulle-part").get_data(as_text=True)) == []
    assert checked > 50


def test_english_pages_keep_plain_spaces(app, client, world):
    login_as(client, world["coordinator"])
    client.post("/langue", data={"language": "en", "next": "/"})
    html = client.get("/mon-espace").get_data(as_text=True)
    assert "Hello Camille" in html
    assert NNBSP not in html


def test_emails_and_feeds_put_the_signs_in_place(app, client, world, mailbox):
    app.config["REMINDER_HOURS"] = 24 * 30
    assert app.test_cli_runner().invoke(args=["send-reminders"]).exit_code == 0
    login_as(client, world["coordinator"])
    night_id = world["ids"]["night_id"]
    client.post(f"/ce-qui-manque/nuits/{night_id}/appel")
    client.post(f"/nuits/{night_id}/annuler", data={"cancel-reason": "Dégât des eaux"})
    assert len(mailbox.messages) >= 3
    for message in mailbox.messages:
        text = f"{message['Subject']}\n{mailbox.body(message)}"
        assert not LOOSE_SIGN.search(text), text
    assert any(NNBSP in message["Subject"] for message in mailbox.messages)

    feed = client.get(make_feed_link(world["coordinator"], "coordination"))
    events = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    texts = [str(event.get(name, "")) for event in events for name in ("SUMMARY", "DESCRIPTION")]
    assert any(NNBSP in text for text in texts)
    assert not [text for text in texts if LOOSE_SIGN.search(text)]
