"""Role checks for forum pages: ``role_required`` and ``current_membership``.

They live here, below ``forum_app.security`` (which imports the accounts package), so accounts' own
views can use them too; ``forum_app.security`` offers the same names to every other feature.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g

from forum_app.accounts.models import ROLES, Membership

F = TypeVar("F", bound=Callable[..., Any])


def current_membership() -> Membership:
    """The signed-in user's membership of the forum they are working in (set by the guard)."""
    found: Membership = g.membership
    return found


def role_required(*roles: str) -> Callable[[F], F]:
    """Only members with one of ``roles`` in the current forum may use this view."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_membership().role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # The roles are kept on the view, so the access tests read them from the URL map.
        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def allowed_roles(view: Callable[..., Any]) -> tuple[str, ...]:
    """The roles a forum page lets in: those given to ``role_required``, else every role."""
    return tuple(getattr(view, "allowed_roles", ROLES))
