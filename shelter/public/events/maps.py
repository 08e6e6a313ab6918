"""Links to a public event's place on OpenStreetMap: a plain link, no map loaded on our pages."""

from urllib.parse import urlencode

OPENSTREETMAP_SEARCH = "https://www.openstreetmap.org/search"


def openstreetmap_url(place: str) -> str:
    """Return the OpenStreetMap search for ``place`` (e.g. "Place Saint-Lambert, Liège")."""
    return f"{OPENSTREETMAP_SEARCH}?{urlencode({'query': place})}"
