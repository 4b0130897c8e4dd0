"""Forms of the double-coding pages: starting a sample, coding an answer blind, settling a disagreement.

Choices (people, surveys, themes) belong to the forum, so the views fill them in; every value sent is
checked against them here, and the services check again.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, ValidationError

from forum_app.surveys.fields import CheckboxesField, Required, WholeNumberField, clean_text

DEFAULT_PERCENT = 15
ALL = "all"
# Answers sent in the last so many months (about 30.5 days each), or at any time.
PERIODS = [
    SelectChoice(ALL, "At any time"),
    SelectChoice("3", "In the last 3 months"),
    SelectChoice("6", "In the last 6 months"),
    SelectChoice("12", "In the last 12 months"),
]


def _one_of_the_choices(message: str) -> Any:
    def check(_form: FlaskForm, field: Field) -> None:
        allowed = {str(choice.value) for choice in field.choices or []}
        given = field.data if isinstance(field.data, list) else [field.data]
        if any(str(value) not in allowed for value in given if value not in (None, "")):
            raise ValidationError(message)

    return check


class NewSampleForm(FlaskForm):
    name = StringField(
        "Name (optional)",
        validators=[Length(max=200, message="Use 200 characters or fewer")],
        filters=[clean_text],
        render_kw={"autocomplete": "off"},
    )
    percent = WholeNumberField(
        "Sample size, as a percentage of answers",
        default=DEFAULT_PERCENT,
        not_a_number="Enter the sample size as a whole number, like 15",
        validators=[
            Required("Enter the sample size, as a percentage"),
            NumberRange(min=1, max=100, message="Enter a percentage from 1 to 100"),
        ],
    )
    first_coder = RadioField(
        "First person",
        validate_choice=False,
        validators=[Required("Choose the first person"), _one_of_the_choices("Choose someone from the list")],
    )
    second_coder = RadioField(
        "Second person",
        validate_choice=False,
        validators=[
            Required("Choose the second person"),
            _one_of_the_choices("Choose someone from the list"),
        ],
    )
    survey = RadioField(
        "Answers to",
        default=ALL,
        validate_choice=False,
        validators=[Required("Choose a survey"), _one_of_the_choices("Choose one of the surveys shown")],
    )
    period = RadioField(
        "Sent",
        default=ALL,
        choices=PERIODS,
        validate_choice=False,
        validators=[Required("Choose a period"), _one_of_the_choices("Choose one of the periods shown")],
    )


class CodingForm(FlaskForm):
    """An answer's themes and sentiment: a person's blind coding, or a lead's final coding."""

    item = HiddenField()
    themes = CheckboxesField(
        "Themes", validate_choice=False, validators=[_one_of_the_choices("Choose from the themes shown")]
    )
    sentiment = RadioField(
        "Sentiment",
        validate_choice=False,
        validators=[
            Required("Choose the sentiment of the answer"),
            _one_of_the_choices("Choose one of the sentiments shown"),
        ],
    )
