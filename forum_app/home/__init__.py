"""The staff home page: what has come in, what waits for moderation and coding, responses per week."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from forum_app.home import views as views  # noqa: E402  (registers routes)
