"""Members on a phone: the header and its menu, the calendar's marks, the night page, errors."""

import re
from datetime import date, timedelta

from shelter.clock import local_today
from shelter.extensions import db
from tests.factories import (
    make_night,
    make_place,
    make_shift_type,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
    shift_named,
)
from tests.helpers import count_queries, french, page, selects


def link_labels(fragment: str) -> list[str]:
    links = re.findall(r"<a .*?</a>", fragment, re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


def header_links(html: str) -> list[str]:
    """The labels of the links in the header row, before the menu."""
    return link_labels(html.split('<ul class="nav-main">', 1)[1].split("</ul>", 1)[0])


def menu_links(html: str) -> list[str]:
    return link_labels(html.split('<div class="menu-panel">', 1)[1].split("</ul>", 1)[0])


# --- Header and menu ---------------------------------------------------------------------


def test_the_header_row_holds_the_most_used_pages_and_the_menu_the_rest(volunteer_client):
    html = page(volunteer_client.get("/mes-services"))
    assert header_links(html) == ["Mon espace", "Calendrier", "Ce qui manque", "Mes services"]
    assert menu_links(html) == ["Calendrier", "Mon agenda", "Profil", "Site public"]
    assert '<details class="menu">' in html and "Se déconnecter" in html
    # The calendar is in the row on wide screens and in the menu on phones, never twice.
    assert '<li class="wide-only"><a href="/calendrier/"' in html
    assert '<li class="narrow-only"><a href="/calendrier/"' in html
    assert 'href="/mes-services" aria-current="page"' in html


def test_coordinators_find_every_management_page_under_coordination(coordinator_client):
    html = page(coordinator_client.get("/mon-espace"))
    assert "Coordination" in menu_links(html)
    for hidden in ("Lieux", "Types de services", "Comptes", "Journal"):
        assert hidden not in header_links(html) + menu_links(html)
    places = page(coordinator_client.get("/lieux/"))
    assert '<details class="menu has-current">' in places
    assert 'href="/coordination" aria-current="page"' in places


def test_volunteers_have_no_coordination_entry(volunteer_client):
    assert "/coordination" not in volunteer_client.get("/mon-espace").text
    assert volunteer_client.get("/coordination").status_code == 403


def test_the_public_site_has_one_menu_too(client):
    html = page(client.get("/"))
    assert '<details class="menu narrow-only">' in html
    assert html.count('href="/rejoins-nous"') >= 2  # row on wide screens, menu on phones


# --- Calendar ---------------------------------------------------------------------------


def test_a_full_night_says_complet_in_words(volunteer_client):
    night = make_night(date(2030, 12, 6), capacity=4)
    make_stay(night, places=4)
    make_night(date(2030, 12, 7))
    html = page(volunteer_client.get("/calendrier/2030/12"))
    assert html.count("Complet") == 1
    assert "4/4 places" in html


def test_each_shift_gets_one_compact_mark_with_what_is_missing(volunteer_client):
    meal = make_shift_type("Repas", minimum=2, maximum=3)
    evening = make_shift_type("Soirée et nuit", minimum=1, maximum=2, position=1)
    night = make_night(date(2030, 12, 6), shift_types=[meal, evening])
    make_signup(shift_named(night, "Soirée et nuit"), make_user())
    html = page(volunteer_client.get("/calendrier/2030/12"))
    assert ">Repas −2<" in html and ">Soirée et nuit ✓<" in html
    assert french("Repas : manque 2") in html  # for screen readers


def test_nights_i_am_on_are_marked(volunteer_client, volunteer, other_volunteer):
    meal = make_shift_type("Repas")
    mine = make_night(date(2030, 12, 6), shift_types=[meal])
    theirs = make_night(date(2030, 12, 7), shift_types=[meal])
    make_signup(mine.shifts[0], volunteer)
    make_signup(theirs.shifts[0], other_volunteer)
    html = page(volunteer_client.get("/calendrier/2030/12"))
    assert html.count("J'y suis") == 2  # one night and the legend
    assert re.search(rf'night-summary mine" href="/nuits/{mine.id}"', html)
    assert f'night-summary" href="/nuits/{theirs.id}"' in html


def test_a_cancelled_night_shows_its_reason(volunteer_client):
    night = make_night(date(2030, 12, 6), status="cancelled")
    night.cancel_reason = "Chauffage en panne"
    db.session.commit()
    html = page(volunteer_client.get("/calendrier/2030/12"))
    assert "Annulée" in html and "Chauffage en panne" in html


def test_the_month_shows_the_adjoining_days_that_carry_nights(volunteer_client):
    # November 2030 ends on a Saturday: its grid runs to Sunday 1 December.
    make_night(date(2030, 12, 1))
    html = page(volunteer_client.get("/calendrier/2030/11"))
    assert "Aucune nuit prévue ce mois-ci." in html
    cell = re.search(
        r'<div role="cell" class="day other-month"[^>]*>\s*<span[^>]*>dim\. 1 déc\.', html
    )
    assert cell, "the night of 1 December is in November's grid"


def test_the_list_shows_the_year_only_when_it_is_not_this_one(volunteer_client):
    this_year = make_night(local_today() + timedelta(days=1))
    next_year = make_night(local_today().replace(month=1, day=8) + timedelta(days=366))
    html = page(volunteer_client.get("/calendrier/liste"))
    assert str(next_year.date.year) in html
    first_row = html.split(f"/nuits/{this_year.id}")[0].rsplit("<strong>", 1)[1]
    assert str(this_year.date.year) not in first_row


def test_the_month_keeps_its_query_count_with_the_marks(volunteer_client, volunteer):
    types = [make_shift_type(f"Type {i}", position=i) for i in range(3)]
    make_night(date(2030, 12, 1), shift_types=types)
    db.session.expire_all()
    with count_queries(db.engine) as one_night:
        volunteer_client.get("/calendrier/2030/12")
    for day in range(2, 32):
        night = make_night(date(2030, 12, day), shift_types=types)
        make_signup(night.shifts[0], volunteer)
    db.session.expire_all()
    with count_queries(db.engine) as full_month:
        assert "J'y suis" in page(volunteer_client.get("/calendrier/2030/12"))
    assert selects(full_month) == selects(one_night) <= 3


# --- Night page ---------------------------------------------------------------------------


def test_the_night_page_links_the_previous_and_next_nights(volunteer_client):
    first = make_night(date(2030, 12, 4))
    second = make_night(date(2030, 12, 5))
    other_place = make_night(date(2030, 12, 5), make_place("Le Refuge"))
    html = page(volunteer_client.get(f"/nuits/{second.id}"))
    assert f'href="/nuits/{first.id}" rel="prev"' in html
    assert f'href="/nuits/{other_place.id}" rel="next"' in html
    assert 'rel="next"' not in page(volunteer_client.get(f"/nuits/{other_place.id}"))
    assert 'rel="prev"' not in page(volunteer_client.get(f"/nuits/{first.id}"))


def test_the_night_page_folds_its_forms_until_needed(coordinator_client):
    night = make_night(date(2030, 12, 6), shift_types=list(make_standard_shift_types()))
    html = page(coordinator_client.get(f"/nuits/{night.id}"))
    assert html.count('<details class="card fold">') == 3
    assert "<summary>Ajouter un séjour</summary>" in html
    failed = page(coordinator_client.post(f"/nuits/{night.id}/sejours", data={"places": "0"}))
    assert '<details class="card fold" open>' in failed
    assert failed.count('<details class="card fold" open>') == 1


def test_a_night_loaded_for_its_page_can_be_cancelled_and_reinstated(coordinator_client):
    night_id = make_night(date(2030, 12, 6), shift_types=[make_shift_type()]).id
    for action, data in (("annuler", {"cancel-reason": "Dégât des eaux"}), ("retablir", {})):
        db.session.expunge_all()  # as in production: the view loads the night with its place
        response = coordinator_client.post(f"/nuits/{night_id}/{action}", data=data)
        assert response.status_code == 302, action
    assert "Nuit annulée" not in page(coordinator_client.get(f"/nuits/{night_id}"))


def test_the_shift_editor_leads_back_to_its_night(coordinator_client):
    night = make_night(date(2030, 12, 6), shift_types=[make_shift_type()])
    html = page(coordinator_client.get(f"/services/nuit/{night.id}"))
    assert html.count(f'<a href="/nuits/{night.id}">← Retour à la nuit</a>') == 2


# --- Form errors ------------------------------------------------------------------------------


def test_a_failed_submit_shows_a_summary_linking_to_each_field(client):
    response = client.post("/rejoins-nous", data={"email": "pas-une-adresse"})
    assert response.status_code == 400
    html = page(response)
    summary = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert french("Le formulaire contient 5 erreurs :") in summary
    for field in ("name", "email", "helps", "availability", "consent"):
        assert f'<a href="#{field}">' in summary, field
        assert f'id="{field}"' in html


def test_member_forms_get_the_same_summary(coordinator_client):
    response = coordinator_client.post("/lieux/", data={"name": "", "beds": "x"})
    html = page(response)
    assert 'id="error-summary"' in html
    assert '<a href="#name">' in html and '<a href="#beds">' in html
