"""Retention: what the forums no longer keep is deleted, feature by feature, from one entry point
(``purge_all``, run daily by ``flask retention purge``).

- ``surveys.retention.purge``: unsent drafts, and responses past each forum's ``retention_months``
  (with their answers and everything coded from them). Before a forum's answers are deleted,
  ``coding.learning.forget_answers`` switches off and deletes every forum model trained on them (as
  a withdrawal does); once the purge is committed, ``retrain_after_withdrawal`` retrains each such
  forum without them if it still has enough confirmed codings (in this process, not a background
  thread: the command ends when it returns);
- ``moderation.retention.purge_originals``: the original words of answers past the forum's
  ``original_days``;
- ``ratelimit.purge_expired``: rate-limit day keys and counting windows no longer needed;
- ``builder.uploads.purge_uploads``: uploaded exports never imported, a day after they were uploaded.

Each commits its own transaction (or, with ``dry_run``, only counts).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from forum_app.builder.uploads import purge_uploads
from forum_app.coding import learning
from forum_app.coding.learning import Forgotten, RetrainRun
from forum_app.db import today as utc_today
from forum_app.extensions import db
from forum_app.moderation.retention import OriginalsPurge, purge_originals
from forum_app.ratelimit import Expired, purge_expired
from forum_app.surveys.retention import KINDS, PurgeReport, purge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    """What one retention run deleted (or would delete): counts only, never any text."""

    responses: PurgeReport
    originals: list[OriginalsPurge]
    limits: Expired
    uploads: int = 0
    retrained: int = 0  # forums whose retraining without the deleted answers was started


def _retrain(session: Session, forgotten: dict[int, Forgotten], run: RetrainRun) -> int:
    """Retrain each forum whose models were switched off, if it still has enough confirmed codings.
    Never raises: the purge already stands. Returns how many retrainings were started."""
    started = 0
    for forum_id, forgot in forgotten.items():
        try:
            started += learning.retrain_after_withdrawal(session, forum_id, forgot, run) is not None
        except Exception as exc:  # the purge and the models' deletion are committed
            session.rollback()
            log.error("Retraining after the retention purge could not start (%s).", type(exc).__name__)
    return started


def purge_all(
    session: Session,
    moment: datetime,
    resume_days: int,
    dry_run: bool = False,
    run: RetrainRun | None = None,
) -> Purged:
    """Run every feature's purge as of ``moment`` (its date for the forums' days): responses first
    (the forums' models forgetting the answers deleted), then originals, then rate-limit keys, then
    uploads; last, retraining where models were switched off. Idempotent."""
    day = moment.date()
    forgotten: dict[int, Forgotten] = {}

    def forget(session: Session, forum_id: int, answer_ids: Sequence[int]) -> int:
        forgotten[forum_id] = learning.forget_answers(session, forum_id, answer_ids, purged=True)
        return len(forgotten[forum_id].removed)

    responses = purge(session, day, resume_days, dry_run=dry_run, forget=forget)
    originals = purge_originals(session, day, dry_run=dry_run)
    limits = purge_expired(session, moment, dry_run=dry_run)
    uploads = purge_uploads(session, day, dry_run=dry_run)
    retrained = 0 if dry_run else _retrain(session, forgotten, run or RetrainRun(background=False))
    return Purged(responses, originals, limits, uploads, retrained)


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
    run = replace(learning.retrain_run(current_app.config, db.sessionmaker), background=False)
    done = purge_all(db.session, moment, current_app.config["RESUME_DAYS"], dry_run=dry_run, run=run)
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
        if forum.models_off:
            click.echo(
                f"  {forum.slug}: switched off {forum.models_off} forum models that had learned from them"
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
    if not dry_run:
        click.echo(
            f"Switched off in total: {report.total('models_off')} forum models that had learned from "
            f"deleted answers; retraining started for {done.retrained} forums."
        )
