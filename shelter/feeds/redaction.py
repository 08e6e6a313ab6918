"""Keep feed tokens out of every log: request lines carry them in the query string."""

import logging
import re

from flask import Flask

TOKEN_IN_QUERY = re.compile(r"((?:^|[?&;])token=)[^&;\s\"']+", re.IGNORECASE)
REDACTED = r"\1[redacted]"
# The development server, gunicorn's access and error logs, and the app's own logger.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(value: object) -> object:
    return TOKEN_IN_QUERY.sub(REDACTED, value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Rewrite a log record so that no ``token=`` query parameter keeps its value."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            # gunicorn passes its access-log atoms as a dict subclass: change it in place.
            for key, value in list(record.args.items()):
                record.args[key] = redact(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(value) for value in record.args)
        return True


def install_log_redaction(app: Flask) -> None:
    """Attach the filter to the request loggers (once per logger)."""
    for name in (*REQUEST_LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
