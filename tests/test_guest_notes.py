"""A volunteer sees a night's practical notes only while on duty that night, never aliases."""

from datetime import date, timedelta

from shelter.extensions import db
from tests.conftest import login_as
from tests.factories import (
    make_night,
    make_signup,
    make_standard_shift_types,
    make_stay,
    shift_named,
)
from tests.helpers import count_queries, page

NOTE = "régime sans porc, parle tigrinya"
ALIAS = "Marqueur-Alias"


def night_with_a_guest(day: date, types):
    night = make_night(day=day, shift_types=types)
    make_stay(night, alias=ALIAS, note=NOTE)
    return night


def test_notes_only_for_volunteers_holding_a_shift_that_night(app, client, volunteer):
    types = make_standard_shift_types()
    mine = night_with_a_guest(date.today() + timedelta(days=2), types)
    other = night_with_a_guest(date.today() + timedelta(days=5), types)
    make_signup(shift_named(mine, "Repas"), volunteer)
    login_as(client, volunteer)

    with count_queries(db.engine) as statements:
        on_duty = page(client.get(f"/nuits/{mine.id}"))
    assert NOTE in on_duty
    assert not any("alias" in statement for statement in statements)

    off_duty = page(client.get(f"/nuits/{other.id}"))
    assert NOTE not in off_duty
    assert "1 personne hébergée cette nuit." in off_duty
    assert ALIAS not in on_duty + off_duty


def test_notes_disappear_once_the_night_is_over(app, client, volunteer):
    types = make_standard_shift_types()
    past = night_with_a_guest(date.today() - timedelta(days=3), types)
    make_signup(shift_named(past, "Repas"), volunteer)
    login_as(client, volunteer)
    text = page(client.get(f"/nuits/{past.id}"))
    assert "1 personne hébergée cette nuit." in text
    assert NOTE not in text


def test_a_cancelled_shift_holds_no_notes(app, client, volunteer):
    types = make_standard_shift_types()
    night = night_with_a_guest(date.today() + timedelta(days=2), types)
    shift = shift_named(night, "Repas")
    make_signup(shift, volunteer)
    shift.status = "cancelled"
    db.session.commit()
    login_as(client, volunteer)
    assert NOTE not in page(client.get(f"/nuits/{night.id}"))


def test_coordinators_still_see_every_stay(app, client, coordinator):
    night = night_with_a_guest(date.today() - timedelta(days=3), make_standard_shift_types())
    login_as(client, coordinator)
    text = page(client.get(f"/nuits/{night.id}"))
    assert ALIAS in text and NOTE in text
