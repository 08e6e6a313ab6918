"""Writes of newsletter issues: a draft changes until it is sent, and it is sent once.

Every change of an issue is one conditional statement, ``WHERE id = ... AND sent_at IS NULL``:
of two coordinators pressing Send at once, the database lets one through and the other finds
the issue already sent (on PostgreSQL the second statement waits for the first transaction and
then matches nothing; on SQLite write transactions take turns). A draft edited while somebody
sends it is refused the same way, so a sent issue never changes.
"""

from sqlalchemy import Delete, Update, delete, update

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l
from shelter.mail import queue_mail
from shelter.markup import render_markdown
from shelter.models import NewsletterIssue, User
from shelter.models.audit import record
from shelter.public.newsletter.messages import compose, stand_in_unsubscribe_link
from shelter.public.newsletter.subscription_queries import confirmed_subscribers
from shelter.public.newsletter.subscriptions import newsletter_headers, unsubscribe_url

ALREADY_SENT = _l("Ce numéro a déjà été envoyé : il ne peut plus être modifié.")


def _change_draft(issue: NewsletterIssue, statement: Update | Delete, refusal=ALREADY_SENT) -> None:
    """Run ``statement`` on ``issue`` only while it is a draft; refuse once it is sent."""
    result = db.session.execute(
        statement.where(NewsletterIssue.id == issue.id, NewsletterIssue.sent_at.is_(None))
    )
    if result.rowcount != 1:
        raise DomainError(refusal)


def save_issue(
    issue: NewsletterIssue | None, *, subject: str, body: str, actor: User
) -> NewsletterIssue:
    """Create a draft, or change one; the HTML is rendered here, once."""
    body_html = render_markdown(body)
    if issue is None:
        issue = NewsletterIssue(subject=subject, body=body, body_html=body_html)
        db.session.add(issue)
        db.session.flush()
        record(actor, "newsletter.create", "newsletter", issue.id, title=subject)
        return issue
    _change_draft(
        issue, update(NewsletterIssue).values(subject=subject, body=body, body_html=body_html)
    )
    record(actor, "newsletter.update", "newsletter", issue.id, title=subject)
    return issue


def delete_issue(issue: NewsletterIssue, actor: User) -> None:
    """Delete a draft; a sent issue stays, with its web version."""
    title, issue_id = issue.subject, issue.id
    _change_draft(
        issue,
        delete(NewsletterIssue),
        _l("Ce numéro a déjà été envoyé : il reste en ligne et ne peut plus être supprimé."),
    )
    record(actor, "newsletter.delete", "newsletter", issue_id, title=title)


def send_test(issue: NewsletterIssue, member: User, language: str) -> None:
    """Send ``issue`` to ``member`` alone, as subscribers of ``language`` will get it."""
    message = compose(issue, language, stand_in_unsubscribe_link(), test=True)
    queue_mail(member.email, message.subject, message.text, language=language, html=message.html)


def send_issue(issue: NewsletterIssue, actor: User) -> int:
    """Send ``issue`` to every confirmed subscriber, once; return how many.

    The messages are queued as bulk mail: ``send-mail`` sends them in batches, each with the
    subscriber's own one-click unsubscribe link.
    """
    subscribers = confirmed_subscribers()
    _change_draft(
        issue,
        update(NewsletterIssue).values(
            sent_at=utcnow(), sent_by_id=actor.id, recipient_count=len(subscribers)
        ),
        _l("Ce numéro a déjà été envoyé : il ne part pas une deuxième fois."),
    )
    if not subscribers:
        raise DomainError(
            _l(
                "Aucune adresse n'a encore confirmé son abonnement : "
                "personne ne recevrait ce numéro."
            )
        )
    for subscriber in subscribers:
        message = compose(issue, subscriber.language, unsubscribe_url(subscriber))
        queue_mail(
            subscriber.email,
            message.subject,
            message.text,
            headers=newsletter_headers(subscriber),
            language=subscriber.language,
            html=message.html,
            bulk=True,
        )
    record(
        actor,
        "newsletter.send",
        "newsletter",
        issue.id,
        title=issue.subject,
        subscribers=len(subscribers),
    )
    return len(subscribers)
