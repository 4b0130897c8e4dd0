"""Public side: survey definitions, the question-per-page runner and submission."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)

from forum_app.surveys import code_views as code_views  # noqa: E402  (registers routes)
from forum_app.surveys import error_pages as error_pages  # noqa: E402  (its exceptions' pages)
from forum_app.surveys import support_views as support_views  # noqa: E402  (help, privacy, theme)
from forum_app.surveys import views as views  # noqa: E402
