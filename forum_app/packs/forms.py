"""Forms of the evidence pack pages: making a pack, sharing it, and an inspector's passcode.

The surveys and the filters' answers belong to the forum, so the views fill the choices in; the
services check every value again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from forum_app.packs.data import whole_months_problem
from forum_app.packs.reply import MAX_RESPONSE_CHARACTERS
from forum_app.packs.sharing import (
    DEFAULT_LINK_DAYS,
    MAX_LABEL,
    MAX_LINK_DAYS,
    MAX_PASSCODE,
    MIN_LINK_DAYS,
    MIN_PASSCODE,
)
from forum_app.surveys.fields import Required, WholeNumberField, clean_text

EVERYONE = ""


class IsoDateField(StringField):
    """A date typed as ``2026-06-30`` (what ``<input type=date>`` sends); empty is allowed."""

    def __init__(self, *args: Any, not_a_date: str = "Enter a real date, like 2026-06-30", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.not_a_date = not_a_date
        self.date: date | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        self.data = text
        self.date = None
        if not text:
            return
        try:
            self.date = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError as exc:
            raise ValueError(self.not_a_date) from exc


def _one_of_the_choices(message: str) -> Any:
    def check(_form: FlaskForm, field: Field) -> None:
        allowed = {str(next(iter(choice))) for choice in field.choices or []}  # a SelectChoice or a pair
        if field.data not in (None, "") and str(field.data) not in allowed:
            raise ValidationError(message)

    return check


def _filter_field(label: str, choices: str) -> SelectField:
    """A filter of the pack: everyone, or one of the ``choices`` the view lists."""
    return SelectField(
        label,
        validate_choice=False,
        validators=[_one_of_the_choices(f"Choose one of the {choices} shown")],
    )


class MakePackForm(FlaskForm):
    survey = RadioField(
        "Survey",
        validate_choice=False,
        validators=[Required("Choose a survey"), _one_of_the_choices("Choose one of the surveys shown")],
    )
    period_from = IsoDateField("From", not_a_date="Enter the first day as a real date, like 2025-07-01")
    period_to = IsoDateField("To", not_a_date="Enter the last day as a real date, like 2026-06-30")
    age_band = _filter_field("Age of child", "ages")
    setting = _filter_field("School or setting", "settings")
    ehcp = _filter_field("EHC plan", "answers")

    partnership_seen_on = IsoDateField(
        "Day the partnership received the pack",
        not_a_date="Enter the day the partnership received the pack as a real date, like 2026-03-02",
    )
    partnership_response = TextAreaField(
        "The partnership's response",
        validators=[
            Length(
                max=MAX_RESPONSE_CHARACTERS,
                message=f"The partnership's response must be {MAX_RESPONSE_CHARACTERS:,} characters or fewer",
            )
        ],
    )

    def validate_period_from(self, field: IsoDateField) -> None:
        problem = whole_months_problem(field.date, None)
        if problem is not None:
            raise ValidationError(problem[1])

    def validate_period_to(self, field: IsoDateField) -> None:
        start = self.period_from.date
        if start is not None and field.date is not None and start > field.date:
            raise ValidationError("The last day must be the same as or after the first day")
        problem = whole_months_problem(None, field.date)
        if problem is not None:
            raise ValidationError(problem[1])


class ShareLinkForm(FlaskForm):
    days = WholeNumberField(
        "How many days should the link work?",
        default=DEFAULT_LINK_DAYS,
        not_a_number=f"Enter the number of days as a whole number, like {DEFAULT_LINK_DAYS}",
        validators=[
            Required("Enter how many days the link should work"),
            NumberRange(
                min=MIN_LINK_DAYS,
                max=MAX_LINK_DAYS,
                message=f"Enter a number of days from {MIN_LINK_DAYS} to {MAX_LINK_DAYS}",
            ),
        ],
    )
    passcode = PasswordField(
        "Passcode (optional)",
        validators=[
            Optional(strip_whitespace=False),
            Length(
                min=MIN_PASSCODE,
                max=MAX_PASSCODE,
                message=f"Use {MIN_PASSCODE} to {MAX_PASSCODE} characters for the passcode, or leave it "
                "empty",
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    label = StringField(
        "Who is it for? (optional)",
        validators=[Length(max=MAX_LABEL, message=f"Use {MAX_LABEL} characters or fewer")],
        filters=[clean_text],
        render_kw={"autocomplete": "off"},
    )


class PasscodeForm(FlaskForm):
    passcode = PasswordField(
        "Passcode",
        validators=[Required("Enter the passcode")],
        render_kw={"autocomplete": "off"},
    )
