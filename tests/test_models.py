"""Single-object facts of the models and the database constraints behind the rules."""

from datetime import date, time

import pytest
from sqlalchemy.exc import IntegrityError

from shelter.extensions import db
from tests.factories import make_night, make_shift_type, make_signup, make_user


def test_an_overnight_shift_ends_the_next_morning(app):
    night_shift = make_shift_type("Soirée et nuit", time(20), time(9), 2, 2)
    night = make_night(date(2026, 12, 11), shift_types=[night_shift])
    [shift] = night.shifts
    assert shift.starts_at.isoformat() == "2026-12-11T19:00:00+00:00"
    assert shift.ends_at.isoformat() == "2026-12-12T08:00:00+00:00"


def test_night_capacity_is_enforced_by_the_database(app):
    night = make_night(capacity=2)
    night.places_used = 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_shift_maximum_is_enforced_by_the_database(app):
    meal = make_shift_type(minimum=1, maximum=1)
    night = make_night(shift_types=[meal])
    [shift] = night.shifts
    make_signup(shift, make_user())
    assert shift.is_covered and shift.is_full and shift.missing == 0
    shift.signup_count = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
