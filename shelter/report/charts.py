"""Bar charts drawn by the app: the geometry here, the SVG markup in ``report/_chart.html``.

The drawing is sized for a phone (a 340-unit wide viewBox) and scales with its box, so its
text stays readable from 360 px screens up. No script: the numbers are also in a table.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from shelter.i18n import format_date
from shelter.i18n import gettext as _
from shelter.i18n import lazy_gettext as _l
from shelter.report.figures import Figures
from shelter.report.formatting import number

WIDTH = 340
HEIGHT = 180
TOP = 16  # room for the value written above the tallest bar
BOTTOM = 20  # room for the month under each bar
GAP = 0.25  # share of each slot left empty between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value_label: str
    title: str

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> float:
        return self.height - BOTTOM

    @property
    def label_y(self) -> float:
        return self.height - 5


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    value_label: str
    title: str


def bar_chart(title: str, points: Sequence[Point], ceiling: float | None = None) -> BarChart:
    """Lay out one bar per point, the tallest (or ``ceiling``) reaching the top."""
    top = ceiling or max((point.value or 0 for point in points), default=0)
    slot = WIDTH / max(len(points), 1)
    room = HEIGHT - TOP - BOTTOM
    bars = []
    for index, point in enumerate(points):
        height = room * (point.value or 0) / top if top else 0
        bars.append(
            Bar(
                x=round(index * slot + slot * GAP / 2, 2),
                y=round(TOP + room - height, 2),
                width=round(slot * (1 - GAP), 2),
                height=round(height, 2),
                label=point.label,
                value_label=point.value_label,
                title=point.title,
            )
        )
    return BarChart(title=title, bars=bars)


@dataclass(frozen=True)
class Measure:
    title: object
    value: Callable[[Figures], float | None]
    is_rate: bool = False


MONTHLY = (
    Measure(_l("Nuits ouvertes"), lambda figures: figures.nights_opened),
    Measure(_l("Nuitées offertes"), lambda figures: figures.person_nights),
    Measure(_l("Taux d'occupation (%)"), lambda figures: figures.occupancy_rate, is_rate=True),
    Measure(_l("Services couverts (%)"), lambda figures: figures.coverage_rate, is_rate=True),
    Measure(_l("Heures de bénévolat"), lambda figures: figures.volunteer_hours),
    Measure(_l("Bénévoles actifs"), lambda figures: figures.active_volunteers),
)


def _shown(value: float | None, is_rate: bool) -> str:
    # Whole numbers: a label wider than its bar would run into the next one.
    if value is None:
        return ""
    return number(round(value * 100 if is_rate else value))


def monthly_charts(months: Sequence[tuple[date, Figures]]) -> list[BarChart]:
    """Return one chart per measure over the given months."""
    charts = []
    for measure in MONTHLY:
        points = []
        for first_day, figures in months:
            value = measure.value(figures)
            shown = _shown(value, measure.is_rate)
            points.append(
                Point(
                    label=format_date(first_day, "LLLLL"),
                    value=value,
                    value_label=shown,
                    title=_(
                        "%(month)s : %(value)s",
                        month=format_date(first_day, "LLLL y"),
                        value=shown or "—",
                    ),
                )
            )
        charts.append(bar_chart(str(measure.title), points, 1 if measure.is_rate else None))
    return charts
