"""Languages: French by default, English complete; dates shown in Europe/Brussels.

Every translated string goes through ``_message`` or ``_plural`` below (Python code, templates,
emails and feeds alike), where French text gets its typography.
"""

import re
from datetime import UTC, date, datetime, time
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, current_app, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user

from shelter.clock import BRUSSELS

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
# The messages are written in French: French has no catalogue of its own.
SOURCE_LANGUAGE = "fr"

NARROW_NO_BREAK_SPACE = "\u202f"
# A plain or no-break space before a high sign, then around guillemets. Only spaces already
# there are replaced (and guillemets always get theirs), so that URLs ("https://", "?page=2"),
# times ("18:00") and entities ("&amp;") are never touched.
_SPACE_BEFORE_SIGN = re.compile(r"[ \u00a0]+(?=[:;!?])")
_AFTER_OPENING_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")


def french_typography(text: str) -> str:
    """Put a narrow no-break space before « : ; ! ? » and inside « », so no sign starts a line."""
    text = _SPACE_BEFORE_SIGN.sub(NARROW_NO_BREAK_SPACE, text)
    text = _AFTER_OPENING_GUILLEMET.sub("«" + NARROW_NO_BREAK_SPACE, text)
    return _BEFORE_CLOSING_GUILLEMET.sub(NARROW_NO_BREAK_SPACE + "»", text)


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
    locale = get_locale()
    if locale is not None:
        return str(locale)
    # Outside an application (a form class built at import time), messages stay as written.
    return current_app.config["BABEL_DEFAULT_LOCALE"] if has_app_context() else SOURCE_LANGUAGE


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


def format_day(value: date | datetime, format: str = "EEE d MMM") -> str:
    """Format a day, with its year when it is not the current one."""
    if isinstance(value, datetime):
        value = _local(value).date()
    if value.year != datetime.now(BRUSSELS).year:
        format += " y"
    return _formatted("date", value, format, current_language())


def capitalize_first(text: str) -> str:
    """Capitalise the first letter only ("vendredi 4 décembre" → "Vendredi 4 décembre")."""
    return text[:1].upper() + text[1:]


def _typeset(language: str, text: str) -> str:
    return french_typography(text) if language == "fr" else text


@lru_cache(maxsize=8192)
def _message(language: str, message: str) -> str:
    # Called with the current language only: the catalogue in use is that language's.
    return _typeset(language, get_translations().ugettext(message))


@lru_cache(maxsize=8192)
def _plural(language: str, singular: str, plural: str, count: int) -> str:
    if language == SOURCE_LANGUAGE:
        # French takes the singular for 0 and 1 ("0 nuit planifiée"); gettext's default
        # rule without a catalogue would say "0 nuits".
        return _typeset(language, singular if abs(count) < 2 else plural)
    return _typeset(language, get_translations().ungettext(singular, plural, count))


def gettext(message: str, **variables) -> str:
    """Translate ``message`` into the current language, then fill in ``variables``."""
    text = _message(current_language(), message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate the form of ``singular``/``plural`` that ``num`` takes, then fill it in."""
    variables.setdefault("num", num)
    return _plural(current_language(), singular, plural, num) % variables


def lazy_gettext(message: str, **variables) -> LazyString:
    """Translate ``message`` when it is shown (form labels, module-level texts)."""
    return LazyString(gettext, message, **variables)


def init_app(app: Flask) -> None:
    # The template gettext and filters remember their results per language: a page
    # translates and formats hundreds of strings, most of them the same every time.
    app.jinja_env.filters.update(
        datetimeformat=format_datetime,
        dateformat=format_date,
        timeformat=format_time,
        dayformat=format_day,
        capfirst=capitalize_first,
    )
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: _message(current_language(), message),
        ngettext=lambda singular, plural, count: _plural(
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
