"""The respondent's browser session: which response they are filling in, and one-off messages.

The cookie holds only the response's random id, its receipt code and when "Start now" was pressed
(to spot forms sent too fast to be a person's), for one survey at a time, so it never grows; the
answers themselves are in the database, which never stores the start time. Once the confirmation page
has shown the receipt code, all of that is forgotten: only a note that answers were just sent stays,
until the survey is started again, so a shared phone never shows the code to the next person.
"""

from __future__ import annotations

import time
from typing import Any

from flask import request, session, url_for

from forum_app.extensions import db
from forum_app.surveys import assisted
from forum_app.surveys.models import IN_PROGRESS, Response
from forum_app.surveys.services import (
    LiveSurvey,
    get_response,
    reissue_receipt,
    response_by_key,
    start_response,
)

SESSION_KEY = "responses"
SENT = "sent"  # in place of the response: answers were sent from here and their code shown
SAVED_KEY = "saved"  # the resume code just issued, shown once on the "saved" page
SAVED_HERE = "saved"  # in place of the response: answers were saved from here and their code shown
NOTICE_KEY = "notice"  # a one-off message for the next page


def entry(survey_id: int) -> dict[str, str]:
    entry: dict[str, str] = session.get(SESSION_KEY, {}).get(str(survey_id), {})
    return entry


def remember(survey_id: int, response_id: str, receipt_code: str, began: int | None = None) -> None:
    # Only the current survey is kept, so the cookie never grows.
    kept = {"id": response_id, "receipt": receipt_code}
    if began is not None:  # when "Start now" was pressed, only ever in this signed cookie
        kept["began"] = str(began)
    session[SESSION_KEY] = {str(survey_id): kept}


def forget_after_sending(survey_id: int) -> None:
    """The confirmation page has shown the receipt code: forget the response and its code."""
    session[SESSION_KEY] = {str(survey_id): {SENT: "1"}}


def forget_after_saving(survey_id: int) -> None:
    """The saved page has shown the resume code: forget it and the draft (the parent carries on with the
    code, so the next person on a shared phone finds neither the code nor the answers)."""
    session.pop(SAVED_KEY, None)
    session[SESSION_KEY] = {str(survey_id): {SAVED_HERE: "1"}}


def just_saved(survey_id: int) -> bool:
    """Answers to this survey were saved from this browser and their resume code shown."""
    return entry(survey_id).get(SAVED_HERE) == "1"


def just_sent(survey_id: int) -> bool:
    """Answers to this survey were sent from this browser and their confirmation shown."""
    return entry(survey_id).get(SENT) == "1"


def start_afresh(survey_id: int) -> None:
    """A new visit to the survey: forget that answers were sent or saved from here."""
    if just_sent(survey_id) or just_saved(survey_id):
        session.pop(SESSION_KEY, None)


def began(survey_id: int) -> int | None:
    """When this browser pressed "Start now" (seconds since the epoch), or None if the journey
    began elsewhere (a resume code, another device, an expired session)."""
    value = entry(survey_id).get("began", "")
    return int(value) if value.isdigit() else None


def current(live: LiveSurvey) -> Response | None:
    return get_response(db.session, entry(live.survey.id).get("id"), live.survey.id)


def start_new(live: LiveSurvey, timed: bool = False) -> Response:
    """A new response in this browser session; ``timed`` (on "Start now") notes when it began."""
    started = start_response(db.session, live)
    if assisted.assisting(live.survey.id):  # a member of staff enters it for a parent
        assisted.mark_assisted(db.session, started.response.id)
    remember(live.survey.id, started.response.id, started.receipt_code, int(time.time()) if timed else None)
    return started.response


def reattach(live: LiveSurvey) -> Response | None:
    """After the browser session ended, the Send form's idempotency key still finds the parent's
    answers: link them to the new session (with a new receipt code, as the old one was lost)."""
    if request.method != "POST":
        return None
    response = response_by_key(db.session, request.form.get("idempotency_key", ""), live.survey.id)
    if response is None or response.status != IN_PROGRESS:
        return None
    remember(live.survey.id, response.id, reissue_receipt(db.session, response.id))
    return response


def survey_url(endpoint: str, live: LiveSurvey, **values: Any) -> str:
    return url_for(endpoint, forum_slug=live.survey.forum.slug, survey_slug=live.survey.slug, **values)
