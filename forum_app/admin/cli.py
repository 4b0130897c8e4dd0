"""``flask forums ...``: forums (tenants) from the command line, as the platform administrator."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from forum_app.accounts.cli import stop_on_account_error
from forum_app.admin.services import create_forum, forum_summaries
from forum_app.extensions import db


@click.group("forums", help="Forums (tenants) on this platform.")
def forums_cli() -> None:
    pass


@forums_cli.command("create")
@click.option("--slug", required=True, help="Short name used in survey links, e.g. 'northshire'.")
@click.option("--name", required=True, help="The forum's name, e.g. 'Northshire Parent Carer Forum'.")
@click.option("--local-area", "local_area", default="", help="The local area it speaks for.")
@with_appcontext
def create_command(slug: str, name: str, local_area: str) -> None:
    """Create a forum with the default survey and codebook (no answers), and say what to do next."""
    with stop_on_account_error():
        created = create_forum(db.session, slug, name, local_area)
    forum = created.forum
    click.echo(
        f"Created forum '{forum.slug}' ({forum.name}) with the survey '{created.survey_slug}' "
        f"and the default codebook ({created.themes} themes). It has no responses yet."
    )
    click.echo("Next:")
    click.echo(
        f"  1. Give it a lead: flask --app wsgi users create --email EMAIL --forum {forum.slug} --role lead"
    )
    click.echo("  2. The lead signs in at /staff/login with the one-time password shown, and changes it.")
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    click.echo(f"  3. Share the survey link with families: {base}/s/{forum.slug}/{created.survey_slug}/")


@forums_cli.command("list")
@with_appcontext
def list_command() -> None:
    """Every forum with its staff and response counts."""
    summaries = forum_summaries(db.session)
    if not summaries:
        click.echo("No forums yet. Make one with: flask --app wsgi forums create --slug SLUG --name NAME")
        return
    click.echo(f"{'slug':<24} {'staff':>5} {'responses':>9}  status     name")
    for row in summaries:
        status = "suspended" if row.suspended_at else "active"
        click.echo(f"{row.slug:<24} {row.staff:>5} {row.responses:>9}  {status:<9}  {row.name}")
