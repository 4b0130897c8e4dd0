"""Forms of the runner other than questions (those are built in fields.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from forum_app.forms import code_field

_TOO_LONG = _l("That is too long")


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
    code = code_field(_l("Your code"), _l("Enter the four words of your code"), 200, _TOO_LONG)


class ReceiptForm(FlaskForm):
    code = code_field(
        _l("Your receipt code"), _l("Enter your receipt code"), 100, _TOO_LONG, autocapitalize="characters"
    )


class ConfirmWithdrawForm(FlaskForm):
    code = HiddenField()
