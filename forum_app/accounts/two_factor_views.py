"""Two-factor sign-in pages: the code step of signing in, setting up, recovery codes, turning it off,
and the lead's forum setting. The rules live in ``two_factor``; these parse, call and render."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, session, url_for
from flask_login import current_user

from forum_app.accounts import bp
from forum_app.accounts.forms import (
    EVERYONE,
    LEADS_ONLY,
    ForumTwoFactorForm,
    PasswordOrCodeForm,
    SetupCodeForm,
    TwoFactorCodeForm,
)
from forum_app.accounts.recovery_codes import unused_recovery_codes
from forum_app.accounts.roles import current_membership, role_required
from forum_app.accounts.signin import SignInRules
from forum_app.accounts.two_factor import (
    TOO_MANY,
    WRONG_CODE,
    Outcome,
    TwoFactorError,
    begin_setup,
    check_sign_in_code,
    confirm_setup,
    disable,
    forum_requires,
    pending_is_fresh,
    regenerate_recovery_codes,
    required_for_user,
    set_forum_requirement,
)
from forum_app.accounts.views import PENDING_KEY, SESSION_TOKEN_KEY, _safe_next, start_browser_session
from forum_app.extensions import db
from forum_app.views import Page

SETUP_KEY = "two_factor_setup"  # the secret shown on the set-up page, until a code confirms it
NOTICE = "notice"  # flash category


def _pending() -> dict[str, Any] | None:
    found = session.get(PENDING_KEY)
    if not isinstance(found, dict) or not isinstance(found.get("user"), int):
        return None
    if not isinstance(found.get("attempt"), str) or not pending_is_fresh(found.get("at")):
        return None
    return found


@bp.route("/staff/login/code", methods=["GET", "POST"])
def login_code() -> Page:
    pending = _pending()
    if pending is None:
        session.pop(PENDING_KEY, None)
        return render_template("accounts/login_code.html", expired=True, form=None, error=None)
    form = TwoFactorCodeForm()
    error = None
    if form.validate_on_submit():
        config = current_app.config
        checked = check_sign_in_code(
            db.session,
            pending["user"],
            form.code.data or "",
            pending["attempt"],
            rules=SignInRules.from_config(config),
        )
        if checked.user is not None and checked.token is not None:
            start_browser_session(checked.user, checked.token)
            return redirect(_safe_next(pending.get("next")))
        if checked.outcome is Outcome.TOO_MANY:
            session.pop(PENDING_KEY, None)
            page = render_template("accounts/login_code.html", expired=True, form=None, error=TOO_MANY)
            return page, 429  # as the password step answers when its tries are used up
        error = WRONG_CODE
    return render_template("accounts/login_code.html", expired=False, form=form, error=error)


@bp.get("/staff/two-factor")
def two_factor() -> Page:
    return _status_page()


def _status_page() -> str:
    """Whether two-factor sign-in is on, and what the user may do about it. Also shown, rather than a
    redirect, by the pages that do not apply (turning it off while it is off, say)."""
    user = current_user
    required = required_for_user(db.session, user.id, current_app.config["LEADS_NEED_TWO_FACTOR"])
    return render_template(
        "accounts/two_factor.html",
        on=user.has_two_factor,
        since=user.two_factor_since,
        required=required,
        unused=unused_recovery_codes(db.session, user.id) if user.has_two_factor else 0,
        lead=getattr(g.get("membership"), "role", None) == "lead",
    )


@bp.route("/staff/two-factor/set-up", methods=["GET", "POST"])
def two_factor_setup() -> Page:
    if current_user.has_two_factor:
        return _status_page()
    stored = session.get(SETUP_KEY)
    setup = begin_setup(current_user.email, stored if isinstance(stored, str) else None)
    session[SETUP_KEY] = setup.secret
    form = SetupCodeForm()
    error = None
    if form.validate_on_submit():
        try:
            turned_on = confirm_setup(db.session, current_user.id, setup.secret, form.code.data or "")
        except TwoFactorError as exc:
            error = str(exc)
        else:
            session.pop(SETUP_KEY, None)
            session[SESSION_TOKEN_KEY] = turned_on.token  # every other copy of the sign-in has ended
            return render_template(
                "accounts/recovery_codes.html", codes=turned_on.codes, first=True, next=_safe_next(None)
            )
    return render_template("accounts/two_factor_setup.html", form=form, setup=setup, error=error)


@bp.route("/staff/two-factor/recovery-codes", methods=["GET", "POST"])
def two_factor_codes() -> Page:
    if not current_user.has_two_factor:
        return _status_page()
    form = PasswordOrCodeForm()
    error = None
    if form.validate_on_submit():
        try:
            codes = regenerate_recovery_codes(db.session, current_user.id, form.secret.data or "")
        except TwoFactorError as exc:
            error = str(exc)
        else:
            return render_template(
                "accounts/recovery_codes.html", codes=codes, first=False, next=url_for("accounts.two_factor")
            )
    return render_template("accounts/two_factor_confirm.html", form=form, error=error, turning_off=False)


@bp.route("/staff/two-factor/turn-off", methods=["GET", "POST"])
def two_factor_off() -> Page:
    leads = current_app.config["LEADS_NEED_TWO_FACTOR"]
    if not current_user.has_two_factor or required_for_user(db.session, current_user.id, leads):
        return _status_page()
    form = PasswordOrCodeForm()
    error = None
    if form.validate_on_submit():
        try:
            token = disable(db.session, current_user.id, form.secret.data or "", leads)
        except TwoFactorError as exc:
            error = str(exc)
        else:
            session[SESSION_TOKEN_KEY] = token  # every other copy of the sign-in has ended
            flash("Two-factor sign-in is off. You sign in with your password only.", NOTICE)
            return redirect(url_for("accounts.two_factor"))
    return render_template("accounts/two_factor_confirm.html", form=form, error=error, turning_off=True)


@bp.route("/staff/two-factor/forum", methods=["GET", "POST"])
@role_required("lead")
def two_factor_forum() -> Page:
    member = current_membership()
    form = ForumTwoFactorForm(data={"who": EVERYONE if forum_requires(member.forum) else LEADS_ONLY})
    if form.validate_on_submit():
        everyone = form.who.data == EVERYONE
        set_forum_requirement(db.session, member.forum_id, everyone)
        flash(
            "Everyone in your forum now needs two-factor sign-in."
            if everyone
            else "Only leads need two-factor sign-in; others may choose it.",
            NOTICE,
        )
        return redirect(url_for("accounts.two_factor_forum"), 303)
    return render_template("accounts/two_factor_forum.html", form=form)
