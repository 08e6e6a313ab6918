"""An issue as an email for one reader: its subject, plain text and HTML part."""

from dataclasses import dataclass

import css_inline
from flask import render_template

from shelter.i18n import force_language
from shelter.i18n import gettext as _
from shelter.models import NewsletterIssue
from shelter.public.news.services import slugify
from shelter.public.settings.services import site_settings
from shelter.urls import external_url

# The HTML part is written with a <style> block, which many mail clients drop: its rules are
# moved into style attributes. Nothing is fetched (the part has no remote stylesheet anyway).
INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class IssueMessage:
    subject: str
    text: str
    html: str


def issue_slug(issue: NewsletterIssue) -> str:
    return slugify(issue.subject)


def web_version_url(issue: NewsletterIssue) -> str:
    return external_url("public.newsletter_issue", issue_id=issue.id, slug=issue_slug(issue))


def stand_in_unsubscribe_link() -> str:
    """Where the unsubscribe link of a preview or a test points: a subscriber gets their own."""
    return external_url("public.newsletter")


def compose(
    issue: NewsletterIssue, language: str, unsubscribe_link: str, test: bool = False
) -> IssueMessage:
    """Write ``issue`` for a reader of ``language``; the issue's own text is never translated."""
    context = {
        "issue": issue,
        "site": site_settings(),
        "language": language,
        "web_link": web_version_url(issue),
        "unsubscribe_link": unsubscribe_link,
    }
    with force_language(language):
        subject = _("[Test] %(subject)s", subject=issue.subject) if test else issue.subject
        text = render_template("mail/newsletter_issue.txt", **context)
        html = render_template("mail/newsletter_issue.html", **context)
    return IssueMessage(subject, text.strip() + "\n", INLINER.inline(html))
