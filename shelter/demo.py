"""Demo data: a place, a coordinator and volunteers, created only once."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from shelter.clock import local_instant, local_today, utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import french_typography
from shelter.models import (
    MaterialNeed,
    NewsPost,
    Night,
    NightStatus,
    Place,
    PublicEvent,
    ReplacementRequest,
    Role,
    Shift,
    ShiftType,
    SignUp,
    Stay,
    TotpAuthenticator,
    User,
)
from shelter.public.settings.services import DEFAULT_PRESENTATION, save_site_settings


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
# Invented numbers (Belgian mobile test ranges), shared with the team except Sam's; Noor is
# the demo référent·e.
DEMO_PHONES = {
    "coordination@demo.example.org": ("+32470000001", True),
    "alex@demo.example.org": ("+32470000002", True),
    "sam@demo.example.org": ("+32470000003", False),
}
DEMO_LEAD = "noor@demo.example.org"
# The demo coordinator's authenticator key, printed with the logins: public, like the passwords.
DEMO_TOTP_KEY = "DEMOCOORDINATIONSHELTERLIEGE2345"


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
    enrol_demo_totp()
    # Shift types come before any demo night, so that new nights get their shifts.
    load_demo_shift_types()
    load_demo_nights()
    load_demo_signups()
    load_demo_replacement()
    load_demo_night_teams()
    load_public_demo_data()
    return list(DEMO_ACCOUNTS)


def enrol_demo_totp() -> None:
    """Give the demo coordinator the printed authenticator key, unless they have one already."""
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    if coordinator is None or db.session.scalar(
        select(TotpAuthenticator.id).where(TotpAuthenticator.user_id == coordinator.id)
    ):
        return
    db.session.add(
        TotpAuthenticator(user_id=coordinator.id, secret=DEMO_TOTP_KEY, confirmed_at=utcnow())
    )


# The evening and night needs a référent·e among its two people.
DEMO_SHIFT_TYPES = (
    ("Repas", "Cuisiner et servir le repas du soir.", time(18, 0), time(21, 0), 2, 3, 0),
    (
        "Soirée et nuit",
        "Accueillir les personnes et rester sur place pour la nuit.",
        time(20, 0),
        time(9, 0),
        2,
        2,
        1,
    ),
    (
        "Matin",
        "Petit déjeuner, rangement et fermeture de la maison.",
        time(7, 30),
        time(10, 0),
        1,
        2,
        0,
    ),
)


def load_demo_shift_types() -> None:
    """Create the three usual shift types when none exist yet."""
    if db.session.scalar(select(ShiftType).limit(1)) is not None:
        return
    for position, (name, description, start, end, minimum, maximum, leads) in enumerate(
        DEMO_SHIFT_TYPES
    ):
        db.session.add(
            ShiftType(
                name=name,
                description=description,
                start_time=start,
                end_time=end,
                min_volunteers=minimum,
                max_volunteers=maximum,
                min_leads=leads,
                position=position,
                # The overnight type (it ends the next day) needs somebody there.
                presence_required=end <= start,
            )
        )
    db.session.flush()


def load_demo_signups() -> None:
    """Sign the demo volunteers up for a few shifts of the planned nights to come."""
    from shelter.shifts.queries import find_signup
    from shelter.shifts.signups import sign_up

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


def load_demo_replacement() -> None:
    """Open one replacement request (a volunteer who cannot come), when there is none yet."""
    if db.session.scalar(select(ReplacementRequest).limit(1)) is not None:
        return
    signup = db.session.scalar(
        select(SignUp)
        .join(Shift, SignUp.shift_id == Shift.id)
        .join(User, SignUp.user_id == User.id)
        .where(User.email == "alex@demo.example.org", Shift.starts_at > utcnow())
        .order_by(Shift.starts_at)
        .limit(1)
    )
    if signup is None:
        return
    signup.withdrawal_requested_at = utcnow()
    signup.withdrawal_reason = "Malade, désolé·e."
    db.session.add(
        ReplacementRequest(
            shift_id=signup.shift_id, requester_id=signup.user_id, reason=signup.withdrawal_reason
        )
    )


def load_demo_night_teams() -> None:
    """Give the demo members their phones and a référent·e, and the coordinator astreintes."""
    for email, (phone, shared) in DEMO_PHONES.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and user.phone is None:
            user.phone, user.phone_shared = phone, shared
    lead = db.session.scalar(select(User).where(User.email == DEMO_LEAD))
    if lead is not None:
        lead.is_lead = True
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    nights = db.session.scalars(
        select(Night)
        .where(Night.status == NightStatus.PLANNED, Night.date >= local_today())
        .order_by(Night.date)
        .limit(3)
    ).all()
    for night in nights:
        if night.on_call_id is None and coordinator is not None:
            night.on_call_id = coordinator.id


DEMO_POSTS = (
    (
        "un-hiver-de-plus-ensemble",
        "Un hiver de plus, ensemble",
        14,
        "La maison rouvre ses portes pour l'hiver. Depuis octobre, nous avons accueilli chaque "
        "semaine jusqu'à dix personnes, grâce à plus de soixante bénévoles.\n\n"
        "Merci à toutes celles et ceux qui cuisinent, veillent et ferment la maison au petit "
        "matin. **On a encore besoin de monde pour les nuits du week-end** : "
        "[rejoins-nous](/rejoins-nous) !",
    ),
    (
        "merci-pour-la-collecte",
        "Merci pour la collecte de sacs de couchage",
        30,
        "Vous avez été incroyables : en deux semaines, nous avons reçu 42 sacs de couchage, "
        "des dizaines de couvertures et de quoi faire du café pour tout l'hiver.\n\n"
        "La liste des besoins est tenue à jour sur la page [Soutiens-nous](/soutiens-nous).",
    ),
    (
        "pourquoi-nous-manifestons",
        "Pourquoi nous manifestons",
        60,
        "Héberger, c'est urgent. Mais ce n'est pas à des bénévoles de pallier, nuit après nuit, "
        "l'absence de places d'accueil dignes.\n\n"
        "Nous demandons :\n\n"
        "- un accueil inconditionnel, l'hiver comme l'été ;\n"
        "- des places d'hébergement en suffisance à Liège ;\n"
        "- la fin des arrestations aux abords des lieux d'aide.",
    ),
)
DEMO_NEEDS = (
    ("Sacs de couchage", "5", True),
    ("Café moulu", "10 paquets", False),
    ("Brosses à dents", "20", False),
    ("Chaussettes chaudes (pointures 40 à 45)", "", True),
)


def _brussels(days_ahead: int, at: time) -> datetime:
    return local_instant(local_today() + timedelta(days=days_ahead), at)


def load_public_demo_data() -> None:
    """Create the public site's demo content: texts, news, public events and needs."""
    if db.session.scalar(select(NewsPost).limit(1)) is not None:
        return
    save_site_settings(
        {
            "presentation": DEFAULT_PRESENTATION,
            "contact_email": "contact@demo.example.org",
            "mastodon_url": "https://mastodon.example.org/@collectif",
            "account_holder": "Collectif Hébergement Liège",
            "iban": "BE68 5390 0754 7034",
            "structured_communication": "+++090/9337/55493+++",
        }
    )
    for slug, title, days_ago, body in DEMO_POSTS:
        db.session.add(
            NewsPost(
                slug=slug,
                title=french_typography(title),
                body=french_typography(body),
                is_published=True,
                published_at=utcnow() - timedelta(days=days_ago),
            )
        )
    db.session.add_all(
        [
            PublicEvent(
                title=french_typography("Manifestation : un toit pour toutes et tous"),
                starts_at=_brussels(10, time(14, 0)),
                ends_at=_brussels(10, time(16, 30)),
                location="Place Saint-Lambert, Liège",
                description="Rendez-vous devant le Palais des Princes-Évêques. Viens avec tes "
                "ami·es, tes banderoles et ta bonne humeur.",
                published=True,
            ),
            PublicEvent(
                title=french_typography("Soirée de soutien : concert et soupe"),
                starts_at=_brussels(24, time(19, 0)),
                ends_at=_brussels(24, time(23, 30)),
                location="La Zone, quai de l'Ourthe 42, Liège",
                description=french_typography(
                    "Concerts, soupe maison et bar à prix libre : tous les bénéfices vont "
                    "au chauffage de la maison. Tu peux aussi déposer du matériel (voir la liste "
                    "des besoins)."
                ),
                published=True,
            ),
        ]
    )
    for item, quantity, urgent in DEMO_NEEDS:
        db.session.add(MaterialNeed(item=item, quantity=quantity, urgent=urgent))


@dataclass(frozen=True)
class DemoStay:
    alias: str
    places: int
    first_night: int  # days after the first planned Friday
    nights: int
    note: str = ""
    # How many of its people have each practical need, by the need's French label.
    needs: tuple[tuple[str, int], ...] = ()


# Invented aliases: the demo never holds anybody's real data.
DEMO_STAYS = (
    DemoStay("Amina", 2, 0, 2, "Parle tigrigna et un peu d'anglais", (("végétarien·ne", 2),)),
    DemoStay("Yonas", 1, 0, 1, needs=(("sans porc", 1),)),
    DemoStay("Karim", 3, 1, 1, "Parle arabe et anglais", (("sans porc", 3), ("bébé", 1))),
    DemoStay("Lina", 1, 7, 2),
)


def load_demo_nights() -> None:
    """Plan every Friday and Saturday of the coming six weeks; book a few stays once."""
    from shelter.nights import needs, services

    needs.add_default_needs()
    place = db.session.scalar(select(Place).order_by(Place.id).limit(1))
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    today = local_today()
    dates = services.dates_between(today, today + timedelta(weeks=6), weekdays=(4, 5))
    services.plan_nights(place, dates, None, "", coordinator)
    if db.session.scalar(select(Stay.id).limit(1)) is not None:
        return
    friday = next(day for day in dates if day.weekday() == 4)
    for stay in DEMO_STAYS:
        arrival = friday + timedelta(days=stay.first_night)
        booked = services.book_stay(
            place,
            arrival,
            arrival + timedelta(days=stay.nights),
            stay.places,
            stay.alias,
            stay.note,
            coordinator,
        )
        by_label = {need.label_fr: need.id for need in needs.active_needs()}
        needs.set_stay_needs(
            booked, {by_label[label]: people for label, people in stay.needs if label in by_label}
        )
