"""Reads of news posts."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from shelter.clock import utcnow
from shelter.extensions import db
from shelter.models import NewsPost


def _visible_posts():
    return select(NewsPost).where(
        NewsPost.is_published.is_(True), NewsPost.published_at <= utcnow()
    )


def latest_posts(limit: int) -> list[NewsPost]:
    return list(
        db.session.scalars(
            _visible_posts().order_by(NewsPost.published_at.desc(), NewsPost.id.desc()).limit(limit)
        )
    )


def posts_page(page: int, per_page: int) -> Pagination:
    return db.paginate(
        _visible_posts().order_by(NewsPost.published_at.desc(), NewsPost.id.desc()),
        page=page,
        per_page=per_page,
        error_out=True,
    )


def visible_post(slug: str) -> NewsPost | None:
    return db.session.scalar(_visible_posts().where(NewsPost.slug == slug))


def all_posts() -> list[NewsPost]:
    return list(db.session.scalars(select(NewsPost).order_by(NewsPost.published_at.desc())))
