"""The staff home page at ``/staff/``. Guarded as every forum page is (forum_app/security.py)."""

from __future__ import annotations

from flask import render_template

from forum_app.db import today
from forum_app.extensions import db
from forum_app.home import bp
from forum_app.home.services import home_screen
from forum_app.security import current_membership, role_required


@bp.get("/staff/")
@role_required("lead", "coder", "viewer")
def index() -> str:
    member = current_membership()
    screen = home_screen(db.session, member.forum_id, member.role, today())
    return render_template("home/index.html", screen=screen, forum=member.forum)
