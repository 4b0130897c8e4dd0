"""Assisted entry (leads and coders): "Enter answers for a parent" on a survey's page starts a response
in the ordinary runner, marked as entered on a parent's behalf (``forum_app.surveys.assisted``)."""

from __future__ import annotations

from flask import abort, redirect, render_template
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts.roles import current_membership, role_required
from forum_app.builder import bp, publishing
from forum_app.builder.forms import ActionForm
from forum_app.db import today
from forum_app.extensions import db
from forum_app.surveys import assisted
from forum_app.surveys.respondent import start_new, survey_url
from forum_app.surveys.services import live_survey, takes_responses
from forum_app.views import Page

NOT_TAKING = "This survey is not taking responses today, so no answers can be entered. A lead can reopen it."


@bp.post("/staff/surveys/<slug>/assisted")
@role_required("lead", "coder")
def assisted_start(slug: str) -> Page:
    """A fresh response, entered on a parent's behalf from this browser, at the survey's first question."""
    survey = publishing.forum_survey(db.session, current_membership().forum_id, slug)
    if survey is None:
        abort(404)
    if not survey.versions or not takes_responses(survey, today()):
        return render_template(
            "builder/survey.html",
            survey=survey,
            versions=publishing.survey_versions(db.session, survey.id),
            taking=False,
            lead=current_membership().role == "lead",
            form=ActionForm(),
            errors={"assisted": [NOT_TAKING]},
        ), 409
    live = live_survey(db.session, survey.forum.slug, survey.slug)
    assisted.begin(survey.id)
    start_new(live)
    first = live.definition.questions[0].key
    response: WerkzeugResponse = redirect(survey_url("surveys.question", live, key=first), 303)
    return response
