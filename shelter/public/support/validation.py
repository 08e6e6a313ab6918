"""Checks of bank details, so that a typo never reaches the donation page.

The numbers themselves are checked by python-stdnum: the IBAN's mod-97 checksum and its
country's length and layout (ISO 13616 registry), the BIC's layout (ISO 9362) and the Belgian
structured communication's check digits.
"""

import re

from stdnum import bic, iban
from stdnum.be import ogm_vcs
from stdnum.exceptions import InvalidChecksum, ValidationError

from shelter.i18n import lazy_gettext as _l

IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}")
STRUCTURED = re.compile(r"^\+{3}\s*(\d{3})\s*/\s*(\d{4})\s*/\s*(\d{5})\s*\+{3}$")


def compact_iban(value: str) -> str:
    """Return the IBAN without spaces, in capitals (``BE68539007547034``)."""
    return iban.compact(value)


def iban_problem(value: str):
    """Return why ``value`` is not a valid IBAN, or None."""
    compact = compact_iban(value)
    if not IBAN_SHAPE.fullmatch(compact):
        return _l("Cet IBAN n'a pas la bonne forme (ex. BE68 5390 0754 7034).")
    try:
        # The country's own rules (e.g. Belgian bank codes) come from a list that ages:
        # the checksum and the registry's length and layout are enough to catch a typo.
        iban.validate(compact, check_country=False)
    except InvalidChecksum:
        return _l("Cet IBAN contient une faute de frappe (le contrôle ne correspond pas).")
    except ValidationError:
        return _l(
            "Cet IBAN n'a pas la longueur ou la forme prévue pour son pays (%(country)s).",
            country=compact[:2],
        )
    return None


def bic_problem(value: str):
    """Return why ``value`` is not a valid BIC, or None."""
    try:
        bic.validate(value)
    except ValidationError:
        return _l("Ce BIC n'a pas la bonne forme : 8 ou 11 caractères, ex. GEBABEBB.")
    return None


def structured_communication_problem(text: str):
    """Return why ``text`` is not a Belgian structured communication, or None."""
    if not STRUCTURED.match(text.strip()):
        return _l("La communication structurée a la forme +++123/4567/89012+++.")
    try:
        ogm_vcs.validate(text)
    except ValidationError:
        return _l("Cette communication structurée contient une faute de frappe.")
    return None


def structured_communication_digits(text: str) -> str:
    """Return the 12 digits of a valid structured communication (``090933755493``)."""
    return ogm_vcs.compact(text)


def format_structured_communication(text: str) -> str:
    """Return a valid structured communication as Belgian banks print it."""
    return f"+++{ogm_vcs.format(text)}+++"
