"""Members' phone numbers: read as typed (Belgian or international), kept in E.164, shown grouped.

``phonenumbers`` is Google's libphonenumber: it knows each country's lengths and prefixes, so
"0470 12 34 56", "+32 470 12 34 56" and "0032470123456" are one number, and "0470 12" is none.
"""

import phonenumbers

DEFAULT_REGION = "BE"


def normalise_phone(text: str) -> str | None:
    """Return the number in E.164 (+32470123456), or None when it is not a valid number."""
    text = text.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """Return e.g. "+32 470 12 34 56" (the way it is read aloud); empty for no number."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
