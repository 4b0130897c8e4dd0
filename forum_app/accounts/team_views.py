"""The team pages (leads only): members, invitations, roles, deactivation and reset links."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from wtforms import Field

from forum_app.accounts import bp, team
from forum_app.accounts.forms import InviteForm, RoleForm, TeamActionForm
from forum_app.accounts.links import Issued, Outbox
from forum_app.accounts.models import INVITE, ROLES
from forum_app.accounts.roles import current_membership, role_required
from forum_app.accounts.services import AccountError
from forum_app.extensions import db
from forum_app.mail import mail_settings
from forum_app.urls import absolute_url
from forum_app.views import Page

LINK_ENDPOINTS = {INVITE: "accounts.accept_invite", "reset": "accounts.reset_password"}


def outbox() -> Outbox:
    """Links are built by ``absolute_url`` (``PUBLIC_BASE_URL`` when it is set)."""
    return Outbox(
        mail_settings(current_app.config),
        lambda purpose, token: absolute_url(LINK_ENDPOINTS[purpose], token=token),
    )


def field_error(field: Field, message: str) -> None:
    """Show a service's refusal beside the field it is about (the form has been validated, so the
    field's errors are a list)."""
    if isinstance(field.errors, list):
        field.errors.append(message)


def _roles() -> list[tuple[str, str, str]]:
    return [(role, role.capitalize(), team.ROLE_DESCRIPTIONS[role]) for role in ROLES]


def _member_or_404(user_id: int) -> team.Member:
    try:
        return team.get_member(db.session, current_membership().forum_id, user_id)
    except team.NotOnTeam:
        abort(404)


@bp.get("/staff/team")
@role_required("lead")
def team_page() -> Page:
    members = team.list_members(db.session, current_membership().forum_id)
    two_factor = any(member.two_factor is not None for member in members)
    return render_template("accounts/team.html", members=members, two_factor=two_factor)


@bp.route("/staff/team/invite", methods=["GET", "POST"])
@role_required("lead")
def team_invite() -> Page:
    form = InviteForm()
    member = current_membership()
    if form.validate_on_submit():
        try:
            issued = team.invite(
                db.session,
                member.forum_id,
                member.user_id,
                form.email.data or "",
                str(form.role.data),
                outbox(),
            )
            return _link_page("invite", issued, form.email.data or "")
        except AccountError as exc:
            field = form.role if str(exc) == team.CHOOSE_ROLE else form.email
            field_error(field, str(exc))
    mail = mail_settings(current_app.config) is not None
    return render_template("accounts/team_invite.html", form=form, roles=_roles(), mail=mail)


def _link_page(kind: str, issued: Issued, email: str) -> str:
    return render_template("accounts/team_link.html", kind=kind, issued=issued, email=email)


def _member_page(user_id: int, form: RoleForm | None = None, error: str = "") -> Page:
    found = _member_or_404(user_id)
    form = form or RoleForm(formdata=None, role=found.role)
    return render_template(
        "accounts/team_member.html",
        member=found,
        form=form,
        action=TeamActionForm(formdata=None),
        error=error,
        roles=_roles(),
        mail=mail_settings(current_app.config) is not None,
    )


@bp.route("/staff/team/<id:user_id>", methods=["GET", "POST"])
@role_required("lead")
def team_member(user_id: int) -> Page:
    _member_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _member_page(user_id, form if form.is_submitted() else None)
    member = current_membership()
    try:
        team.change_role(db.session, member.forum_id, member.user_id, user_id, str(form.role.data))
    except AccountError as exc:
        return _member_page(user_id, form, str(exc))
    flash("Their role has been changed.")
    return redirect(url_for("accounts.team_page"))


def _team_action(user_id: int, change: str, done: str) -> Page:
    _member_or_404(user_id)
    if not TeamActionForm().validate_on_submit():
        abort(400)
    member = current_membership()
    try:
        getattr(team, change)(db.session, member.forum_id, member.user_id, user_id)
    except AccountError as exc:
        return _member_page(user_id, error=str(exc))
    flash(done)
    return redirect(url_for("accounts.team_page"))


@bp.post("/staff/team/<id:user_id>/deactivate")
@role_required("lead")
def team_deactivate(user_id: int) -> Page:
    return _team_action(user_id, "deactivate", "They have been deactivated and signed out.")


@bp.post("/staff/team/<id:user_id>/reactivate")
@role_required("lead")
def team_reactivate(user_id: int) -> Page:
    return _team_action(user_id, "reactivate", "They have been reactivated and can sign in again.")


@bp.post("/staff/team/<id:user_id>/reset")
@role_required("lead")
def team_reset(user_id: int) -> Page:
    found = _member_or_404(user_id)
    if not TeamActionForm().validate_on_submit():
        abort(400)
    member = current_membership()
    try:
        issued = team.request_reset(db.session, member.forum_id, member.user_id, user_id, outbox())
    except AccountError as exc:
        return _member_page(user_id, error=str(exc))
    return _link_page("reset", issued, found.email)
