"""Assisted entry: a member of staff, at an event, on the phone or from a paper form, enters a parent's
answers for them in the ordinary runner.

A signed-in lead or coder starts it for one survey (``forum_app.builder.assisted_views``): this browser
session then notes the survey (``ASSISTED_KEY``), every runner page of that survey says answers are
being entered on a parent's behalf, and every response started here for it is marked ``assisted``.
Nothing records which member of staff entered a response: it is as anonymous as a parent's own. Signing
out (or in) clears the browser session, and with it the note.
"""

from __future__ import annotations

from flask import session
from sqlalchemy import update
from sqlalchemy.orm import Session

from forum_app.surveys import bp
from forum_app.surveys.models import Response

ASSISTED_KEY = "assisted"  # the id of the survey being entered on parents' behalf in this browser


def begin(survey_id: int) -> None:
    """From now on, this browser session enters answers to this survey on parents' behalf."""
    session[ASSISTED_KEY] = str(survey_id)


@bp.app_template_global("assisting")
def assisting(survey_id: int) -> bool:
    """Whether this browser session enters answers to this survey on parents' behalf."""
    return session.get(ASSISTED_KEY) == str(survey_id)


def mark_assisted(db_session: Session, response_id: str) -> None:
    """Mark a response as entered by a member of staff on a parent's behalf. Commits."""
    db_session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(assisted=True)
        .execution_options(synchronize_session="fetch")
    )
    db_session.commit()
