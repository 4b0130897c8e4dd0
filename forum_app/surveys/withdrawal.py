"""Withdrawal: with the receipt code, a parent takes their sent answers back."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from forum_app.surveys.codes import hash_code, normalise_code
from forum_app.surveys.models import SPAM, SUBMITTED, WITHDRAWN, Answer, Response
from forum_app.surveys.services import LiveSurvey, get_response


class ReceiptNotFound(LookupError):
    """No sent answers to this survey have this receipt code."""


class AlreadyWithdrawn(Exception):
    """These answers were withdrawn before."""


def find_sent(session: Session, code: str, live: LiveSurvey) -> Response:
    """The sent response with this receipt code, or ReceiptNotFound / AlreadyWithdrawn."""
    if len(normalise_code(code)) != 12:
        raise ReceiptNotFound(code)
    found = session.scalar(select(Response.id).where(Response.receipt_hash == hash_code(code)))
    response = get_response(session, found, live.survey.id)
    if response is None:
        raise ReceiptNotFound(code)
    if response.status == WITHDRAWN:
        raise AlreadyWithdrawn(response.id)
    if response.status not in (SUBMITTED, SPAM):  # a parent taken for spam may still take it back
        raise ReceiptNotFound(code)
    return response


def withdraw(session: Session, code: str, live: LiveSurvey) -> None:
    """Delete every answer (and, through them, anything derived from them) and mark the response
    withdrawn, so it is left out of every count and pack from now on. Only the receipt hash stays,
    to say "already withdrawn" if the code is used again."""
    response = find_sent(session, code, live)
    session.execute(delete(Answer).where(Answer.response_id == response.id))
    response.status = WITHDRAWN
    response.submitted_on = None
    response.resume_hash = None
    response.resume_expires_on = None
    session.commit()
