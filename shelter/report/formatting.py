"""Numbers as the report shows them, in the reader's language (``1 234``, ``87 %``)."""

from flask_babel import format_decimal, format_percent

MISSING = "—"


def number(value: float) -> str:
    """A count or a number of hours, to one decimal at most."""
    return format_decimal(round(value, 1), format="#,##0.#")


def percent(rate: float | None) -> str:
    """A rate between 0 and 1 as a whole percentage; a dash when there was nothing to count."""
    return MISSING if rate is None else format_percent(rate)
