"""Forms of the runner other than questions (those are built in fields.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class StartForm(FlaskForm):
    """The "Start now" button: starting is a POST, so reading the start page writes nothing."""


class SubmitForm(FlaskForm):
    """The final "Send" button on the check-answers page."""

    idempotency_key = HiddenField()
