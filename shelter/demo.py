"""Demo data: a place, a coordinator and volunteers, created only once."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from shelter.extensions import db
from shelter.models import Place, Role, Stay, User


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    password: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "coordination@demo.example.org",
        "Camille (coordination)",
        Role.COORDINATOR,
        "demo-coordination",
    ),
    DemoAccount("alex@demo.example.org", "Alex", Role.VOLUNTEER, "demo-benevole-alex"),
    DemoAccount("sam@demo.example.org", "Sam", Role.VOLUNTEER, "demo-benevole-sam"),
    DemoAccount("noor@demo.example.org", "Noor", Role.VOLUNTEER, "demo-benevole-noor"),
)


def load_demo_data() -> list[DemoAccount]:
    """Create what is missing of the demo data set and return the demo accounts."""
    if db.session.scalar(select(Place).limit(1)) is None:
        db.session.add(
            Place(
                name="La Maison",
                beds=10,
                address="Rue de l'Exemple 1, 4000 Liège",
                notes="Clés chez la coordination. Draps dans l'armoire du couloir.",
            )
        )
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == account.email)) is None:
            user = User(email=account.email, name=account.name, role=account.role)
            user.set_password(account.password)
            db.session.add(user)
    db.session.flush()
    load_demo_nights()
    return list(DEMO_ACCOUNTS)


@dataclass(frozen=True)
class DemoStay:
    alias: str
    places: int
    first_night: int  # days after the first planned Friday
    nights: int
    note: str = ""


# Invented aliases: the demo never holds anybody's real data.
DEMO_STAYS = (
    DemoStay("Amina", 2, 0, 2, "Végétarienne"),
    DemoStay("Yonas", 1, 0, 1),
    DemoStay("Karim", 3, 1, 1, "Parle arabe et anglais"),
    DemoStay("Lina", 1, 7, 2),
)


def load_demo_nights() -> None:
    """Plan every Friday and Saturday of the coming six weeks; book a few stays once."""
    from shelter.nights import services

    place = db.session.scalar(select(Place).order_by(Place.id).limit(1))
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    today = services.local_today()
    dates = services.dates_between(today, today + timedelta(weeks=6), weekdays=(4, 5))
    services.plan_nights(place, dates, None, "", coordinator)
    if db.session.scalar(select(Stay.id).limit(1)) is not None:
        return
    friday = next(day for day in dates if day.weekday() == 4)
    for stay in DEMO_STAYS:
        arrival = friday + timedelta(days=stay.first_night)
        services.book_stay(
            place,
            arrival,
            arrival + timedelta(days=stay.nights),
            stay.places,
            stay.alias,
            stay.note,
            coordinator,
        )
