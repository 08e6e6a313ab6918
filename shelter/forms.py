"""Form pieces shared by every blueprint."""

import re

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from shelter.i18n import lazy_gettext as _l

# The years the app handles: a date outside them is a typo, and near the ends of the
# datetime range it would overflow when shifts, feeds or time zones are computed.
FIRST_YEAR, LAST_YEAR = 2000, 2100


# Invisible characters that break emails, feeds and pages: C0 and C1 controls, DEL, the Unicode
# line and paragraph separators and the bidirectional overrides that disguise text.
_INVISIBLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
NOT_ONE_LINE = re.compile(f"[{_INVISIBLE}\t\n\r]")
NOT_PLAIN_TEXT = re.compile(f"[{_INVISIBLE}]")


def single_line(form, field) -> None:
    """Refuse line breaks and control characters in a one-line field (names, titles, subjects)."""
    if isinstance(field.data, str) and NOT_ONE_LINE.search(field.data):
        raise ValidationError(_l("Une seule ligne, sans caractères invisibles."))


def no_control_characters(form, field) -> None:
    """Refuse control characters in a text of several lines (line breaks and tabs are fine)."""
    if isinstance(field.data, str) and NOT_PLAIN_TEXT.search(field.data):
        raise ValidationError(_l("Ce texte contient des caractères invisibles : retire-les."))


def strip(value: str | None) -> str:
    # A text field missing from the posted form arrives as None: read it as empty.
    return value.strip() if isinstance(value, str) else ""


def sensible_year(form, field) -> None:
    """Refuse a date (or date and time) outside the years the app handles."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l("Indique une date entre %(first)d et %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class LocalDateField(DateField):
    """A date field whose parse error speaks the user's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Indique une date valide (jj/mm/aaaa).")) from None


class WholeNumberField(IntegerField):
    """An integer field whose parse error speaks the user's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Indique un nombre entier.")) from None


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for action buttons."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
