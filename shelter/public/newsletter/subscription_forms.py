"""Forms of the newsletter subscription."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired

from shelter.auth.forms import email_field
from shelter.forms import single_line
from shelter.i18n import lazy_gettext as _l
from shelter.public.fields import HoneypotMixin


class NewsletterForm(HoneypotMixin, FlaskForm):
    email = email_field(_l("Ton adresse email"))
    consent = BooleanField(
        _l("J'accepte de recevoir la newsletter du collectif (désinscription en un clic)."),
        validators=[DataRequired(message=_l("Coche la case pour t'abonner."))],
    )


class OneClickUnsubscribeForm(FlaskForm):
    """The body a mail client posts for a one-click unsubscription (RFC 8058), without CSRF token:
    the link's own secret is what protects it."""

    class Meta:
        csrf = False

    marker = StringField(name="List-Unsubscribe", validators=[single_line])

    @property
    def is_one_click(self) -> bool:
        return self.marker.data == "One-Click"
