"""Volunteer applications: submitted, then approved (an invitation) or declined."""

from shelter.auth.services import find_user_by_email, invite, normalise_email
from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l
from shelter.mail import queue_mail, render_mail
from shelter.models import ApplicationStatus, Role, User, VolunteerApplication
from shelter.models.audit import record
from shelter.phones import normalise_phone
from shelter.public.settings.services import site_settings


def submit_application(
    *,
    name: str,
    email: str,
    phone: str,
    helps: list[str],
    availability: str,
    message: str,
    language: str,
) -> VolunteerApplication:
    """Keep an application and acknowledge it to the applicant."""
    application = VolunteerApplication(
        name=name,
        email=normalise_email(email),
        phone=phone or "",
        helps=",".join(helps),
        availability=availability,
        message=message or "",
        language=language,
        consent_at=utcnow(),
    )
    db.session.add(application)
    subject, body = render_mail(
        "application_received", language, application=application, site=site_settings()
    )
    queue_mail(application.email, subject, body, language=language)
    return application


def _decide(application: VolunteerApplication, status: ApplicationStatus, actor: User) -> None:
    if not application.is_pending:
        raise DomainError(_l("Cette candidature a déjà été traitée."))
    application.status = status
    application.decided_at = utcnow()
    application.decided_by_id = actor.id


def approve_application(application: VolunteerApplication, actor: User) -> User:
    """Invite the applicant as a volunteer (the invitation email goes out)."""
    if application.is_pending and find_user_by_email(application.email) is not None:
        raise DomainError(_l("Un compte existe déjà pour cette adresse."))
    _decide(application, ApplicationStatus.APPROVED, actor)
    user = invite(
        application.email,
        application.name,
        Role.VOLUNTEER,
        application.language,
        actor,
        phone=normalise_phone(application.phone) if application.phone else None,
    )
    record(actor, "application.approve", "application", application.id)
    return user


def decline_application(application: VolunteerApplication, actor: User) -> None:
    _decide(application, ApplicationStatus.DECLINED, actor)
    record(actor, "application.decline", "application", application.id)
