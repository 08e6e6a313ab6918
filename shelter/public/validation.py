"""Checks of Belgian bank details, so that a typo never reaches the donation page."""

import re

from shelter.i18n import lazy_gettext as _l

STRUCTURED = re.compile(r"^\+{3}\s*(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})\s*\+{3}$")


def iban_problem(iban: str):
    """Return why ``iban`` is not a valid IBAN, or None (ISO 13616 mod-97 check)."""
    compact = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", compact):
        return _l("Cet IBAN n'a pas la bonne forme (ex. BE68 5390 0754 7034).")
    rearranged = compact[4:] + compact[:4]
    if int("".join(str(int(char, 36)) for char in rearranged)) % 97 != 1:
        return _l("Cet IBAN contient une faute de frappe (le contrôle ne correspond pas).")
    return None


def structured_communication_problem(text: str):
    """Return why ``text`` is not a Belgian structured communication, or None."""
    match = STRUCTURED.match(text.strip())
    if not match:
        return _l("La communication structurée a la forme +++123/4567/89012+++.")
    digits = "".join(match.groups())
    check = int(digits[:10]) % 97 or 97
    if check != int(digits[10:]):
        return _l("Cette communication structurée contient une faute de frappe.")
    return None
