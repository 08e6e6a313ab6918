"""Writes of news posts: slugs, saving, deleting, each in the audit log."""

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select

from shelter.clock import utcnow
from shelter.domain import DomainError
from shelter.extensions import db
from shelter.i18n import lazy_gettext as _l
from shelter.models import NewsPost, User
from shelter.models.audit import record

NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:100] or "article"


def _free_slug(wanted: str, post_id: int | None) -> str:
    taken = set(
        db.session.scalars(
            select(NewsPost.slug).where(NewsPost.slug.startswith(wanted), NewsPost.id != post_id)
        )
    )
    slug, number = wanted, 2
    while slug in taken:
        slug, number = f"{wanted}-{number}", number + 1
    return slug


def save_news_post(
    post: NewsPost | None,
    *,
    title: str,
    slug: str | None,
    body: str,
    published_at: datetime | None,
    is_published: bool,
    actor: User,
) -> NewsPost:
    """Create or update a post; an empty slug is made from the title, a taken one refused."""
    creating = post is None
    post_id = None if creating else post.id
    if slug:
        if _free_slug(slug, post_id) != slug:
            raise DomainError(_l("Un autre article utilise déjà cette adresse."))
    else:
        slug = (post and post.slug) or _free_slug(slugify(title), post_id)
    if post is None:
        post = NewsPost()
        db.session.add(post)
    post.title, post.slug, post.body = title, slug, body
    post.published_at = published_at or post.published_at or utcnow()
    post.is_published = is_published
    db.session.flush()
    record(actor, "news.create" if creating else "news.update", "news", post.id, title=post.title)
    return post


def delete_news_post(post: NewsPost, actor: User) -> None:
    record(actor, "news.delete", "news", post.id, title=post.title)
    db.session.delete(post)
