"""News: the public list, articles and Atom feed; coordinators write them."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from shelter.clock import from_form, to_form
from shelter.extensions import db
from shelter.forms import ConfirmForm
from shelter.i18n import gettext as _
from shelter.models import NewsPost
from shelter.public import bp
from shelter.public.news import queries, services
from shelter.public.news.atom import news_feed
from shelter.public.news.forms import NewsPostForm
from shelter.public.pages import page_number, public_file, site_host
from shelter.public.settings.services import site_settings
from shelter.security import coordinator_required, public
from shelter.urls import external_url
from shelter.work import unit_of_work

FEED_POSTS = 20


@bp.get("/actualites")
@public
def news():
    pagination = queries.posts_page(page_number(), current_app.config["NEWS_PER_PAGE"])
    return render_template("public/news.html", pagination=pagination)


@bp.get("/actualites/<slug>")
@public
def article(slug: str):
    post = queries.visible_post(slug) or abort(404)
    return render_template("public/article.html", post=post)


@bp.get("/actualites/atom.xml")
@public
def news_atom():
    body = news_feed(
        queries.latest_posts(FEED_POSTS),
        host=site_host(),
        title=site_settings().site_name,
        site_url=external_url("public.news"),
        feed_url=external_url("public.news_atom"),
        post_url=lambda post: external_url("public.article", slug=post.slug),
        language=current_app.config["BABEL_DEFAULT_LOCALE"],
    )
    return public_file(body, "application/atom+xml; charset=utf-8")


@bp.get("/gestion/actualites")
@coordinator_required
def manage_news():
    return render_template(
        "public/manage/news.html", posts=queries.all_posts(), confirm_form=ConfirmForm()
    )


def _post_form(post: NewsPost | None) -> NewsPostForm:
    if post is None:
        return NewsPostForm()
    return NewsPostForm(
        data={
            "title": post.title,
            "slug": post.slug,
            "body": post.body,
            "published_at": to_form(post.published_at),
            "is_published": post.is_published,
        }
    )


def _edit_post(post: NewsPost | None):
    form = _post_form(post)
    if form.validate_on_submit():
        with unit_of_work(
            lambda: (render_template("public/manage/news_form.html", form=form, post=post), 409)
        ):
            saved = services.save_news_post(
                post,
                title=form.title.data,
                slug=form.slug.data,
                body=form.body.data,
                published_at=from_form(form.published_at.data),
                is_published=form.is_published.data,
                actor=current_user,
            )
        flash(_("Article enregistré."), "success")
        return redirect(url_for("public.edit_news", post_id=saved.id))
    status = 400 if form.is_submitted() else 200
    return render_template("public/manage/news_form.html", form=form, post=post), status


@bp.route("/gestion/actualites/nouvelle", methods=["GET", "POST"])
@coordinator_required
def new_news():
    return _edit_post(None)


@bp.route("/gestion/actualites/<int:post_id>", methods=["GET", "POST"])
@coordinator_required
def edit_news(post_id: int):
    return _edit_post(db.get_or_404(NewsPost, post_id))


@bp.post("/gestion/actualites/<int:post_id>/supprimer")
@coordinator_required
def delete_news(post_id: int):
    post = db.get_or_404(NewsPost, post_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with unit_of_work():
        services.delete_news_post(post, current_user)
    flash(_("Article supprimé."), "success")
    return redirect(url_for("public.manage_news"))
