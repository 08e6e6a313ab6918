"""Browser journeys: the real app under gunicorn, driven by Debian's Chromium through Playwright.

Every page a journey looks at is checked with axe-core (npm package, installed by ``npm ci``
from ``package.json``) against WCAG 2.2 AA.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from shelter import ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
    pytest.skip(
        "Chromium is not installed (apt-get install chromium): browser journeys skipped",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from tests.factories import DEFAULT_PASSWORD  # noqa: E402
from tests.live import gunicorn_server  # noqa: E402


def axe_script() -> Path:
    """Return axe-core's script, installing it from package.json when it is not there yet."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is missing and npm is not installed (apt-get install npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    return AXE


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_settings() -> dict:
    """Extra settings for the server (``SHELTER_<KEY>`` variables); a module may override it."""
    return {}


@pytest.fixture
def live_host() -> str:
    """The host name in the server's address; a module may override it."""
    return "127.0.0.1"


@pytest.fixture
def mail_settings(smtp_server) -> dict:
    """Settings pointing the server at the test SMTP server (read it with ``mailbox``)."""
    _, port = smtp_server
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}


@pytest.fixture
def live_url(app, migrated_database, tmp_path, live_host, live_settings):
    """The app under gunicorn, on the test database the factories write to."""
    with gunicorn_server(
        migrated_database, tmp_path / "live", workers=2, host=live_host, **live_settings
    ) as base_url:
        yield base_url


class Journey:
    """A browser tab that records console errors and failed requests, and takes screenshots."""

    def __init__(self, browser, base_url: str, viewport: dict, name: str) -> None:
        self.base_url = base_url
        self.name = name
        self.viewport = viewport
        self.context = browser.new_context(
            viewport=viewport, locale="fr-BE", permissions=["clipboard-read", "clipboard-write"]
        )
        self.context.add_init_script(path=str(axe_script()))
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.problems.append(message.text),
        )
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        # A request the browser dropped because the page moved on (a click before a script
        # finished loading) is not a failure of the app.
        self.page.on(
            "requestfailed",
            lambda request: (
                request.failure != "net::ERR_ABORTED" and self.problems.append(request.url)
            ),
        )
        self.page.on(
            "response",
            lambda response: (
                response.status >= 500 and self.problems.append(f"{response.status} {response.url}")
            ),
        )

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def log_in(self, user, password: str = DEFAULT_PASSWORD) -> None:
        """Log in through the form, in French, and land on the member home page."""
        self.goto("/connexion")
        self.page.get_by_label("Adresse email").fill(user.email)
        self.page.get_by_label("Mot de passe").fill(password)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_url("**/mon-espace")

    def open_menu(self) -> None:
        """Open the members' header menu, where all but the most used pages sit."""
        menu = self.page.locator("header details.menu")
        if menu.get_attribute("open") is None:
            menu.locator("summary").click()

    def screenshot(self, step: str, folder: Path = ARTIFACTS, audit: bool = True) -> Path:
        """Save the whole page as a person sees it, after checking its width and accessibility."""
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{step}: the page is {overflow}px wider than the screen"
        if audit:
            self.check_accessibility(step)
        folder.mkdir(exist_ok=True)
        path = folder / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check_accessibility(self, step: str) -> None:
        """Fail on any WCAG 2.2 AA violation axe-core finds in the page as it is now."""
        # Styles first: an unstyled page fails the target-size rule on every link.
        self.page.wait_for_load_state("load")
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        problems = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
            for violation in result["violations"]
        ]
        assert problems == [], f"{step} ({self.page.url}): {problems}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def journey(request, browser, live_url):
    tab = Journey(
        browser, live_url, request.param, f"{request.node.originalname}-{request.node.callspec.id}"
    )
    yield tab
    tab.close()
    assert tab.problems == [], f"console errors or failed requests: {tab.problems}"


@pytest.fixture
def phone_journey(request, browser, live_url):
    tab = Journey(browser, live_url, PHONE, request.node.name)
    yield tab
    tab.close()
    assert tab.problems == [], f"console errors or failed requests: {tab.problems}"
