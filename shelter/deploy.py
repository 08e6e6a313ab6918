"""Production readiness checks, printed by ``flask --app shelter check-deploy``."""

from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shelter.extensions import db
from shelter.mail.commands import FAILING_TOO_LONG
from shelter.mail.delivery import failing_since

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
    from shelter import ROOT

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
