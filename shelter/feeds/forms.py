from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf

from shelter.models import FeedKind


class FeedLinkForm(FlaskForm):
    """Create or replace one of the current user's feed links."""

    kind = HiddenField(validators=[AnyOf([kind.value for kind in FeedKind])])
