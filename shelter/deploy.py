"""Production readiness checks, printed by ``flask --app shelter check-deploy``."""

import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from shelter.configure import ROOT
from shelter.demo import DEMO_ACCOUNTS
from shelter.extensions import db
from shelter.mail.commands import FAILING_TOO_LONG
from shelter.mail.delivery import failing_since
from shelter.models import User
from shelter.security import hsts_header

CRON_LINES = (
    "* * * * *     flask --app shelter send-mail",
    "*/10 * * * *  flask --app shelter send-reminders",
    "17 3 * * *    flask --app shelter purge-guests",
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    blocking: bool = True

    @property
    def label(self) -> str:
        if self.ok:
            return "ok"
        return "FAIL" if self.blocking else "warn"


def deployment_checks(app: Flask) -> list[Check]:
    """Run every check against ``app``'s configuration and database."""
    config = app.config
    return [
        _secret_key_check(app),
        Check(
            "production mode",
            config["ENV"] == "production" and not app.debug,
            f"SHELTER_ENV={config['ENV']}, debug={'on' if app.debug else 'off'}",
        ),
        Check(
            "secure cookies",
            bool(config["SESSION_COOKIE_SECURE"]) and config["SESSION_COOKIE_HTTPONLY"],
            f"Secure={config['SESSION_COOKIE_SECURE']}, "
            f"HttpOnly={config['SESSION_COOKIE_HTTPONLY']}",
        ),
        *_database_checks(app),
        Check(
            "mail",
            bool(config["MAIL_SERVER"]) and not config["MAIL_SENDER"].endswith(".invalid>"),
            f"server={config['MAIL_SERVER'] or '(none: outbox files)'}, "
            f"sender={config['MAIL_SENDER']}",
        ),
        Check(
            "public address",
            config["BASE_URL"].startswith("https://"),
            f"SHELTER_BASE_URL={config['BASE_URL'] or '(unset)'}",
        ),
        _trusted_hosts_check(config),
        *_proxy_checks(config),
        _hsts_check(app),
        _instance_permissions_check(Path(app.instance_path)),
        _demo_accounts_check(app),
        *_second_factor_checks(app),
        Check(
            "shared rate limits",
            not config["RATELIMIT_STORAGE_URI"].startswith("memory://"),
            f"storage={config['RATELIMIT_STORAGE_URI']} (memory is per process: use Redis "
            "with several workers)",
            blocking=False,
        ),
    ]


def _second_factor_checks(app: Flask) -> list[Check]:
    from shelter.auth.twofactor import coordinators_without_second_factor

    required = app.config["REQUIRE_2FA_FOR_COORDINATORS"]
    policy = Check(
        "second factor for coordinators",
        required,
        f"SHELTER_REQUIRE_2FA_FOR_COORDINATORS={'on' if required else 'off'}",
        blocking=False,
    )
    try:
        missing = [user.email for user in coordinators_without_second_factor()]
    except SQLAlchemyError:
        db.session.rollback()
        return [policy]
    return [
        policy,
        Check(
            "coordinators without a second factor",
            not missing,
            ", ".join(missing) + " (asked to set one up at their next sign-in)"
            if missing
            else "none",
            blocking=False,
        ),
    ]


def _secret_key_check(app: Flask) -> Check:
    key = app.config["SECRET_KEY"] or ""
    minimum = app.config["MIN_SECRET_KEY_LENGTH"]
    development_key = Path(app.instance_path) / "secret_key"
    is_development_key = development_key.exists() and development_key.read_text().strip() == key
    if is_development_key:
        return Check("secret key", False, "the generated development key is in use")
    return Check("secret key", len(key) >= minimum, f"{len(key)} characters (minimum {minimum})")


def _database_checks(app: Flask) -> list[Check]:
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        reason = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        return [Check("database reachable", False, f"{url}: {reason}")]
    heads = set(ScriptDirectory(str(ROOT / "migrations")).get_heads())
    return [
        Check("database reachable", True, url),
        Check(
            "database migrated",
            current == heads,
            f"at {', '.join(sorted(current)) or 'nothing'}; latest {', '.join(sorted(heads))}"
            + ("" if current == heads else " — run: flask --app shelter db upgrade"),
        ),
        *([_mail_queue_check()] if current == heads else []),
    ]


def _trusted_hosts_check(config) -> Check:
    hosts = config["TRUSTED_HOSTS"] or []
    base_host = urlsplit(config["BASE_URL"]).hostname
    return Check(
        "host allow-list",
        bool(hosts) and base_host in hosts,
        f"TRUSTED_HOSTS={', '.join(hosts) or '(none: any Host header is served)'}",
    )


def _proxy_checks(config) -> list[Check]:
    hops = config["PROXY_HOPS"]
    trusted = [name for name in ("PROXY_TRUST_HOST", "PROXY_TRUST_PREFIX") if config[name]]
    return [
        Check(
            "proxy headers",
            not trusted,
            f"PROXY_HOPS={hops}; X-Forwarded-Host/-Prefix "
            + (
                f"trusted by {', '.join(trusted)}: clients could choose links"
                if trusted
                else "ignored"
            ),
        ),
        Check(
            "behind a proxy",
            hops >= 1,
            f"PROXY_HOPS={hops}"
            + (
                ""
                if hops
                else " — behind nginx set SHELTER_PROXY_HOPS=1, or client addresses "
                "and HTTPS are unknown (throttling, HSTS)"
            ),
            blocking=False,
        ),
    ]


def _hsts_check(app: Flask) -> Check:
    https = app.config["BASE_URL"].startswith("https://")
    return Check(
        "HSTS",
        https and app.config["PROXY_HOPS"] >= 1,
        f"Strict-Transport-Security: {hsts_header(app)} on HTTPS requests"
        + (
            ""
            if app.config["HSTS_INCLUDE_SUBDOMAINS"]
            else " (SHELTER_HSTS_INCLUDE_SUBDOMAINS=true to cover subdomains)"
        ),
        blocking=False,
    )


def _instance_permissions_check(instance: Path) -> Check:
    exposed = [
        path
        for path in (instance, *instance.rglob("*"))
        if stat.S_IMODE(path.stat().st_mode) & 0o077
    ]
    detail = (
        f"{instance} and its files are the owner's alone"
        if not exposed
        else f"readable by others: {', '.join(str(path) for path in exposed[:5])} — "
        f"run: chmod -R go-rwx {instance}"
    )
    return Check("instance permissions", not exposed, detail)


def _demo_accounts_check(app: Flask) -> Check:
    emails = [account.email for account in DEMO_ACCOUNTS]
    query = select(User.email).where(User.email.in_(emails), User.active.is_(True))
    try:
        with db.engine.connect() as connection:
            found = connection.scalars(query).all()
    except SQLAlchemyError:
        return Check("demo accounts", False, "cannot be checked: the database is not ready")
    return Check(
        "demo accounts",
        not found,
        "none"
        if not found
        else f"active with a published password: {', '.join(found)} — "
        "deactivate them or use a fresh database",
        blocking=app.config["ENV"] == "production",
    )


def _mail_queue_check() -> Check:
    failing = failing_since(FAILING_TOO_LONG)
    if not failing:
        return Check("mail queue", True, "no message failing for over an hour", blocking=False)
    return Check(
        "mail queue",
        False,
        f"{len(failing)} message(s) failing for over an hour, the oldest since "
        f"{failing[0].created_at:%Y-%m-%d %H:%M} UTC; latest error: {failing[-1].last_error} "
        "(see: flask --app shelter send-mail --status)",
        blocking=False,
    )
