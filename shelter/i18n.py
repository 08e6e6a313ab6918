"""Languages: French by default, English complete; dates shown in Europe/Brussels."""

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import gettext as gettext
from flask_babel import lazy_gettext as lazy_gettext
from flask_babel import ngettext as ngettext
from flask_login import current_user

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


def init_app(app: Flask) -> None:
    @app.context_processor
    def language_context():
        return {
            "current_language": current_language(),
            "language_names": {code: LANGUAGE_NAMES[code] for code in app.config["LANGUAGES"]},
        }
