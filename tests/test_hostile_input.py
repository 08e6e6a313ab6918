"""Hostile input on every route, as every role: a 4xx with a message, never a 5xx.

The routes are walked from the URL map, so a new route is covered as soon as it exists.
"""

import json
from xml.etree import ElementTree

import pytest
from flask_wtf import FlaskForm
from icalendar import Calendar
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter
from wtforms import StringField, TextAreaField
from wtforms.fields.core import UnboundField

from shelter.extensions import db
from shelter.forms import no_control_characters, single_line
from shelter.models import NewsletterSubscriber, ShiftType
from shelter.text import NOT_IN_FEEDS
from tests.conftest import login_as
from tests.factories import (
    make_application,
    make_feed_link,
    make_night,
    make_post,
    make_public_event,
    make_shift_type,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import page

HUGE_IDS = (2**63, 2**64 + 7, 10**30)
# Values that broke forms: line and paragraph separators, NUL, escapes, bidi overrides.
CONTROL_CHARACTERS = "a\u2028b\u2029c\x00d\x1be\x7ff\u202eg\r\nh\x85i"
FORM_PREFIXES = ("", "pw-", "night-", "cancel-")


def _form_classes(base=FlaskForm):
    for subclass in base.__subclasses__():
        yield subclass
        yield from _form_classes(subclass)


def field_names() -> list[str]:
    """Every field name of every form, with the prefixes pages give them."""
    names = {"csrf_token"}
    for form_class in _form_classes():
        for klass in form_class.__mro__:
            names.update(
                name for name, value in vars(klass).items() if isinstance(value, UnboundField)
            )
    return sorted(prefix + name for name in names for prefix in FORM_PREFIXES)


def hostile_bodies(names: list[str]) -> dict[str, dict]:
    """Keyword arguments for the test client's ``open``, one per kind of hostile body."""
    nested = {"a": [1, {"b": None}], "c": 2**70}
    return {
        "json object": {"json": {name: nested for name in names}},
        "json array": {"json": [{name: "x" for name in names}, [1, 2]]},
        "json scalar": {"json": "x"},
        "json typed as form": {
            "data": json.dumps({name: ["x"] for name in names}),
            "content_type": "application/x-www-form-urlencoded",
        },
        "plain text": {"data": "email=a@b.c", "content_type": "text/plain"},
        "xml": {"data": "<a>b</a>", "content_type": "application/xml"},
        "duplicated fields": {
            "data": MultiDict([(name, value) for name in names for value in ("1", "2", "x")])
        },
        "huge numbers": {
            "data": {name: str(HUGE_IDS[index % 3]) for index, name in enumerate(names)}
        },
        "negative huge numbers": {"data": {name: str(-(2**63) - 1) for name in names}},
        "odd numbers": {"data": {name: value for name in names for value in ("1e309",)}},
        "control characters": {"data": {name: CONTROL_CHARACTERS for name in names}},
        "oversized values": {"data": {name: "x" * 2_000 for name in names}},
        "oversized body": {"data": {"note": "x" * 400_000}},
        "broken multipart": {
            "data": b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
            "content_type": "multipart/form-data; boundary=x",
        },
    }


@pytest.fixture
def records(app, coordinator, volunteer):
    """One record of each kind a route takes an id of, with the URL values naming them."""
    # Answer exceptions with the 500 page, as in production, so that every one is counted.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    types = make_standard_shift_types()
    night = make_night(shift_types=types)
    shift = shift_named(night, "Repas")
    signup = make_signup(shift, volunteer)
    stay = make_stay(night, alias="Marker", note="régime")
    other = make_user(password=None)
    subscriber = NewsletterSubscriber(email="lecteur@example.org", status="confirmed")
    db.session.add(subscriber)
    db.session.commit()
    return {
        "user_id": other.id,
        "night_id": night.id,
        "stay_id": stay.id,
        "place_id": night.place_id,
        "shift_id": shift.id,
        "signup_id": signup.id,
        "type_id": types[0].id,
        "post_id": make_post().id,
        "event_id": make_public_event().id,
        "application_id": make_application().id,
        "need_id": _need_id(),
        "subscriber_id": subscriber.id,
        "token": "x" * 43,
    }


def _need_id() -> int:
    from shelter.models import MaterialNeed

    need = MaterialNeed(item="Duvets", quantity="4")
    db.session.add(need)
    db.session.commit()
    return need.id


def post_routes(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint != "auth.logout"
    ]


def url_for_rule(rule, values: dict) -> str:
    # A route taking an id of a kind not seeded here gets id 1: it is walked all the same.
    arguments = {name: values.get(name, 1) for name in rule.arguments}
    return rule.build(arguments, append_unknown=False)[1]


def _as(client, user):
    with client.session_transaction() as session:
        session.clear()
    if user is not None:
        login_as(client, user)


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "coordinator"])
def test_no_hostile_post_gets_a_server_error(app, client, records, role, coordinator, volunteer):
    user = {"anonymous": None, "volunteer": volunteer, "coordinator": coordinator}[role]
    bodies = hostile_bodies(field_names())
    failures = []
    for rule in post_routes(app):
        url = url_for_rule(rule, records)
        for kind, body in bodies.items():
            _as(client, user)
            response = client.post(url, **body)
            if response.status_code >= 500:
                failures.append((rule.endpoint, kind, response.status_code))
    assert sorted(set(failures)) == []


def test_ids_beyond_64_bits_are_404_on_every_route(app, client, records, coordinator):
    failures = []
    for rule in app.url_map.iter_rules():
        ints = [
            name
            for name, converter in rule._converters.items()
            if isinstance(converter, IntegerConverter)
        ]
        if not ints:
            continue
        for huge in HUGE_IDS:
            url = url_for_rule(rule, {**records, **dict.fromkeys(ints, huge)})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                login_as(client, coordinator)
                status = client.open(url, method=method).status_code
                if status != 404:
                    failures.append((rule.endpoint, method, huge, status))
    assert failures == []


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/connexion", {"json": {"email": "alex@example.org", "password": "x"}}),
        ("/newsletter", {"json": {"email": "a@example.org", "consent": True}}),
        ("/langue", {"data": "language=en", "content_type": "text/plain"}),
    ],
)
def test_form_endpoints_refuse_other_encodings_with_a_clear_message(client, url, body):
    response = client.post(url, **body)
    assert response.status_code == 415
    assert "formulaire" in response.text


def _unbound_fields(field_class):
    for form_class in _form_classes():
        for klass in form_class.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField) and value.field_class is field_class:
                    yield f"{form_class.__name__}.{name}", value.kwargs.get("validators", [])


def test_every_one_line_field_refuses_line_breaks_and_every_text_control_characters(app):
    one_line = dict(_unbound_fields(StringField))
    texts = dict(_unbound_fields(TextAreaField))
    assert len(one_line) >= 15 and len(texts) >= 8
    assert [name for name, checks in one_line.items() if single_line not in checks] == []
    assert [name for name, checks in texts.items() if no_control_characters not in checks] == []


@pytest.mark.parametrize("name", ["Repas\u2028du soir", "Repas\r\nBcc: x@example.org", "Re\x00pas"])
def test_a_shift_name_with_a_line_separator_is_refused(coordinator_client, name):
    response = coordinator_client.post(
        "/services/types",
        data={
            "name": name,
            "start_time": "18:00",
            "end_time": "21:00",
            "min_volunteers": "1",
            "max_volunteers": "2",
            "position": "0",
        },
    )
    assert response.status_code == 400
    assert "Une seule ligne, sans caractères invisibles." in page(response)
    assert db.session.scalar(select(func.count()).select_from(ShiftType)) == 0


STORED_CONTROLS = "Ti\x01t\x0bre\u2028 \x1f\x7fend"


def test_atom_and_icalendar_stay_valid_whatever_control_characters_are_stored(client, volunteer):
    make_post(title=STORED_CONTROLS, slug="controle", body=STORED_CONTROLS)
    make_public_event(title=STORED_CONTROLS, description=STORED_CONTROLS, location=STORED_CONTROLS)
    shift_type = make_shift_type(name="x")
    night = make_night(shift_types=[shift_type])
    shift = night.shifts[0]
    shift.name = STORED_CONTROLS
    db.session.commit()
    make_signup(shift, volunteer)

    atom = client.get("/actualites/atom.xml")
    assert atom.status_code == 200
    feed = ElementTree.fromstring(atom.data)  # noqa: S314 - the app's own feed
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "Titre\u2028 end"

    personal = client.get(make_feed_link(volunteer))
    for response in (client.get("/agenda/public.ics"), personal):
        assert response.status_code == 200
        assert not NOT_IN_FEEDS.search(response.data.decode())
        [event] = Calendar.from_ical(response.data).walk("VEVENT")
        assert "Titre" in str(event["SUMMARY"])


def test_a_night_loaded_fresh_can_be_cancelled_and_reinstated(coordinator_client):
    # As in production, the request loads the night itself (with its eager loads) before
    # locking it; on PostgreSQL that lock once failed with a 500.
    night_id = make_night(shift_types=[make_shift_type()]).id
    db.session.expunge_all()
    cancelled = coordinator_client.post(
        f"/nuits/{night_id}/annuler", data={"cancel-reason": "Dégât des eaux"}
    )
    assert cancelled.status_code == 302
    db.session.expunge_all()
    assert coordinator_client.post(f"/nuits/{night_id}/retablir").status_code == 302
