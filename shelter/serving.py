"""Serving behind a reverse proxy, with request logs that never hold a secret."""

from flask import Flask
from gunicorn.glogging import Logger
from werkzeug.middleware.proxy_fix import ProxyFix

# Single-use links carry their token in the path.
SECRET_PATH_PREFIXES = ("/mot-de-passe/", "/invitation/")


def loggable_path(path: str) -> str:
    """Return ``path`` without its query string (feed tokens) and with link tokens masked."""
    path = path.split("?", 1)[0]
    for prefix in SECRET_PATH_PREFIXES:
        if path.startswith(prefix):
            return prefix + "***"
    return path


class AccessLogger(Logger):
    """gunicorn's logger, writing request lines without query strings, tokens or referrers."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = loggable_path(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        atoms["r"] = f"{atoms['m']} {path} {atoms['H']}"
        atoms["U"] = loggable_path(environ.get("PATH_INFO") or "")
        atoms["q"] = "-"
        atoms["f"] = "-"
        return {key: value for key, value in atoms.items() if not key.endswith("}i")}


def init_app(app: Flask) -> None:
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=hops,
            x_proto=hops,
            x_host=hops if app.config["PROXY_TRUST_HOST"] else 0,
            x_prefix=hops if app.config["PROXY_TRUST_PREFIX"] else 0,
        )
