"""``flask users ...``: staff accounts from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import with_appcontext

from forum_app.accounts.ending import sign_out_all, sign_out_user
from forum_app.accounts.models import ROLES
from forum_app.accounts.passwords import ONE_TIME_DAYS
from forum_app.accounts.platform import create_platform_admin
from forum_app.accounts.services import AccountError, NewUser, create_user, reset_password
from forum_app.accounts.two_factor import reset_two_factor
from forum_app.extensions import db

ONE_TIME_NOTE = f"It works for {ONE_TIME_DAYS} days; after that, run users reset-password for a new one."


@click.group("users", help="Staff accounts.")
def users_cli() -> None:
    pass


@contextmanager
def stop_on_account_error() -> Iterator[None]:
    """An ``AccountError`` inside stops the command with its message (click prints it and exits 1)."""
    try:
        yield
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def _say_created(created: NewUser, what: str) -> None:
    """Print the new account's one-time password, or that an existing account became ``what``."""
    if created.password:
        click.echo(f"Created {created.user.email} as {what}.")
        click.echo(f"One-time password (they must change it when they sign in): {created.password}")
        click.echo(ONE_TIME_NOTE)
    else:
        click.echo(f"{created.user.email} is now {what}. Their password is unchanged.")


@users_cli.command("create")
@click.option("--email", required=True, help="The staff member's email address.")
@click.option("--forum", "forum_slug", required=True, help="Slug of the forum they work for.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What they may do.")
@with_appcontext
def create_command(email: str, forum_slug: str, role: str) -> None:
    """Add a staff member to a forum and print a one-time password."""
    with stop_on_account_error():
        created = create_user(db.session, email, forum_slug, role)
    _say_created(created, f"{role} of {forum_slug}")


@users_cli.command("create-admin")
@click.option("--email", required=True, help="The platform administrator's email address.")
@with_appcontext
def create_admin_command(email: str) -> None:
    """Make someone a platform administrator (forums, not their data) and print a one-time password."""
    with stop_on_account_error():
        created = create_platform_admin(db.session, email)
    _say_created(created, "a platform administrator")
    click.echo(
        "They manage forums at /admin/forums; they see a forum's answers only if they are a member of it."
    )


@users_cli.command("reset-password")
@click.option("--email", required=True)
@with_appcontext
def reset_password_command(email: str) -> None:
    """Give a staff member a new one-time password."""
    with stop_on_account_error():
        password = reset_password(db.session, email)
    click.echo(f"One-time password for {email.strip().lower()}: {password}")
    click.echo(f"They must change it when they sign in. {ONE_TIME_NOTE}")


@users_cli.command("sign-out")
@click.option("--email", help="End this staff member's sessions.")
@click.option("--all", "everyone", is_flag=True, help="End every staff session (after a suspected leak).")
@with_appcontext
def sign_out_command(email: str | None, everyone: bool) -> None:
    """End staff sessions at once: one person's, or everyone's. They must sign in again."""
    if bool(email) == everyone:
        raise click.UsageError("Give either --email or --all.")
    if everyone:
        ended = sign_out_all(db.session)
        click.echo(f"Ended {ended} staff session{'' if ended == 1 else 's'}: everyone must sign in again.")
        return
    found = sign_out_user(db.session, email or "")
    if found is None:
        raise click.ClickException(f"Nobody has the address {email}.")
    who = (email or "").strip().lower()
    click.echo(f"Ended {found} session{'' if found == 1 else 's'} of {who}: they must sign in again.")


@users_cli.command("reset-two-factor")
@click.option("--email", required=True)
@with_appcontext
def reset_two_factor_command(email: str) -> None:
    """Turn off two-factor sign-in for someone who lost their phone and recovery codes."""
    with stop_on_account_error():
        reset_two_factor(db.session, email)
    click.echo(
        f"Two-factor sign-in is off for {email.strip().lower()} and they are signed out everywhere. "
        "If they need it, they set it up again after their password."
    )
