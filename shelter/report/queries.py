"""The report's reads: a few aggregate queries, the same number whatever the years hold.

They run on SQLite and PostgreSQL alike. Nights count by their date (the evening they open);
a shift counts with its night. Only planned nights and shifts count, cancelled nights apart.
"""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Integer, cast, distinct, extract, func, literal_column, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from shelter.extensions import db
from shelter.models import Night, NightStatus, Shift, SignUp
from shelter.report.figures import Figures, PublicCounter, Report, counter_period, year_total


class minutes_between(FunctionElement):
    """Whole minutes from the first instant to the second."""

    type = Integer()
    inherit_cache = True


@compiles(minutes_between)
def _minutes_between_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 1440) AS INTEGER)"


@compiles(minutes_between, "postgresql")
def _minutes_between_postgresql(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start})) / 60) AS INTEGER)"


def _year(column):
    return cast(extract("year", column), Integer)


def _month(column):
    return cast(extract("month", column), Integer)


def _nights_between(start: date | None, end: date):
    conditions = [Night.date < end]
    if start is not None:
        conditions.append(Night.date >= start)
    return conditions


def _counted_shifts(start: date | None, end: date):
    """Planned shifts of planned nights in [start, end), joined to their night."""
    return (
        select()
        .select_from(Shift)
        .join(Night, Shift.night_id == Night.id)
        .where(
            *_nights_between(start, end),
            Night.status == NightStatus.PLANNED,
            Shift.status == NightStatus.PLANNED,
        )
    )


def _counted_signups(start: date | None, end: date):
    return _counted_shifts(start, end).join(SignUp, SignUp.shift_id == Shift.id)


def impact_report(until: date) -> Report:
    """Return the figures of every month and year, for the nights before ``until`` (4 queries)."""
    months: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    year_actives: dict[int, int] = {}
    year, month = _year(Night.date), _month(Night.date)

    nights = select(
        year,
        month,
        func.count().filter(Night.status == NightStatus.PLANNED),
        func.count().filter(Night.status == NightStatus.CANCELLED),
        func.coalesce(func.sum(Night.places_used).filter(Night.status == NightStatus.PLANNED), 0),
        func.coalesce(func.sum(Night.capacity).filter(Night.status == NightStatus.PLANNED), 0),
    ).where(*_nights_between(None, until))
    for y, m, opened, cancelled, person_nights, places in db.session.execute(
        nights.group_by(year, month)
    ):
        months[y, m].update(
            nights_opened=opened,
            nights_cancelled=cancelled,
            person_nights=person_nights,
            places_offered=places,
        )

    shift_minutes = minutes_between(Shift.starts_at, Shift.ends_at)
    shifts = _counted_shifts(None, until).add_columns(
        year,
        month,
        func.count(),
        func.count().filter(Shift.is_covered),
        func.coalesce(func.sum(Shift.signup_count * shift_minutes), 0),
    )
    for y, m, total, covered, minutes in db.session.execute(shifts.group_by(year, month)):
        months[y, m].update(shifts=total, shifts_covered=covered, volunteer_minutes=minutes)

    # People active in a month, and in a year (month 0): not the sum of its months.
    people = distinct(SignUp.user_id)
    active = union_all(
        _counted_signups(None, until)
        .add_columns(year, month, func.count(people))
        .group_by(year, month),
        _counted_signups(None, until)
        .add_columns(year, literal_column("0"), func.count(people))
        .group_by(year),
    )
    for y, m, count in db.session.execute(active):
        if m == 0:
            year_actives[y] = count
        else:
            months[y, m]["active_volunteers"] = count

    # New volunteers: counted in the month of their first shift.
    first = (
        _counted_signups(None, until)
        .add_columns(SignUp.user_id, func.min(Night.date).label("first_night"))
        .group_by(SignUp.user_id)
        .subquery()
    )
    first_year, first_month = _year(first.c.first_night), _month(first.c.first_night)
    for y, m, count in db.session.execute(
        select(first_year, first_month, func.count()).group_by(first_year, first_month)
    ):
        months[y, m]["new_volunteers"] = count

    by_month = {key: Figures(**values) for key, values in months.items()}
    years = {
        y: year_total(
            [figures for (year_of, _), figures in by_month.items() if year_of == y],
            year_actives.get(y, 0),
        )
        for y in {y for y, _ in by_month}
    }
    return Report(until=until, months=by_month, years=years)


def public_counter(today: date) -> PublicCounter:
    """Person-nights offered and people who took a shift, January to the last whole month."""
    start, end = counter_period(today)
    person_nights = (
        select(func.coalesce(func.sum(Night.places_used), 0))
        .where(*_nights_between(start, end), Night.status == NightStatus.PLANNED)
        .scalar_subquery()
    )
    volunteers = (
        _counted_signups(start, end).add_columns(func.count(distinct(SignUp.user_id)))
    ).scalar_subquery()
    row = db.session.execute(select(person_nights, volunteers)).one()
    return PublicCounter(
        first_month=start,
        last_month=(end - timedelta(days=1)).replace(day=1),
        person_nights=row[0],
        volunteers=row[1],
    )
