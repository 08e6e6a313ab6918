"""Demo data: a place, a coordinator and volunteers, created only once."""

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.models import Night, NightStatus, Place, Role, ShiftType, User


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
    # Shift types come before any demo night, so that new nights get their shifts.
    load_demo_shift_types()
    load_demo_signups()
    return list(DEMO_ACCOUNTS)


DEMO_SHIFT_TYPES = (
    ("Repas", "Cuisiner et servir le repas du soir.", time(18, 0), time(21, 0), 2, 3),
    (
        "Soirée et nuit",
        "Accueillir les personnes et rester sur place pour la nuit.",
        time(20, 0),
        time(9, 0),
        2,
        2,
    ),
    (
        "Matin",
        "Petit déjeuner, rangement et fermeture de la maison.",
        time(7, 30),
        time(10, 0),
        1,
        2,
    ),
)


def load_demo_shift_types() -> None:
    """Create the three usual shift types when none exist yet."""
    if db.session.scalar(select(ShiftType).limit(1)) is not None:
        return
    for position, (name, description, start, end, minimum, maximum) in enumerate(DEMO_SHIFT_TYPES):
        db.session.add(
            ShiftType(
                name=name,
                description=description,
                start_time=start,
                end_time=end,
                min_volunteers=minimum,
                max_volunteers=maximum,
                position=position,
            )
        )
    db.session.flush()


def load_demo_signups() -> None:
    """Sign the demo volunteers up for a few shifts of the planned nights to come."""
    from shelter.shifts.services import find_signup, sign_up

    volunteers = [
        db.session.scalar(select(User).where(User.email == account.email))
        for account in DEMO_ACCOUNTS
        if account.role == Role.VOLUNTEER
    ]
    nights = db.session.scalars(
        select(Night)
        .where(Night.status == NightStatus.PLANNED, Night.date > date.today())
        .order_by(Night.date)
        .limit(4)
    ).all()
    for index, night in enumerate(nights):
        for shift_index, shift in enumerate(night.shifts[:2]):
            volunteer = volunteers[(index + shift_index) % len(volunteers)]
            if volunteer is None or find_signup(shift, volunteer) is not None:
                continue
            try:
                with db.session.begin_nested():
                    sign_up(shift, volunteer)
            except DomainError:
                continue
