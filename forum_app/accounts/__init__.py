"""Forums (tenants), staff users, memberships and sign-in."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from forum_app.accounts import recovery_views as recovery_views  # noqa: E402
from forum_app.accounts import session_views as session_views  # noqa: E402  (registers routes)
from forum_app.accounts import switcher_views as switcher_views  # noqa: E402  (registers routes)
from forum_app.accounts import team_views as team_views  # noqa: E402
from forum_app.accounts import two_factor_views as two_factor_views  # noqa: E402
from forum_app.accounts import views as views  # noqa: E402  (registers routes)
