"""Password rules: long enough and not a well-known password; no composition rules."""

from functools import cache
from pathlib import Path

from flask import current_app

from shelter.i18n import lazy_gettext as _l

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Return why ``password`` is refused, or None when it is acceptable."""
    minimum = current_app.config["MIN_PASSWORD_LENGTH"]
    if len(password) < minimum:
        return _l("Le mot de passe doit faire au moins %(count)d caractères.", count=minimum)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 3:
        return _l("Ce mot de passe est trop courant. Choisis-en un autre, par exemple une phrase.")
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        return _l("Le mot de passe ne peut pas être ton adresse email.")
    return None
