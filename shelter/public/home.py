"""The home page: who the collective is, next events, latest news, the counter."""

from flask import render_template

from shelter.public import bp
from shelter.public.events import queries as events
from shelter.public.news import queries as news
from shelter.public.pages import shown_counter
from shelter.security import public

HOME_EVENTS = 3
HOME_POSTS = 3


@bp.get("/")
@public
def home():
    return render_template(
        "public/home.html",
        events=events.upcoming_events(HOME_EVENTS),
        posts=news.latest_posts(HOME_POSTS),
        counter=shown_counter(),
    )
