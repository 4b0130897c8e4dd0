"""``flask seed-demo``: a demo forum with realistic synthetic responses."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import with_appcontext

from forum_app.accounts.passwords import ONE_TIME_DAYS
from forum_app.extensions import db
from forum_app.surveys.seeding import add_demo_population, add_demo_quotes, confirm_demo_coding, seed_demo


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
@click.option(
    "--coded-before-days",
    "coded_days",
    type=click.IntRange(0, 3650),
    default=30,
    show_default=True,
    help="The demo lead confirms the suggested themes of approved answers sent more than this many days "
    "before --until; newer ones wait in the coding queue.",
)
@with_appcontext
def seed_demo_command(count: int, seed: int, forum_slug: str, until: object, coded_days: int) -> None:
    """Create the demo forum, its default survey and COUNT synthetic responses."""
    last_day = until.date() if until is not None else date.today()  # type: ignore[attr-defined]
    result = seed_demo(db.session, count, seed, forum_slug, last_day)
    click.echo(
        f"Forum '{result.forum_slug}', survey '{result.survey_slug}': added {result.responses} responses."
    )
    cutoff = last_day - timedelta(days=coded_days)
    coded = confirm_demo_coding(db.session, forum_slug, cutoff) if result.lead_email else 0
    if coded:
        click.echo(
            f"The demo lead confirmed the suggested themes of {coded:,} answers sent before {cutoff}; "
            "newer ones wait in the coding queue."
        )
    demo_quotes = add_demo_quotes(db.session, forum_slug) if coded else None
    if demo_quotes and demo_quotes.chosen:
        click.echo(
            f"The demo lead chose {demo_quotes.chosen} candidate quotes in {demo_quotes.themes} themes; "
            f"packs leave {demo_quotes.left_out} of them out (see Candidate quotes for why)."
        )
    if result.lead_email and add_demo_population(db.session, forum_slug):
        click.echo("Added made-up local figures for tables T3 and T7 (not real data).")
    if result.lead_password:
        click.echo(f"Staff sign-in: {result.lead_email}")
        click.echo(
            f"One-time password (change it when you first sign in, within {ONE_TIME_DAYS} days): "
            f"{result.lead_password}"
        )
    elif result.lead_email:
        click.echo(
            f"Staff user {result.lead_email} already exists. For a new password run: "
            f"flask --app wsgi users reset-password --email {result.lead_email}"
        )
