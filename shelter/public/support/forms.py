"""Forms of the support page: a material need, a donation amount."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, ValidationError

from shelter.forms import single_line, strip
from shelter.i18n import lazy_gettext as _l
from shelter.public.fields import too_long
from shelter.public.support.donations import parse_amount


class NeedForm(FlaskForm):
    item = StringField(
        _l("Ce dont on a besoin"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique ce dont vous avez besoin.")),
            too_long(120),
        ],
    )
    quantity = StringField(_l("Quantité"), filters=[strip], validators=[single_line, too_long(60)])
    urgent = BooleanField(_l("Urgent"))


class DonationAmountForm(FlaskForm):
    """The amount a visitor picks for the payment QR code, sent in the query string."""

    class Meta:
        csrf = False

    amount = StringField(
        _l("Autre montant (€)"), name="montant", filters=[strip], validators=[single_line]
    )

    def validate_amount(self, field):
        if parse_amount(field.data) is None:
            raise ValidationError(
                _l(
                    "Indique un montant en euros entre 0,01 et 999 999 999,99, "
                    "par exemple 15 ou 7,50."
                )
            )

    @property
    def chosen_amount(self) -> Decimal | None:
        return parse_amount(self.amount.data or "")
