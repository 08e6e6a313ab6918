"""Factories: build rows with sensible defaults, committed, ready for a request."""

import itertools
from datetime import date, datetime, time, timedelta
from functools import cache

from werkzeug.security import generate_password_hash

from shelter.clock import local_instant, utcnow
from shelter.extensions import db
from shelter.models import Night, Place, Shift, ShiftType, SignUp, Stay, User
from shelter.shifts.times import add_default_shifts

DEFAULT_PASSWORD = "une phrase de passe solide"
_counter = itertools.count(1)


@cache
def _default_password_hash() -> str:
    return generate_password_hash(DEFAULT_PASSWORD)


def make_user(
    role: str = "volunteer",
    name: str | None = None,
    email: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    active: bool = True,
    language: str = "fr",
) -> User:
    number = next(_counter)
    user = User(
        email=email or f"person{number}@example.org",
        name=name or f"Person {number}",
        role=role,
        active=active,
        language=language,
    )
    if password == DEFAULT_PASSWORD:
        user.password_hash = _default_password_hash()
    elif password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_place(name: str = "La Maison", beds: int = 10, address: str = "Rue Test 1") -> Place:
    place = Place(name=name, beds=beds, address=address, notes="Clés chez Camille")
    db.session.add(place)
    db.session.commit()
    return place


def make_shift_type(
    name: str = "Repas",
    start: time = time(18, 0),
    end: time = time(21, 0),
    minimum: int = 2,
    maximum: int = 3,
    position: int = 0,
    presence_required: bool = False,
) -> ShiftType:
    shift_type = ShiftType(
        presence_required=presence_required,
        name=name,
        start_time=start,
        end_time=end,
        min_volunteers=minimum,
        max_volunteers=maximum,
        position=position,
    )
    db.session.add(shift_type)
    db.session.commit()
    return shift_type


def make_night(
    day: date | None = None,
    place: Place | None = None,
    capacity: int | None = None,
    shift_types: list[ShiftType] = (),
    status: str = "planned",
) -> Night:
    """Build a night directly in the database, with one shift per given type."""
    place = place or db.session.query(Place).first() or make_place()
    day = day or date.today() + timedelta(days=7)
    night = Night(
        place=place,
        date=day,
        capacity=place.beds if capacity is None else capacity,
        status=status,
    )
    add_default_shifts(night, shift_types)
    for shift in night.shifts:
        shift.status = status
    db.session.add(night)
    db.session.commit()
    return night


def make_stay(
    night: Night, places: int = 1, nights: int = 1, alias: str = "Invité", note: str = ""
) -> Stay:
    """Record a stay directly (bypassing the booking service) and count its places."""
    stay = Stay(
        place_id=night.place_id,
        arrival=night.date,
        departure=night.date + timedelta(days=nights),
        places=places,
        alias=alias,
        note=note,
    )
    db.session.add(stay)
    for covered in db.session.query(Night).filter(
        Night.place_id == night.place_id,
        Night.date >= stay.arrival,
        Night.date < stay.departure,
    ):
        covered.places_used += places
    db.session.commit()
    return stay


def make_signup(shift: Shift, user: User) -> SignUp:
    signup = SignUp(shift_id=shift.id, user_id=user.id)
    db.session.add(signup)
    shift.signup_count += 1
    db.session.commit()
    return signup


# --- shifts ---


def make_standard_shift_types() -> tuple[ShiftType, ShiftType, ShiftType]:
    """The collective's three usual shift types: meal, evening and night, morning."""
    return (
        make_shift_type("Repas", time(18, 0), time(21, 0), 2, 3, position=0),
        make_shift_type(
            "Soirée et nuit", time(20, 0), time(9, 0), 2, 2, position=1, presence_required=True
        ),
        make_shift_type("Matin", time(7, 30), time(10, 0), 1, 2, position=2),
    )


def shift_named(night: Night, name: str) -> Shift:
    return next(shift for shift in night.shifts if shift.name == name)


# --- public site ---


def make_post(
    title: str = "Des nouvelles",
    body: str = "Le texte de l'article.",
    slug: str | None = None,
    published: bool = True,
    published_at: datetime | None = None,
):
    from shelter.models import NewsPost

    number = next(_counter)
    post = NewsPost(
        title=title,
        slug=slug or f"article-{number}",
        body=body,
        is_published=published,
        published_at=published_at or utcnow() - timedelta(hours=number),
    )
    db.session.add(post)
    db.session.commit()
    return post


def make_public_event(
    title: str = "Manifestation",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    location: str = "Place Saint-Lambert",
    description: str = "Venez nombreuses et nombreux.",
    published: bool = True,
):
    from shelter.models import PublicEvent

    starts_at = starts_at or local_instant(date.today() + timedelta(days=10), time(14, 0))
    event = PublicEvent(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        description=description,
        published=published,
    )
    db.session.add(event)
    db.session.commit()
    return event


def make_application(name: str = "Lou Candidate", email: str = "lou@example.org", **fields):
    from shelter.models import VolunteerApplication

    application = VolunteerApplication(
        name=name,
        email=email,
        helps=fields.pop("helps", "meals,nights"),
        availability=fields.pop("availability", "Le vendredi soir"),
        **fields,
    )
    db.session.add(application)
    db.session.commit()
    return application


def make_subscriber(email: str, status: str = "confirmed", language: str = "fr"):
    from shelter.models import NewsletterSubscriber

    subscriber = NewsletterSubscriber(
        email=email,
        status=status,
        language=language,
        confirmed_at=utcnow() if status == "confirmed" else None,
        confirm_expires_at=None if status == "confirmed" else utcnow() + timedelta(days=7),
    )
    db.session.add(subscriber)
    db.session.commit()
    return subscriber


def make_issue(
    subject: str = "Des nouvelles de l'hiver",
    body: str = "Merci à **toutes et tous**.\n\n- un\n- deux\n",
    sent_to: int | None = None,
):
    """A newsletter issue saved as a coordinator would; ``sent_to`` marks it sent to that many."""
    from shelter.public.newsletter.services import save_issue

    issue = save_issue(None, subject=subject, body=body, actor=None)
    if sent_to is not None:
        issue.sent_at, issue.recipient_count = utcnow() - timedelta(days=2), sent_to
    db.session.commit()
    return issue


# --- feeds ---


def make_feed_link(user: User, kind: str = "personal") -> str:
    """Give ``user`` a feed link and return its path with the token, e.g. ``/agenda/...?token=``."""
    from flask import current_app

    from shelter.feeds.links import FEED_ENDPOINTS
    from shelter.feeds.services import issue_feed_token

    token = issue_feed_token(user, kind)
    db.session.commit()
    return current_app.url_map.bind("localhost").build(FEED_ENDPOINTS[kind], {"token": token})


# --- second factors ---


def make_totp(user: User, secret: str | None = None) -> str:
    """Give ``user`` a confirmed authenticator app and return its key."""
    from shelter.auth import totp
    from shelter.models import TotpAuthenticator

    secret = secret or totp.new_secret()
    db.session.add(TotpAuthenticator(user_id=user.id, secret=secret, confirmed_at=utcnow()))
    db.session.commit()
    return secret


def make_recovery_codes(user: User) -> list[str]:
    from shelter.auth.twofactor import new_recovery_codes

    codes = new_recovery_codes(user)
    db.session.commit()
    return codes
