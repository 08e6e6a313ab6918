"""Languages: French by default, English complete; dates shown in Europe/Brussels."""

from datetime import UTC, date, datetime, time
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel import gettext as gettext
from flask_babel import lazy_gettext as lazy_gettext
from flask_babel import ngettext as ngettext
from flask_login import current_user

from shelter.models.nights import BRUSSELS

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def select_locale() -> str:
    """Pick the user's language, then the session's choice, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default=default)


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@lru_cache(maxsize=32768)
def _formatted(kind: str, value: date | time, pattern: str, language: str) -> str:
    # Pages show the same few hundred dates again and again; Babel takes ~0.1 ms for each.
    if kind == "date":
        return babel_dates.format_date(value, pattern, locale=language)
    if kind == "time":
        return babel_dates.format_time(value, pattern, tzinfo=BRUSSELS, locale=language)
    return babel_dates.format_datetime(value, pattern, tzinfo=BRUSSELS, locale=language)


def _local(value: datetime) -> datetime:
    """Return ``value`` in Brussels time; a naive datetime is taken as UTC."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(BRUSSELS)


def format_datetime(value: datetime, format: str = "medium") -> str:
    """Format an instant in Brussels time, in the current language."""
    return _formatted("datetime", _local(value), format, current_language())


def format_date(value: date | datetime, format: str = "medium") -> str:
    """Format a date (an instant's date in Brussels) in the current language."""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _formatted("date", value, format, current_language())


def format_time(value: time | datetime, format: str = "medium") -> str:
    """Format a time of day (an instant's, in Brussels) in the current language."""
    if isinstance(value, datetime):
        value = _local(value)
    return _formatted("time", value, format, current_language())


@lru_cache(maxsize=8192)
def _template_message(language: str, message: str) -> str:
    # Called with the current language only: the catalogue in use is that language's.
    return get_translations().ugettext(message)


@lru_cache(maxsize=8192)
def _template_plural(language: str, singular: str, plural: str, count: int) -> str:
    return get_translations().ungettext(singular, plural, count)


def init_app(app: Flask) -> None:
    # Same filters and template gettext as Flask-Babel's, remembered per language: a page
    # translates and formats hundreds of strings, most of them the same every time.
    app.jinja_env.filters.update(
        datetimeformat=format_datetime, dateformat=format_date, timeformat=format_time
    )
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: _template_message(current_language(), message),
        ngettext=lambda singular, plural, count: _template_plural(
            current_language(), singular, plural, count
        ),
        newstyle=True,
    )

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "language_names": {code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]},
        }
