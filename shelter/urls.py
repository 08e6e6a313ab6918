"""Absolute links for emails and feeds, also outside a request (cron commands)."""

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of ``endpoint``, based on ``BASE_URL`` when it is set."""
    base_url = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context() and not base_url:
        return url_for(endpoint, _external=True, **values)
    base_url = base_url or "http://localhost:5000"
    scheme, _, rest = base_url.partition("://")
    server, _, script_root = rest.partition("/")
    adapter = current_app.url_map.bind(
        server, script_name="/" + script_root if script_root else "/", url_scheme=scheme
    )
    return adapter.build(endpoint, values, force_external=True)
