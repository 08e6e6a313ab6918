"""The impact report: figures equal to hand-computed ones, the same after the purge, CSV, access."""

import csv
import io
from datetime import date, timedelta

import pytest

from shelter.clock import local_today
from shelter.extensions import db
from shelter.models import Stay
from shelter.report.charts import Point, bar_chart
from shelter.report.figures import Figures
from shelter.report.queries import impact_report
from tests.conftest import login_as
from tests.factories import (
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import count_queries, words

# Shift types: Repas 18:00-21:00 (min 2), Soirée et nuit 20:00-09:00 (min 2), Matin 07:30-10:00
# (min 1), on a place of 10 beds.
JANUARY = Figures(
    nights_opened=3,
    nights_cancelled=1,
    person_nights=8,
    places_offered=30,
    shifts=9,
    shifts_covered=4,
    volunteer_minutes=53 * 60,
    active_volunteers=3,
    new_volunteers=3,
)
FEBRUARY = Figures(
    nights_opened=1,
    nights_cancelled=0,
    person_nights=8,
    places_offered=8,
    shifts=3,
    shifts_covered=1,
    volunteer_minutes=19 * 60,
    active_volunteers=2,
    new_volunteers=1,
)
YEAR_2025 = Figures(
    nights_opened=4,
    nights_cancelled=1,
    person_nights=16,
    places_offered=38,
    shifts=12,
    shifts_covered=5,
    volunteer_minutes=72 * 60,
    # Alex is active in both months: counted once in the year.
    active_volunteers=4,
    new_volunteers=4,
)


@pytest.fixture
def seeded(app):
    """Two months of 2025 whose figures are worked out by hand above, and one night to come."""
    place = make_place(beds=10)
    types = make_standard_shift_types()
    alex, sam, noor, lou = (make_user(name=name) for name in ("Alex", "Sam", "Noor", "Lou"))

    jan10 = make_night(date(2025, 1, 10), place, shift_types=types)
    jan11 = make_night(date(2025, 1, 11), place, shift_types=types)
    jan12 = make_night(date(2025, 1, 12), place, shift_types=types, status="cancelled")
    jan31 = make_night(date(2025, 1, 31), place, shift_types=types)
    feb14 = make_night(date(2025, 2, 14), place, capacity=8, shift_types=types)
    coming = make_night(local_today() + timedelta(days=3), place, shift_types=types)

    make_stay(jan10, places=3, alias="Aïcha")
    make_stay(jan10, places=2, nights=3, alias="Omar")  # the 10th, 11th and the cancelled 12th
    make_stay(jan31, places=1, alias="Yasmine")
    make_stay(feb14, places=8, alias="Groupe")
    make_stay(coming, places=6, alias="Bientôt")

    signups = [
        (jan10, "Repas", alex),
        (jan10, "Repas", sam),
        (jan10, "Soirée et nuit", alex),
        (jan11, "Repas", noor),
        (jan11, "Soirée et nuit", sam),
        (jan11, "Soirée et nuit", noor),
        (jan11, "Matin", alex),
        (jan12, "Repas", lou),  # cancelled night: not counted
        (jan31, "Matin", sam),  # the morning of 1 February, counted with its night
        (feb14, "Repas", alex),
        (feb14, "Repas", lou),
        (feb14, "Soirée et nuit", lou),
        (coming, "Repas", noor),  # not over yet: not counted
    ]
    for night, shift_name, person in signups:
        make_signup(shift_named(night, shift_name), person)
    return {"coming": coming}


def test_figures_equal_the_hand_computed_ones(seeded):
    report = impact_report(local_today())

    assert report.months[2025, 1] == JANUARY
    assert report.months[2025, 2] == FEBRUARY
    assert report.year(2025) == YEAR_2025
    assert JANUARY.occupancy_rate == pytest.approx(8 / 30)
    assert JANUARY.coverage_rate == pytest.approx(4 / 9)
    assert FEBRUARY.occupancy_rate == 1
    # The night to come counts nowhere yet.
    assert report.year(local_today().year) == Figures()
    assert [month for month, _ in report.months_of(2025)] == [
        date(2025, month, 1) for month in range(1, 13)
    ]


def test_figures_stay_the_same_after_guest_data_is_purged(app, seeded):
    before = impact_report(local_today())

    result = app.test_cli_runner().invoke(args=["purge-guests"])

    assert result.exit_code == 0
    purged = db.session.query(Stay).filter(Stay.arrival < date(2025, 3, 1)).all()
    db.session.expire_all()
    assert purged and all(stay.alias is None and stay.note is None for stay in purged)
    assert impact_report(local_today()) == before


def test_the_report_page_shows_the_figures_in_a_table_and_charts(coordinator_client, seeded):
    response = coordinator_client.get("/coordination/bilan/2025")

    assert response.status_code == 200
    text = words(response)
    assert "Bilan de l'activité 2025" in text
    assert "janvier 3 1 8 27 % 4 sur 9 44 % 53 3 3" in text
    assert "février 1 0 8 100 % 1 sur 3 33 % 19 2 1" in text
    assert "2025 4 1 16 42 % 5 sur 12 42 % 72 4 4" in text
    assert response.text.count('class="bar-chart"') == 6
    assert 'viewBox="0 0 340 180"' in response.text
    assert "<script" not in response.text.split("<main", 1)[1]


def test_the_report_speaks_english(client, seeded):
    login_as(client, make_user(role="coordinator", language="en"))

    text = words(client.get("/coordination/bilan/2025"))

    assert "2025 activity report" in text
    assert "January 3 1 8 27% 4 of 9 44% 53 3 3" in text


def test_the_csv_has_the_same_figures(coordinator_client, seeded):
    response = coordinator_client.get("/coordination/bilan.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="bilan-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["période", "nuits ouvertes", "nuits annulées", "nuitées offertes"]
    by_period = {row[0]: row[1:] for row in rows[1:]}
    assert by_period["2025-01"] == ["3", "1", "8", "30", "26.7", "9", "4", "44.4", "53.0", "3", "3"]
    assert by_period["2025-02"] == ["1", "0", "8", "8", "100.0", "3", "1", "33.3", "19.0", "2", "1"]
    assert by_period["2025-03"] == ["0", "0", "0", "0", "", "0", "0", "", "0.0", "0", "0"]
    assert by_period["2025"] == ["4", "1", "16", "38", "42.1", "12", "5", "41.7", "72.0", "4", "4"]
    months = [f"2025-{month:02d}" for month in range(1, 13)]
    assert [row[0] for row in rows[1:]] == [*months, "2025"]


def test_only_coordinators_see_the_report(client, volunteer, coordinator):
    for path in ("/coordination/bilan", "/coordination/bilan/2025", "/coordination/bilan.csv"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/connexion")
    login_as(client, volunteer)
    for path in ("/coordination/bilan", "/coordination/bilan/2025", "/coordination/bilan.csv"):
        assert client.get(path).status_code == 403
    assert "Bilan" not in words(client.get("/calendrier/"))
    login_as(client, coordinator)
    for path in ("/coordination/bilan", "/coordination/bilan/2025", "/coordination/bilan.csv"):
        assert client.get(path).status_code == 200
    assert 'href="/coordination/bilan"' in client.get("/coordination").text


@pytest.mark.parametrize("year", [1999, 2200, local_today().year + 1])
def test_years_out_of_range_are_not_found(coordinator_client, year):
    assert coordinator_client.get(f"/coordination/bilan/{year}").status_code == 404


def test_the_report_costs_the_same_queries_whatever_the_data(app, coordinator_client):
    def queries_for_report() -> int:
        with count_queries(db.engine) as statements:
            assert coordinator_client.get("/coordination/bilan/2025").status_code == 200
        return len(statements)

    place = make_place()
    types = make_standard_shift_types()
    make_night(date(2025, 1, 10), place, shift_types=types)
    few = queries_for_report()
    for day in range(1, 60):
        night = make_night(date(2025, 3, 1) + timedelta(days=day), place, shift_types=types)
        make_stay(night, places=2)
        make_signup(night.shifts[0], make_user())
    assert queries_for_report() == few


def test_bars_scale_to_the_tallest_and_stay_inside_the_drawing():
    chart = bar_chart(
        "Nuitées",
        [Point("J", 10, "10", "janvier"), Point("F", 5, "5", "février"), Point("M", 0, "0", "")],
    )

    tall, half, empty = chart.bars
    assert tall.y == pytest.approx(16) and tall.y + tall.height == pytest.approx(chart.baseline)
    assert half.height == pytest.approx(tall.height / 2)
    assert empty.height == 0
    assert all(bar.x >= 0 and bar.x + bar.width <= chart.width for bar in chart.bars)
    rates = bar_chart("Taux", [Point("J", 0.5, "50", "")], ceiling=1)
    assert rates.bars[0].height == pytest.approx(tall.height / 2)
