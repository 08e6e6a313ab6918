"""The audit log read by coordinators: sentences with links, filters, pages, no guest data."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shelter.auth import services as accounts
from shelter.extensions import db
from shelter.models import AuditEntry, Night
from shelter.models.audit import record
from shelter.nights import services as nights
from shelter.shifts import shift_types, signups
from tests.factories import make_place, make_standard_shift_types, make_user, shift_named
from tests.helpers import count_queries, page, words

FRIDAY = date(2030, 12, 6)


@pytest.fixture
def planned(app, coordinator, volunteer):
    """A coordinator plans a night, books a stay, assigns a volunteer who then withdraws."""
    place = make_place("La Maison")
    make_standard_shift_types()
    night, _saturday = nights.plan_nights(
        place, [FRIDAY, FRIDAY + timedelta(days=1)], None, "", coordinator
    ).created
    nights.book_stay(
        place, FRIDAY, FRIDAY + timedelta(days=2), 2, "Zorglub", "Sans gluten", coordinator
    )
    meal = shift_named(night, "Repas")
    signups.assign(meal, volunteer, coordinator)
    signups.withdraw(meal, volunteer)
    accounts.set_role(volunteer, "coordinator", coordinator)
    db.session.commit()
    return night


def test_the_log_speaks_in_sentences_with_links(coordinator_client, planned, volunteer):
    response = coordinator_client.get("/gestion/journal")
    assert response.status_code == 200
    text = words(response)
    meal = shift_named(db.session.get(Night, planned.id), "Repas")
    night = "nuit du vendredi 6 décembre 2030"
    for sentence in (
        f"Camille a planifié la {night}.",
        f"Camille a enregistré un séjour à partir de la {night}.",
        f"Camille a inscrit Alex au service « Repas » de la {night}.",
        f"Alex s'est désisté·e du service « Repas » de la {night}.",
        "Camille a fait entrer Alex dans la coordination.",
    ):
        assert sentence in text
    assert "capacité 10 places" in text and "2 places · départ le dim. 8 déc." in text
    html = page(response)
    assert f'<a href="/nuits/{planned.id}">{night}</a>' in html
    assert f'<a href="/nuits/{planned.id}#shift-{meal.id}">{night}</a>' in html
    assert f'<a href="/gestion/comptes#user-{volunteer.id}">Alex</a>' in html
    assert "night.plan" not in html and "role=" not in html
    assert "Zorglub" not in html and "gluten" not in html
    # The latest change comes first.
    assert text.index("dans la coordination") < text.index("a planifié")


def test_the_log_follows_the_readers_language(coordinator_client, coordinator, planned):
    coordinator.language = "en"
    db.session.commit()
    text = words(coordinator_client.get("/gestion/journal"))
    assert "Camille planned the night of Friday 6 December 2030." in text
    assert "Camille made Alex a coordinator." in text


def test_a_name_is_escaped_and_an_unknown_action_still_reads(coordinator_client, coordinator):
    coordinator.name = "<b>Camille</b>"
    record(coordinator, "twofactor.enable", "user", coordinator.id)
    db.session.commit()
    response = coordinator_client.get("/gestion/journal")
    assert "&lt;b&gt;Camille&lt;/b&gt; a fait une modification (twofactor.enable)." in response.text


def at(entry: AuditEntry, when: datetime) -> None:
    entry.created_at = when


@pytest.fixture
def history(app, coordinator, volunteer):
    """Entries by two people over three days of December 2030."""
    place = make_place("La Maison")
    for day in (1, 2, 3):
        when = datetime(2030, 12, day, 12, tzinfo=UTC)
        at(
            record(coordinator, "night.plan", "night", day, date=f"2030-12-1{day}", capacity=10),
            when,
        )
        at(
            record(volunteer, "signup.create", "shift", day, shift="Repas", date=f"2030-12-1{day}"),
            when,
        )
    at(record(coordinator, "place.update", "place", place.id, place="La Maison", beds=8), when)
    db.session.commit()


def test_filters_by_who_what_and_period(coordinator_client, history, volunteer):
    def shown(query: str) -> str:
        response = coordinator_client.get(f"/gestion/journal?{query}")
        assert response.status_code == 200, query
        return words(response)

    everything = shown("")
    assert "7 modifications" in everything
    by_alex = shown(f"actor={volunteer.id}")
    assert "3 modifications" in by_alex and "a planifié" not in by_alex
    places = shown("category=places")
    assert "1 modification" in places and "Camille a modifié le lieu La Maison." in places
    period = shown("since=2030-12-02&until=2030-12-02")
    assert "2 modifications" in period and "jeudi 12 décembre" in period
    both = shown(f"actor={volunteer.id}&category=nights")
    assert "0 modification" in both and "Rien à afficher." in both


@pytest.mark.parametrize(
    "query",
    ["since=demain", "since=2030-12-03&until=2030-12-01", "actor=999999", "category=x", "page=0"],
)
def test_bad_filters_are_a_clear_400(coordinator_client, history, query):
    response = coordinator_client.get(f"/gestion/journal?{query}")
    assert response.status_code == 400
    assert 'id="error-summary"' in page(response)


def test_pages_keep_the_filters(coordinator_client, coordinator):
    for number in range(120):
        record(coordinator, "night.plan", "night", number, date="2030-12-06")
    record(coordinator, "place.create", "place", 1, place="La Maison")
    db.session.commit()
    first = coordinator_client.get("/gestion/journal?category=nights")
    assert page(first).count("a planifié la") == 50
    assert "Page 1 sur 3" in page(first)
    assert 'href="/gestion/journal?page=2&amp;category=nights"' in first.text
    last = page(coordinator_client.get("/gestion/journal?category=nights&page=3"))
    assert last.count("a planifié la") == 20 and "le lieu" not in last
    beyond = page(coordinator_client.get("/gestion/journal?page=9"))
    assert "Rien à afficher." in beyond


def test_the_log_costs_the_same_queries_however_full(coordinator_client, coordinator, volunteer):
    def queries() -> int:
        with count_queries(db.engine) as statements:
            assert coordinator_client.get("/gestion/journal").status_code == 200
        return len(statements)

    place = make_place("La Maison")
    record(coordinator, "user.invite", "user", volunteer.id, role="volunteer")
    record(None, "stay.create", "stay", 1, place_id=place.id, arrival="2030-12-06", places=1)
    db.session.commit()
    few = queries()
    for number in range(40):
        record(volunteer, "signup.assign", "shift", number, shift="Repas", user_id=volunteer.id)
        record(coordinator, "stay.cancel", "stay", number, place_id=place.id, arrival="2030-12-07")
        record(make_user(), "user.role", "user", volunteer.id, role="coordinator")
    db.session.commit()
    assert queries() == few


def test_entries_of_other_kinds_read_as_sentences(coordinator_client, coordinator):
    shift_type = make_standard_shift_types()[0]
    shift_types.save_shift_type(
        shift_type,
        coordinator,
        name="Repas",
        description="",
        start_time=shift_type.start_time,
        end_time=shift_type.end_time,
        min_volunteers=1,
        max_volunteers=3,
        position=0,
        active=True,
    )
    record(None, "stay.purge", "stay", None, stays=3, before="2030-11-01")
    record(coordinator, "feed.new_link", "user", coordinator.id, kind="personal", name="Téléphone")
    db.session.commit()
    text = words(coordinator_client.get("/gestion/journal"))
    assert "Camille a enregistré le type de service Repas." in text
    assert (
        "L'application a effacé les alias et les notes de 3 séjours partis avant le "
        "1 novembre 2030." in text
    )
    assert "Camille a créé un lien d'agenda « Téléphone »." in text
