"""Numbers as the report shows them, in the reader's language (``1 234``, ``87 %``)."""

from functools import lru_cache

from babel import numbers

from shelter.i18n import current_language

MISSING = "—"


@lru_cache(maxsize=4096)
def _formatted(kind: str, value: float, language: str) -> str:
    # A report formats a few hundred numbers, mostly the same small ones; Babel takes ~0.1 ms each.
    if kind == "percent":
        return numbers.format_percent(value, locale=language)
    return numbers.format_decimal(value, format="#,##0.#", locale=language)


def number(value: float) -> str:
    """A count or a number of hours, to one decimal at most."""
    return _formatted("decimal", round(value, 1), current_language())


def percent(rate: float | None) -> str:
    """A rate between 0 and 1 as a whole percentage; a dash when there was nothing to count."""
    return MISSING if rate is None else _formatted("percent", round(rate, 4), current_language())
