"""Password guessing is throttled across processes, without locking owners out."""

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import func, select

from shelter.extensions import db
from shelter.models import ThrottleCounter
from tests.conftest import login_as
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import change_password, page
from tests.live import LiveClient, gunicorn_server

WRONG = "pas le bon mot de passe"
REDIS_URL = "redis://127.0.0.1:6379/15"


def log_in(client, email, password, address="192.0.2.10"):
    return client.post(
        "/connexion",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def throttled_app_config(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    return app_config


def test_a_flood_from_elsewhere_never_locks_the_owner_out_of_their_browser(
    throttled_app_config, app, volunteer
):
    owner = app.test_client()
    assert log_in(owner, volunteer.email, DEFAULT_PASSWORD).status_code == 302
    owner.post("/deconnexion")

    attacker = app.test_client()
    statuses = [
        log_in(attacker, volunteer.email, WRONG, f"198.51.100.{n}").status_code for n in range(8)
    ]
    assert statuses == [401] * 5 + [429] * 3
    # Once locked, even the right password is refused to unknown browsers.
    locked = log_in(attacker, volunteer.email, DEFAULT_PASSWORD, "198.51.100.99")
    assert locked.status_code == 429
    assert "Trop de tentatives" in page(locked)

    assert log_in(owner, volunteer.email, DEFAULT_PASSWORD).status_code == 302
    assert int(locked.headers["Retry-After"]) > 0


def test_a_trusted_browser_is_limited_on_its_own(throttled_app_config, app, volunteer):
    owner = app.test_client()
    log_in(owner, volunteer.email, DEFAULT_PASSWORD)
    owner.post("/deconnexion")
    statuses = [log_in(owner, volunteer.email, WRONG).status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]


def test_a_device_cookie_of_another_account_earns_nothing(
    throttled_app_config, app, volunteer, other_volunteer
):
    browser = app.test_client()
    log_in(browser, other_volunteer.email, DEFAULT_PASSWORD)
    browser.post("/deconnexion")
    statuses = [log_in(browser, volunteer.email, WRONG).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_guesses_are_counted_per_address_across_accounts(throttled_app_config, app, client):
    statuses = [log_in(client, f"x{n}@example.org", WRONG).status_code for n in range(21)]
    assert statuses == [401] * 20 + [429]


def test_the_current_password_on_the_profile_is_throttled(
    throttled_app_config, app, client, volunteer
):
    login_as(client, volunteer)

    def change(current):
        return change_password(
            client, current, "une nouvelle phrase", environ_base={"REMOTE_ADDR": "192.0.2.20"}
        )

    statuses = [change(WRONG).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    assert change(DEFAULT_PASSWORD).status_code == 429
    db.session.refresh(volunteer)
    assert volunteer.check_password(DEFAULT_PASSWORD)


def test_counters_live_in_the_database_without_an_email_in_clear(
    throttled_app_config, app, client, volunteer
):
    log_in(client, volunteer.email, WRONG)
    keys = db.session.scalars(select(ThrottleCounter.key)).all()
    assert len(keys) == 2
    assert not any(volunteer.email in key or "192.0.2.10" in key for key in keys)


@pytest.mark.server
def test_every_worker_shares_the_counters(migrated_database, tmp_path, volunteer):
    """Under gunicorn with four workers, an account still gets five guesses, not twenty."""
    with gunicorn_server(
        migrated_database, tmp_path / "live", workers=4, RATELIMIT_ENABLED="true"
    ) as base_url:
        statuses = []
        for _ in range(12):
            client = LiveClient(base_url)
            statuses.append(
                client.post("/connexion", {"email": volunteer.email, "password": WRONG}).status
            )
    assert statuses == [401] * 5 + [429] * 7


@pytest.fixture
def redis_app_config(throttled_app_config):
    redis = Redis.from_url(REDIS_URL)
    try:
        redis.flushdb()
    except RedisConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    throttled_app_config["RATELIMIT_STORAGE_URL"] = REDIS_URL
    yield throttled_app_config
    redis.flushdb()


def test_counters_live_in_redis_when_configured(redis_app_config, app, volunteer):
    owner = app.test_client()
    log_in(owner, volunteer.email, DEFAULT_PASSWORD)
    owner.post("/deconnexion")
    attacker = app.test_client()
    statuses = [log_in(attacker, volunteer.email, WRONG).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert log_in(owner, volunteer.email, DEFAULT_PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ThrottleCounter)) == 0
    assert Redis.from_url(REDIS_URL).keys("throttle:*")
