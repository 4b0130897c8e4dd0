""" "Your account": the person's open sessions, ending one of them, and signing out everywhere.

Ending a session or signing out everywhere is two steps: the button on "Your account" posts to a
page that asks for the password again; posting that with the password does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from forum_app.accounts import bp
from forum_app.accounts.ending import (
    NOT_FOUND,
    THROTTLED,
    end_other_session,
    sign_out_everywhere,
    sign_out_member,
)
from forum_app.accounts.forms import ConfirmPasswordForm
from forum_app.accounts.roles import current_membership, role_required
from forum_app.accounts.sessions import StaffSession, list_open, session_id_of
from forum_app.accounts.signin import SignInRules
from forum_app.accounts.team import NotOnTeam
from forum_app.accounts.views import SESSION_TOKEN_KEY, SIGNED_OUT
from forum_app.db import utcnow
from forum_app.extensions import db
from forum_app.templating import UK_TIME
from forum_app.views import Page

ENDED_ONE = "That session has ended: anyone using it has to sign in again."
PROBLEMS = {
    "wrong": "Your password is not right. Enter the password you sign in with",
    THROTTLED: "There have been too many attempts with your password. Wait {minutes} minutes, then try again",
}


@dataclass(frozen=True)
class SessionRow:
    """One open session as "Your account" shows it: times only, nothing about the device."""

    id: int
    started: str
    last_used: str
    this_browser: bool


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def started_words(moment: datetime) -> str:
    """``Monday 7 December at 9:05am``, in UK time."""
    local = _aware(moment).astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    return f"{local:%A} {local.day} {local:%B} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def ago_words(moment: datetime, now: datetime) -> str:
    """``just now``, ``12 minutes ago``, ``1 hour ago``."""
    minutes = int((now - _aware(moment)).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} minute{'' if minutes == 1 else 's'} ago"
    hours = minutes // 60
    return f"{hours} hour{'' if hours == 1 else 's'} ago"


def _rows(found: list[StaffSession], this_id: int | None, now: datetime) -> list[SessionRow]:
    rows = [
        SessionRow(s.id, started_words(s.created_at), ago_words(s.last_seen_at, now), s.id == this_id)
        for s in found
    ]
    return sorted(rows, key=lambda row: not row.this_browser)  # this browser first


def _this_session() -> int | None:
    token = session.get(SESSION_TOKEN_KEY)
    return session_id_of(db.session, token if isinstance(token, str) else None)


@bp.get("/staff/account")
def account() -> Page:
    found = list_open(db.session, current_user.id)
    rows = _rows(found, _this_session(), utcnow())
    return render_template("accounts/account.html", open_sessions=len(rows), sessions=rows)


def _other_session(raw: str | None) -> SessionRow:
    """The person's own open session named in the form, not this browser's; else 404."""
    this_id = _this_session()
    for row in _rows(list_open(db.session, current_user.id), this_id, utcnow()):
        if raw and raw.isdigit() and str(row.id) == raw.lstrip("0") and not row.this_browser:
            return row
    abort(404)


def _confirm_page(form: ConfirmPasswordForm, problem: str, row: SessionRow | None) -> Page:
    if problem:
        minutes = current_app.config["LOGIN_WINDOW_MINUTES"]
        form.password.errors = [PROBLEMS.get(problem, PROBLEMS["wrong"]).format(minutes=minutes)]
    elif form.password.errors:
        form.password.errors = list(form.password.errors)[:1]
    page = render_template("accounts/confirm_end.html", form=form, row=row)
    return (page, 429) if problem == THROTTLED else page


@bp.post("/staff/account/end-session", endpoint="end_session")
def end_session_view() -> Page:
    form = ConfirmPasswordForm()
    row = _other_session(form.session.data)
    if "password" not in request.form:  # the "End" button on "Your account"
        return _confirm_page(ConfirmPasswordForm(formdata=None, session=str(row.id)), "", row)
    problem = ""
    if form.validate():
        rules = SignInRules.from_config(current_app.config)
        problem = end_other_session(db.session, current_user.id, row.id, form.password.data or "", rules)
        if problem == NOT_FOUND:
            abort(404)
        if not problem:
            flash(ENDED_ONE)
            return redirect(url_for("accounts.account"))
    return _confirm_page(form, problem, row)


@bp.post("/staff/account/sign-out-everywhere", endpoint="sign_out_everywhere")
def sign_out_everywhere_view() -> Page:
    form = ConfirmPasswordForm()
    if "password" not in request.form:  # the "Sign out everywhere" button on "Your account"
        return _confirm_page(ConfirmPasswordForm(formdata=None), "", None)
    problem = ""
    if form.validate():
        rules = SignInRules.from_config(current_app.config)
        problem = sign_out_everywhere(db.session, current_user.id, form.password.data or "", rules)
        if not problem:
            logout_user()
            session.clear()
            flash("You have been signed out on every device, this one too.", SIGNED_OUT)
            return redirect(url_for("accounts.login"))
    return _confirm_page(form, problem, None)


@bp.post("/staff/team/<id:user_id>/sign-out")
@role_required("lead")
def team_sign_out(user_id: int) -> Page:
    """A lead's "Sign them out" on a member's page: every session of theirs ends at once."""
    member = current_membership()
    try:
        ended = sign_out_member(db.session, member.forum_id, member.user_id, user_id)
    except NotOnTeam:
        abort(404)
    flash(f"They have been signed out everywhere ({ended} session{'' if ended == 1 else 's'} ended).")
    return redirect(url_for("accounts.team_page"))
