"""Coordinators' pages of newsletter issues, and the public web version of a sent issue."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import current_language, ngettext
from shelter.i18n import gettext as _
from shelter.models import NewsletterIssue
from shelter.public import bp
from shelter.public.newsletter import queries, services
from shelter.public.newsletter.forms import IssueForm, LanguageForm, SendIssueForm
from shelter.public.newsletter.messages import compose, issue_slug, stand_in_unsubscribe_link
from shelter.public.newsletter.subscription_queries import subscriber_counts
from shelter.security import coordinator_required, public
from shelter.work import unit_of_work

bp.add_app_template_global(issue_slug, "issue_slug")

# The HTML part is shown in a frame of the preview page: its own inline styles, nothing else.
HTML_PART_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)


def _preview_language() -> str:
    language = request.args.get("langue") or current_language()
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    return language


def _issue_page(issue: NewsletterIssue, language: str, send_form: SendIssueForm | None = None):
    return render_template(
        "public/manage/issue.html",
        issue=issue,
        language=language,
        message=compose(issue, language, stand_in_unsubscribe_link()),
        subscribers=subscriber_counts()["confirmed"],
        test_form=LanguageForm(language=language),
        send_form=send_form or SendIssueForm(),
        confirm_form=ConfirmForm(),
    )


def _issue_url(issue_id: int, **values) -> str:
    return url_for("public.issue_page", issue_id=issue_id, **values)


@bp.get("/gestion/newsletter/numeros/<int:issue_id>")
@coordinator_required
def issue_page(issue_id: int):
    issue = queries.issue_with_sender(issue_id) or abort(404)
    return _issue_page(issue, _preview_language())


@bp.get("/gestion/newsletter/numeros/<int:issue_id>/apercu.html")
@coordinator_required
def issue_html_part(issue_id: int):
    issue = db.get_or_404(NewsletterIssue, issue_id)
    message = compose(issue, _preview_language(), stand_in_unsubscribe_link())
    return message.html, {
        "Content-Security-Policy": HTML_PART_POLICY,
        "X-Frame-Options": "SAMEORIGIN",
    }


def _edit_issue(issue: NewsletterIssue | None):
    form = IssueForm(obj=issue)

    def page(status: int):
        return render_template("public/manage/issue_form.html", form=form, issue=issue), status

    if not form.validate_on_submit():
        return page(400 if form.is_submitted() else 200)
    with unit_of_work(lambda: page(409)):
        saved = services.save_issue(
            issue, subject=form.subject.data, body=form.body.data, actor=current_user
        )
        saved_id = saved.id  # read before the commit expires it: no query after the commit
    flash(_("Brouillon enregistré. Relis l'aperçu, puis envoie-toi un test."), "success")
    return redirect(_issue_url(saved_id))


@bp.route("/gestion/newsletter/numeros/nouveau", methods=["GET", "POST"])
@coordinator_required
def new_issue():
    return _edit_issue(None)


@bp.route("/gestion/newsletter/numeros/<int:issue_id>/modifier", methods=["GET", "POST"])
@coordinator_required
def edit_issue(issue_id: int):
    issue = db.get_or_404(NewsletterIssue, issue_id)
    if issue.is_sent and request.method == "GET":
        return redirect(_issue_url(issue.id))
    return _edit_issue(issue)


@bp.post("/gestion/newsletter/numeros/<int:issue_id>/test")
@coordinator_required
def test_issue(issue_id: int):
    issue = db.get_or_404(NewsletterIssue, issue_id)
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    email = current_user.email
    with unit_of_work():
        services.send_test(issue, current_user, form.language.data)
    flash(
        _(
            "Test envoyé à %(email)s. Son lien de désabonnement mène à la page de la newsletter : "
            "chaque abonné·e reçoit le sien.",
            email=email,
        ),
        "success",
    )
    return redirect(_issue_url(issue_id, langue=form.language.data))


@bp.post("/gestion/newsletter/numeros/<int:issue_id>/envoyer")
@coordinator_required
def send_issue(issue_id: int):
    issue = queries.issue_with_sender(issue_id) or abort(404)
    form = SendIssueForm()
    if not form.validate_on_submit():
        return _issue_page(issue, current_language(), form), 400
    with unit_of_work(lambda: (_issue_page(issue, current_language()), 409)):
        count = services.send_issue(issue, current_user)
    flash(
        ngettext(
            "C'est parti : %(num)d message est en file d'envoi et part dans les minutes qui "
            "viennent.",
            "C'est parti : %(num)d messages sont en file d'envoi et partent par lots dans les "
            "minutes qui viennent.",
            count,
        ),
        "success",
    )
    return redirect(_issue_url(issue_id))


@bp.post("/gestion/newsletter/numeros/<int:issue_id>/supprimer")
@coordinator_required
def delete_issue(issue_id: int):
    issue = queries.issue_with_sender(issue_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work(lambda: (_issue_page(issue, current_language()), 409)):
        services.delete_issue(issue, current_user)
    flash(_("Brouillon supprimé."), "success")
    return redirect(url_for("public.subscribers"))


@bp.get("/newsletter/<int:issue_id>-<slug>")
@public
def newsletter_issue(issue_id: int, slug: str):
    """The web version of a sent issue; coordinators also see a draft's, before sending it."""
    issue = db.session.get(NewsletterIssue, issue_id)
    is_coordinator = current_user.is_authenticated and current_user.is_coordinator
    if issue is None or not (issue.is_sent or is_coordinator):
        abort(404)
    if slug != issue_slug(issue):
        canonical = url_for("public.newsletter_issue", issue_id=issue.id, slug=issue_slug(issue))
        return redirect(canonical, 301)
    return render_template("public/newsletter_issue.html", issue=issue)
