"""Uploads staged without metadata, read back as the file reads, mapped onto an existing survey's
questions with row-level errors, checked without writing, imported once with their progress counted,
and purged after a day whatever their status."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.accounts.models import Forum
from forum_app.builder import uploads
from forum_app.builder.models import ImportUpload
from forum_app.builder.uploads import Destination, Staged, UploadProblem
from forum_app.extensions import db
from forum_app.surveys.definitions import parse_definition
from forum_app.surveys.imports.export import ImportedExport, read_export
from forum_app.surveys.imports.mapping import convert
from forum_app.surveys.imports.questions import ImportedQuestion
from forum_app.surveys.imports.saving import ImportReport
from forum_app.surveys.imports.staged import stage_table, staged_export
from tests.builder.factories import counts
from tests.factories import make_forum, make_survey
from tests.surveys.imports.factories import GOOGLE, SAMPLES, big_csv, csv_bytes, xlsx_bytes

PAST = {
    "slug": "past",
    "title": "Past survey",
    "questions": [
        {
            "key": "age",
            "type": "radio",
            "title": "Child's age",
            "options": [{"value": "young", "label": "5 to 10"}, {"value": "under_5", "label": "Under 5"}],
        },
        {
            "key": "needs",
            "type": "checkboxes",
            "title": "Child's needs",
            "options": [
                {"value": "autism", "label": "Autism"},
                {"value": "adhd", "label": "ADHD"},
                {"value": "slc", "label": "Speech, language or communication"},
            ],
        },
        {"key": "weeks", "type": "number", "title": "Weeks waited", "min": 0, "max": 20},
        {"key": "more", "type": "text", "title": "Tell us more", "required": False},
    ],
}


@pytest.fixture
def forum(db_session: Session) -> Forum:
    return make_forum(db_session)


def staged(session: Session, forum: Forum, data: bytes, destination: Destination) -> Staged:
    upload = uploads.stage_upload(session, forum.id, data, "export.csv", destination)
    found = uploads.read_upload(session, upload)
    assert found is not None
    return found


@pytest.mark.parametrize("tool", sorted(SAMPLES))
def test_a_staged_export_reads_as_the_file_does(tool: str) -> None:
    for data in (csv_bytes(SAMPLES[tool]), xlsx_bytes(SAMPLES[tool])):
        table = json.loads(json.dumps(stage_table(data, "export.csv")))  # as the database gives it back
        from_file, from_stage = (
            read_export(data, "e.csv", "past", "Past"),
            staged_export(table, "past", "Past"),
        )
        assert from_stage.definition == from_file.definition
        assert list(from_stage.rows()) == list(from_file.rows())  # the same days, answers and fingerprints


def test_a_date_that_cannot_be_read_is_a_row_error_without_its_text(
    db_session: Session, forum: Forum
) -> None:
    rows = [list(row) for row in GOOGLE]
    rows[2][0] = "sometime in March"
    found = staged(db_session, forum, csv_bytes(rows), Destination("past", "Past", True))
    assert "sometime" not in json.dumps(found.table)
    mapping = uploads.mapping_of(found, uploads.suggested_choices(found))
    check = uploads.dry_run(db_session, forum.id, found, mapping)
    assert (check.rows, check.would_import, check.rows_with_errors) == (4, 3, 1)
    assert check.errors == [
        "Row 3: the date in the column “Timestamp” cannot be read as a date like 05/03/2024."
    ]


def test_cells_an_existing_question_cannot_take_are_row_errors(db_session: Session, forum: Forum) -> None:
    make_survey(db_session, forum, PAST)
    found = staged(db_session, forum, csv_bytes(GOOGLE), Destination("past", "Past survey", False))
    chosen = uploads.suggested_choices(found)
    assert chosen == {
        "child_s_age": "age",
        "child_s_needs": "needs",
        "weeks_waited": "weeks",
        "tell_us_more": "more",
    }
    before = counts(db_session)
    check = uploads.dry_run(db_session, forum.id, found, uploads.mapping_of(found, chosen))
    assert (check.rows, check.would_import, check.duplicates, check.rows_with_errors) == (4, 2, 0, 2)
    assert check.errors == [
        "Row 3: “11 to 15” is not an option of “Child's age”.",
        "Row 3: 30 is outside the range of “Weeks waited” (0 to 20).",
        "Row 5: “11 to 15” is not an option of “Child's age”.",
    ]
    assert counts(db_session) == before  # a dry run writes nothing
    without_age = uploads.mapping_of(found, {**chosen, "child_s_age": uploads.SKIP})
    assert uploads.dry_run(db_session, forum.id, found, without_age).rows_with_errors == 1
    with pytest.raises(UploadProblem, match="Two columns go to the question “Weeks waited”"):
        uploads.mapping_of(found, {**chosen, "child_s_age": "weeks"})


def test_only_the_first_50_errors_are_listed_and_the_rest_counted(db_session: Session, forum: Forum) -> None:
    document = {
        "slug": "big",
        "title": "Big",
        "questions": [
            {
                "key": "question_0",
                "type": "radio",
                "title": "Question 0",
                "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
            }
        ],
    }
    make_survey(db_session, forum, document)
    found = staged(db_session, forum, big_csv(200, 2), Destination("big", "Big", False))
    check = uploads.dry_run(
        db_session, forum.id, found, uploads.mapping_of(found, {"question_0": "question_0"})
    )
    assert check.rows == 200 and check.rows_with_errors == 66 and check.would_import == 134
    assert len(check.errors) == 50 and check.more_errors == 16
    assert check.errors[0] == "Row 4: “Not sure” is not an option of “Question 0”."


def _question(kind: str, **more: Any) -> dict[str, Any]:
    options = [{"value": "1", "label": "Poor"}, {"value": "2", "label": "Good"}]
    return {
        "key": "q",
        "type": kind,
        "title": "Q",
        **({"options": options} if kind != "month" else {}),
        **more,
    }


@pytest.mark.parametrize(
    ("kind", "cell", "expected", "error"),
    [
        ("rating", "good", {"q": 2}, ""),
        ("rating", "Fine", {}, "Row 7: “Fine” is not an option of “Q”."),
        ("radio", "Poor, Good", {}, "Row 7: “Poor, Good” is more than one answer to “Q”."),
        ("checkboxes", "Poor, Good", {"q": ["1", "2"]}, ""),
        ("month", "03/2024", {"q": "2024-03"}, ""),
        ("month", "2024-11-05", {"q": "2024-11"}, ""),
        ("month", "spring", {}, "Row 7: “spring” is not a month like 03/2024, as “Q” needs."),
    ],
)
def test_a_cell_is_read_as_the_question_reads_answers(
    kind: str, cell: str, expected: dict[str, Any], error: str
) -> None:
    target = parse_definition({"slug": "s", "title": "S", "questions": [_question(kind)]}).questions[0]
    source = ImportedQuestion("column", "text", "Column", (0,))
    answers, errors = convert(source, target, [cell], ", ", 7)
    assert answers == expected and errors == ([error] if error else [])


def test_an_upload_is_the_forums_own_and_goes_after_a_day(
    app: Flask, db_session: Session, forum: Forum
) -> None:
    other = make_forum(db_session, "other", "Other Forum")
    found = staged(db_session, forum, csv_bytes(GOOGLE), Destination("past", "Past", True))
    for status in ("imported", "failed", "importing"):  # retention takes an upload whatever its status
        kept = staged(db_session, forum, csv_bytes(GOOGLE), Destination("past", "Past", True))
        db_session.get_one(ImportUpload, kept.upload_id).status = status
    db_session.commit()
    assert uploads.find_upload(db_session, other.id, found.upload_id) is None
    assert uploads.find_upload(db_session, forum.id, found.upload_id) is not None
    upload = db_session.get(ImportUpload, found.upload_id)
    assert upload is not None
    made = upload.created_on
    runner = app.test_cli_runner()
    for day, left in ((made + datetime.timedelta(days=1), 4), (made + datetime.timedelta(days=2), 0)):
        dry = runner.invoke(args=["retention", "purge", "--dry-run", "--today", day.isoformat()])
        assert f"Would delete in total: {4 - left} uploaded exports" in dry.output
        result = runner.invoke(args=["retention", "purge", "--today", day.isoformat()])
        assert result.exit_code == 0 and f"Deleted in total: {4 - left} uploaded exports" in result.output
        assert counts(db_session)["import_uploads"] == left


def _claimed(session: Session, forum: Forum) -> tuple[Staged, ImportedExport]:
    found = staged(session, forum, csv_bytes(GOOGLE), Destination("past", "Past", True))
    mapping = uploads.mapping_of(found, uploads.suggested_choices(found))
    assert uploads.claim_upload(session, found.upload_id, found.destination, 4)
    return found, uploads.import_ready(session, forum.id, found, mapping)


def test_an_upload_is_claimed_for_import_once(db_session: Session, forum: Forum) -> None:
    found, _export = _claimed(db_session, forum)
    upload = db_session.get_one(ImportUpload, found.upload_id, populate_existing=True)
    assert (upload.status, upload.total, upload.done) == ("importing", 4, 0)
    assert upload.report == {"slug": "past", "title": "Past", "new": True}
    assert not uploads.may_import(upload)
    # A second click, or a second tab, finds it taken.
    assert not uploads.claim_upload(db_session, found.upload_id, found.destination, 4)
    assert upload.moved_at is not None
    later = upload.moved_at + uploads.STALE_AFTER + datetime.timedelta(minutes=1)
    # Silent for half an hour (the app stopped): shown as stopped, and it may be imported again.
    assert uploads.import_progress(upload, later).state == "stopped" and uploads.may_import(upload, later)
    assert uploads.claim_upload(db_session, found.upload_id, found.destination, 4, now=later)
    upload = db_session.get_one(ImportUpload, found.upload_id, populate_existing=True)
    upload.status = "imported"
    db_session.commit()
    far = later + datetime.timedelta(hours=2)
    assert not uploads.claim_upload(db_session, found.upload_id, found.destination, 4, now=far)


def test_the_import_counts_its_progress_in_transactions_of_its_own(
    app: Flask, db_session: Session, forum: Forum
) -> None:
    found, export = _claimed(db_session, forum)
    sessions = db.sessionmaker(app)
    uploads.record_progress(sessions, found.upload_id, 1)
    uploads.record_progress(sessions, found.upload_id, 2)
    assert db_session.get_one(ImportUpload, found.upload_id, populate_existing=True).done == 3
    seen: list[tuple[str, int]] = []

    def importer(
        session: Session, forum: Forum, export: ImportedExport, progress: Callable[[int], None]
    ) -> ImportReport:
        def told(rows: int) -> None:
            progress(rows)
            with sessions() as other:  # committed, and seen from outside while the import runs
                upload = other.get_one(ImportUpload, found.upload_id)
                seen.append((upload.status, upload.done))

        return journeys.import_responses(session, forum, export, progress=told)

    db_session.get_one(ImportUpload, found.upload_id).done = 0
    db_session.commit()
    with app.app_context(), sessions() as session:
        uploads.run_import(session, sessions, found.upload_id, forum.id, export, importer)
    assert seen == [("importing", 4)]
    upload = db_session.get_one(ImportUpload, found.upload_id, populate_existing=True)
    assert (upload.status, upload.done, upload.table) == ("imported", 4, {})
    assert upload.report is not None and upload.report["imported"] == 4
    shown = uploads.import_progress(upload)
    assert (shown.state, shown.percent, shown.figures["rows"]) == ("imported", 100, 4)
