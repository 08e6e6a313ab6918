"""The reference data set of the benchmarks: a year of nights, as SPEC.md section 10 describes.

365 nights (from 60 days ago by default), 3 shifts each, 60 volunteers with about 18 sign-ups
each, 8 stays per night. Rows are written directly, fast, with the counters the services keep.
"""

import random
from dataclasses import dataclass
from datetime import time, timedelta

from shelter.clock import local_today
from shelter.extensions import db
from shelter.models import Night, Place, ShiftType, SignUp, Stay, User
from shelter.public.settings.services import save_site_settings
from shelter.shifts.times import add_default_shifts

PASSWORD = "bench password phrase"
SHIFT_TYPES = (
    ("Repas", time(18, 0), time(21, 0), 2, 3),
    ("Soirée et nuit", time(20, 0), time(9, 0), 2, 2),
    ("Matin", time(7, 30), time(10, 0), 1, 2),
)


@dataclass
class Dataset:
    coordinator: User
    volunteers: list[User]
    nights: list[Night]
    busiest: User


def build(
    nights: int = 365,
    volunteers: int = 60,
    signups_each: int = 18,
    stays: int = 8,
    past_days: int = 60,
) -> Dataset:
    """Write the data set into the current app's (empty) database and return its key rows."""
    rng = random.Random(2026)
    place = Place(name="La Maison", beds=10, address="Rue de l'Exemple 1, 4000 Liège")
    types = [
        ShiftType(
            name=name, start_time=start, end_time=end, min_volunteers=low, max_volunteers=high,
            position=position,
        )
        for position, (name, start, end, low, high) in enumerate(SHIFT_TYPES)
    ]  # fmt: skip
    coordinator = User(
        email="coordination@bench.example.org", name="Coordination", role="coordinator"
    )
    coordinator.set_password(PASSWORD)
    people = [
        User(email=f"volunteer{i}@bench.example.org", name=f"Bénévole {i}", role="volunteer")
        for i in range(volunteers)
    ]
    for person in people:
        person.password_hash = coordinator.password_hash
    db.session.add_all([place, *types, coordinator, *people])
    first = local_today() - timedelta(days=past_days)
    all_nights = []
    for offset in range(nights):
        night = Night(place=place, date=first + timedelta(days=offset), capacity=10)
        add_default_shifts(night, types)
        all_nights.append(night)
    db.session.add_all(all_nights)
    db.session.flush()

    for night in all_nights:
        for number in range(stays):
            db.session.add(
                Stay(
                    place_id=place.id,
                    arrival=night.date,
                    departure=night.date + timedelta(days=1),
                    places=1,
                    alias=f"Invité {number}",
                    note="",
                )
            )
        night.places_used = stays

    # Each volunteer takes one shift on distinct nights: no overlaps, never over a maximum.
    for person in people:
        for night in rng.sample(all_nights, signups_each):
            free = [shift for shift in night.shifts if shift.signup_count < shift.max_volunteers]
            if not free:
                continue
            shift = rng.choice(free)
            shift.signup_count += 1
            db.session.add(SignUp(shift=shift, user=person))
    db.session.commit()
    busiest = max(people, key=lambda person: len(person.email))
    return Dataset(coordinator=coordinator, volunteers=people, nights=all_nights, busiest=busiest)


def set_up_public_site() -> None:
    """Bank details (so that Soutiens-nous draws its QR code) and the public counter on."""
    save_site_settings(
        {
            "account_holder": "Collectif Hébergement Liège",
            "iban": "BE68 5390 0754 7034",
            "bic": "GEBABEBB",
            "structured_communication": "+++090/9337/55493+++",
            "public_counter": True,
        }
    )
