"""The builder's forms. They read what was sent; ``editing`` and ``publishing`` decide whether it is right.

Every form that changes the draft carries the draft's ``revision``, so a change made on a page another
lead has since changed is refused rather than saved over theirs.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum_app.builder.editing import KIND_NAMES
from forum_app.inputs import parse_id
from forum_app.surveys.definitions import QUESTION_KINDS

_DAY_FIRST = re.compile(r"(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class RevisionForm(FlaskForm):
    revision = HiddenField()

    def revision_number(self) -> int | None:
        return parse_id(str(self.revision.data or ""))


class AddQuestionForm(RevisionForm):
    title = StringField("Question")
    kind = RadioField(
        "Type of question",
        choices=[SelectChoice(kind, KIND_NAMES[kind]) for kind in QUESTION_KINDS],
        validate_choice=False,
    )


class MoveForm(RevisionForm):
    direction = HiddenField()


class QuestionForm(RevisionForm):
    title = StringField("Question")
    hint = TextAreaField("Hint (optional)")
    error = StringField("Message if it is not answered (optional)")
    label = StringField("Words beside the tick box")
    required = RadioField(
        "Must it be answered?",
        choices=[SelectChoice("yes", "Yes, it must be answered"), SelectChoice("no", "No, it is optional")],
        validate_choice=False,
    )
    options = TextAreaField("Options")
    minimum = StringField("Smallest number allowed (optional)")
    maximum = StringField("Largest number allowed (optional)")
    show_if = SelectMultipleField("Show only if", validate_choice=False)


class DetailsForm(RevisionForm):
    title = StringField("Title")
    summary = TextAreaField("Introduction (optional)")
    minutes = StringField("Minutes it takes")


class DayField(StringField):
    """A day written as 27 3 2027, 27/03/2027 or 2027-03-27; blank is None."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_text = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not self.raw_text:
            return
        day_first, iso = _DAY_FIRST.fullmatch(self.raw_text), _ISO.fullmatch(self.raw_text)
        try:
            if day_first:
                self.data = date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
            elif iso:
                self.data = date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            pass
        if self.data is None:
            raise ValueError("Enter a real date, like 27 3 2027")

    def _value(self) -> str:
        if getattr(self, "raw_text", None) is not None and self.raw_data:
            return self.raw_text
        return f"{self.data.day} {self.data.month} {self.data.year}" if isinstance(self.data, date) else ""


class DatesForm(FlaskForm):
    opens_on = DayField("Opening date (optional)")
    closes_on = DayField("Closing date (optional)")


class ActionForm(FlaskForm):
    """A button that acts (close now, reopen): its CSRF token only."""
