"""``flask surveys import FILE --forum SLUG --survey SLUG``: a forum's past responses from a Google
Forms, Microsoft Forms, SurveyMonkey or SmartSurvey export (CSV or XLSX).

Progress goes to standard error, a line per batch; the last line on standard output is the JSON
``{"tool", "rows", "imported", "duplicates", "questions"}``. A file that cannot be read, an unknown
forum or questions that do not fit the survey exit non-zero with one sentence on standard error, and
nothing is written. Nothing the export holds is ever printed or logged, only counts.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from flask.cli import with_appcontext

from forum_app import journeys
from forum_app.accounts.services import SLUG_PATTERN, get_forum
from forum_app.extensions import db
from forum_app.surveys.imports.export import read_export
from forum_app.surveys.imports.files import ImportFileError
from forum_app.surveys.imports.tools import TOOL_NAMES

TITLE_LENGTH = 200  # Survey.title


@click.group("surveys", help="Surveys: importing past responses from other tools.")
def surveys_cli() -> None:
    pass


@surveys_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--forum", "forum_slug", required=True, help="The forum's slug.")
@click.option("--survey", "survey_slug", required=True, help="The survey's slug, new or existing.")
@click.option("--title", default="", help="A new survey's title (default: the file's name).")
@with_appcontext
def import_command(file: Path, forum_slug: str, survey_slug: str, title: str) -> None:
    """Import an export's responses into a survey of a forum (made from the export when the slug is
    new). Importing the same file again adds nothing."""
    if not SLUG_PATTERN.match(survey_slug):
        raise click.BadParameter("use lower-case letters, digits and '-' only.", param_hint="--survey")
    forum = get_forum(db.session, forum_slug)
    if forum is None:
        raise click.ClickException(
            f"There is no forum '{forum_slug}': check its slug with 'flask --app wsgi forums list'."
        )
    try:
        name = (title.strip() or file.stem)[:TITLE_LENGTH]
        export = read_export(file.read_bytes(), file.name, survey_slug, name)
        click.echo(f"Read {export.row_count:,} responses from a {TOOL_NAMES[export.tool]} export.", err=True)
        done = 0

        def progress(rows: int) -> None:
            nonlocal done
            done += rows
            click.echo(f"{done:,} of {export.row_count:,} responses stored or found.", err=True)

        report = journeys.import_responses(db.session, forum, export, progress=progress)
    except ImportFileError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from problem
    click.echo(json.dumps(asdict(report)))
