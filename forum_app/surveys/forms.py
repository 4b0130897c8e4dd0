"""Forms of the runner other than questions (those are built in fields.py)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length


class StartForm(FlaskForm):
    """The "Start now" button: starting is a POST, so reading the start page writes nothing."""


class SubmitForm(FlaskForm):
    """The final "Send" button on the check-answers page."""

    idempotency_key = HiddenField()
    # A honeypot: hidden from everyone (CSS display:none, aria-hidden), so only a bot fills it in.
    website = StringField(
        "Leave this empty",
        render_kw={"autocomplete": "off", "tabindex": "-1", "aria-hidden": "true"},
    )


class ResumeForm(FlaskForm):
    code = StringField(
        "Your code",
        validators=[
            InputRequired("Enter the four words of your code"),
            Length(max=200, message="That is too long"),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )


class ReceiptForm(FlaskForm):
    code = StringField(
        "Your receipt code",
        validators=[InputRequired("Enter your receipt code"), Length(max=100, message="That is too long")],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class ConfirmWithdrawForm(FlaskForm):
    code = HiddenField()
