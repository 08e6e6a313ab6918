"""Form pieces of the public site: length limits, the honeypot, date-time formats."""

from wtforms import StringField
from wtforms.validators import Length

from shelter.forms import single_line, strip
from shelter.i18n import lazy_gettext as _l


def too_long(limit: int):
    return Length(max=limit, message=_l("%(max)d caractères au maximum.", max=limit))


def upper(value: str) -> str:
    return value.upper()


class HoneypotMixin:
    """A field people never see nor fill; robots filling every field give themselves away."""

    website = StringField(_l("Ne remplis pas ce champ"), filters=[strip], validators=[single_line])

    @property
    def is_spam(self) -> bool:
        return bool(self.website.data)


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
