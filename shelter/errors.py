"""Error pages in the user's language, never with a traceback or data."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l

MESSAGES = {
    400: (_l("Requête incorrecte"), _l("Le formulaire envoyé n'a pas pu être lu. Réessaie.")),
    403: (_l("Accès refusé"), _l("Tu n'as pas accès à cette page.")),
    404: (_l("Page introuvable"), _l("Cette page n'existe pas ou plus.")),
    405: (_l("Méthode non permise"), _l("Cette adresse ne s'utilise pas ainsi.")),
    413: (_l("Envoi trop volumineux"), _l("Ce que tu as envoyé est trop long.")),
    415: (
        _l("Format non accepté"),
        _l("Envoie ce formulaire depuis la page du site : ce format n'est pas accepté."),
    ),
    429: (
        _l("Trop de tentatives"),
        _l("Trop de tentatives en peu de temps. Réessaie dans quelques minutes."),
    ),
    500: (
        _l("Erreur du serveur"),
        _l("Quelque chose s'est mal passé de notre côté. Rien n'a été enregistré ; réessaie."),
    ),
}


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    return (
        render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        ),
        code,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, _l("Le formulaire a expiré ou a déjà été envoyé. Recharge la page et réessaie.")
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A request for a host other than BASE_URL's: no page can link anywhere from there.
        return "Unknown host.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:
            # An answer built on purpose (``abort(response)``, a rate limit's own reply).
            return error.response
        response = render_error(error.code)
        if error.code == 405 and error.valid_methods:
            return (*response, {"Allow": ", ".join(error.valid_methods)})
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
