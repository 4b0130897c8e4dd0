"""Staff sign-in, sign-out, password change and the audit log."""

from __future__ import annotations

import re

from flask import abort, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from forum_app.accounts import bp
from forum_app.accounts.audit import list_events
from forum_app.accounts.forms import ChangePasswordForm, LoginForm, LogoutForm
from forum_app.accounts.models import User
from forum_app.accounts.services import AccountError, authenticate, change_password
from forum_app.extensions import db, login_manager

Page = str | WerkzeugResponse
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the sign-in page cannot be used to send people elsewhere.

    Browsers drop tabs and newlines from a URL and read "\\" as "/", so ``/<tab>/evil.example``
    would leave the site: control characters and backslashes are refused.
    """
    if target and target.startswith("/") and not target.startswith("//") and not _UNSAFE.search(target):
        return target
    return url_for("surveys.responses")


@bp.get("/healthz")
def health() -> Page:
    return "ok"


@bp.route("/staff/login", methods=["GET", "POST"])
def login() -> Page:
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email = form.email.data or ""
        # No address has a control character, and PostgreSQL refuses a NUL in a query.
        user = None if _CONTROL.search(email) else authenticate(db.session, email, form.password.data or "")
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        failed = True
    return render_template("accounts/login.html", form=form, failed=failed)


@bp.post("/staff/logout")
def logout() -> Page:
    if LogoutForm().validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/staff/password", methods=["GET", "POST"], endpoint="change_password")
def change_password_view() -> Page:
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            change_password(db.session, current_user.id, form.current.data or "", form.new.data or "")
            return redirect(url_for("surveys.responses"))
        except AccountError as exc:
            error = str(exc)
    return render_template("accounts/change_password.html", form=form, error=error)


@bp.get("/staff/audit")
def audit_log() -> Page:
    # The guard (forum_app.security, which imports this package, so not imported here) has set
    # g.membership, as for every staff page; only a lead reads the log.
    member = g.membership
    if member.role != "lead":
        abort(403)
    events = list_events(db.session, member.forum_id, request.args.get("page", 1, type=int))
    return render_template("accounts/audit.html", events=events)
