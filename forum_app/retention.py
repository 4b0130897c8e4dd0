"""Retention: what the forums no longer keep is deleted, feature by feature, from one entry point
(``purge_all``, run daily by ``flask retention purge``).

- ``surveys.retention.purge``: unsent drafts, and responses past each forum's ``retention_months``
  (with their answers and everything coded from them);
- ``moderation.retention.purge_originals``: the original words of answers past the forum's
  ``original_days``;
- ``ratelimit.purge_expired``: rate-limit day keys and counting windows no longer needed;
- ``builder.uploads.purge_uploads``: uploaded exports never imported, a day after they were uploaded.

Each commits its own transaction (or, with ``dry_run``, only counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from forum_app.builder.uploads import purge_uploads
from forum_app.db import today as utc_today
from forum_app.extensions import db
from forum_app.moderation.retention import OriginalsPurge, purge_originals
from forum_app.ratelimit import Expired, purge_expired
from forum_app.surveys.retention import KINDS, PurgeReport, purge


@dataclass(frozen=True)
class Purged:
    """What one retention run deleted (or would delete): counts only, never any text."""

    responses: PurgeReport
    originals: list[OriginalsPurge]
    limits: Expired
    uploads: int = 0


def purge_all(session: Session, moment: datetime, resume_days: int, dry_run: bool = False) -> Purged:
    """Run every feature's purge as of ``moment`` (its date for the forums' days): responses first,
    then originals, then rate-limit keys. Idempotent."""
    day = moment.date()
    responses = purge(session, day, resume_days, dry_run=dry_run)
    originals = purge_originals(session, day, dry_run=dry_run)
    limits = purge_expired(session, moment, dry_run=dry_run)
    return Purged(responses, originals, limits, purge_uploads(session, day, dry_run=dry_run))


@click.group(
    "retention",
    help="Retention: delete responses the forums no longer keep, and originals past their days. "
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
    """Delete expired drafts, responses past each forum's retention_months, and originals past its
    original_days.

    Unsent drafts go once their resume code has expired, or RESUME_DAYS after they were started if
    they never got one. Submitted responses (with their answers and codings) and withdrawn ones go
    the day after retention_months have passed. The original words of answers not yet approved go
    after the forum's original_days (default 30); the redacted text stays. Rate-limit day keys older
    than yesterday and counting windows older than two days go too, and so do uploaded exports
    not imported within a day. Prints counts per forum and in
    total, never any text. Safe to run as often as you like: a second run deletes nothing new.
    """
    day = today.date() if today is not None else utc_today()  # type: ignore[attr-defined]
    moment = datetime.now(UTC) if today is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    done = purge_all(db.session, moment, current_app.config["RESUME_DAYS"], dry_run=dry_run)
    report, limits = done.responses, done.limits
    originals = {found.slug: found for found in done.originals}
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"Retention purge as of {day.isoformat()}{' (dry run: nothing written)' if dry_run else ''}")
    for forum in report.forums:
        counts = ", ".join(f"{getattr(forum, kind)} {kind}" for kind in KINDS)
        click.echo(
            f"  {forum.slug}: {verb.lower()} {counts} responses ({forum.answers} answers); "
            f"keeps submitted from {forum.kept_from.isoformat()} ({forum.retention_months} months)"
        )
        if forum.slug in originals:
            found = originals[forum.slug]
            click.echo(
                f"  {forum.slug}: {verb.lower()} the original words of {found.originals} answers "
                f"not approved within {found.original_days} days"
            )
    totals = ", ".join(f"{report.total(kind)} {kind}" for kind in KINDS)
    click.echo(f"{verb} in total: {totals} responses ({report.total('answers')} answers).")
    click.echo(
        f"{verb} in total: the original words of {sum(f.originals for f in originals.values())} answers."
    )
    click.echo(
        f"{verb} in total: {limits.keys} rate-limit day keys older than yesterday and {limits.windows} "
        "rate-limit windows older than two days."
    )
    click.echo(f"{verb} in total: {done.uploads} uploaded exports not imported within a day.")
