"""Staff pages of the forum's surveys: the list (every member), then the builder's pages (leads)."""

from __future__ import annotations

from flask import render_template

from forum_app.accounts.roles import current_membership
from forum_app.builder import bp, overview
from forum_app.extensions import db
from forum_app.views import Page


@bp.get("/staff/surveys")
def surveys() -> Page:
    rows = overview.forum_surveys(db.session, current_membership().forum_id)
    return render_template("builder/surveys.html", rows=rows)
