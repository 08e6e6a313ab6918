"""Absolute links for emails and feeds, also outside a request (cron commands)."""

from collections.abc import Callable

from flask import current_app, has_request_context, request


def url_builder() -> Callable[..., str]:
    """Return ``build(endpoint, **values)`` giving absolute URLs, based on ``BASE_URL`` if set.

    The URL map is bound once, so a feed linking a year of nights builds its links cheaply.
    """
    base_url = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context() and not base_url:
        adapter = current_app.create_url_adapter(request)
    else:
        scheme, _, rest = (base_url or "http://localhost:5000").partition("://")
        server, _, script_root = rest.partition("/")
        adapter = current_app.url_map.bind(
            server, script_name="/" + script_root if script_root else "/", url_scheme=scheme
        )
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of ``endpoint``, based on ``BASE_URL`` when it is set."""
    return url_builder()(endpoint, **values)
