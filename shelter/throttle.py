"""Throttling of every check of a secret a person types, shared by all worker processes.

How a view uses it, around any check of a password or a code::

    attempt = throttle.check(throttle.PASSWORD, account)  # 429 at once when over a limit
    if not secret_is_right:
        return refusal                                    # the attempt stays counted
    attempt.succeeded()                                   # then commit with the rest

``check`` counts the attempt as failed before the secret is even looked at, and commits that
count at once: neither a rollback of the request nor a burst of parallel requests gets a free
guess. ``succeeded`` takes it back (it writes in the request's transaction, which the caller
commits) and marks the browser as one its owner signs in from.

Attempts are counted per client address and per account (``LOGIN_LIMIT_PER_IP``,
``LOGIN_LIMIT_PER_ACCOUNT``), in fixed windows, in the database by default (one atomic upsert
per key, on SQLite as on PostgreSQL) or in Redis when ``RATELIMIT_STORAGE_URL`` names one.

A flood of guesses from elsewhere must not lock the owner out (OWASP, "Slow Down Online
Guessing Attacks with Device Cookies"): a browser that signed in to an account keeps a signed
device cookie naming it, and its attempts on that account are counted against the cookie alone
(``LOGIN_LIMIT_PER_DEVICE``), not against the address or the account.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from flask import Flask, abort, after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many
from redis import Redis
from sqlalchemy import case, delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shelter.errors import render_error
from shelter.extensions import db
from shelter.models import ThrottleCounter

# What is being guessed: one set of counters each.
PASSWORD = "password"  # noqa: S105 - a name, not a secret
SECOND_STEP = "second-step"
# The per-account limit of each; only passwords are counted per trusted browser, because a
# browser earns that trust by getting the password right, which says nothing of the second step.
_ACCOUNT_LIMITS = {
    PASSWORD: "LOGIN_LIMIT_PER_ACCOUNT",
    SECOND_STEP: "SECOND_STEP_LIMIT_PER_ACCOUNT",
}
_TRUSTS_DEVICES = {PASSWORD}

DEVICE_COOKIE = "shelter_device"
DEVICE_COOKIE_DAYS = 365
_DEVICE_SALT = "shelter-device-cookie"


@dataclass(frozen=True)
class _Counter:
    key: str
    limit: int
    seconds: int


class DatabaseStore:
    """Counters in the ``throttle_counters`` table, written in the request's session."""

    def add(self, counter: _Counter, now: int) -> int:
        table = ThrottleCounter.__table__
        insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        running = table.c.expires_at > now
        statement = (
            insert(table)
            .values(key=counter.key, count=1, expires_at=now + counter.seconds)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((running, table.c.count + 1), else_=1),
                    "expires_at": case((running, table.c.expires_at), else_=now + counter.seconds),
                },
            )
            .returning(table.c.count)
        )
        return db.session.execute(statement).scalar_one()

    def take_back(self, key: str) -> None:
        db.session.execute(
            update(ThrottleCounter)
            .where(ThrottleCounter.key == key, ThrottleCounter.count > 0)
            .values(count=ThrottleCounter.count - 1)
        )

    def clear(self, key: str) -> None:
        db.session.execute(delete(ThrottleCounter).where(ThrottleCounter.key == key))

    def forget_expired(self, now: int) -> None:
        db.session.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at <= now))

    def commit(self) -> None:
        db.session.commit()


class RedisStore:
    """Counters in Redis: ``INCR`` with the window as the key's lifetime."""

    # Take one attempt back only while its window runs, never recreating an expired key.
    _TAKE_BACK = "if redis.call('exists', KEYS[1]) == 1 then redis.call('decr', KEYS[1]) end"

    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)

    def add(self, counter: _Counter, now: int) -> int:
        pipeline = self.redis.pipeline()
        pipeline.incr(counter.key)
        pipeline.expire(counter.key, counter.seconds, nx=True)
        count, _ = pipeline.execute()
        return count

    def take_back(self, key: str) -> None:
        self.redis.eval(self._TAKE_BACK, 1, key)

    def clear(self, key: str) -> None:
        self.redis.delete(key)

    def forget_expired(self, now: int) -> None:
        """Redis forgets expired keys by itself."""

    def commit(self) -> None:
        """Every Redis command is applied at once."""


def init_app(app: Flask) -> None:
    url = app.config["RATELIMIT_STORAGE_URL"]
    redis = url.startswith(("redis://", "rediss://", "unix://"))
    app.extensions["shelter_throttle"] = RedisStore(url) if redis else DatabaseStore()


def _store() -> DatabaseStore | RedisStore:
    return current_app.extensions["shelter_throttle"]


def _hashed(value: str) -> str:
    # Keys never hold an address or an email in clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _counters(action: str, scope: str, value: str, setting: str) -> list[_Counter]:
    key = f"throttle:{action}:{scope}:{_hashed(value)}"
    return [
        _Counter(f"{key}:{item.get_expiry()}", item.amount, item.get_expiry())
        for item in parse_many(current_app.config[setting])
    ]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def device_cookie_name() -> str:
    # ``__Host-`` (secure, whole site, this host only) like the session cookie in production.
    host_only = current_app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    return f"__Host-{DEVICE_COOKIE}" if host_only else DEVICE_COOKIE


def _trusted_device(account: str) -> str | None:
    """Return the id of this browser when it signed in to ``account`` before."""
    cookie = request.cookies.get(device_cookie_name())
    if not cookie:
        return None
    try:
        device = _serializer().loads(cookie, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(device, dict) or device.get("account") != _hashed(account):
        return None
    return device.get("id")


class Attempt:
    """One counted attempt at a secret; see the module's documentation."""

    def __init__(self, action: str, account: str, counters: list[_Counter], device: str | None):
        self.action, self.account, self.counters, self.device = action, account, counters, device

    def succeeded(self, trust_browser: bool = True) -> None:
        """Take the attempt back, forget the account's failures and trust this browser.

        ``trust_browser=False`` where a second step still follows: the browser is trusted
        once the whole sign-in succeeds.
        """
        if not self.counters:
            return
        store = _store()
        for counter in self.counters:
            if ":ip:" in counter.key:
                # Guesses on other accounts from this address stay counted.
                store.take_back(counter.key)
            else:
                store.clear(counter.key)
        if trust_browser:
            self._remember_device()

    def _remember_device(self) -> None:
        device = self.device or secrets.token_urlsafe(16)
        value = _serializer().dumps({"account": _hashed(self.account), "id": device})

        @after_this_request
        def set_device_cookie(response):
            response.set_cookie(
                device_cookie_name(),
                value,
                max_age=DEVICE_COOKIE_DAYS * 86400,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response


def check(action: str, account: str) -> Attempt:
    """Count an attempt at ``action``'s secret for ``account``; answer 429 when over a limit."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return Attempt(action, account, [], None)
    device = _trusted_device(account) if action in _TRUSTS_DEVICES else None
    if device is not None:
        counters = _counters(action, "device", device, "LOGIN_LIMIT_PER_DEVICE")
    else:
        counters = [
            *_counters(action, "ip", request.remote_addr or "", "LOGIN_LIMIT_PER_IP"),
            *_counters(action, "account", account, _ACCOUNT_LIMITS[action]),
        ]
    store, now = _store(), int(time.time())
    store.forget_expired(now)
    over = [counter for counter in counters if store.add(counter, now) > counter.limit]
    store.commit()
    if over:
        response = render_error(429)
        wait = max(counter.seconds for counter in over)
        abort(current_app.make_response((*response, {"Retry-After": str(wait)})))
    return Attempt(action, account, counters, device)
