"""Refused requests in the audit log: a signed-in member of staff answered 403.

A page their role may not use (``role_required``), another forum's object, a forum page without a
membership: each is written as ``denied <endpoint> <METHOD>``, in a session of its own after the
request, with ids only (never the address's query string or any text). The same person refused the
same endpoint again within ``QUIET`` is not written again, so a loop cannot flood the log.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts.models import AuditEvent
from forum_app.accounts.services import membership
from forum_app.db import utcnow
from forum_app.extensions import db

DENIED = "denied "  # the start of every refusal's action
QUIET = timedelta(minutes=1)


def record_denial(session: Session, user_id: int, forum_id: int | None, action: str) -> bool:
    """Write one refusal unless the same one was written in the last ``QUIET``; whether it was."""
    now = utcnow()
    recent = session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.user_id == user_id, AuditEvent.action == action, AuditEvent.at >= now - QUIET)
        .limit(1)
    )
    if recent is not None:
        return False
    session.add(AuditEvent(forum_id=forum_id, user_id=user_id, action=action, at=now))
    session.commit()
    return True


def log_denial(response: WerkzeugResponse) -> WerkzeugResponse:
    """After a request: log it if it refused a signed-in member of staff (not a suspended forum's)."""
    if response.status_code != 403 or not request.endpoint or not current_user.is_authenticated:
        return response
    member = getattr(g, "membership", None)
    if member is not None and member.forum.suspended_at is not None:
        return response  # the forum is closed to everyone: not an attempt to go beyond one's role
    action = f"{DENIED}{request.endpoint} {request.method}"[:64]
    with db.sessionmaker(current_app)() as session:
        if member is None:
            member = membership(session, current_user.id, None)
        record_denial(session, current_user.id, member.forum_id if member else None, action)
    return response
