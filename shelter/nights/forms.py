from collections.abc import Callable

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import (
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.forms import (
    LocalDateField,
    MultiCheckboxField,
    WholeNumberField,
    no_control_characters,
    sensible_year,
    single_line,
    strip,
)
from shelter.i18n import lazy_gettext as _l
from shelter.models import Place, PracticalNeed
from shelter.nights import services
from shelter.nights.queries import places_by_name


def _mirror(rule: Callable[..., None], *arguments) -> None:
    """Run a service's rule on the form's data, its refusal becoming the field's error."""
    try:
        rule(*arguments)
    except DomainError as refusal:
        raise ValidationError(refusal.message) from None


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
    weekdays = MultiCheckboxField(_l("Jours de la semaine"), coerce=int)
    capacity = capacity_field(_l("Capacité (places)"), required=False)
    note = night_note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = [(place.id, place.name) for place in places_by_name(active_only=True)]
        names = get_day_names("wide", locale=get_locale())
        self.weekdays.choices = [(day, names[day].capitalize()) for day in range(7)]

    def validate_last_date(self, field):
        if field.data is not None and self.first_date.data is not None:
            _mirror(services.check_plan_period, self.first_date.data, field.data)


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

    def __init__(self, *args, place: Place | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.place_of_stay = place

    def validate_places(self, field):
        place = self.place_of_stay
        if isinstance(field.data, int) and place is not None:
            _mirror(services.check_stay_size, field.data, place)

    def validate_departure(self, field):
        if field.data and self.arrival.data:
            _mirror(services.check_stay_dates, self.arrival.data, field.data)


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
                    NumberRange(min=0, message=_l("Ce nombre ne peut pas être négatif.")),
                ],
            ),
        )
    return WithNeeds


class EditStayForm(StayForm):
    place = SelectField(_l("Lieu"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = [(place.id, place.name) for place in places_by_name()]

    def validate_places(self, field):
        if self.place.data in dict(self.place.choices):
            self.place_of_stay = db.session.get(Place, self.place.data)
        super().validate_places(field)
