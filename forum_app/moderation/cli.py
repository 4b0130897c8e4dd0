"""``flask moderation redact`` (the DESIGN.md contract), ``flask moderation check`` and
``flask retention purge``.

Reads one text per line on standard input and prints, per line, one JSON object
``{"text": redacted_text, "found": [{"kind", "start", "end"}], "safeguarding": bool}``; start and
end are offsets into the original line (without its line ending).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from forum_app.db import today as utc_today
from forum_app.extensions import db
from forum_app.moderation.intake import app_alerts, check_unchecked
from forum_app.moderation.redact import redact
from forum_app.moderation.retention import purge_originals
from forum_app.moderation.safeguarding import flag
from forum_app.ratelimit import purge_expired
from forum_app.surveys.retention import KINDS, purge


@click.group("moderation", help="Moderation: personal details redacted, safeguarding concerns flagged.")
def moderation_cli() -> None:
    pass


@moderation_cli.command("redact")
@click.option(
    "--deny-list",
    "deny_list",
    multiple=True,
    metavar="NAME",
    help="A school or setting name to redact wherever it appears (repeatable).",
)
def redact_command(deny_list: tuple[str, ...]) -> None:
    """Redact each line of standard input; print one JSON object per line."""
    for raw in sys.stdin.buffer:
        # Bytes in, so a stray invalid byte becomes U+FFFD instead of stopping the run.
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        result = redact(text, deny_list=deny_list)
        record = {
            "text": result.text,
            "found": [{"kind": item.kind, "start": item.start, "end": item.end} for item in result.found],
            "safeguarding": flag(text).flagged,
        }
        click.echo(json.dumps(record, ensure_ascii=False))


@moderation_cli.command("check")
@with_appcontext
def check_command() -> None:
    """Check again the answers the automatic check has not run on (it failed or was interrupted):
    redaction, safeguarding flags (alerting the forum's contacts) and duplicates. Each answer is tried
    at most 3 times; after that it waits for a moderator. Prints counts, never any text."""
    report = check_unchecked(db.session, alerts=app_alerts(), limit=None)
    click.echo(
        f"Checked {report.checked} responses ({report.flagged} answers flagged, {report.alerts} alerts "
        f"sent); {report.failed} could not be checked and wait for a moderator."
    )


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
    than yesterday and counting windows older than two days go too. Prints counts per forum and in
    total, never any text. Safe to run as often as you like: a second run deletes nothing new.
    """
    day = today.date() if today is not None else utc_today()  # type: ignore[attr-defined]
    report = purge(db.session, day, current_app.config["RESUME_DAYS"], dry_run=dry_run)
    originals = {found.slug: found for found in purge_originals(db.session, day, dry_run=dry_run)}
    moment = datetime.now(UTC) if today is None else datetime(day.year, day.month, day.day, tzinfo=UTC)
    limits = purge_expired(db.session, moment, dry_run=dry_run)
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
