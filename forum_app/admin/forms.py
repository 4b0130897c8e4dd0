"""The platform administrator's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import InputRequired, Length


class ForumForm(FlaskForm):
    name = StringField(
        "Forum name",
        validators=[
            InputRequired("Enter the forum's name"),
            Length(max=200, message="Use 200 characters or fewer"),
        ],
        render_kw={"autocomplete": "off"},  # a new forum's details, not the administrator's own
    )
    slug = StringField(
        "Short name for survey links",
        validators=[
            InputRequired("Enter a short name for survey links"),
            Length(max=63, message="Use 63 characters or fewer"),
        ],
        render_kw={"spellcheck": "false", "autocapitalize": "none", "autocomplete": "off"},
    )
    local_area = StringField(
        "Local area (optional)",
        validators=[Length(max=200, message="Use 200 characters or fewer")],
        render_kw={"autocomplete": "off"},
    )


class LeadInviteForm(FlaskForm):
    email = EmailField(
        "Their email address",
        validators=[
            InputRequired("Enter their email address"),
            Length(max=254, message="Use 254 characters or fewer"),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class ConfirmForm(FlaskForm):
    """A button with CSRF: suspending or restoring a forum."""
