from babel.dates import get_day_names
from flask_babel import get_locale
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from shelter.extensions import db
from shelter.forms import (
    LocalDateField,
    WholeNumberField,
    no_control_characters,
    sensible_year,
    single_line,
    strip,
)
from shelter.i18n import lazy_gettext as _l
from shelter.models import Place, PracticalNeed

MAX_PLANNED_DAYS = 366
MAX_STAY_PLACES = 10
MAX_STAY_NIGHTS = 366


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def place_choices(active_only: bool = True) -> list[tuple[int, str]]:
    query = select(Place.id, Place.name).order_by(Place.name, Place.id)
    if active_only:
        query = query.where(Place.active.is_(True))
    return [(place_id, name) for place_id, name in db.session.execute(query)]


def capacity_field(label, required: bool):
    return WholeNumberField(
        label,
        validators=[
            InputRequired(message=_l("Indique un nombre de places.")) if required else Optional(),
            NumberRange(min=0, message=_l("La capacité ne peut pas être négative.")),
        ],
    )


def night_note_field():
    return TextAreaField(
        _l("Note pour les bénévoles"),
        filters=[strip],
        validators=[
            no_control_characters,
            Length(max=500, message=_l("500 caractères au maximum.")),
        ],
    )


class PlanNightsForm(FlaskForm):
    place = SelectField(_l("Lieu"), coerce=int)
    first_date = LocalDateField(
        _l("Première nuit"),
        validators=[InputRequired(message=_l("Indique une date.")), sensible_year],
    )
    last_date = LocalDateField(_l("Dernière nuit"), validators=[Optional(), sensible_year])
    weekdays = CheckboxesField(_l("Jours de la semaine"), coerce=int)
    capacity = capacity_field(_l("Capacité (places)"), required=False)
    note = night_note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = place_choices()
        names = get_day_names("wide", locale=get_locale())
        self.weekdays.choices = [(day, names[day].capitalize()) for day in range(7)]

    def validate_last_date(self, field):
        if field.data is None or self.first_date.data is None:
            return
        if field.data < self.first_date.data:
            raise ValidationError(_l("La dernière nuit ne peut pas précéder la première."))
        if (field.data - self.first_date.data).days >= MAX_PLANNED_DAYS:
            raise ValidationError(_l("Planifie au plus un an à la fois."))


class NightForm(FlaskForm):
    capacity = capacity_field(_l("Capacité (places)"), required=True)
    note = night_note_field()


class CancelNightForm(FlaskForm):
    reason = StringField(
        _l("Raison de l'annulation"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique la raison de l'annulation.")),
            Length(max=200, message=_l("200 caractères au maximum.")),
        ],
    )


class StayForm(FlaskForm):
    alias = StringField(
        _l("Prénom ou pseudonyme"),
        filters=[strip],
        validators=[
            single_line,
            DataRequired(message=_l("Indique un prénom ou un pseudonyme.")),
            Length(max=40, message=_l("40 caractères au maximum.")),
        ],
    )
    places = WholeNumberField(
        _l("Nombre de places"),
        default=1,
        validators=[
            InputRequired(message=_l("Indique un nombre de places.")),
            NumberRange(
                min=1,
                max=MAX_STAY_PLACES,
                message=_l("Un séjour compte de 1 à %(max)d places.", max=MAX_STAY_PLACES),
            ),
        ],
    )
    arrival = LocalDateField(
        _l("Arrivée (soir)"),
        validators=[InputRequired(message=_l("Indique une date.")), sensible_year],
    )
    departure = LocalDateField(
        _l("Départ (matin)"),
        validators=[InputRequired(message=_l("Indique une date.")), sensible_year],
    )
    note = TextAreaField(
        _l("Besoins pratiques"),
        filters=[strip],
        validators=[
            no_control_characters,
            Length(max=200, message=_l("200 caractères au maximum.")),
        ],
    )

    def validate_departure(self, field):
        if field.data and self.arrival.data and field.data <= self.arrival.data:
            raise ValidationError(_l("Le départ doit être au moins le lendemain de l'arrivée."))
        if (
            field.data
            and self.arrival.data
            and (field.data - self.arrival.data).days > MAX_STAY_NIGHTS
        ):
            raise ValidationError(_l("Un séjour dure au plus %(max)d nuits.", max=MAX_STAY_NIGHTS))


class NeedsMixin:
    """One number per practical need of the list: how many of the stay's people have it."""

    def need_fields(self) -> list:
        return [field for field in self if field.name.startswith(NEED_PREFIX)]

    def people_by_need(self) -> dict[int, int]:
        return {
            int(field.name.removeprefix(NEED_PREFIX)): field.data or 0
            for field in self.need_fields()
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        places = self.places.data or 0
        for field in self.need_fields():
            if field.data and places and field.data > places:
                field.errors.append(
                    _l("Au plus %(num)d : le nombre de places du séjour.", num=places)
                )
                valid = False
        return valid


NEED_PREFIX = "need_"


def with_needs(form_class: type, needs: list[PracticalNeed]) -> type:
    """Return ``form_class`` with a number field for each need of the list."""
    language = str(get_locale() or "fr")

    class WithNeeds(NeedsMixin, form_class):
        pass

    for need in needs:
        setattr(
            WithNeeds,
            f"{NEED_PREFIX}{need.id}",
            WholeNumberField(
                need.label(language),
                default=0,
                validators=[
                    Optional(),
                    NumberRange(
                        min=0, max=MAX_STAY_PLACES, message=_l("Entre %(min)s et %(max)s.")
                    ),
                ],
            ),
        )
    return WithNeeds


class EditStayForm(StayForm):
    place = SelectField(_l("Lieu"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = place_choices(active_only=False)
