"""The confirmed newsletter subscribers as CSV, for the mailing tool."""

import csv
import io
from collections.abc import Callable, Iterable

from shelter.models import NewsletterSubscriber

# Spreadsheets run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def subscribers_csv(
    subscribers: Iterable[NewsletterSubscriber],
    unsubscribe_url: Callable[[NewsletterSubscriber], str],
) -> str:
    """Return one row per subscriber: email, language, confirmation date, unsubscribe link."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(["email", "language", "confirmed_at", "unsubscribe_url"])
    for subscriber in subscribers:
        writer.writerow(
            [
                _cell(subscriber.email),
                subscriber.language,
                subscriber.confirmed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                unsubscribe_url(subscriber),
            ]
        )
    return output.getvalue()
