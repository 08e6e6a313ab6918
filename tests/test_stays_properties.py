"""Property test: whatever coordinators do to stays and nights, no night is ever over capacity."""

from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import Night, Stay
from shelter.nights import services
from tests.factories import make_night, make_place, make_user

DAYS = 5
BEDS = 4
START = date(2030, 12, 1)


def delete_all_rows() -> None:
    # Much quicker than TRUNCATE on PostgreSQL for these few rows.
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


class StaysMachine(RuleBasedStateMachine):
    """Drives the services and compares the stored totals with a plain model."""

    def __init__(self) -> None:
        super().__init__()
        db.session.rollback()
        delete_all_rows()
        self.actor = make_user(role="coordinator")
        self.place = make_place(beds=BEDS)
        self.night_ids = [make_night(START + timedelta(days=i), self.place).id for i in range(DAYS)]
        self.capacity = [BEDS] * DAYS
        self.planned = [True] * DAYS
        # stay id -> (first night index, nights, places)
        self.stays: dict[int, tuple[int, int, int]] = {}

    def used(self, day: int, without: int | None = None) -> int:
        return sum(
            places
            for stay_id, (first, nights, places) in self.stays.items()
            if stay_id != without and first <= day < first + nights
        )

    def fits(self, first: int, nights: int, places: int, without: int | None = None) -> bool:
        old = self.stays.get(without)
        for day in range(first, first + nights):
            already = old is not None and old[0] <= day < old[0] + old[1]
            grows = not already or places > old[2]
            if grows and (day >= DAYS or not self.planned[day]):
                return False
            if day < DAYS and self.used(day, without) + places > self.capacity[day]:
                return False
        return True

    def attempt(self, action) -> bool:
        """Run ``action``; commit on success, roll back on a refusal; return whether it passed."""
        try:
            result = action()
        except DomainError:
            db.session.rollback()
            return False
        db.session.commit()
        return result is not False

    def pick(self, index: int) -> int:
        return sorted(self.stays)[index % len(self.stays)]

    @rule(first=st.integers(0, DAYS - 1), nights=st.integers(1, 3), places=st.integers(1, BEDS))
    def book(self, first, nights, places):
        expected = self.fits(first, nights, places)
        arrival = START + timedelta(days=first)
        booked = []
        passed = self.attempt(
            lambda: booked.append(
                services.book_stay(
                    self.place,
                    arrival,
                    arrival + timedelta(days=nights),
                    places,
                    "Invité",
                    "",
                    self.actor,
                )
            )
        )
        assert passed == expected
        if passed:
            self.stays[booked[0].id] = (first, nights, places)

    @precondition(lambda self: self.stays)
    @rule(
        index=st.integers(0, 20),
        first=st.integers(0, DAYS - 1),
        nights=st.integers(1, 3),
        places=st.integers(1, BEDS),
    )
    def change(self, index, first, nights, places):
        """Extend, shorten, move or resize a stay."""
        stay_id = self.pick(index)
        expected = self.fits(first, nights, places, without=stay_id)
        arrival = START + timedelta(days=first)
        passed = self.attempt(
            lambda: services.change_stay(
                services.locked_stay(stay_id),
                services.StayChange(
                    place=self.place,
                    arrival=arrival,
                    departure=arrival + timedelta(days=nights),
                    places=places,
                    alias="Invité",
                    note="",
                ),
                self.actor,
            )
        )
        assert passed == expected
        if passed:
            self.stays[stay_id] = (first, nights, places)

    @precondition(lambda self: self.stays)
    @rule(index=st.integers(0, 20))
    def cancel(self, index):
        stay_id = self.pick(index)
        assert self.attempt(lambda: services.cancel_stay(services.locked_stay(stay_id), None))
        del self.stays[stay_id]

    @rule(day=st.integers(0, DAYS - 1), capacity=st.integers(0, BEDS))
    def change_capacity(self, day, capacity):
        night = db.session.get(Night, self.night_ids[day])
        passed = self.attempt(lambda: services.update_night(night, capacity, "", self.actor))
        assert passed == (self.used(day) <= capacity)
        if passed:
            self.capacity[day] = capacity

    @rule(day=st.integers(0, DAYS - 1))
    def cancel_or_reinstate_night(self, day):
        night = db.session.get(Night, self.night_ids[day])
        if self.planned[day]:
            assert self.attempt(lambda: services.cancel_night(night, "Panne", self.actor))
        else:
            assert self.attempt(lambda: services.reinstate_night(night, self.actor))
        self.planned[day] = not self.planned[day]

    @invariant()
    def totals_match_the_model_and_never_exceed_capacity(self):
        db.session.expire_all()
        nights = db.session.scalars(select(Night).order_by(Night.date)).all()
        stays = db.session.scalars(select(Stay)).all()
        assert [night.id for night in nights] == self.night_ids
        for day, night in enumerate(nights):
            booked = sum(stay.places for stay in stays if night.date in stay.dates)
            assert night.places_used == booked == self.used(day)
            assert night.places_used <= night.capacity == self.capacity[day]
            assert night.is_cancelled == (not self.planned[day])


def test_no_night_is_ever_over_capacity(app):
    run_state_machine_as_test(
        StaysMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
