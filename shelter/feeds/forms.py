from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from shelter.forms import single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.models import FeedKind


class FeedLinkForm(FlaskForm):
    """Create one more link to one of the current user's feeds, named after its device."""

    kind = HiddenField(validators=[AnyOf([kind.value for kind in FeedKind])])
    name = StringField(
        _l("Nom de l'appareil"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Donne un nom à ce lien, par exemple « Téléphone ».")),
            Length(max=40, message=_l("40 caractères au maximum.")),
        ],
    )

    def for_kind(self, kind: str) -> "FeedLinkForm":
        """Aim the form at ``kind``, with field ids of its own: the page has one form per feed."""
        self.kind.data = kind
        for field in (self.kind, self.name):
            field.id = f"{field.name}-{kind}"
            field.label.field_id = field.id
        return self
