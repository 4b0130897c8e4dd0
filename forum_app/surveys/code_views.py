"""Pages where a parent types a code: carry on with saved answers, or take sent answers back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, redirect, render_template, request, session

from forum_app.extensions import db
from forum_app.ratelimit import Limit, allow, source_key
from forum_app.surveys import bp
from forum_app.surveys.forms import ConfirmWithdrawForm, ReceiptForm, ResumeForm
from forum_app.surveys.respondent import (
    NOTICE_KEY,
    SAVED_KEY,
    SESSION_KEY,
    current,
    entry,
    forget_after_saving,
    just_saved,
    remember,
    survey_url,
)
from forum_app.surveys.resume import AlreadySent, ResumeCodeExpired, ResumeCodeNotFound, resume
from forum_app.surveys.services import LiveSurvey, answers_of, definition_of, first_unanswered, live_survey
from forum_app.surveys.withdrawal import AlreadyWithdrawn, ReceiptNotFound, find_sent, withdraw
from forum_app.templating import format_date
from forum_app.views import Page

TOO_MANY_TRIES = "You have tried too many codes. Wait an hour, then try again"


def _code_attempt_allowed(scope: str) -> bool:
    """Count a try at a code against this source's hourly allowance (shared by all processes)."""
    limit = Limit(scope, current_app.config["CODE_ATTEMPTS_PER_HOUR"], 3600)
    return allow(db.session, limit, source_key(db.session, request.remote_addr))


# --- save and come back later ------------------------------------------------------------------


@bp.get("/s/<forum_slug>/<survey_slug>/saved")
def saved(forum_slug: str, survey_slug: str) -> Page:
    """Shows the resume code once, then forgets it and the draft: a reload, or the next person on a
    shared phone, sees only that answers were saved (the parent carries on with the code)."""
    live = live_survey(db.session, forum_slug, survey_slug)
    if just_saved(live.survey.id):
        return render_template("surveys/saved.html", live=live, code=None, last_day=None)
    response = current(live)
    issued = session.get(SAVED_KEY)
    if response is None or not isinstance(issued, dict):
        return redirect(survey_url("surveys.resume_form", live))
    last_day = date.fromisoformat(issued["last_day"])
    forget_after_saving(live.survey.id)
    return render_template("surveys/saved.html", live=live, code=issued["code"], last_day=last_day)


@bp.route("/s/<forum_slug>/<survey_slug>/resume", methods=["GET", "POST"], endpoint="resume_form")
def resume_view(forum_slug: str, survey_slug: str) -> Page:
    live = live_survey(db.session, forum_slug, survey_slug)
    form = ResumeForm()
    error = None
    if form.validate_on_submit():
        if not _code_attempt_allowed("resume"):
            return _code_page(RESUME_PAGE, live, form, TOO_MANY_TRIES, 429)
        try:
            resumed = resume(db.session, form.code.data or "", live)
        except ResumeCodeNotFound:
            error = "We could not find saved answers with that code. Check the four words and try again"
        except ResumeCodeExpired as expired:
            error = (
                f"That code stopped working on {format_date(expired.expired_on)}. "
                "Codes work for a limited time, so you will need to start again"
            )
        except AlreadySent:
            error = "The answers saved with that code have already been sent. Thank you"
        else:
            remember(live.survey.id, resumed.response.id, resumed.receipt_code)
            session.pop(SAVED_KEY, None)
            if resumed.changed_version:
                session[NOTICE_KEY] = (
                    "The survey has changed since you saved your answers. We kept your answers to the "
                    "questions that are still in it. Please check them and answer any new questions."
                )
            definition = definition_of(resumed.response)
            key = first_unanswered(definition, answers_of(db.session, resumed.response.id))
            return redirect(
                survey_url("surveys.question", live, key=key) if key else survey_url("surveys.check", live)
            )
    return _code_page(RESUME_PAGE, live, form, error)


# --- withdrawal --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodePage:
    heading: str
    hint: str
    width: str
    after: str = ""


RESUME_PAGE = CodePage(
    "Continue with your code",
    "Enter the four words you were given when you saved your answers. "
    "For example, otter maple lantern comet.",
    "input--width-30",
    "Lost your code? You will need to start again.",
)
WITHDRAW_PAGE = CodePage(
    "Take your answers back",
    "Enter the receipt code you were given when you sent your answers. For example, K7QF-2MXD-9RTA.",
    "input--width-20",
)


def _code_page(
    page: CodePage, live: LiveSurvey, form: Any, error: str | None, status: int = 200
) -> tuple[str, int]:
    if error:
        form.code.errors = [*form.code.errors, error]
    errors = {name: list(field.errors) for name, field in form._fields.items() if field.errors}
    expired = bool(errors.pop("csrf_token", None))
    html = render_template(
        "surveys/enter_code.html", page=page, live=live, form=form, errors=errors, expired=expired
    )
    return html, status


@bp.route("/s/<forum_slug>/<survey_slug>/withdraw", methods=["GET", "POST"])
def withdraw_form(forum_slug: str, survey_slug: str) -> Page:
    live = live_survey(db.session, forum_slug, survey_slug)
    form = ReceiptForm()
    error = None
    if form.validate_on_submit():
        if not _code_attempt_allowed("withdraw"):
            return _code_page(WITHDRAW_PAGE, live, form, TOO_MANY_TRIES, 429)
        try:
            find_sent(db.session, form.code.data or "", live)
        except ReceiptNotFound:
            error = "We could not find sent answers with that receipt code. Check it and try again"
        except AlreadyWithdrawn:
            error = "The answers with that receipt code have already been withdrawn and deleted"
        else:
            confirm = ConfirmWithdrawForm(code=form.code.data)
            return render_template("surveys/withdraw_confirm.html", live=live, form=confirm)
    return _code_page(WITHDRAW_PAGE, live, form, error)


@bp.post("/s/<forum_slug>/<survey_slug>/withdraw/confirm")
def withdraw_confirm(forum_slug: str, survey_slug: str) -> Page:
    live = live_survey(db.session, forum_slug, survey_slug)
    form = ConfirmWithdrawForm()
    if not form.validate_on_submit():  # the page was open too long: ask again, nothing deleted
        return render_template("surveys/withdraw_confirm.html", live=live, form=form, expired=True)
    if not _code_attempt_allowed("withdraw"):  # the code is tried again here: the same allowance
        return _code_page(WITHDRAW_PAGE, live, ReceiptForm(formdata=None), TOO_MANY_TRIES, 429)
    try:
        withdraw(db.session, form.code.data or "", live)
    except (ReceiptNotFound, AlreadyWithdrawn):
        return redirect(survey_url("surveys.withdraw_form", live))
    if entry(live.survey.id):  # withdrawn from this browser: forget it here too
        session.pop(SESSION_KEY, None)
    return redirect(survey_url("surveys.withdrawn", live))


@bp.get("/s/<forum_slug>/<survey_slug>/withdrawn")
def withdrawn(forum_slug: str, survey_slug: str) -> Page:
    live = live_survey(db.session, forum_slug, survey_slug)
    return render_template("surveys/withdrawn.html", live=live)
