"""Question types: one registry entry per type builds its form and reads its value.

Adding a type means: a ``QuestionType`` here, a template macro in
``templates/macros/questions.html``, and a test.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, Form, IntegerField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forum_app.i18n import month_and_year, number
from forum_app.surveys.definitions import Question

# Control characters other than tab and newline never belong in an answer (and PostgreSQL rejects NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_DURATION = {"weeks": 520, "months": 120}


def clean_text(value: str | None) -> str:
    """Normalise pasted text: NFC, Unix line ends, no control characters, no outer spaces."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


class Required:
    """Stop validating an empty field: with ``message`` if the question must be answered.

    Unlike WTForms' own validators this suits lists, and it never adds a second
    message to a field that already failed to parse.
    """

    def __init__(self, message: str = "") -> None:
        self.message = message

    def __call__(self, _form: Form, field: Field) -> None:
        if field.data in (None, "", []):
            raise StopValidation("" if field.errors else self.message)


def presence(question: Question, message: str) -> Required:
    """Required with the question's own message if it has one, else ``message``; or optional."""
    return Required((question.error or message) if question.required else "")


class WholeNumberField(IntegerField):
    """An integer input whose parse error speaks plainly."""

    def __init__(self, *args: Any, not_a_number: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = str(valuelist[0]).strip().replace(",", "")
        if not re.fullmatch(r"-?\d+", text):
            self.data = None
            raise ValueError(self.not_a_number or _("Enter a whole number, like 6"))
        # A number too long to be real is still a number: read it as one beyond every range
        # this app allows, so the range check says what is allowed (and int() is never slow).
        self.data = int(text) if len(text) <= 9 else (-(10**9) if text.startswith("-") else 10**9)


class OneOf:
    """A friendly message for a value that is not among the options (a tampered form)."""

    def __init__(self, values: list[str], message: str) -> None:
        self.values = set(values)
        self.message = message

    def __call__(self, _form: Form, field: Field) -> None:
        given = field.data if isinstance(field.data, list) else [field.data]
        if any(v not in self.values for v in given if v not in (None, "")):
            raise StopValidation(self.message)


class Exclusive:
    """An option such as "None of these" cannot be combined with others."""

    def __init__(self, question: Question) -> None:
        self.exclusive = {o.value: o.label for o in question.options if o.exclusive}

    def __call__(self, _form: Form, field: Field) -> None:
        chosen = field.data or []
        for value, label in self.exclusive.items():
            if value in chosen and len(chosen) > 1:
                raise ValidationError(_("Select ‘%(label)s’ on its own, or untick it", label=label))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass(frozen=True)
class QuestionType:
    """How one kind of question becomes a form and a stored value, and what its answers are, for the
    reports that count them (``description``: the kind of answer in words, for a questionnaire)."""

    fields: Callable[[Question, int], dict[str, Field]]
    read: Callable[[FlaskForm], Any]
    form_data: Callable[[Any], dict[str, Any]]
    display: Callable[[Question, Any], str]
    description: str
    is_choice: bool = False  # the answers are set options, counted per option
    is_multi: bool = False  # more than one option may be chosen (the answer is a list)
    is_rating: bool = False  # the options run from the most negative to the most positive
    is_free_text: bool = False  # the family's own words: moderated, then coded into themes
    is_duration: bool = False  # how long, in weeks or months, or still waiting


def _choices(question: Question) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label) for o in question.options]


def _radio_fields(question: Question, _max_text: int) -> dict[str, Field]:
    values = [o.value for o in question.options]
    validators: list[Any] = [presence(question, _("Select one option"))]
    validators.append(OneOf(values, _("Select one of the options shown")))
    return {
        "answer": RadioField(
            question.title, choices=_choices(question), validators=validators, validate_choice=False
        )
    }


def _checkbox_fields(question: Question, _max_text: int) -> dict[str, Field]:
    values = [o.value for o in question.options]
    validators: list[Any] = [presence(question, _("Select at least one option"))]
    validators += [OneOf(values, _("Select from the options shown")), Exclusive(question)]
    return {
        "answer": CheckboxesField(
            question.title, choices=_choices(question), validators=validators, validate_choice=False
        )
    }


def _text_fields(question: Question, max_text: int) -> dict[str, Field]:
    def check_length(_form: Form, field: Field) -> None:
        if len(field.data or "") > max_text:
            raise ValidationError(
                _(
                    "Your answer must be %(limit)s characters or fewer. It is %(length)s now",
                    limit=number(max_text),
                    length=number(len(field.data)),
                )
            )

    validators: list[Any] = [presence(question, _("Enter your answer"))]
    validators.append(check_length)
    return {"answer": TextAreaField(question.title, validators=validators, filters=[clean_text])}


def _number_fields(question: Question, _max_text: int) -> dict[str, Field]:
    low = question.minimum if question.minimum is not None else 0
    high = question.maximum if question.maximum is not None else 10_000
    validators: list[Any] = [presence(question, _("Enter a number"))]
    validators.append(
        NumberRange(low, high, _("Enter a number between %(low)s and %(high)s", low=low, high=high))
    )
    return {
        "answer": WholeNumberField(question.title, validators=validators, render_kw={"inputmode": "numeric"})
    }


def _duration_fields(question: Question, _max_text: int) -> dict[str, Field]:
    def amount_in_range(form: Form, field: Field) -> None:
        limit = MAX_DURATION.get(form.unit.data or "weeks", 520)
        if field.data is not None and not 0 <= field.data <= limit:
            raise ValidationError(_("Enter a number from 0 to %(limit)s", limit=limit))

    def unit_with_amount(form: Form, field: Field) -> None:
        # An optional wait left blank needs no unit, but a number given needs one (else it is unreadable).
        given = question.required or form.amount.data is not None
        Required(_("Select weeks or months") if given else "")(form, field)

    amount: list[Any] = [presence(question, _("Enter how long, as a whole number"))]
    unit: list[Any] = [unit_with_amount]
    return {
        "amount": WholeNumberField(
            _("Number"),
            validators=[*amount, amount_in_range],
            render_kw={"inputmode": "numeric"},
            not_a_number=_("Enter a whole number, like 6"),
        ),
        "unit": RadioField(
            _("Weeks or months"),
            choices=[SelectChoice("weeks", _("Weeks")), SelectChoice("months", _("Months"))],
            validators=[*unit, OneOf(["weeks", "months"], _("Select weeks or months"))],
            validate_choice=False,
        ),
        "still_waiting": BooleanField(_("We are still waiting")),
    }


class MonthPart:
    """Stop validating an empty month or year: with ``message`` if the other part was filled in,
    and with ``both`` (given to one part only, so a blank answer has one message) if the question
    must be answered. An optional question left wholly blank has no message."""

    def __init__(self, other: str, message: str, both: str = "") -> None:
        self.other = other
        self.message = message
        self.both = both

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is not None:
            return
        if field.errors:  # it could not be read, and already says so
            raise StopValidation("")
        other_given = any(str(value).strip() for value in (form[self.other].raw_data or []))
        raise StopValidation(self.message if other_given else self.both)


def _month_fields(question: Question, _max_text: int) -> dict[str, Field]:
    today = date.today()

    def not_after_this_month(form: Form, field: Field) -> None:
        if not field.errors and form.year.data == today.year and field.data > today.month:
            raise ValidationError(_("Enter a month no later than %(month)s", month=month_and_year(today)))

    both = (question.error or _("Enter the month and year")) if question.required else ""
    return {
        "month": WholeNumberField(
            _("Month"),
            validators=[
                MonthPart("year", _("Enter the month"), both),
                NumberRange(1, 12, _("Enter a month from 1 to 12")),
                not_after_this_month,
            ],
            not_a_number=_("Enter the month as a number, like 3"),
            render_kw={"inputmode": "numeric"},
        ),
        "year": WholeNumberField(
            _("Year"),
            validators=[
                MonthPart("month", _("Enter the year")),
                NumberRange(1990, today.year, _("Enter a year from 1990 to %(year)s", year=today.year)),
            ],
            not_a_number=_("Enter the year as 4 numbers, like 2025"),
            render_kw={"inputmode": "numeric"},
        ),
    }


def _consent_fields(question: Question, _max_text: int) -> dict[str, Field]:
    return {"answer": BooleanField(question.label)}


def _read_answer(form: FlaskForm) -> Any:
    data = form.answer.data
    return None if data in ("", []) else data


def _read_rating(form: FlaskForm) -> Any:
    """A place on the scale is stored as a number (1 the worst); an answer off the scale, such as
    "Don't know", as its option's value, a word (``parse_definition`` refuses a number there)."""
    data = form.answer.data
    if data in (None, ""):
        return None
    return int(data) if re.fullmatch(r"-?\d{1,9}", str(data)) else str(data)


def _read_duration(form: FlaskForm) -> Any:
    if form.amount.data is None:
        return None
    return {
        "amount": form.amount.data,
        "unit": form.unit.data,
        "still_waiting": bool(form.still_waiting.data),
    }


def _read_month(form: FlaskForm) -> Any:
    if form.month.data is None or form.year.data is None:
        return None
    return f"{form.year.data:04d}-{form.month.data:02d}"


def _answer_data(value: Any) -> dict[str, Any]:
    return {} if value is None else {"answer": value}


def _rating_data(value: Any) -> dict[str, Any]:
    return {} if value is None else {"answer": str(value)}


def _duration_data(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _month_data(value: Any) -> dict[str, Any]:
    if not isinstance(value, str) or "-" not in value:
        return {}
    year, month = value.split("-", 1)
    return {"year": int(year), "month": int(month)}


def _display_choice(question: Question, value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(question.option_label(v) for v in value)
    return question.option_label(str(value))


def _display_plain(_question: Question, value: Any) -> str:
    return str(value)


def _display_duration(_question: Question, value: Any) -> str:
    amount = value["amount"]
    if value["unit"] == "months":
        text = ngettext("%(num)d month", "%(num)d months", amount)
    else:
        text = ngettext("%(num)d week", "%(num)d weeks", amount)
    return _("%(time)s so far (still waiting)", time=text) if value.get("still_waiting") else text


def _display_month(_question: Question, value: Any) -> str:
    year, month = value.split("-")
    return month_and_year(date(int(year), int(month), 1))


def _display_consent(_question: Question, value: Any) -> str:
    return _("Yes, you can quote my words") if value else _("No")


QUESTION_TYPES: dict[str, QuestionType] = {
    "radio": QuestionType(
        _radio_fields, _read_answer, _answer_data, _display_choice, "One answer", is_choice=True
    ),
    "checkboxes": QuestionType(
        _checkbox_fields,
        _read_answer,
        _answer_data,
        _display_choice,
        "One or more answers",
        is_choice=True,
        is_multi=True,
    ),
    "text": QuestionType(
        _text_fields, _read_answer, _answer_data, _display_plain, "Free text", is_free_text=True
    ),
    # A number and a month are described by their type's name, as packs have always printed them.
    "number": QuestionType(_number_fields, _read_answer, _answer_data, _display_plain, "number"),
    "duration": QuestionType(
        _duration_fields,
        _read_duration,
        _duration_data,
        _display_duration,
        "How long (weeks or months), or still waiting",
        is_duration=True,
    ),
    "month": QuestionType(_month_fields, _read_month, _month_data, _display_month, "month"),
    "rating": QuestionType(
        _radio_fields, _read_rating, _rating_data, _display_choice, "Rating", is_choice=True, is_rating=True
    ),
    "consent": QuestionType(
        _consent_fields, lambda form: bool(form.answer.data), _answer_data, _display_consent, "Tick box"
    ),
}


def question_type(kind: Any) -> QuestionType | None:
    """The registry's entry for a stored question's ``type``, or None for a kind it does not know."""
    return QUESTION_TYPES.get(kind) if isinstance(kind, str) else None


def question_form_class(question: Question, max_text: int) -> type[FlaskForm]:
    """A FlaskForm class (with CSRF) holding the fields of one question."""
    fields = QUESTION_TYPES[question.kind].fields(question, max_text)
    return type(f"{question.key.title()}Form", (FlaskForm,), fields)


def display_answer(question: Question, value: Any) -> str:
    """The answer as the respondent would read it on the check-answers page."""
    if value is None or value == [] or value == "":
        return _("Not answered")
    return QUESTION_TYPES[question.kind].display(question, value)
