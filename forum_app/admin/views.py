"""The platform administrator's pages: forums listed, made, suspended and restored.

Guarded by ``forum_app.security`` (the ``admin`` blueprint: a signed-in platform administrator).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forum_app.accounts import team
from forum_app.accounts.platform import forum_by_id, set_suspended
from forum_app.accounts.services import AccountError
from forum_app.accounts.team_views import field_error, outbox
from forum_app.admin import bp
from forum_app.admin.forms import ConfirmForm, ForumForm, LeadInviteForm
from forum_app.admin.services import create_forum, forum_summaries
from forum_app.extensions import db
from forum_app.urls import absolute_url
from forum_app.views import Page


@bp.get("/admin/forums")
def forums() -> Page:
    return render_template("admin/forums.html", forums=forum_summaries(db.session))


@bp.route("/admin/forums/new", methods=["GET", "POST"])
def new_forum() -> Page:
    form = ForumForm()
    error = None
    if form.validate_on_submit():
        try:
            created = create_forum(
                db.session, form.slug.data or "", form.name.data or "", form.local_area.data or ""
            )
        except AccountError as exc:
            error = str(exc)
        else:
            link = absolute_url(
                "surveys.start", forum_slug=created.forum.slug, survey_slug=created.survey_slug
            )
            flash(
                f"{created.forum.name} is ready, with the default survey and codebook. Its survey link is "
                f"{link} . Next, invite its first lead."
            )
            return redirect(url_for("admin.forums"))
    return render_template("admin/new_forum.html", form=form, error=error)


def _confirm(forum_id: int, suspend: bool) -> Page:
    forum = forum_by_id(db.session, forum_id)
    if forum is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        set_suspended(db.session, forum_id, suspend)
        flash(f"{forum.name} is {'suspended' if suspend else 'restored'}.")
        return redirect(url_for("admin.forums"))
    return render_template("admin/confirm.html", forum=forum, suspend=suspend)


@bp.route("/admin/forums/<id:forum_id>/suspend", methods=["GET", "POST"])
def suspend(forum_id: int) -> Page:
    return _confirm(forum_id, True)


@bp.route("/admin/forums/<id:forum_id>/restore", methods=["GET", "POST"])
def restore(forum_id: int) -> Page:
    return _confirm(forum_id, False)


@bp.route("/admin/forums/<id:forum_id>/invite-lead", methods=["GET", "POST"])
def invite_lead(forum_id: int) -> Page:
    """An invitation link for a forum's lead: the first one, or a new one when the last has left."""
    forum = forum_by_id(db.session, forum_id)
    if forum is None:
        abort(404)
    form = LeadInviteForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        try:
            issued = team.invite(db.session, forum_id, current_user.id, email, "lead", outbox())
        except AccountError as exc:
            field_error(form.email, str(exc))
        else:
            back = url_for("admin.forums")
            return render_template(
                "accounts/team_link.html", kind="invite", issued=issued, email=email, back=back
            )
    return render_template("admin/invite_lead.html", form=form, forum=forum)
