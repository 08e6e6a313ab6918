"""Members on a phone and a laptop: every page's header, the landing page, errors in view.

On the demo data, for each role and both screen sizes: every member page keeps its header and
navigation within 15 % of the screen, passes axe-core, and is saved as a screenshot (French and
English) in ``tests/e2e/screenshots/``; after a failed submit of any form, the error summary is
in the first screen.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.routing import IntegerConverter

from shelter.auth import totp
from shelter.auth.services import issue_token
from shelter.demo import DEMO_ACCOUNTS, DEMO_TOTP_KEY, load_demo_data
from shelter.extensions import db
from shelter.models import (
    NewsPost,
    Night,
    Place,
    PublicEvent,
    Role,
    ShiftType,
    SignUp,
    Stay,
    TokenPurpose,
    User,
)
from shelter.security import is_public_endpoint
from tests.e2e.conftest import DESKTOP, Journey
from tests.factories import (
    make_night,
    make_place,
    make_signup,
    make_standard_shift_types,
    make_stay,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.server]

SCREENSHOTS = Path(__file__).parent / "screenshots"
HEADER_SHARE = 0.15
PUBLIC_FORMS = ["/connexion", "/mot-de-passe-oublie", "/rejoins-nous", "/newsletter"]


@pytest.fixture
def demo(app) -> dict:
    """The demo data set, and the ids that fill the member pages' addresses."""
    load_demo_data()
    db.session.commit()
    volunteer = db.session.query(User).filter_by(email=DEMO_ACCOUNTS[1].email).one()
    signup = db.session.query(SignUp).filter_by(user_id=volunteer.id).first()
    stay = db.session.query(Stay).first()
    # The volunteer's own night: its team sheet is open to them.
    night = db.session.get(Night, signup.shift.night_id)
    reset = issue_token(volunteer, TokenPurpose.RESET, timedelta(hours=1))
    db.session.commit()
    return {
        "accounts": {account.role.value: account for account in DEMO_ACCOUNTS[:2]},
        "reset_path": f"/mot-de-passe/{reset}",
        "ids": {
            "night_id": night.id,
            "shift_id": signup.shift_id,
            "stay_id": stay.id,
            "place_id": db.session.query(Place.id).scalar(),
            "type_id": db.session.query(ShiftType.id).first()[0],
            "post_id": db.session.query(NewsPost.id).first()[0],
            "event_id": db.session.query(PublicEvent.id).first()[0],
            "year": night.date.year,
            "month": night.date.month,
        },
    }


def member_pages(app, ids: dict, coordinator: bool) -> list[str]:
    """Every member page (from the URL map, so that new pages are visited too)."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions[rule.endpoint]
        if "GET" not in rule.methods or is_public_endpoint(app, rule.endpoint):
            continue
        if getattr(view, "shelter_role", None) == "coordinator" and not coordinator:
            continue
        if not set(rule.arguments) <= set(ids) or rule.rule.endswith((".ics", ".csv")):
            continue
        if not all(isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments):
            continue
        if coordinator and rule.endpoint == "shifts.request_withdrawal":
            continue  # only for the volunteer who holds the shift
        urls.append(rule.build({name: ids[name] for name in rule.arguments}, False)[1])
    return urls


def log_in_as(journey, demo: dict, role: str) -> None:
    journey.goto("/connexion")
    log_in_on(journey.page, demo["accounts"][role])


def log_in_on(page, account) -> None:
    """Log in with a demo account from its login page; the coordinator's app gives a code."""
    page.get_by_label("Adresse email").fill(account.email)
    page.get_by_label("Mot de passe").fill(account.password)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    if account.role == Role.COORDINATOR:
        page.get_by_label("Code").fill(totp.current_code(DEMO_TOTP_KEY))
        page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/mon-espace")


def choose_language(journey, language: str) -> None:
    token = journey.page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = journey.page.request.post(
        journey.base_url + "/langue",
        form={"language": language, "next": "/", "csrf_token": token},
    )
    assert response.ok


def step_name(url: str) -> str:
    return url.strip("/").replace("/", "_") or "root"


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_every_member_page_keeps_a_small_header_and_passes_axe(journey, app, demo, role):
    pages = member_pages(app, demo["ids"], coordinator=role == "coordinator")
    assert len(pages) >= (25 if role == "coordinator" else 9)
    journey.name = journey.name.removeprefix("test_every_member_page_keeps_a_small_header_and_")
    log_in_as(journey, demo, role)
    limit = HEADER_SHARE * journey.viewport["height"]
    for language in ("fr", "en"):
        choose_language(journey, language)
        for url in pages:
            response = journey.goto(url)
            assert response.status == 200, url
            header = journey.page.locator("header.site-header").bounding_box()
            assert header["height"] <= limit, f"{url}: header {header['height']}px"
            journey.screenshot(
                f"{language}-{step_name(url)}", folder=SCREENSHOTS, audit=language == "fr"
            )


def test_the_public_site_keeps_a_small_header_too(journey, demo):
    limit = HEADER_SHARE * journey.viewport["height"]
    for url in ["/", "/actualites", "/agenda", "/rejoins-nous", "/soutiens-nous", "/newsletter"]:
        journey.goto(url)
        header = journey.page.locator("header.site-header").bounding_box()
        assert header["height"] <= limit, url
        journey.screenshot(f"public-{step_name(url)}", folder=SCREENSHOTS)


def test_the_phone_menu_opens_without_javascript(browser, live_url, demo):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-BE", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(live_url + "/connexion")
    log_in_on(page, demo["accounts"]["coordinator"])
    for name in ("Ce qui manque", "Mes services"):
        expect(page.locator("header").get_by_role("link", name=name)).to_be_visible()
    coordination = page.locator("header").get_by_role("link", name="Coordination")
    expect(coordination).to_be_hidden()
    page.locator("summary", has_text="Menu").focus()
    page.keyboard.press("Enter")
    expect(coordination).to_be_visible()
    coordination.click()
    expect(page.get_by_role("heading", name="Coordination", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Types de services")).to_be_visible()
    context.close()


def test_the_landing_page_shows_my_next_shift_and_the_urgent_gaps(journey, volunteer):
    meal, overnight, morning = make_standard_shift_types()
    place = make_place("La Maison")
    types = [meal, overnight, morning]
    make_night(date.today() + timedelta(days=1), place, shift_types=types)
    later = make_night(date.today() + timedelta(days=3), place, shift_types=types)
    make_signup(later.shifts[1], volunteer)
    page = journey.page
    journey.log_in(volunteer)

    next_shift = page.get_by_role("region", name="Mon prochain service")
    expect(next_shift).to_contain_text("Soirée et nuit")
    expect(next_shift).to_contain_text("La Maison")
    urgent = page.get_by_role("region", name="Urgent")
    first_gap = urgent.get_by_role("listitem").first
    expect(first_gap).to_contain_text("Repas")
    button = first_gap.get_by_role("button", name="M'inscrire")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= journey.viewport["height"], "sign-up below the first screen"
    journey.screenshot("landing")

    button.click()
    expect(page.get_by_role("status")).to_contain_text("Tu es inscrit·e")
    page.wait_for_url("**/mon-espace")
    expect(page.get_by_role("region", name="Mon prochain service")).to_contain_text("Repas")


def test_the_phone_month_shows_the_next_months_nights(phone_journey, volunteer):
    make_night(date(2030, 12, 1))  # November 2030's grid ends on Sunday 1 December
    phone_journey.log_in(volunteer)
    phone_journey.goto("/calendrier/2030/11")
    cell = phone_journey.page.get_by_role("cell").filter(has_text="dim. 1 déc.")
    expect(cell).to_be_visible()
    expect(cell.get_by_role("link")).to_contain_text("0/10 places")
    phone_journey.screenshot("adjoining-month")


FORMS = "main form:has(.field):not([data-passkey])"  # a passkey form is the browser's
BREAK_FORM = """form => {
    // Empty every field (an address that is not one, a choice that does not exist), so that
    // submitting it fails as a person's mistake would.
    const details = form.closest("details");
    if (details) details.open = true;
    for (const field of form.querySelectorAll("input, textarea, select")) {
        if (["hidden", "submit"].includes(field.type) || field.name === "website") continue;
        if (["checkbox", "radio"].includes(field.type)) { field.checked = false; continue; }
        if (field.tagName === "SELECT") {
            field.add(new Option("?", "not-a-choice"));
            field.value = "not-a-choice";
            continue;
        }
        field.value = field.type === "email" ? "x" : "";
    }
}"""


def assert_summary_in_first_screen(journey, url: str, number: int) -> None:
    summary = journey.page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    height = journey.viewport["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (url, number, box)
    assert summary.get_by_role("link").count() >= 1, (url, number)


def submit_each_form_wrongly(journey, url: str) -> int:
    journey.goto(url)
    # The forms built with the form_field macro: those that show an error summary.
    count = journey.page.locator(FORMS).count()
    for number in range(count):
        journey.goto(url)
        form = journey.page.locator(FORMS).nth(number)
        form.evaluate(BREAK_FORM)
        with journey.page.expect_navigation():
            form.locator("button[type=submit]").last.click()
        assert_summary_in_first_screen(journey, url, number)
    return count


@pytest.mark.parametrize("role", ["visitor", "volunteer", "coordinator"])
def test_after_a_failed_submit_the_error_summary_is_in_the_first_screen(journey, app, demo, role):
    journey.page.on("dialog", lambda dialog: dialog.accept())
    if role == "visitor":
        pages = [*PUBLIC_FORMS, demo["reset_path"]]
    else:
        log_in_as(journey, demo, role)
        pages = member_pages(app, demo["ids"], coordinator=role == "coordinator")
    forms = sum(submit_each_form_wrongly(journey, url) for url in pages)
    assert forms >= {"visitor": 5, "volunteer": 3, "coordinator": 20}[role]
    journey.check_accessibility(f"{role} form errors")
    # Each failed submit is answered with a 400 on purpose: the browser logs it.
    refused = "the server responded with a status of 400"
    journey.problems[:] = [problem for problem in journey.problems if refused not in problem]


def test_on_a_laptop_the_night_its_shifts_and_its_stays_fit_the_first_screen(browser, live_url):
    meal, overnight, morning = make_standard_shift_types()
    night = make_night(date.today() + timedelta(days=2), shift_types=[meal, overnight, morning])
    make_stay(night, places=2, alias="Amina", note="Végétarienne")
    make_stay(night, places=1, alias="Yonas")
    coordinator = make_user(role="coordinator")
    for shift in night.shifts:
        make_signup(shift, make_user())
    journey = Journey(browser, live_url, DESKTOP, "night-on-a-laptop")
    journey.log_in(coordinator)
    journey.goto(f"/nuits/{night.id}")
    page = journey.page
    visible = [
        page.get_by_role("heading", name="Services", exact=True),
        page.get_by_text("3/10"),
        page.get_by_role("heading", name="Personnes hébergées"),
        page.get_by_text("Yonas"),
        *[page.get_by_role("heading", name=name, exact=True) for name in ("Repas", "Matin")],
    ]
    for element in visible:
        box = element.first.bounding_box()
        assert box["y"] + box["height"] <= DESKTOP["height"], element
    expect(page.locator("details.fold").first).not_to_have_attribute("open", "")
    journey.screenshot("night-on-a-laptop", folder=SCREENSHOTS)
    journey.close()
    assert journey.problems == []
