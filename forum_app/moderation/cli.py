"""``flask moderation redact`` (the DESIGN.md contract) and ``flask moderation check``.

Reads one text per line on standard input and prints, per line, one JSON object
``{"text": redacted_text, "found": [{"kind", "start", "end"}], "safeguarding": bool}``; start and
end are offsets into the original line (without its line ending).
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from forum_app.extensions import db
from forum_app.moderation.intake import app_alerts, check_unchecked
from forum_app.moderation.redact import redact
from forum_app.moderation.safeguarding import flag


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
