"""Languages: French by default, English complete; dates shown in Europe/Brussels.

Every translated string goes through ``_message`` or ``_plural`` below (Python code, templates,
emails and feeds alike), where French text gets its typography.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache

from babel import dates as babel_dates
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


@dataclass(frozen=True)
class Language:
    code: str
    translations: NullTranslations


# Outside an application (a form class built at import time), messages stay as written.
_AS_WRITTEN = Language(SOURCE_LANGUAGE, NullTranslations())


def _language() -> Language:
    """Return the language in use, resolved once per request (or per ``force_language`` block)."""
    if not has_app_context():
        return _AS_WRITTEN
    language = g.get("shelter_language")
    if language is None:
        locale = get_locale()
        code = str(locale) if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
        language = g.shelter_language = Language(code, get_translations())
    return language


def current_language() -> str:
    return _language().code


@contextmanager
def force_language(language: str) -> Iterator[None]:
    """Translate and format in ``language`` inside the block (emails, feeds)."""
    if not has_app_context():
        yield
        return
    previous = g.pop("shelter_language", None)
    try:
        with force_locale(language):
            yield
    finally:
        g.pop("shelter_language", None)
        if previous is not None:
            g.shelter_language = previous


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


def night_label(day: date, long: bool = False) -> str:
    """Name a night by its evening: "ven. 11 déc.", or "vendredi 11 décembre 2026" when long."""
    return format_date(day, "EEEE d MMMM yyyy" if long else "EEE d MMM")


def capitalize_first(text: str) -> str:
    """Capitalise the first letter only ("vendredi 4 décembre" → "Vendredi 4 décembre")."""
    return text[:1].upper() + text[1:]


def _typeset(language: str, text: str) -> str:
    return french_typography(text) if language == "fr" else text


def _message(message: str) -> str:
    language = _language()
    return _typeset(language.code, language.translations.ugettext(message))


def _plural(singular: str, plural: str, count: int) -> str:
    language = _language()
    if language.code == SOURCE_LANGUAGE:
        # French takes the singular for 0 and 1 ("0 nuit planifiée"); gettext's default
        # rule without a catalogue would say "0 nuits".
        return _typeset(language.code, singular if abs(count) < 2 else plural)
    return _typeset(language.code, language.translations.ungettext(singular, plural, count))


def gettext(message: str, **variables) -> str:
    """Translate ``message`` into the current language, then fill in ``variables``."""
    text = _message(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate the form of ``singular``/``plural`` that ``num`` takes, then fill it in."""
    variables.setdefault("num", num)
    return _plural(singular, plural, num) % variables


@pass_context
def _template_gettext(context, message: str, **variables) -> str:
    # Jinja's newstyle ``_()`` without its two extra indirections (a page calls it ~150 times).
    text = _message(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (the catalogue is ours, as in Jinja's own gettext)
    return text % variables


def lazy_gettext(message: str, **variables) -> LazyString:
    """Translate ``message`` when it is shown (form labels, module-level texts)."""
    return LazyString(gettext, message, **variables)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetimeformat=format_datetime,
        dateformat=format_date,
        timeformat=format_time,
        dayformat=format_day,
        capfirst=capitalize_first,
    )
    app.jinja_env.install_gettext_callables(gettext=_message, ngettext=_plural, newstyle=True)
    app.jinja_env.globals["_"] = _template_gettext

    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "language_names": {code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]},
        }
