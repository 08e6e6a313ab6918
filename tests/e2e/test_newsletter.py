"""Journey: a coordinator writes a newsletter issue, previews it, sends a test, then sends it;
a visitor reads its web version. On a phone and a desktop, in French and in English."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_issue, make_subscriber, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.server]

BODY = """Bonjour à toutes et tous,

Cet hiver, la maison a ouvert **42 nuits**, grâce à plus de **60 bénévoles**. Merci !

## Prochains rendez-vous

- samedi 14 décembre : soirée de soutien à la Zone ;
- tous les mardis : permanence au local.

> On cherche toujours des sacs de couchage et du café.

[Faire un don](https://example.org/soutiens-nous)
"""


@pytest.fixture
def live_settings(mail_settings):
    return mail_settings


def fits_the_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_a_coordinator_writes_previews_tests_and_sends_an_issue(journey, coordinator, mailbox):
    for name in ("ana", "ben", "chloe"):
        make_subscriber(f"{name}@example.org")
    make_issue(subject="Le numéro d'octobre", sent_to=41)
    page = journey.page
    journey.log_in(coordinator)

    journey.goto("/gestion/newsletter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Newsletter")
    journey.screenshot("list")
    page.get_by_role("link", name="Écrire un numéro").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrire un numéro de la newsletter")
    page.get_by_label("Objet de l'email").fill("Nouvelles de l'hiver")
    page.get_by_label("Texte (Markdown)").fill(BODY)
    journey.screenshot("write")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelles de l'hiver")
    preview = page.frame_locator("iframe.mail-preview")
    expect(preview.get_by_role("heading", name="Nouvelles de l'hiver")).to_be_visible()
    expect(preview.locator("strong").first).to_have_text("42 nuits")
    assert fits_the_screen(page, "iframe.mail-preview")
    expect(page.locator("pre.mail-text")).to_contain_text("**42 nuits**")
    journey.screenshot("preview")

    page.get_by_role("button", name="M'envoyer un test").click()
    expect(page.get_by_role("status")).to_contain_text("Test envoyé à camille@example.org")
    (test,) = mailbox.wait_for("camille@example.org")
    assert test["Subject"] == "[Test] Nouvelles de l'hiver"

    page.get_by_label("Je confirme").check()
    page.get_by_role("button", name="Envoyer aux 3 abonné·es").click()
    expect(page.get_by_role("status")).to_contain_text("3 messages sont en file d'envoi")
    expect(page.get_by_text("Envoyé le")).to_be_visible()
    expect(page.get_by_role("button", name="Envoyer aux 3 abonné·es")).to_have_count(0)
    journey.screenshot("sent")

    page.get_by_role("link", name="Voir la version en ligne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelles de l'hiver")
    expect(page.get_by_role("article").locator("strong").first).to_have_text("42 nuits")
    journey.screenshot("web-version")


def test_the_same_pages_in_english(journey, mailbox):
    coordinator = make_user(role="coordinator", name="Robin", language="en")
    make_subscriber("ana@example.org", language="en")
    issue = make_issue(subject="Nouvelles de l'hiver", body=BODY)
    sent = make_issue(subject="Le numéro d'octobre", body=BODY, sent_to=41)
    page = journey.page
    journey.log_in(coordinator)

    journey.goto("/gestion/newsletter")
    expect(page.get_by_role("heading", name="Issues")).to_be_visible()
    journey.screenshot("list-en")
    journey.goto(f"/gestion/newsletter/numeros/{issue.id}")
    expect(page.get_by_role("heading", name="Send this issue")).to_be_visible()
    preview = page.frame_locator("iframe.mail-preview")
    expect(preview.get_by_role("link", name="Read this issue in your browser")).to_be_visible()
    journey.screenshot("preview-en")
    journey.goto(f"/gestion/newsletter/numeros/{issue.id}/modifier")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the draft")
    journey.screenshot("write-en")
    journey.goto(f"/gestion/newsletter/numeros/{sent.id}")
    expect(page.get_by_text("Sent on")).to_be_visible()
    journey.screenshot("sent-en")
    journey.goto("/newsletter")
    expect(page.get_by_role("heading", name="Past issues")).to_be_visible()
    journey.screenshot("newsletter-page-en")
    page.get_by_role("link", name="Le numéro d'octobre").click()
    expect(page.get_by_text("Would you like to receive the next issues?")).to_be_visible()
    journey.screenshot("web-version-en")
