"""Staff sign-in, sign-out, password change and the audit log."""

from __future__ import annotations

import re

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from forum_app.accounts import bp
from forum_app.accounts.audit import list_events
from forum_app.accounts.forms import ChangePasswordForm, LoginForm, LogoutForm
from forum_app.accounts.models import User
from forum_app.accounts.roles import current_membership, role_required
from forum_app.accounts.services import AccountError, change_password, memberships_of
from forum_app.accounts.sessions import ENDED, IDLE_TIMEOUT, TOO_OLD, check
from forum_app.accounts.signin import THROTTLED, SignInRules, sign_in, sign_out
from forum_app.accounts.two_factor import new_attempt_id
from forum_app.db import utcnow
from forum_app.extensions import db, login_manager
from forum_app.ratelimit import source_key
from forum_app.views import Page

# The server-side session's token, kept in Flask's signed session cookie under this key.
SESSION_TOKEN_KEY = "sid"  # noqa: S105  (a key's name, not a secret)
SIGNED_OUT = "signed-out"  # the category of the message the sign-in page shows after a session ended
# What Flask-Login and this module keep in the cookie for a signed-in member of staff.
STAFF_KEYS = ("_user_id", "_fresh", "_id", SESSION_TOKEN_KEY)
ENDED_MESSAGES = {
    IDLE_TIMEOUT: "You were signed out after {minutes} minutes without activity. Sign in again to carry on.",
    TOO_OLD: "You were signed out after {hours} hours signed in. Sign in again to carry on.",
    ENDED: "You have been signed out. Sign in again to carry on.",
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")
PENDING_KEY = "two_factor_pending"  # a sign-in waiting for its code: {"user", "at", "attempt", "next"}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user whose server-side session this browser holds, if that session is still valid.

    Flask-Login remembers the user's id in the cookie; the session token beside it is what counts,
    so a copy of the cookie stops working once the session is ended, timed out or the user deactivated.
    """
    token = session.get(SESSION_TOKEN_KEY)
    rules = SignInRules.from_config(current_app.config)
    verdict = check(
        db.session, token if isinstance(token, str) else None, idle=rules.idle, lifetime=rules.lifetime
    )
    if verdict.session is None or str(verdict.session.user_id) != user_id:
        g.session_ended = verdict.reason  # the guard says why on the sign-in page
        return None
    return db.session.get(User, verdict.session.user_id)


def forget_ended_session() -> None:
    """After the session of this browser has ended: drop it from the cookie and say why at sign-in."""
    reason = g.pop("session_ended", None)
    if reason is None:
        return
    for key in STAFF_KEYS:
        session.pop(key, None)
    config = current_app.config
    hours = int(config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 3600)
    message = ENDED_MESSAGES.get(reason, ENDED_MESSAGES[ENDED])
    flash(message.format(minutes=config["SESSION_IDLE_MINUTES"], hours=hours), SIGNED_OUT)


def _session_token() -> str | None:
    token = session.get(SESSION_TOKEN_KEY)
    return token if isinstance(token, str) else None


def _landing() -> str:
    """Where a signed-in user starts: their forum's staff pages, or the forums list for a platform
    administrator who is no forum's member."""
    if current_user.is_platform_admin and not memberships_of(db.session, current_user.id):
        return url_for("admin.forums")
    return url_for("home.index")


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot be used to send people elsewhere.

    Browsers drop tabs and newlines from a URL and read "\\" as "/", so ``/<tab>/evil.example``
    would leave the site: control characters and backslashes are refused.
    """
    if target and target.startswith("/") and not target.startswith("//") and not _UNSAFE.search(target):
        return target
    return _landing()


def start_browser_session(user: User, token: str) -> None:
    """This browser is signed in as ``user`` with the server-side session ``token``."""
    session.clear()  # a new session id: nothing from before signing in is kept
    session[SESSION_TOKEN_KEY] = token
    login_user(user)


def begin_code_step(user: User, next_path: str | None) -> Page:
    """The password was right and the user has two-factor sign-in: remember only who and when (the
    code must come within 5 minutes, ``two_factor.PENDING_SECONDS``), and where they were going
    (checked by ``_safe_next`` once signed in; a long one is dropped, to keep the cookie small), and
    ask for the code."""
    session.clear()
    session[PENDING_KEY] = {
        "user": user.id,
        "at": int(utcnow().timestamp()),
        "attempt": new_attempt_id(),
        "next": next_path if next_path and len(next_path) <= 500 else None,
    }
    return redirect(url_for("accounts.login_code"))


@bp.get("/healthz")
def health() -> Page:
    return "ok"


@bp.route("/staff/login", methods=["GET", "POST"])
def login() -> Page:
    form = LoginForm()
    problem = ""
    if form.validate_on_submit():
        outcome = sign_in(
            db.session,
            form.email.data or "",
            form.password.data or "",
            source_key(db.session, request.remote_addr),
            SignInRules.from_config(current_app.config),
            old_token=_session_token(),
        )
        if outcome.user is not None and outcome.needs_code:  # the password was right; now the code
            return begin_code_step(outcome.user, request.args.get("next"))
        if outcome.user is not None:
            start_browser_session(outcome.user, outcome.token)
            return redirect(_safe_next(request.args.get("next")))
        problem = outcome.problem
    minutes = current_app.config["LOGIN_WINDOW_MINUTES"]
    page = render_template("accounts/login.html", form=form, problem=problem, minutes=minutes)
    return (page, 429) if problem == THROTTLED else page


@bp.post("/staff/logout")
def logout() -> Page:
    if LogoutForm().validate_on_submit():
        sign_out(db.session, _session_token())
        logout_user()
        session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/staff/password", methods=["GET", "POST"], endpoint="change_password")
def change_password_view() -> Page:
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            token = change_password(db.session, current_user.id, form.current.data or "", form.new.data or "")
        except AccountError as exc:
            error = str(exc)
        else:
            session[SESSION_TOKEN_KEY] = token  # every other copy of the sign-in has ended
            return redirect(_landing())
    return render_template("accounts/change_password.html", form=form, error=error)


@bp.get("/staff/audit")
@role_required("lead")
def audit_log() -> Page:
    member = current_membership()
    events = list_events(db.session, member.forum_id, request.args.get("page", 1, type=int))
    return render_template("accounts/audit.html", events=events)
