"""Who may see what. Every endpoint falls under one rule (``access_rule``):

- ``PUBLIC``: listed in ``PUBLIC_ENDPOINTS`` (surveys, sign-in, share links);
- ``SIGNED_IN``: listed in ``SIGNED_IN_ENDPOINTS``: any signed-in user, member of a forum or not
  (sign-out, changing one's password, choosing a forum);
- ``ADMIN``: the ``admin`` blueprint: a signed-in platform administrator, no membership needed;
- ``MEMBER``: everything else: a signed-in user with a role in the current forum, which is not
  suspended. A platform administrator is refused here unless they are also a member.

So a new route is a forum route, guarded, by default; tests walk the URL map to prove it.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from forum_app.accounts.roles import allowed_roles, current_membership, role_required
from forum_app.accounts.services import membership
from forum_app.accounts.switcher import FORUM_SESSION_KEY
from forum_app.accounts.two_factor import required_for_user
from forum_app.accounts.views import forget_ended_session
from forum_app.extensions import db

PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "surveys.index",
        "surveys.start",
        "surveys.question",
        "surveys.check",
        "surveys.confirmation",
        "surveys.saved",
        "surveys.resume_form",
        "surveys.withdraw_form",
        "surveys.withdraw_confirm",
        "surveys.withdrawn",
        "surveys.help_page",
        "surveys.forum_help",
        "surveys.theme",
        "surveys.privacy",
        "accounts.login",
        # The second step of signing in: it checks the pending sign-in the password step left.
        "accounts.login_code",
        "accounts.health",
        # Single-use links to join a team or set a new password: the link is the key (accounts/links.py).
        "accounts.accept_invite",
        "accounts.forgot_password",
        "accounts.reset_password",
        # Evidence packs shared with inspectors: the link is the key (forum_app/packs/shared_views.py).
        "packs.shared",
        "packs.shared_passcode",
        "packs.shared_view",
        "packs.shared_file",
        # A survey's short link, printed on its poster (forum_app/builder/share_views.py).
        "builder.short_link",
    }
)
# Signed in, but allowed before the one-time password has been changed.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {
        "accounts.change_password",
        "accounts.logout",
        "accounts.account",
        "accounts.sign_out_everywhere",
        "accounts.end_session",
    }
)
# Signed in, but allowed before two-factor sign-in is set up by someone who needs it.
TWO_FACTOR_SETUP_ENDPOINTS = frozenset(
    {"accounts.two_factor_setup", "accounts.logout", "accounts.sign_out_everywhere"}
)
# One's own two-factor sign-in: an account's, not a forum's.
TWO_FACTOR_ENDPOINTS = TWO_FACTOR_SETUP_ENDPOINTS | {
    "accounts.two_factor",
    "accounts.two_factor_codes",
    "accounts.two_factor_off",
}
# Signed in, with or without a membership (and still open to the staff of a suspended forum).
SIGNED_IN_ENDPOINTS = (
    PASSWORD_CHANGE_ENDPOINTS | TWO_FACTOR_ENDPOINTS | {"accounts.forums", "accounts.switch_forum"}
)
ADMIN_BLUEPRINT = "admin"
PUBLIC, SIGNED_IN, ADMIN, MEMBER = "public", "signed in", "platform administrator", "forum member"
__all__ = ["FORUM_SESSION_KEY", "access_rule", "allowed_roles", "current_membership", "role_required"]


def access_rule(endpoint: str | None) -> str:
    """Which rule guards ``endpoint``: ``PUBLIC``, ``SIGNED_IN``, ``ADMIN`` or ``MEMBER``."""
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    if endpoint in SIGNED_IN_ENDPOINTS:
        return SIGNED_IN
    if endpoint.partition(".")[0] == ADMIN_BLUEPRINT:
        return ADMIN
    return MEMBER


def _guard() -> ResponseReturnValue | None:
    rule = access_rule(request.endpoint)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        if g.get("session_ended") is not None:
            session.pop(FORUM_SESSION_KEY, None)
            forget_ended_session()
        return redirect(url_for("accounts.login", next=request.path))
    if current_user.must_change_password:
        if request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            return redirect(url_for("accounts.change_password"))
    elif request.endpoint not in TWO_FACTOR_SETUP_ENDPOINTS and _needs_two_factor_setup():
        return redirect(url_for("accounts.two_factor_setup"))
    if rule == ADMIN:
        if not current_user.is_platform_admin:
            abort(403)
        return None
    found = membership(db.session, current_user.id, session.get(FORUM_SESSION_KEY))
    if found is None and session.get(FORUM_SESSION_KEY) is not None:  # left that forum: their first
        found = membership(db.session, current_user.id, None)
    if found is not None:
        g.membership = found
        session[FORUM_SESSION_KEY] = found.forum_id
    if rule == SIGNED_IN:
        return None
    if found is None:
        abort(403)
    if found.forum.suspended_at is not None:
        return render_template("accounts/suspended.html", forum=found.forum), 403
    return None


def _needs_two_factor_setup() -> bool:
    """Whether the user must set up two-factor sign-in first: a lead, a platform administrator, or
    anyone in a forum that requires it, who has not yet."""
    if current_user.has_two_factor:
        return False
    leads = current_app.config["LEADS_NEED_TWO_FACTOR"]
    return (leads and current_user.is_platform_admin) or required_for_user(db.session, current_user.id, leads)


def register_guard(app: Flask) -> None:
    app.before_request(_guard)
