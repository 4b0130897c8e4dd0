"""The export of responses: which responses, which words (approved and redacted only), the codings, and
cells a spreadsheet would never run as formulas, in CSV and XLSX."""

from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.coding import export
from forum_app.coding.export import (
    WAITING,
    ExportChoice,
    Plan,
    csv_chunks,
    plan_export,
    read_choice,
    xlsx_file,
)
from forum_app.moderation.intake import take_in
from forum_app.moderation.models import REJECTED, ModerationItem
from forum_app.surveys.codes import new_token
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import IN_PROGRESS, SPAM, SUBMITTED, WITHDRAWN, Answer, Response, SurveyVersion
from tests.coding.factories import LEAD, code_answer
from tests.factories import approve_all, make_forum, make_staff, make_survey

EMAIL = "jo.bloggs@example.com"
ORIGINAL = f"Email me at {EMAIL} about the CAMHS wait, it has been 14 months."
# Cells a spreadsheet would run: families' words (that redaction leaves as they are) and option labels.
HOSTILE_TEXT = ["=1+2", "+1", "-2+3", "\tTabbed"]
HOSTILE_LABELS = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1)"]
HOSTILE = [*HOSTILE_TEXT, *HOSTILE_LABELS]
WAITING_WORDS = "Pending words about the school bus that nobody has approved."
REJECTED_WORDS = "Rejected words that must never be exported."
OTHER_WORDS = "Words of another forum's family."
MADE_ON = date(2026, 7, 1)
WAITING_THEME = "Waiting for health or therapy services and diagnostic assessments"
NOT_WORKED = "What has not worked well?"
CHANGE_TITLE = "=1+1 What one change would help your family most?"  # version 2's wording


@dataclass(frozen=True)
class Seeded:
    forum_id: int
    responses: list[str]  # every response's id, of every status and both forums


def _respond(
    session: Session, version: SurveyVersion, day: date, answers: dict[str, Any], status: str = SUBMITTED
) -> tuple[str, dict[str, int]]:
    """A response of ``status`` sent on ``day`` with these answers, taken in by moderation."""
    response = Response(
        id=new_token(),
        forum_id=version.survey.forum_id,
        survey_version_id=version.id,
        status=status,
        started_on=day,
        submitted_on=day if status != IN_PROGRESS else None,
        idempotency_key=new_token(),
    )
    session.add(response)
    session.flush()
    ids: dict[str, int] = {}
    for key, value in answers.items():
        answer = Answer(response_id=response.id, question_key=key, value=value)
        session.add(answer)
        session.flush()
        ids[key] = answer.id
    take_in(session, [response.id])
    session.commit()
    return response.id, ids


def _version_two(forum: Forum, session: Session) -> SurveyVersion:
    """Version 2: "one_change" reworded (a title a spreadsheet would run as a formula) and a new
    locality question."""
    document = copy.deepcopy(load_packaged())
    for question in document["questions"]:
        if question["key"] == "one_change":
            question["title"] = CHANGE_TITLE
    options = [{"value": value, "label": label} for value, label in zip("ab", HOSTILE_LABELS, strict=True)]
    document["questions"].append({"key": "help", "type": "checkboxes", "title": "Help", "options": options})
    document["questions"].insert(
        0,
        {
            "key": "locality",
            "type": "radio",
            "title": "Where do you live?",
            "options": [
                {"value": "north", "label": "North of the county"},
                {"value": "south", "label": "South"},
            ],
        },
    )
    return make_survey(session, forum, document)


def _seed(session: Session) -> Seeded:
    forum = make_forum(session)
    make_staff(session, LEAD)
    first = make_survey(session, forum)
    closed = {"age_band": "11-15", "needs": ["autism", "semh"], "quote_consent": True}
    wait = {"amount": 14, "unit": "months", "still_waiting": True}
    sent = [
        _respond(
            session,
            first,
            date(2026, 1, 10),
            {**closed, "wait_camhs_rtt": wait, "not_worked": ORIGINAL, "worked_well": HOSTILE_TEXT[0]},
        ),
        _respond(
            session,
            first,
            date(2026, 2, 1),
            {"worked_well": HOSTILE_TEXT[1], "one_change": HOSTILE_TEXT[2], "not_worked": HOSTILE_TEXT[3]},
        ),
        _respond(session, first, date(2026, 2, 15), {"not_worked": "Nothing to add."}),
    ]
    approve_all(session, [response_id for response_id, _ in sent])  # approval codes them automatically
    second = _version_two(forum, session)
    sent.append(
        _respond(
            session,
            second,
            date(2026, 3, 1),
            {"locality": "north", "help": ["a"], "not_worked": WAITING_WORDS},
        )
    )
    sent.append(_respond(session, second, date(2026, 3, 2), {"help": ["b"], "not_worked": REJECTED_WORDS}))
    session.get_one(ModerationItem, sent[-1][1]["not_worked"]).status = REJECTED
    session.commit()
    for status in (SPAM, WITHDRAWN, IN_PROGRESS):
        sent.append(
            _respond(session, second, date(2026, 3, 3), {"age_band": "0-4", "one_change": "x"}, status)
        )
    other = make_forum(session, "other", "Other Forum")
    sent.append(
        _respond(session, make_survey(session, other), date(2026, 1, 10), {"worked_well": OTHER_WORDS})
    )
    approved, hostile = sent[0][1], sent[1][1]
    code_answer(session, approved["not_worked"], who=LEAD, themes=["waiting_times", "mental_health"])
    code_answer(session, hostile["not_worked"], who=LEAD, themes=[])
    return Seeded(forum.id, [response_id for response_id, _ in sent])


def _plan(
    session: Session, forum_id: int, kind: str, start: date | None = None, end: date | None = None
) -> Plan:
    plan = plan_export(session, forum_id, ExportChoice("send-experience", kind, start, end), MADE_ON)
    assert plan is not None
    return plan


def _csv(session: Session, plan: Plan) -> tuple[bytes, list[dict[str, str]]]:
    data = b"".join(csv_chunks(session, plan))
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return data, list(reader)


def _xlsx(session: Session, plan: Plan) -> tuple[list[str], list[dict[str, Any]], list[tuple[Any, ...]]]:
    with xlsx_file(session, plan) as file:
        book = load_workbook(io.BytesIO(file.read()))
    assert book.sheetnames == ["Responses", "About"]
    table = list(book["Responses"].iter_rows(values_only=True))
    headers = [str(cell) for cell in table[0]]
    rows = [dict(zip(headers, row, strict=True)) for row in table[1:]]
    return headers, rows, list(book["About"].iter_rows(values_only=True))


def test_csv_holds_submitted_responses_with_moderated_text_and_codings(db_session: Session) -> None:
    seeded = _seed(db_session)
    data, rows = _csv(db_session, _plan(db_session, seeded.forum_id, "csv"))

    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    assert [row["Response"] for row in rows] == ["1", "2", "3", "4", "5"]  # no spam, withdrawn, unfinished
    assert [row["Survey version"] for row in rows] == ["1", "1", "1", "2", "2"]
    assert rows[0]["Submitted on"] == "2026-01-10"
    first = rows[0]
    assert first["How old is your child?"] == "11 to 15"
    assert (
        "Autism" in first["What are your child's main needs?"]
        and "; " in first["What are your child's main needs?"]
    )
    assert first["How long did you wait for CAMHS treatment to start?"] == "14 months so far (still waiting)"
    assert first["Can we quote your words?"] == "Yes"
    assert EMAIL not in text and ORIGINAL not in text  # only the redacted, approved text
    assert "CAMHS wait" in first[NOT_WORKED]
    assert first[f"{NOT_WORKED} (themes confirmed by a person)"].split("; ") == sorted(
        [WAITING_THEME, "Mental health, emotional wellbeing and CAMHS"], key=str.casefold
    )
    assert first[f"{NOT_WORKED} (sentiment confirmed by a person)"] == "Negative"
    assert rows[2][f"{NOT_WORKED} (themes confirmed by a person)"] == ""  # suggestions only: not confirmed
    assert rows[2][f"{NOT_WORKED} (sentiment confirmed by a person)"] == ""
    assert rows[3][NOT_WORKED] == WAITING and WAITING_WORDS not in text
    assert rows[3]["Where do you live?"] == "North of the county"
    assert rows[4][NOT_WORKED] == "" and REJECTED_WORDS not in text
    assert OTHER_WORDS not in text
    assert not any(response_id in text for response_id in seeded.responses)  # rows are numbered instead


def test_csv_cells_are_never_formulas(db_session: Session) -> None:
    seeded = _seed(db_session)
    _, rows = _csv(db_session, _plan(db_session, seeded.forum_id, "csv"))
    written = {cell for row in rows for cell in row.values()} | set(rows[0])
    for hostile in HOSTILE:
        assert "'" + hostile in written, hostile
        assert hostile not in written, hostile
    assert "'" + CHANGE_TITLE in rows[0]  # a header as well as an answer


def test_xlsx_holds_the_same_rows_as_string_cells_and_says_what_it_holds(db_session: Session) -> None:
    seeded = _seed(db_session)
    headers, rows, about = _xlsx(db_session, _plan(db_session, seeded.forum_id, "xlsx"))
    assert [row["Response"] for row in rows] == [1, 2, 3, 4, 5]
    assert CHANGE_TITLE in headers and headers.index("Where do you live?") < headers.index(NOT_WORKED)
    values = [cell for row in rows for cell in row.values()]
    for hostile in HOSTILE:
        assert hostile in values, hostile  # kept as written, but as text: openpyxl reads no formula
    assert rows[0]["Submitted on"].date() == date(2026, 1, 10)
    assert rows[0][f"{NOT_WORKED} (sentiment confirmed by a person)"] == "Negative"
    assert rows[3][NOT_WORKED] == WAITING and rows[4][NOT_WORKED] is None
    shown = " ".join(
        str(cell) for row in [*rows, *about] for cell in (row.values() if isinstance(row, dict) else row)
    )
    assert EMAIL not in shown and WAITING_WORDS not in shown and OTHER_WORDS not in shown
    facts = {row[0]: row[1] for row in about[1:]}
    assert facts["Forum"] == "Demo Parent Carer Forum" and facts["Made on"] == "2026-07-01"
    assert "versions 1, 2" in facts["Survey"] and "whenever" in facts["Period"]
    assert "redacted" in facts["Written answers"] and "approved" in facts["Written answers"]


def test_xlsx_text_cells_are_strings_not_formulas(db_session: Session) -> None:
    seeded = _seed(db_session)
    with xlsx_file(db_session, _plan(db_session, seeded.forum_id, "xlsx")) as file:
        book = load_workbook(io.BytesIO(file.read()))
    cells = [cell for row in book["Responses"].iter_rows() for cell in row if cell.value is not None]
    risky = [cell for cell in cells if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t"]
    assert len(risky) >= len(HOSTILE) + 1
    assert all(cell.data_type == "s" for cell in risky)


def test_the_period_limits_the_rows_both_days_included(db_session: Session) -> None:
    seeded = _seed(db_session)
    _, rows = _csv(db_session, _plan(db_session, seeded.forum_id, "csv", date(2026, 2, 1), date(2026, 3, 1)))
    assert [row["Submitted on"] for row in rows] == ["2026-02-01", "2026-02-15", "2026-03-01"]
    assert [row["Response"] for row in rows] == ["1", "2", "3"]  # numbered afresh by each export


def test_rows_are_read_a_chunk_at_a_time_without_losing_any(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = _seed(db_session)
    monkeypatch.setattr(export, "CHUNK", 2)
    _, rows = _csv(db_session, _plan(db_session, seeded.forum_id, "csv"))
    assert [row["Response"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert len({row[NOT_WORKED] for row in rows}) == 5


def test_another_forum_has_no_such_survey_or_sees_only_its_own(db_session: Session) -> None:
    seeded = _seed(db_session)
    assert plan_export(db_session, seeded.forum_id, ExportChoice("nope", "csv"), MADE_ON) is None
    other = db_session.scalars(select(Forum.id).where(Forum.slug == "other")).one()
    _, rows = _csv(db_session, _plan(db_session, other, "csv"))
    assert [row["What has worked well?"] for row in rows] == [WAITING]  # its own answer, not approved


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"survey": "", "format": "csv"}, "survey", "Choose a survey"),
        ({"survey": "nope", "format": "csv"}, "survey", "Choose one of the surveys shown"),
        ({"survey": "s", "format": "pdf"}, "format", "Choose CSV or Excel (XLSX)"),
        (
            {"survey": "s", "format": "csv", "from": "2026-02-30"},
            "from",
            "Enter the first day as a real date",
        ),
        ({"survey": "s", "format": "csv", "to": "yesterday"}, "to", "Enter the last day as a real date"),
        (
            {"survey": "s", "format": "csv", "from": "2026-03-01", "to": "2026-02-01"},
            "to",
            "The last day must",
        ),
    ],
)
def test_a_bad_choice_says_what_is_wrong(values: dict[str, str], field: str, message: str) -> None:
    choice, errors = read_choice(values, [export.SurveyChoice("s", "Survey")])
    assert choice is None and errors[field][0].startswith(message)


def test_a_good_choice_is_read() -> None:
    values = {"survey": "s", "format": "xlsx", "from": "2026-01-01", "to": " "}
    choice, errors = read_choice(values, [export.SurveyChoice("s", "Survey")])
    assert not errors and choice == ExportChoice("s", "xlsx", date(2026, 1, 1), None)


def test_free_text_stays_moderated_when_a_later_version_made_its_question_a_closed_one(
    db_session: Session,
) -> None:
    forum = make_forum(db_session)
    _respond(db_session, make_survey(db_session, forum), date(2026, 1, 5), {"worked_well": WAITING_WORDS})
    document = copy.deepcopy(load_packaged())
    for question in document["questions"]:
        if question["key"] == "worked_well":
            question.update(
                type="radio", options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
            )
    make_survey(db_session, forum, document)
    data, rows = _csv(db_session, _plan(db_session, forum.id, "csv"))
    assert rows[0]["What has worked well?"] == WAITING
    assert WAITING_WORDS.encode() not in data
