"""The report's figures for a month or a year, the rates drawn from them, the public counter.

Everything comes from counts kept on nights and shifts (places used per night, sign-ups per
shift), which stay when guest data is purged: no figure can name or single out a guest.
"""

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class Figures:
    """What the collective did in one month or one year (nights up to yesterday's)."""

    nights_opened: int = 0
    nights_cancelled: int = 0
    person_nights: int = 0
    # The places the opened nights offered (their capacities added up).
    places_offered: int = 0
    shifts: int = 0
    shifts_covered: int = 0
    volunteer_minutes: int = 0
    active_volunteers: int = 0
    new_volunteers: int = 0

    @property
    def occupancy_rate(self) -> float | None:
        return self.person_nights / self.places_offered if self.places_offered else None

    @property
    def coverage_rate(self) -> float | None:
        return self.shifts_covered / self.shifts if self.shifts else None

    @property
    def volunteer_hours(self) -> float:
        return self.volunteer_minutes / 60


def year_total(months: list[Figures], active_volunteers: int) -> Figures:
    """Add up a year's months; people active in several months are counted once."""
    total = {
        field.name: sum(getattr(month, field.name) for month in months) for field in fields(Figures)
    }
    return replace(Figures(**total), active_volunteers=active_volunteers)


@dataclass(frozen=True)
class Report:
    """Figures per month and per year, for the nights before ``until``."""

    until: date
    months: dict[tuple[int, int], Figures]
    years: dict[int, Figures]

    def months_of(self, year: int) -> list[tuple[date, Figures]]:
        """The months of ``year`` already begun, those without activity as zeros."""
        last = 12 if year < self.until.year else self.until.month if year == self.until.year else 0
        return [
            (date(year, month, 1), self.months.get((year, month), Figures()))
            for month in range(1, last + 1)
        ]

    @property
    def year_numbers(self) -> list[int]:
        """The years with activity, and the current one."""
        return sorted({*self.years, self.until.year})

    def year(self, year: int) -> Figures:
        return self.years.get(year, Figures())


@dataclass(frozen=True)
class PublicCounter:
    """Person-nights offered and volunteers from January to the last whole month, no finer."""

    first_month: date
    last_month: date
    person_nights: int
    volunteers: int

    @property
    def is_whole_year(self) -> bool:
        return self.first_month.month == 1 and self.last_month.month == 12

    @property
    def is_one_month(self) -> bool:
        return self.first_month == self.last_month


def counter_period(today: date) -> tuple[date, date]:
    """Return the first day counted and the first day not counted: whole months only.

    The count runs from January to the last month that is over, so it changes once a month
    and never tells which nights of the current month the house was open. In January it
    shows the whole year before.
    """
    end = today.replace(day=1)
    last_month = (end - timedelta(days=1)).replace(day=1)
    return last_month.replace(month=1), end
