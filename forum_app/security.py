"""Who may see what: staff pages need a signed-in user with a role in the current forum.

Every endpoint is staff-only unless it is listed in ``PUBLIC_ENDPOINTS``:
a new route is guarded by default, and a test walks the URL map to prove it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts.models import Membership
from forum_app.accounts.services import membership
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
        "accounts.health",
        # Evidence packs shared with inspectors: the link is the key (forum_app/packs/shared_views.py).
        "packs.shared",
        "packs.shared_passcode",
        "packs.shared_view",
        "packs.shared_file",
    }
)
# Signed in, but allowed before the one-time password has been changed.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"accounts.change_password", "accounts.logout", "accounts.account", "accounts.sign_out_everywhere"}
)
FORUM_SESSION_KEY = "forum_id"

F = TypeVar("F", bound=Callable[..., Any])


def current_membership() -> Membership:
    """The signed-in user's membership of the forum they are working in."""
    found: Membership = g.membership
    return found


def _guard() -> WerkzeugResponse | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        if g.get("session_ended") is not None:
            session.pop(FORUM_SESSION_KEY, None)
            forget_ended_session()
        return redirect(url_for("accounts.login", next=request.path))
    found = membership(db.session, current_user.id, session.get(FORUM_SESSION_KEY))
    if found is None:
        abort(403)
    g.membership = found
    session[FORUM_SESSION_KEY] = found.forum_id
    if current_user.must_change_password and endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("accounts.change_password"))
    return None


def role_required(*roles: str) -> Callable[[F], F]:
    """Only members with one of ``roles`` in the current forum may use this view."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_membership().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def register_guard(app: Flask) -> None:
    app.before_request(_guard)
