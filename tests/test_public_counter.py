"""The public counter: off by default, whole months only, never a day or a night."""

import re
from datetime import date

import pytest

from shelter.extensions import db
from shelter.report.figures import counter_period
from tests.factories import (
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import count_queries

COUNTER = re.compile(r'<p class="public-counter">(.*?)</p>', re.S)
NIGHT_DATES = ("15 janvier", "10 juin", "31 octobre", "1 novembre", "2 novembre", "20 décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@pytest.mark.parametrize(
    ("today", "first", "end"),
    [
        (date(2030, 11, 20), date(2030, 1, 1), date(2030, 11, 1)),
        (date(2030, 11, 1), date(2030, 1, 1), date(2030, 11, 1)),
        (date(2030, 2, 28), date(2030, 1, 1), date(2030, 2, 1)),
        (date(2031, 1, 1), date(2030, 1, 1), date(2031, 1, 1)),
        (date(2031, 1, 31), date(2030, 1, 1), date(2031, 1, 1)),
    ],
)
def test_the_counter_covers_january_to_the_last_whole_month(today, first, end):
    assert counter_period(today) == (first, end)


@pytest.fixture
def year_2030(app):
    place = make_place()
    types = make_standard_shift_types()
    alex, sam, noor, lou = (make_user(name=name) for name in ("Alex", "Sam", "Noor", "Lou"))
    nights = [
        (date(2029, 12, 20), 6, lou, "Repas", "planned"),  # the year before
        (date(2030, 1, 15), 3, alex, "Repas", "planned"),
        (date(2030, 6, 10), 5, lou, "Repas", "cancelled"),  # cancelled: not counted
        (date(2030, 10, 31), 2, sam, "Matin", "planned"),  # its morning is 1 November
        (date(2030, 11, 2), 4, noor, "Repas", "planned"),  # the month under way
    ]
    for day, places, person, shift_name, status in nights:
        night = make_night(day, place, shift_types=types, status=status)
        make_stay(night, places=places)
        make_signup(shift_named(night, shift_name), person)


@pytest.fixture
def counter_on(coordinator_client, client):
    response = coordinator_client.post(
        "/gestion/site", data={"site_name": "Collectif", "public_counter": "y"}
    )
    assert response.status_code == 302
    client.post("/deconnexion")
    return client


def counter_on_day(client, monkeypatch, today: date, path: str = "/") -> str:
    monkeypatch.setattr("shelter.public.pages.local_today", lambda: today)
    response = client.get(path)
    assert response.status_code == 200
    found = COUNTER.search(response.text)
    return "" if found is None else " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def test_the_counter_is_off_by_default(client, year_2030, monkeypatch):
    monkeypatch.setattr("shelter.public.pages.local_today", lambda: date(2030, 11, 20))
    for path in ("/", "/soutiens-nous"):
        response = client.get(path)
        assert 'class="public-counter"' not in response.text
        assert "nuitées offertes" not in response.text


def test_the_counter_never_shows_a_day_or_a_night(counter_on, year_2030, monkeypatch):
    expected = "De janvier à octobre 2030 : 5 nuitées offertes, 2 bénévoles."
    for day in range(1, 31):
        for path in ("/", "/soutiens-nous"):
            shown = counter_on_day(counter_on, monkeypatch, date(2030, 11, day), path)
            # The same words every day of the month: a night opened in November changes nothing.
            assert shown == expected, (day, path)
    assert not any(marker in expected for marker in NIGHT_DATES + WEEKDAYS)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2030, 2, 10), "En janvier 2030 : 3 nuitées offertes, 1 bénévole."),
        (date(2031, 1, 5), "En 2030 : 9 nuitées offertes, 3 bénévoles."),
        (date(2030, 1, 5), "En 2029 : 6 nuitées offertes, 1 bénévole."),
    ],
)
def test_the_counter_names_its_months(counter_on, year_2030, monkeypatch, today, expected):
    assert counter_on_day(counter_on, monkeypatch, today) == expected


def test_the_counter_speaks_english(counter_on, year_2030, monkeypatch):
    counter_on.post("/langue", data={"language": "en"})

    shown = counter_on_day(counter_on, monkeypatch, date(2030, 11, 20))

    assert shown == "From January to October 2030: 5 person-nights offered, 2 volunteers."


def test_the_home_page_costs_the_same_queries_whatever_the_data(app, counter_on):
    def queries() -> int:
        with count_queries(db.engine) as statements:
            assert counter_on.get("/").status_code == 200
        return len([statement for statement in statements if not statement.startswith("BEGIN")])

    empty = queries()
    place = make_place()
    types = make_standard_shift_types()
    for day in range(1, 28):
        night = make_night(date(2026, 2, day), place, shift_types=types)
        make_stay(night, places=3)
        make_signup(night.shifts[0], make_user())
    assert queries() == empty == 4
