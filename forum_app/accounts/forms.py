"""Staff sign-in forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address"), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password"), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password"), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "New password",
        validators=[InputRequired("Enter a new password"), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmPasswordForm(FlaskForm):
    """Ending a session from "Your account" asks for the password again. ``session`` is the row id of
    one of the person's own sessions (never its token), empty when signing out everywhere."""

    session = HiddenField()
    password = PasswordField(
        "Your password",
        validators=[InputRequired("Enter your password"), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class LogoutForm(FlaskForm):
    """Signing out is a POST with CSRF, so another site cannot sign a user out."""


class SwitchForumForm(FlaskForm):
    """Choosing the forum to work in is a POST with CSRF."""
