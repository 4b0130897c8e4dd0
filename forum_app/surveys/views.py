"""Routes of the survey runner (public) and the staff list of responses. Views stay thin."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app import journeys
from forum_app.extensions import csrf, db
from forum_app.i18n import page_language
from forum_app.ratelimit import Limit, allow, source_key
from forum_app.security import current_membership, role_required
from forum_app.surveys import bp, contexts, spam_folder, staff
from forum_app.surveys.assisted import assisting
from forum_app.surveys.fields import QUESTION_TYPES, question_form_class
from forum_app.surveys.forms import StartForm, SubmitForm
from forum_app.surveys.live import live_in_language
from forum_app.surveys.models import IN_PROGRESS, SPAM, SUBMITTED
from forum_app.surveys.respondent import (
    NOTICE_KEY,
    SAVED_KEY,
    began,
    current,
    entry,
    forget_after_sending,
    just_sent,
    reattach,
    start_afresh,
    start_new,
    survey_url,
)
from forum_app.surveys.resume import (
    AlreadySent,
    save_for_later,
)
from forum_app.surveys.services import (
    IncompleteResponse,
    LiveSurvey,
    ResponseNotEditable,
    SurveyNotFound,
    answers_of,
    definition_of,
    first_unanswered,
    looks_automated,
    open_surveys,
    save_answer,
)
from forum_app.views import Page

EXPIRED_MESSAGE = _l(
    "This page was open for a long time, so your answer was not saved yet. "
    "It is still below: check it and press the button again."
)

# No address of ours contains a control character; PostgreSQL refuses to even look one up (NUL).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _blank(form: Any) -> bool:
    """Nothing was typed or chosen on the page (the CSRF token aside)."""
    return (
        all(
            not any(str(value).strip() for value in (field.raw_data or []))
            for name, field in form._fields.items()
            if name != "csrf_token"
        )
        and "csrf_token" not in form.errors
    )


def _save_for_later(live: LiveSurvey, response_id: str) -> WerkzeugResponse:
    saved = save_for_later(db.session, response_id, current_app.config["RESUME_DAYS"])
    session[SAVED_KEY] = {"code": saved.code, "last_day": saved.last_day.isoformat()}
    return redirect(survey_url("surveys.saved", live))


@bp.url_value_preprocessor
def _refuse_control_characters(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    bad = [name for name, value in (values or {}).items() if _CONTROL.search(str(value))]
    if {"forum_slug", "survey_slug"} & set(bad):
        raise SurveyNotFound("a control character in the address")
    if bad:
        abort(404)


# --- public pages -----------------------------------------------------------------------------


@bp.get("/")
def index() -> Page:
    return render_template("surveys/index.html", surveys=open_surveys(db.session))


@bp.route("/s/<forum_slug>/<survey_slug>/", methods=["GET", "POST"])
def start(forum_slug: str, survey_slug: str) -> Page:
    live = live_in_language(forum_slug, survey_slug)
    start_afresh(live.survey.id)
    response = current(live)
    in_progress = response is not None and response.status == IN_PROGRESS
    form = StartForm()
    if form.validate_on_submit():
        if not in_progress:
            response = start_new(live, timed=True)
        assert response is not None
        definition = definition_of(response, page_language())
        key = first_unanswered(definition, answers_of(db.session, response.id)) or definition.questions[0].key
        return redirect(survey_url("surveys.question", live, key=key))
    return render_template(
        "surveys/start.html", live=live, form=form, in_progress=in_progress, expired=request.method == "POST"
    )


@bp.route("/s/<forum_slug>/<survey_slug>/q/<key>", methods=["GET", "POST"])
def question(forum_slug: str, survey_slug: str, key: str) -> Page:
    live = live_in_language(forum_slug, survey_slug)
    response = current(live)
    if (response is None and just_sent(live.survey.id)) or (
        response is not None and response.status != IN_PROGRESS
    ):
        return redirect(survey_url("surveys.confirmation", live))
    if response is None and request.method == "GET":
        return redirect(survey_url("surveys.start", live))
    definition = definition_of(response, page_language()) if response else live.definition
    asked = definition.question(key)
    if asked is None:
        abort(404)
    answers = answers_of(db.session, response.id) if response else {}
    if asked not in definition.visible(answers):
        return redirect(survey_url("surveys.check", live))
    changing = request.args.get("change") == "1"
    kind = QUESTION_TYPES[asked.kind]
    form_class = question_form_class(asked, current_app.config["MAX_TEXT_LENGTH"])
    form = form_class() if request.method == "POST" else form_class(data=kind.form_data(answers.get(key)))
    saving = request.form.get("action") == "save"
    shown = definition.visible(answers)
    if request.method == "POST" and (form.validate() or (saving and _blank(form))):
        if response is None:  # the browser session ended, but the parent's answer is kept
            response = start_new(live)
        try:
            if not form.errors:  # a blank page may be saved for later without its answer
                save_answer(db.session, response.id, key, kind.read(form))
            if saving:
                return _save_for_later(live, response.id)
        except (ResponseNotEditable, AlreadySent):
            return redirect(survey_url("surveys.confirmation", live))
        answers = answers_of(db.session, response.id)
        missing = first_unanswered(definition, answers)
        following = definition.next_after(key, answers)
        appeared = definition.first_appeared(shown, answers)
        # After a change from "check your answers", go back there unless a new question appeared
        # (one that must be answered, or one the change brought, such as consent to quote new words).
        if changing:
            target = missing or (appeared.key if appeared else None)
        else:
            target = following.key if following else missing
        if target is None:
            return redirect(survey_url("surveys.check", live))
        return redirect(
            survey_url("surveys.question", live, key=target, **({"change": "1"} if changing else {}))
        )
    csrf_expired = "csrf_token" in form.errors
    errors = {name: errs for name, errs in form.errors.items() if name != "csrf_token"}
    return render_template(
        "surveys/question.html",
        live=live,
        question=asked,
        form=form,
        errors=errors,
        csrf_expired=csrf_expired,
        expired_message=EXPIRED_MESSAGE,
        title=contexts.page_title(asked, bool(errors) or csrf_expired, definition.title),
        back_url=contexts.back_url(definition, key, answers, forum_slug, survey_slug, changing),
        changing=changing,
        notice=session.pop(NOTICE_KEY, None),
    )


def _submission_allowed() -> bool:
    """Count a sending against this source's hourly allowance (shared by all processes); beyond it,
    what is sent is kept in the spam folder for a lead to look at, never refused or lost."""
    limit = Limit("submit", current_app.config["SUBMISSIONS_PER_HOUR"], 3600)
    return allow(db.session, limit, source_key(db.session, request.remote_addr))


@bp.route("/s/<forum_slug>/<survey_slug>/check", methods=["GET", "POST"])
def check(forum_slug: str, survey_slug: str) -> Page:
    live = live_in_language(forum_slug, survey_slug)
    response = current(live) or reattach(live)
    if response is None:
        return redirect(
            survey_url("surveys.confirmation" if just_sent(live.survey.id) else "surveys.start", live)
        )
    if response.status != IN_PROGRESS:
        return redirect(survey_url("surveys.confirmation", live))
    definition = definition_of(response, page_language())
    answers = answers_of(db.session, response.id)
    form = SubmitForm()
    if form.validate_on_submit():
        # The browser session always holds this response's receipt code (set when it started,
        # resumed or was reattached), so the confirmation page can show it, even after a double tap.
        # A bot is not told it was caught: a suspicious response goes to the leads' spam folder,
        # and the parent (if it was one) sees the same confirmation page. Staff entering parents'
        # answers at an event send many from one address: that is not counted against it.
        spam = looks_automated(
            form.website.data or "",
            began(live.survey.id),
            time.time(),
            current_app.config["MIN_COMPLETION_SECONDS"],
        ) or (not assisting(live.survey.id) and not _submission_allowed())
        try:
            journeys.send_report(db.session, response.id, form.idempotency_key.data or "", spam=spam)
        except IncompleteResponse as missing:
            return redirect(survey_url("surveys.question", live, key=missing.key))
        return redirect(survey_url("surveys.confirmation", live))
    missing_key = first_unanswered(definition, answers)
    if missing_key is not None:
        return redirect(survey_url("surveys.question", live, key=missing_key))
    form.idempotency_key.data = response.idempotency_key
    return render_template(
        "surveys/check.html",
        live=live,
        form=form,
        rows=contexts.summary_rows(definition, answers, forum_slug, survey_slug),
        notice=session.pop(NOTICE_KEY, None),
        csrf_expired=request.method == "POST",
    )


@bp.get("/s/<forum_slug>/<survey_slug>/done")
def confirmation(forum_slug: str, survey_slug: str) -> Page:
    """Shows the receipt code once: a reload, or the next person on a shared phone, sees only that
    answers were sent."""
    live = live_in_language(forum_slug, survey_slug)
    if just_sent(live.survey.id):
        return render_template("surveys/confirmation.html", live=live, receipt_code=None)
    response = current(live)
    if response is None or response.status not in (SUBMITTED, SPAM):
        return redirect(survey_url("surveys.start", live))
    receipt_code = entry(live.survey.id).get("receipt")
    forget_after_sending(live.survey.id)
    return render_template("surveys/confirmation.html", live=live, receipt_code=receipt_code)


# --- staff: the forum's responses ------------------------------------------------------------


def _is_lead() -> bool:
    return current_membership().role == "lead"


@bp.get("/staff/responses")
def responses() -> Page:
    """Submitted responses; ``?folder=spam`` is the leads' spam folder."""
    forum_id = current_membership().forum_id
    in_spam = request.args.get("folder") == "spam"
    if in_spam and not _is_lead():
        abort(403)
    listing = staff.list_responses(
        db.session, forum_id, request.args.get("page", 1, type=int), SPAM if in_spam else SUBMITTED
    )
    return render_template(
        "surveys/staff/responses.html",
        listing=listing,
        in_spam=in_spam,
        texts=spam_folder.free_texts(db.session, forum_id, [row.id for row in listing.rows])
        if in_spam
        else {},
        spam_count=staff.count_with_status(db.session, forum_id, SPAM) if _is_lead() else None,
    )


@bp.get("/staff/responses/<response_id>")
def response_detail(response_id: str) -> Page:
    lead = _is_lead()
    statuses = (SUBMITTED, SPAM) if lead else (SUBMITTED,)
    detail = journeys.response_for_staff(
        db.session, current_membership().forum_id, response_id, statuses, moderator=lead
    )
    if detail is None:
        abort(404)
    return render_template("surveys/staff/response.html", detail=detail)


@bp.post("/staff/responses/<response_id>/not-spam")
@role_required("lead")
def not_spam(response_id: str) -> Page:
    csrf.protect()  # the survey blueprint is exempt as a whole; a staff form still needs its token
    if not journeys.mark_not_spam(db.session, current_membership().forum_id, response_id):
        abort(404)
    flash(f"Response {response_id[:8]} is no longer marked as spam: it is counted and will be coded.")
    return redirect(url_for("surveys.responses", folder="spam"))
