"""Evidence packs: disclosure-controlled statistics, charts, quotes and method, in every format."""

from flask import Blueprint

bp = Blueprint("packs", __name__)
from forum_app.packs import about_views as about_views  # noqa: E402
from forum_app.packs import population_views as population_views  # noqa: E402
from forum_app.packs import shared_views as shared_views  # noqa: E402
from forum_app.packs import views as views  # noqa: E402
