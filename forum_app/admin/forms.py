"""The platform administrator's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm

from forum_app.forms import code_field, email_field, text_field

_TOO_LONG = "Use %d characters or fewer"


class ForumForm(FlaskForm):
    # A new forum's details, not the administrator's own: no autocomplete.
    name = text_field("Forum name", "Enter the forum's name", 200, _TOO_LONG % 200, autocomplete="off")
    slug = code_field(
        "Short name for survey links", "Enter a short name for survey links", 63, _TOO_LONG % 63
    )
    local_area = text_field("Local area (optional)", None, 200, _TOO_LONG % 200, autocomplete="off")


class LeadInviteForm(FlaskForm):
    email = email_field(
        "Their email address", "Enter their email address", _TOO_LONG % 254, autocomplete="off"
    )


class ConfirmForm(FlaskForm):
    """A button with CSRF: suspending or restoring a forum."""
