"""An export's responses stored in a forum's survey, in batches, each response once however often the
export is imported.

``import_export`` finds the survey version the responses answer (``import_target``: a new survey,
closed to families, whose version 1 is the export's definition; or the latest version of the survey
with that slug, when every question of the export fits it), then adds the responses a batch at a time
(``add_batch``) and hands each batch to ``take_in``, the caller's step that holds its free text for
moderation and commits it (``journeys.import_responses``). Only one batch of rows is held at a time.

A response's idempotency key is made from the forum, the survey and the row's fingerprint, so the same
row imported again, alone or in a larger export of the same survey, is found and counted as a
duplicate. Nothing of the export's metadata reaches this module (see ``rows``); dates are days.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.surveys.codes import new_token
from forum_app.surveys.definitions import Question, parse_definition
from forum_app.surveys.imports.export import ImportedExport
from forum_app.surveys.imports.files import ImportFileError
from forum_app.surveys.imports.rows import ImportedRow
from forum_app.surveys.models import SUBMITTED, SURVEY_CLOSED, Answer, Response, Survey, SurveyVersion
from forum_app.surveys.services import latest_version, publish_survey, set_survey_status

BATCH_ROWS = 500
KEY_PREFIX = "import:"
KEY_LENGTH = 64  # Response.idempotency_key
MOST_NAMED = 5  # questions named in the message about questions that do not fit

TakeIn = Callable[[Session, Sequence[str]], None]


@dataclass(frozen=True)
class ImportReport:
    """What an import did, as ``flask surveys import`` prints it: the tool, the rows read, the
    responses added, the rows already imported before, and the number of questions of the survey."""

    tool: str
    rows: int
    imported: int
    duplicates: int
    questions: int


def import_key(forum_id: int, survey_slug: str, fingerprint: str) -> str:
    """The idempotency key of an imported row: the same for the same row of the same survey."""
    digest = hashlib.sha256(f"{forum_id}\x1f{survey_slug}\x1f{fingerprint}".encode()).hexdigest()
    return KEY_PREFIX + digest[: KEY_LENGTH - len(KEY_PREFIX)]


def _fits(mine: Question, theirs: Question | None, lowest: int, highest: int) -> bool:
    """Whether every answer to the export's question ``mine`` is a valid answer to ``theirs``."""
    if theirs is None or theirs.kind != mine.kind:
        return False
    if {option.value for option in mine.options} - {option.value for option in theirs.options}:
        return False
    if mine.kind != "number":
        return True
    return (theirs.minimum is None or theirs.minimum <= lowest) and (
        theirs.maximum is None or highest <= theirs.maximum
    )


def misfits(export: ImportedExport, definition: dict[str, Any]) -> list[str]:
    """The titles of the export's questions that do not fit ``definition`` (a stored definition):
    a question it lacks (by key), of another kind, with an option it lacks, or a number outside its
    range."""
    ranges = {question.key: (question.lowest, question.highest) for question in export.questions}
    theirs = parse_definition(definition)
    return [
        mine.title
        for mine in parse_definition(export.definition).questions
        if not _fits(mine, theirs.question(mine.key), *ranges.get(mine.key, (0, 0)))
    ]


def import_target(session: Session, forum: Forum, export: ImportedExport) -> SurveyVersion:
    """The survey version the export's responses answer. A new slug makes a survey whose version 1 is
    the export's definition, closed to families (its questions were inferred from answers; a lead
    opens it). An existing survey's latest version, when every question of the export fits it; else
    ``ImportFileError`` naming those that do not, before anything is written."""
    slug = str(export.definition["slug"])
    survey = session.scalar(select(Survey).where(Survey.forum_id == forum.id, Survey.slug == slug))
    latest = latest_version(session, survey.id) if survey is not None else None
    if latest is None:
        version = publish_survey(session, forum, export.definition)
        if survey is None:
            set_survey_status(session, version.survey_id, SURVEY_CLOSED)
        return version
    wrong = misfits(export, latest.definition)
    if wrong:
        named = ", ".join(f"'{title}'" for title in wrong[:MOST_NAMED])
        more = f" and {len(wrong) - MOST_NAMED} more" if len(wrong) > MOST_NAMED else ""
        raise ImportFileError(
            f"The questions {named}{more} of this file do not fit the survey '{slug}' as it is: "
            "import the file as a new survey (another --survey) instead."
        )
    return latest


def add_batch(session: Session, version: SurveyVersion, rows: Sequence[ImportedRow]) -> list[str]:
    """Add the rows not imported before as submitted responses with their answers (not committed).
    Returns the new responses' ids; the existing keys of the batch are looked up in one query."""
    survey = version.survey
    keyed = {import_key(survey.forum_id, survey.slug, row.fingerprint): row for row in rows}
    found = select(Response.idempotency_key).where(Response.idempotency_key.in_(list(keyed)))
    known = set(session.scalars(found))
    responses: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    for key, row in keyed.items():
        if key in known:
            continue
        response_id = new_token()
        responses.append(
            {
                "id": response_id,
                "forum_id": survey.forum_id,
                "survey_version_id": version.id,
                "status": SUBMITTED,
                "started_on": row.submitted_on,
                "submitted_on": row.submitted_on,
                "idempotency_key": key,
                "receipt_hash": None,
            }
        )
        answers += [
            {"response_id": response_id, "question_key": question, "value": value}
            for question, value in row.answers.items()
        ]
    if responses:
        session.execute(insert(Response), responses)
    if answers:
        session.execute(insert(Answer), answers)
    return [str(response["id"]) for response in responses]


def _batches(rows: Iterator[ImportedRow], size: int) -> Iterator[list[ImportedRow]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def import_export(
    session: Session,
    forum: Forum,
    export: ImportedExport,
    take_in: TakeIn,
    progress: Callable[[int], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Store the export's responses in ``forum``'s survey (``import_target``), a batch at a time: each
    batch is added, then ``take_in(session, ids)`` holds and commits it, then ``progress(rows)`` is
    told how many rows it read. Rows imported before are counted as duplicates and added again never."""
    version = import_target(session, forum, export)
    imported = duplicates = 0
    for batch in _batches(export.rows(), batch_rows):
        added = add_batch(session, version, batch)
        if added:
            take_in(session, added)
        imported += len(added)
        duplicates += len(batch) - len(added)
        if progress is not None:
            progress(len(batch))
    questions = len(export.definition["questions"])
    return ImportReport(export.tool, imported + duplicates, imported, duplicates, questions)
