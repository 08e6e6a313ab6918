"""The report as CSV: one row per month, then one per year, the same figures as the page."""

import csv
import io

from shelter.i18n import gettext as _
from shelter.report.figures import Figures, Report


def _rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}"


def _row(period: str, figures: Figures) -> list[str]:
    return [
        period,
        str(figures.nights_opened),
        str(figures.nights_cancelled),
        str(figures.person_nights),
        str(figures.places_offered),
        _rate(figures.occupancy_rate),
        str(figures.shifts),
        str(figures.shifts_covered),
        _rate(figures.coverage_rate),
        f"{figures.volunteer_hours:.1f}",
        str(figures.active_volunteers),
        str(figures.new_volunteers),
    ]


def report_csv(report: Report) -> str:
    """Return the months of every year with activity (``2026-03``), then every year (``2026``)."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(
        [
            _("période"),
            _("nuits ouvertes"),
            _("nuits annulées"),
            _("nuitées offertes"),
            _("places offertes"),
            _("taux d'occupation (%)"),
            _("services"),
            _("services couverts"),
            _("taux de couverture (%)"),
            _("heures de bénévolat"),
            _("bénévoles actifs"),
            _("nouveaux bénévoles"),
        ]
    )
    years = sorted(report.years)
    for year in years:
        for first_day, figures in report.months_of(year):
            writer.writerow(_row(f"{first_day:%Y-%m}", figures))
    for year in years:
        writer.writerow(_row(str(year), report.year(year)))
    return output.getvalue()
