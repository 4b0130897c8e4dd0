"""Public pages of account links: accept an invitation, "forgot password", reset with a link."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from forum_app.accounts import bp, recovery
from forum_app.accounts.forms import ChoosePasswordForm, ForgotPasswordForm, TeamActionForm
from forum_app.accounts.services import AccountError
from forum_app.accounts.switcher import FORUM_SESSION_KEY
from forum_app.accounts.team_views import field_error, outbox
from forum_app.extensions import db
from forum_app.mail import mail_settings
from forum_app.views import Page

GONE = "This link has expired or has already been used"


def _gone() -> tuple[str, int]:
    return render_template("accounts/link_gone.html", title=GONE), 410


@bp.route("/staff/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str) -> Page:
    try:
        invite = recovery.invitation(db.session, token)
    except recovery.LinkGone:
        return _gone()
    if invite.has_account:
        return _join(token, invite)
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            recovery.accept_invite(db.session, token, form.password.data or "")
        except recovery.LinkGone:
            return _gone()
        except recovery.SignInFirst:
            return redirect(request.path)
        except AccountError as exc:
            field_error(form.password, str(exc))
        else:
            flash(f"Your account is ready. Sign in to start working with {invite.forum_name}.", "account")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/invite_accept.html", invite=invite, form=form)


def _join(token: str, invite: recovery.Invitation) -> Page:
    """Someone with an account signs in (as the invited email), then joins the forum's team."""
    signed_in_as = current_user.email if current_user.is_authenticated else ""
    form = TeamActionForm()
    error = ""
    if signed_in_as == invite.email and form.validate_on_submit():
        try:
            forum_id = recovery.join_team(db.session, token, current_user.id)
        except recovery.LinkGone:
            return _gone()
        except AccountError as exc:
            error = str(exc)
        else:
            session[FORUM_SESSION_KEY] = forum_id
            flash(f"You have joined {invite.forum_name}’s team.")
            return redirect(url_for("surveys.responses"))
    return render_template(
        "accounts/invite_join.html",
        invite=invite,
        signed_in_as=signed_in_as,
        form=form,
        error=error,
        sign_in=url_for("accounts.login", next=request.path),
    )


@bp.route("/staff/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Page:
    form = ForgotPasswordForm()
    mail = mail_settings(current_app.config) is not None
    if mail and form.validate_on_submit():
        if not recovery.forgot_password(db.session, form.email.data or "", request.remote_addr, outbox()):
            return render_template(
                "errors/error.html",
                status=429,
                title="Too many attempts",
                body="Wait an hour, then try again.",
            ), 429
        return render_template("accounts/forgot_sent.html")
    return render_template("accounts/forgot.html", form=form, mail=mail)


@bp.route("/staff/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Page:
    try:
        email = recovery.reset_link_email(db.session, token)
    except recovery.LinkGone:
        return _gone()
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_with_link(db.session, token, form.password.data or "")
        except recovery.LinkGone:
            return _gone()
        except AccountError as exc:
            field_error(form.password, str(exc))
        else:
            flash("Your password has been changed. Sign in with your new password.", "account")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", email=email, form=form)
