"""Browser journeys: the real app under gunicorn, driven by Debian's Chromium through Playwright."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
    pytest.skip(
        "Chromium is not installed (apt-get install chromium): browser journeys skipped",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

from tests.live import gunicorn_server  # noqa: E402


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
def live_url(app, migrated_database, tmp_path):
    """The app under gunicorn, on the test database the factories write to."""
    with gunicorn_server(migrated_database, tmp_path / "live", workers=2) as base_url:
        yield base_url


class Journey:
    """A browser tab that records console errors and failed requests, and takes screenshots."""

    def __init__(self, browser, base_url: str, viewport: dict, name: str) -> None:
        self.base_url = base_url
        self.name = name
        self.context = browser.new_context(
            viewport=viewport, locale="fr-BE", permissions=["clipboard-read", "clipboard-write"]
        )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.problems.append(message.text),
        )
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("requestfailed", lambda request: self.problems.append(request.url))
        self.page.on(
            "response",
            lambda response: (
                response.status >= 500 and self.problems.append(f"{response.status} {response.url}")
            ),
        )

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def screenshot(self, step: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

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
