"""Journey (c): a visitor reads the home page and an article, then subscribes to the newsletter."""

import pytest
from playwright.sync_api import expect

from tests.conftest import Mailbox
from tests.factories import make_post

pytestmark = [pytest.mark.e2e, pytest.mark.server]


@pytest.fixture
def live_settings(mail_settings):
    return mail_settings


def test_reading_the_news_and_subscribing_to_the_newsletter(journey, mailbox):
    make_post(
        title="Dix lits pour l'hiver",
        body="Le collectif ouvre **dix lits** chaque nuit.\n\nMerci à toutes et tous.",
        slug="dix-lits",
    )
    page = journey.page
    journey.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    news = page.get_by_role("region", name="Dernières nouvelles")
    expect(news.get_by_role("heading", name="Dix lits pour l'hiver")).to_be_visible()
    journey.screenshot("home")

    news.get_by_role("link", name="Dix lits pour l'hiver", exact=True).click()
    page.wait_for_url("**/dix-lits")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dix lits pour l'hiver")
    expect(page.get_by_role("article").locator("strong")).to_have_text("dix lits")
    journey.screenshot("article")

    menu = page.locator("summary", has_text="Menu")
    if menu.is_visible():  # on a phone, the site's pages are behind one menu
        menu.click()
    page.get_by_role("link", name="Newsletter").click()
    expect(page.get_by_role("heading", name="Abonne-toi à la newsletter")).to_be_visible()
    page.get_by_label("Ton adresse email").fill("lecteur@example.org")
    page.get_by_label("J'accepte de recevoir la newsletter").check()
    page.get_by_role("button", name="M'abonner").click()

    expect(page.get_by_role("status")).to_contain_text("on vient de t'envoyer un email")
    journey.screenshot("subscribed")
    (message,) = mailbox.wait_for("lecteur@example.org")
    assert "Confirme ton abonnement" in message["Subject"]
    assert f"{journey.base_url}/newsletter/confirmer/" in Mailbox.body(message)
