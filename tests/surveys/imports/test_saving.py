"""``flask surveys import``: an export's responses stored once in a forum's survey, their free text held
for moderation as a new report's is, and nothing of the respondents' metadata anywhere in the database."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.db import Base
from forum_app.moderation import intake
from forum_app.moderation.models import PENDING, ModerationItem
from forum_app.surveys.imports.export import read_export
from forum_app.surveys.imports.saving import misfits
from forum_app.surveys.models import SUBMITTED, SURVEY_CLOSED, Answer, Response, Survey, SurveyVersion
from forum_app.surveys.staff import WAITING
from tests.factories import make_forum, make_survey
from tests.surveys.imports.factories import GOOGLE, METADATA_VALUES, SAMPLES, csv_bytes, xlsx_bytes

QUESTIONS = {"google_forms": 4, "microsoft_forms": 5, "surveymonkey": 5, "smartsurvey": 5}
NAMED = "Mrs Patel at Oakfield Primary rang me on 07700 900123 about it."
RISK = "My daughter is self-harming at school and nobody listens."


@pytest.fixture()
def forum(db_session: Session) -> int:
    return make_forum(db_session).id


def run(app: Flask, path: Path, survey: str = "past", forum: str = "demo", *more: str) -> Result:
    args = ["surveys", "import", str(path), "--forum", forum, "--survey", survey, *more]
    return app.test_cli_runner().invoke(args=args)


def written(tmp_path: Path, rows: list[list[str]], name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return path


def last_line(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def count(session: Session, model: type[Base]) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def database_text(session: Session) -> str:
    """Every value of every column of every table, as one text."""
    session.expire_all()
    values = [
        str(value)
        for table in Base.metadata.sorted_tables
        for row in session.execute(select(table))
        for value in row
    ]
    return "\n".join(values)


@pytest.mark.parametrize("tool", sorted(SAMPLES))
def test_each_tools_export_is_imported_once(
    app: Flask, db_session: Session, forum: int, tmp_path: Path, tool: str
) -> None:
    path = written(tmp_path, SAMPLES[tool], "export.xlsx" if tool == "surveymonkey" else "export.csv")
    first = run(app, path)
    report = {"tool": tool, "rows": 4, "imported": 4, "duplicates": 0, "questions": QUESTIONS[tool]}
    assert last_line(first) == report
    assert "4 of 4 responses stored or found." in first.stderr
    again = last_line(run(app, path))
    assert again == {**report, "imported": 0, "duplicates": 4}
    responses = db_session.scalars(select(Response).order_by(Response.submitted_on)).all()
    assert [r.submitted_on for r in responses] == [datetime.date(2024, 3, day) for day in (5, 14, 21, 22)]
    assert all(r.started_on == r.submitted_on and r.status == SUBMITTED for r in responses)
    assert all(r.receipt_hash is None and r.resume_hash is None for r in responses)
    assert all(r.idempotency_key.startswith("import:") and len(r.idempotency_key) == 64 for r in responses)
    survey = db_session.scalars(select(Survey)).one()
    assert (survey.slug, survey.title, survey.status) == ("past", "export", SURVEY_CLOSED)
    assert [v.number for v in survey.versions] == [1]
    assert count(db_session, Answer) > 4


def test_a_larger_export_of_the_same_survey_adds_only_its_new_rows(
    app: Flask, db_session: Session, forum: int, tmp_path: Path
) -> None:
    last_line(run(app, written(tmp_path, GOOGLE), "past", "demo", "--title", "Our 2024 survey"))
    newer = [
        *GOOGLE,
        ["28/03/2024 12:00:00", "parent.four@example.org", "", "5 to 10", "ADHD", "20", "Still waiting"],
        ["02/04/2024 08:30:00", "", "", "11 to 15", "Autism, ADHD", "16", ""],
    ]
    report = last_line(run(app, written(tmp_path, newer, "newer.csv"), "past", "demo", "--title", "Other"))
    assert (report["rows"], report["imported"], report["duplicates"]) == (6, 2, 4)
    assert count(db_session, Response) == 6 and count(db_session, SurveyVersion) == 1
    assert db_session.scalars(select(Survey.title)).one() == "Our 2024 survey"
    assert "parent.four@example.org" not in database_text(db_session)


def test_an_export_whose_questions_do_not_fit_the_survey_writes_nothing(
    app: Flask, db_session: Session, forum: int, tmp_path: Path
) -> None:
    last_line(run(app, written(tmp_path, GOOGLE)))
    other = [[*GOOGLE[0][:-1], "Which school?"], *GOOGLE[1:]]
    before = database_text(db_session)
    result = run(app, written(tmp_path, other, "other.csv"))
    assert result.exit_code != 0 and result.stdout == ""
    assert "'Which school?'" in result.stderr and "do not fit the survey 'past'" in result.stderr
    assert database_text(db_session) == before


def test_an_export_does_not_fit_a_survey_written_for_families(
    app: Flask, db_session: Session, forum: int, tmp_path: Path
) -> None:
    forum_row = make_forum(db_session)
    make_survey(db_session, forum_row)
    before = database_text(db_session)
    result = run(app, written(tmp_path, GOOGLE), "send-experience")
    assert result.exit_code != 0 and "do not fit the survey 'send-experience'" in result.stderr
    assert database_text(db_session) == before


@pytest.mark.parametrize(
    "data", [b"", b"   \n", bytes(range(256)) * 40, b"PK\x03\x04 not really a workbook"], ids=repr
)
def test_a_file_that_cannot_be_read_exits_with_one_sentence_and_writes_nothing(
    app: Flask, db_session: Session, forum: int, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    before = database_text(db_session)
    result = run(app, path)
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.strip().endswith(".")
    assert count(db_session, Survey) == 0 and database_text(db_session) == before


def test_an_unknown_forum_or_a_missing_file_is_refused(app: Flask, forum: int, tmp_path: Path) -> None:
    unknown = run(app, written(tmp_path, GOOGLE), "past", "nowhere")
    assert unknown.exit_code != 0 and "There is no forum 'nowhere'" in unknown.stderr
    missing = run(app, tmp_path / "missing.csv")
    assert missing.exit_code != 0 and "does not exist" in missing.stderr
    bad_slug = run(app, written(tmp_path, GOOGLE), "Past Survey")
    assert bad_slug.exit_code != 0 and "--survey" in bad_slug.stderr


def test_imported_free_text_is_held_redacted_and_flagged_as_a_new_report(
    app: Flask, db_session: Session, forum: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        *GOOGLE[:3],
        ["22/03/2024 09:00:00", "", "", "11 to 15", "ADHD", "8", NAMED],
        ["23/03/2024 09:00:00", "", "", "11 to 15", "ADHD", "9", RISK],
    ]
    chunks: list[int] = []
    check = intake.check_responses

    def check_and_count(*args: Any, **kwargs: Any) -> intake.CheckReport:
        chunks.append(kwargs["chunk"])
        return check(*args, **kwargs)

    monkeypatch.setattr(intake, "check_responses", check_and_count)
    last_line(run(app, written(tmp_path, rows)))
    assert chunks == [journeys.IMPORT_CHECK_CHUNK]  # the batch is checked a chunk, not a response, at a time
    items = {item.original: item for item in db_session.scalars(select(ModerationItem))}
    named, risk = items[NAMED], items[RISK]
    assert named.status == PENDING and risk.status == PENDING and named.checked and risk.checked
    assert named.answer.value == "[name] at [school] rang me on [phone] about it." and not named.flagged
    assert risk.flagged and risk.flag_reasons
    for original, item in ((NAMED, named), (RISK, risk)):
        detail = journeys.response_for_staff(db_session, forum, item.response_id, (SUBMITTED,), False)
        assert detail is not None
        shown = [row.answer for row in detail.answers]
        assert WAITING in shown and not any(original in text for text in shown)


def test_no_metadata_value_appears_anywhere_in_the_database(
    app: Flask, db_session: Session, forum: int, tmp_path: Path
) -> None:
    for tool, rows in sorted(SAMPLES.items()):
        for kind in ("csv", "xlsx"):
            slug = f"{tool.replace('_', '-')}-{kind}"
            last_line(run(app, written(tmp_path, rows, f"{slug}.{kind}"), slug))
    everything = database_text(db_session)
    assert "Child's needs" in everything and "The wait was long" in everything  # questions and answers are
    assert [value for value in METADATA_VALUES if value in everything] == []


def test_a_question_fits_a_survey_with_its_key_kind_options_and_range() -> None:
    export = read_export(csv_bytes(GOOGLE), "export.csv", "past", "Past")
    assert misfits(export, export.definition) == []
    narrower = copy.deepcopy(export.definition)
    by_key = {question["key"]: question for question in narrower["questions"]}
    by_key["child_s_needs"]["options"] = by_key["child_s_needs"]["options"][:2]
    by_key["weeks_waited"]["max"] = 20
    by_key["tell_us_more"]["type"] = "number"
    by_key["child_s_age"]["key"] = "age"
    assert misfits(export, narrower) == ["Child's age", "Child's needs", "Weeks waited", "Tell us more"]
