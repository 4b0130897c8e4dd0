"""The survey (and its working draft) a builder page is about: the signed-in member's forum's, else 404."""

from __future__ import annotations

from flask import abort

from forum_app.accounts.roles import current_membership
from forum_app.builder import publishing
from forum_app.builder.drafts import Draft, draft_of
from forum_app.extensions import db
from forum_app.surveys.models import Survey


def survey_or_404(slug: str) -> Survey:
    """The current forum's survey at ``slug``; 404 for another forum's or none."""
    survey = publishing.forum_survey(db.session, current_membership().forum_id, slug)
    if survey is None:
        abort(404)
    return survey


def draft_or_404(survey: Survey) -> Draft:
    """The survey's working draft; 404 when it has none."""
    try:
        return draft_of(db.session, survey.id)
    except LookupError:
        abort(404)
