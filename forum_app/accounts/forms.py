"""Staff sign-in forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length

from forum_app.accounts.models import ROLES

_ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]
_LONG_EMAIL = "An email address has 254 characters or fewer"


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


class TwoFactorCodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[
            InputRequired("Enter the 6-digit code from your authenticator app, or a recovery code"),
            Length(max=64, message="Enter the 6-digit code from your authenticator app, or a recovery code"),
        ],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"},
    )


class SetupCodeForm(FlaskForm):
    code = StringField(
        "Code from the app",
        validators=[
            InputRequired("Enter the 6-digit code your authenticator app shows"),
            Length(max=64, message="Enter the 6-digit code your authenticator app shows, like 123456"),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class PasswordOrCodeForm(FlaskForm):
    """Proof it is still the account's owner, before a change to two-factor sign-in."""

    secret = PasswordField(
        "Your password, or a code from your authenticator app",
        validators=[
            InputRequired("Enter your password, or a code from your authenticator app"),
            Length(max=200, message="Your password or code is not right"),
        ],
        render_kw={"autocomplete": "current-password"},
    )


EVERYONE, LEADS_ONLY = "everyone", "leads"


class ForumTwoFactorForm(FlaskForm):
    who = RadioField(
        "Who needs two-factor sign-in?",
        choices=[
            SelectChoice(LEADS_ONLY, "Leads only: coders and viewers may choose it"),
            SelectChoice(EVERYONE, "Everyone: require two-factor sign-in for everyone"),
        ],
        validate_choice=False,
        validators=[
            InputRequired("Choose who needs two-factor sign-in"),
            AnyOf((LEADS_ONLY, EVERYONE), message="Choose who needs two-factor sign-in"),
        ],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter their email address"), Length(max=254, message=_LONG_EMAIL)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = RadioField("Role", choices=_ROLE_CHOICES, validate_choice=False)


class RoleForm(FlaskForm):
    role = RadioField("Role", choices=_ROLE_CHOICES, validate_choice=False)


class TeamActionForm(FlaskForm):
    """A button on a member's page (deactivate, reactivate, reset link): a POST with CSRF only."""


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Enter a password"),
            Length(max=200, message="Use 200 characters or fewer"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            InputRequired("Type the password again"),
            EqualTo("password", message="The two passwords are not the same"),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address"), Length(max=254, message=_LONG_EMAIL)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
