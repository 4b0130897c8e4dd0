"""Form fields every feature declares the same way: a box with a longest length, usually required,
and the attributes browsers read (``autocomplete``, ``spellcheck``, ...)."""

from __future__ import annotations

from typing import Any, TypeAlias

from flask_babel.speaklater import LazyString
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

# A label or message: text, or text translated when the form is shown (families' forms: forum_app/i18n.py).
Text: TypeAlias = str | LazyString

PASSWORD_LENGTH = 200
EMAIL_LENGTH = 254


def text_field(
    label: Text,
    required: Text | None,
    max_length: int,
    too_long: Text | None = None,
    *,
    kind: type[StringField] = StringField,
    **attributes: str,
) -> Any:
    """A ``kind`` field (text, email or password) labelled ``label``: ``required`` is the message when it
    is left empty (None: optional), ``too_long`` when it has more than ``max_length`` characters (None:
    WTForms' own). ``attributes`` are the input's HTML attributes."""
    validators: list[Any] = [InputRequired(required)] if required is not None else []
    validators.append(Length(max=max_length, message=too_long))
    return kind(label, validators=validators, render_kw=attributes or None)


def code_field(
    label: Text,
    required: Text,
    max_length: int,
    too_long: Text | None = None,
    *,
    autocomplete: str = "off",
    autocapitalize: str = "none",
    **attributes: str,
) -> Any:
    """A box for something typed exactly as given (a code, a short name): no spellcheck, no capitals
    added by phones, and no browser autofill unless ``autocomplete`` says what it is."""
    return text_field(
        label,
        required,
        max_length,
        too_long,
        kind=StringField,
        autocomplete=autocomplete,
        autocapitalize=autocapitalize,
        spellcheck="false",
        **attributes,
    )


def email_field(label: str, required: str, too_long: str | None = None, **attributes: str) -> Any:
    """An email address box (``spellcheck`` off)."""
    return text_field(
        label, required, EMAIL_LENGTH, too_long, kind=EmailField, spellcheck="false", **attributes
    )


def password_field(label: str, required: str, autocomplete: str, too_long: str | None = None) -> Any:
    """A password box: ``autocomplete`` is ``current-password`` or ``new-password``."""
    return text_field(
        label, required, PASSWORD_LENGTH, too_long, kind=PasswordField, autocomplete=autocomplete
    )
