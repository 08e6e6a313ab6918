"""Serving behind a reverse proxy, with request logs that never hold a secret."""

import re

from flask import Flask
from gunicorn.glogging import Logger
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import Rule

MASK = "***"
# A URL argument whose name holds this word carries a secret (invitation, reset, newsletter...).
TOKEN_ARGUMENT = "token"  # noqa: S105 - a name, not a secret
RULE_PART = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# One pattern per route carrying a token in its path, taken from the URL map of the app served.
_TOKEN_ROUTES: dict[str, re.Pattern] = {}


def token_route_pattern(rule: Rule) -> re.Pattern | None:
    """Return a pattern matching ``rule``'s paths, each token in a group, or None without one."""
    if not any(TOKEN_ARGUMENT in name for name in rule.arguments):
        return None
    pattern, end = [], 0
    for part in RULE_PART.finditer(rule.rule):
        pattern.append(re.escape(rule.rule[end : part.start()]))
        pattern.append("([^/]+)" if TOKEN_ARGUMENT in part.group(1) else "(?:[^/]+)")
        end = part.end()
    pattern.append(re.escape(rule.rule[end:]))
    return re.compile("".join(pattern))


def mask_token_routes(app: Flask) -> None:
    """Learn the routes whose path carries a token, so that logs mask it."""
    for rule in app.url_map.iter_rules():
        pattern = token_route_pattern(rule)
        if pattern is not None:
            _TOKEN_ROUTES[rule.rule] = pattern


def loggable_path(path: str) -> str:
    """Return ``path`` without its query string (feed tokens) and with path tokens masked."""
    path = path.split("?", 1)[0]
    for pattern in _TOKEN_ROUTES.values():
        found = pattern.fullmatch(path)
        if found is None:
            continue
        masked, end = [], 0
        for group in range(1, found.lastindex + 1):
            masked.append(path[end : found.start(group)] + MASK)
            end = found.end(group)
        return "".join(masked) + path[end:]
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
