"""Short localised descriptions of shifts and nights, for messages, emails and summaries."""

from shelter.i18n import format_datetime, format_time, ngettext, night_label
from shelter.i18n import gettext as _
from shelter.models import Shift


def shift_hours(shift: Shift) -> str:
    return f"{format_time(shift.starts_at, 'HH:mm')}–{format_time(shift.ends_at, 'HH:mm')}"


def shift_label(shift: Shift) -> str:
    """Return e.g. "Repas, ven. 11 déc. 18:00–21:00" in the current language."""
    return f"{shift.name}, {format_datetime(shift.starts_at, 'EEE d MMM')} {shift_hours(shift)}"


def shortfall(shift: Shift) -> str:
    """Return what an uncovered shift lacks, e.g. "2 personnes", "un·e référent·e" or both."""
    parts = []
    if shift.missing:
        parts.append(ngettext("%(num)d personne", "%(num)d personnes", shift.missing))
    if shift.missing_leads:
        parts.append(
            ngettext("%(num)d référent·e", "%(num)d référent·es", shift.missing_leads)
            if shift.missing_leads > 1
            else _("un·e référent·e")
        )
    return _(" et ").join(parts)


def gaps_summary(groups, link: str) -> str:
    """Return the plain-text list of gaps, ready to paste into a messaging group."""
    if not groups:
        return _("Tous les services des prochaines semaines sont couverts. Merci !")
    lines = [_("Il manque du monde pour les prochaines nuits d'accueil :")]
    for group in groups:
        lines.append("")
        lines.append(night_label(group.night.date))
        for shift in group.shifts:
            label = f"{shift.name} {shift_hours(shift)}"
            lines.append("- " + _("%(label)s : %(value)s", label=label, value=shortfall(shift)))
    lines.append("")
    lines.append(_("Pour t'inscrire : %(link)s", link=link))
    return "\n".join(lines)
