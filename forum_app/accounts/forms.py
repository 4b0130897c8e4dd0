"""Staff sign-in forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, EqualTo, InputRequired

from forum_app.accounts.models import ROLES
from forum_app.forms import code_field, email_field, password_field

_ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]
_LONG_EMAIL = "An email address has 254 characters or fewer"
_ANY_CODE = "Enter the 6-digit code from your authenticator app, or a recovery code"


class LoginForm(FlaskForm):
    email = email_field("Email address", "Enter your email address", autocomplete="username")
    password = password_field("Password", "Enter your password", "current-password")


class ChangePasswordForm(FlaskForm):
    current = password_field("Current password", "Enter your current password", "current-password")
    new = password_field("New password", "Enter a new password", "new-password")


class ConfirmPasswordForm(FlaskForm):
    """Ending a session from "Your account" asks for the password again. ``session`` is the row id of
    one of the person's own sessions (never its token), empty when signing out everywhere."""

    session = HiddenField()
    password = password_field("Your password", "Enter your password", "current-password")


class LogoutForm(FlaskForm):
    """Signing out is a POST with CSRF, so another site cannot sign a user out."""


class SwitchForumForm(FlaskForm):
    """Choosing the forum to work in is a POST with CSRF."""


class TwoFactorCodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = code_field("Code", _ANY_CODE, 64, _ANY_CODE, autocomplete="one-time-code")


class SetupCodeForm(FlaskForm):
    code = code_field(
        "Code from the app",
        "Enter the 6-digit code your authenticator app shows",
        64,
        "Enter the 6-digit code your authenticator app shows, like 123456",
        autocomplete="one-time-code",
        inputmode="numeric",
    )


class PasswordOrCodeForm(FlaskForm):
    """Proof it is still the account's owner, before a change to two-factor sign-in."""

    secret = password_field(
        "Your password, or a code from your authenticator app",
        "Enter your password, or a code from your authenticator app",
        "current-password",
        "Your password or code is not right",
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
    email = email_field("Email address", "Enter their email address", _LONG_EMAIL, autocomplete="off")
    role = RadioField("Role", choices=_ROLE_CHOICES, validate_choice=False)


class RoleForm(FlaskForm):
    role = RadioField("Role", choices=_ROLE_CHOICES, validate_choice=False)


class TeamActionForm(FlaskForm):
    """A button on a member's page (deactivate, reactivate, reset link): a POST with CSRF only."""


class ChoosePasswordForm(FlaskForm):
    password = password_field("Password", "Enter a password", "new-password", "Use 200 characters or fewer")
    confirm = PasswordField(
        "Type the password again",
        validators=[
            InputRequired("Type the password again"),
            EqualTo("password", message="The two passwords are not the same"),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field("Email address", "Enter your email address", _LONG_EMAIL, autocomplete="username")
