"""Pages where a parent types a code: carry on with saved answers, or take sent answers back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_babel import ngettext

from forum_app import journeys
from forum_app.extensions import db
from forum_app.ratelimit import source_key
from forum_app.surveys import bp
from forum_app.surveys.code_tries import CODE, Allowance, CodeTry, minutes, try_code, wrong_code
from forum_app.surveys.codes import normalise_code, normalise_resume_code
from forum_app.surveys.forms import ConfirmWithdrawForm, ReceiptForm, ResumeForm
from forum_app.surveys.live import live_in_language
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
from forum_app.surveys.services import LiveSurvey, answers_of, definition_of, first_unanswered
from forum_app.surveys.support import forum_support
from forum_app.surveys.withdrawal import AlreadyWithdrawn, ReceiptNotFound, find_sent
from forum_app.templating import format_date
from forum_app.views import Page


def _try(scope: str, normalised_code: str) -> CodeTry:
    """Count a try at a code against this source's hourly allowance and check the code's own (shared
    by all processes)."""
    allowance = Allowance(
        current_app.config["CODE_ATTEMPTS_PER_SOURCE"], current_app.config["CODE_TRIES_PER_CODE"]
    )
    source = source_key(db.session, request.remote_addr)
    return try_code(db.session, scope, source, normalised_code, allowance)


def _tries_left(attempt: CodeTry) -> str:
    """After a wrong code: how many tries are left this hour."""
    left = wrong_code(db.session, attempt)
    if left:
        return " " + ngettext(
            "You have %(num)s more try this hour.", "You have %(num)s more tries this hour.", left
        )
    return " " + _("That was the last try this hour.")


def _refused(attempt: CodeTry, live: LiveSurvey) -> str:
    """Why a code was not even looked up, when to try again, and who can help."""
    wait = minutes(attempt.wait_seconds)
    if attempt.refused == CODE:
        why = ngettext(
            "That code has been tried too many times. Check the code you were given, "
            "or try again in %(num)s minute.",
            "That code has been tried too many times. Check the code you were given, "
            "or try again in %(num)s minutes.",
            wait,
        )
    else:
        why = ngettext(
            "Too many codes have been tried from this internet connection. Try again in %(num)s minute.",
            "Too many codes have been tried from this internet connection. Try again in %(num)s minutes.",
            wait,
        )
    email = forum_support(live.survey.forum).contact_email
    if email:
        return (
            why
            + " "
            + _("If you need help, email %(forum)s at %(email)s.", forum=live.survey.forum.name, email=email)
        )
    return why + " " + _("If you need help, ask %(forum)s.", forum=live.survey.forum.name)


# --- save and come back later ------------------------------------------------------------------


@bp.get("/s/<forum_slug>/<survey_slug>/saved")
def saved(forum_slug: str, survey_slug: str) -> Page:
    """Shows the resume code once, then forgets it and the draft: a reload, or the next person on a
    shared phone, sees only that answers were saved (the parent carries on with the code)."""
    live = live_in_language(forum_slug, survey_slug)
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
    live = live_in_language(forum_slug, survey_slug)
    form = ResumeForm()
    error = None
    if form.validate_on_submit():
        attempt = _try("resume", normalise_resume_code(form.code.data or ""))
        if not attempt.allowed:
            return _code_page(_resume_page(), live, form, _refused(attempt, live), 429)
        try:
            resumed = resume(db.session, form.code.data or "", live)
        except ResumeCodeNotFound:
            error = _("We could not find saved answers with that code. Check the four words and try again.")
            error += _tries_left(attempt)
        except ResumeCodeExpired as expired:
            error = _(
                "That code stopped working on %(day)s. Codes work for a limited time, so you will need to "
                "start again.",
                day=format_date(expired.expired_on),
            )
        except AlreadySent:
            error = _("The answers saved with that code have already been sent. Thank you.")
        else:
            remember(live.survey.id, resumed.response.id, resumed.receipt_code)
            session.pop(SAVED_KEY, None)
            definition = definition_of(resumed.response)
            key = first_unanswered(definition, answers_of(db.session, resumed.response.id))
            session[NOTICE_KEY] = _welcome_back(resumed.changed_version, finished=key is None)
            return redirect(
                survey_url("surveys.question", live, key=key) if key else survey_url("surveys.check", live)
            )
    return _code_page(_resume_page(), live, form, error)


def _welcome_back(changed_version: bool, finished: bool) -> str:
    """The notice on the page a family lands on after their code: a question, or check answers when
    every question was answered."""
    if changed_version:
        return _(
            "Welcome back. Your answers are saved. The survey has changed since you saved them: we kept "
            "your answers to the questions that are still in it. Please check them and answer any new "
            "questions."
        )
    if finished:
        return _("Welcome back. Your answers are saved. Check them, then send them.")
    return _("Welcome back. Your answers are saved. Carry on from where you stopped.")


# --- withdrawal --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodePage:
    heading: str
    hint: str
    width: str
    after: str = ""


def _resume_page() -> CodePage:
    return CodePage(
        _("Continue with your code"),
        _(
            "Enter the four words you were given when you saved your answers. "
            "For example, otter maple lantern comet."
        ),
        "input--width-30",
        _("Lost your code? You will need to start again."),
    )


def _withdraw_page() -> CodePage:
    return CodePage(
        _("Take your answers back"),
        _("Enter the receipt code you were given when you sent your answers. For example, K7QF-2MXD-9RTA."),
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
    live = live_in_language(forum_slug, survey_slug)
    form = ReceiptForm()
    error = None
    if form.validate_on_submit():
        attempt = _try("withdraw", normalise_code(form.code.data or ""))
        if not attempt.allowed:
            return _code_page(_withdraw_page(), live, form, _refused(attempt, live), 429)
        try:
            find_sent(db.session, form.code.data or "", live)
        except ReceiptNotFound:
            error = _("We could not find sent answers with that receipt code. Check it and try again.")
            error += _tries_left(attempt)
        except AlreadyWithdrawn:
            error = _("The answers with that receipt code have already been withdrawn and deleted.")
        else:
            confirm = ConfirmWithdrawForm(code=form.code.data)
            return render_template("surveys/withdraw_confirm.html", live=live, form=confirm)
    return _code_page(_withdraw_page(), live, form, error)


@bp.post("/s/<forum_slug>/<survey_slug>/withdraw/confirm")
def withdraw_confirm(forum_slug: str, survey_slug: str) -> Page:
    live = live_in_language(forum_slug, survey_slug)
    form = ConfirmWithdrawForm()
    if not form.validate_on_submit():  # the page was open too long: ask again, nothing deleted
        return render_template("surveys/withdraw_confirm.html", live=live, form=form, expired=True)
    attempt = _try("withdraw", normalise_code(form.code.data or ""))  # tried again here: the same allowance
    if not attempt.allowed:
        return _code_page(_withdraw_page(), live, ReceiptForm(formdata=None), _refused(attempt, live), 429)
    try:
        run = journeys.retrain_run(current_app.config, db.sessionmaker)
        journeys.withdraw(db.session, form.code.data or "", live, run)
    except ReceiptNotFound:
        wrong_code(db.session, attempt)
        return redirect(survey_url("surveys.withdraw_form", live))
    except AlreadyWithdrawn:
        return redirect(survey_url("surveys.withdraw_form", live))
    if entry(live.survey.id):  # withdrawn from this browser: forget it here too
        session.pop(SESSION_KEY, None)
    return redirect(survey_url("surveys.withdrawn", live))


@bp.get("/s/<forum_slug>/<survey_slug>/withdrawn")
def withdrawn(forum_slug: str, survey_slug: str) -> Page:
    live = live_in_language(forum_slug, survey_slug)
    return render_template("surveys/withdrawn.html", live=live)
