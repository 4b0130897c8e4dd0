"""``flask seed-demo``: a demo forum with realistic synthetic responses; ``flask retention purge``."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from forum_app.db import today as utc_today
from forum_app.extensions import db
from forum_app.surveys.retention import KINDS, purge
from forum_app.surveys.seeding import seed_demo


@click.command("seed-demo")
@click.option(
    "--responses",
    "count",
    type=click.IntRange(0, 1_000_000),
    default=0,
    show_default=True,
    help="How many synthetic submitted responses to add.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same answers.")
@click.option("--forum", "forum_slug", default="demo", show_default=True, help="Forum slug.")
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last submission date (default today); dates spread over the year before.",
)
@with_appcontext
def seed_demo_command(count: int, seed: int, forum_slug: str, until: object) -> None:
    """Create the demo forum, its default survey and COUNT synthetic responses."""
    last_day = until.date() if until is not None else date.today()  # type: ignore[attr-defined]
    result = seed_demo(db.session, count, seed, forum_slug, last_day)
    click.echo(
        f"Forum '{result.forum_slug}', survey '{result.survey_slug}': added {result.responses} responses."
    )
    if result.lead_password:
        click.echo(f"Staff sign-in: {result.lead_email}")
        click.echo(f"One-time password (change it when you first sign in): {result.lead_password}")
    elif result.lead_email:
        click.echo(
            f"Staff user {result.lead_email} already exists. For a new password run: "
            f"flask --app wsgi users reset-password --email {result.lead_email}"
        )


@click.group(
    "retention",
    help="Retention: delete responses the forums no longer keep. "
    "Idempotent; schedule `retention purge` daily (see README).",
)
def retention_cli() -> None:
    pass


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted; write nothing.")
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day to purge as of (default today, UTC).",
)
@with_appcontext
def retention_purge_command(dry_run: bool, today: object) -> None:
    """Delete expired drafts, and submitted and withdrawn responses past each forum's retention_months.

    Unsent drafts go once their resume code has expired, or RESUME_DAYS after they were started if
    they never got one. Submitted responses (with their answers and codings) and withdrawn ones go
    the day after retention_months have passed. Prints counts per forum and in total, never any text.
    Safe to run as often as you like: a second run deletes nothing new. There is no separate original
    (unredacted) text to purge yet, so "purge originals" is not part of this command.
    """
    day = today.date() if today is not None else utc_today()  # type: ignore[attr-defined]
    report = purge(db.session, day, current_app.config["RESUME_DAYS"], dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"Retention purge as of {day.isoformat()}{' (dry run: nothing written)' if dry_run else ''}")
    for forum in report.forums:
        counts = ", ".join(f"{getattr(forum, kind)} {kind}" for kind in KINDS)
        click.echo(
            f"  {forum.slug}: {verb.lower()} {counts} responses ({forum.answers} answers); "
            f"keeps submitted from {forum.kept_from.isoformat()} ({forum.retention_months} months)"
        )
    totals = ", ".join(f"{report.total(kind)} {kind}" for kind in KINDS)
    click.echo(f"{verb} in total: {totals} responses ({report.total('answers')} answers).")
