"""The forum switcher: someone on the staff of several forums chooses which one they work in."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, g, redirect, render_template, session, url_for
from flask_login import current_user

from forum_app.accounts import bp
from forum_app.accounts.forms import SwitchForumForm
from forum_app.accounts.switcher import FORUM_SESSION_KEY, choose_forum, forum_choices, forum_count
from forum_app.extensions import db
from forum_app.views import Page


@bp.app_context_processor
def _forum_menu() -> dict[str, Callable[[], int]]:
    """``staff_forum_count()`` for the staff menu: counted only when a page asks."""

    def count() -> int:
        return forum_count(db.session, current_user.id) if current_user.is_authenticated else 0

    return {"staff_forum_count": count}


@bp.get("/staff/forums")
def forums() -> Page:
    member = getattr(g, "membership", None)
    return render_template(
        "accounts/forums.html",
        choices=forum_choices(db.session, current_user.id),
        current=member.forum_id if member is not None else None,
    )


@bp.post("/staff/forums/<id:forum_id>")
def switch_forum(forum_id: int) -> Page:
    if not SwitchForumForm().validate_on_submit():
        abort(400)
    found = choose_forum(db.session, current_user.id, forum_id)
    if found is None:
        abort(404)  # not their forum: as if it did not exist
    session[FORUM_SESSION_KEY] = found.forum_id
    return redirect(url_for("home.index"), 303)
