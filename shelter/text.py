"""Text written into XML and iCalendar files."""

import re

# Characters neither XML 1.0 nor iCalendar TEXT may hold (tab and line breaks are fine).
NOT_IN_FEEDS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def feed_text(text: str) -> str:
    """Return ``text`` without the control characters that would make a feed invalid."""
    return NOT_IN_FEEDS.sub("", text)
