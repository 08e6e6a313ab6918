"""Demo data: a place, a coordinator and volunteers, created only once."""

from dataclasses import dataclass

from sqlalchemy import select

from shelter.extensions import db
from shelter.models import Place, Role, User


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
    return list(DEMO_ACCOUNTS)
