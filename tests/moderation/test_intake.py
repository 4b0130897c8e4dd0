"""Taking answers in: the submission commits first, the automatic check follows in its own
transaction, and a check that fails or is interrupted never loses the report; the sweep checks
such answers later."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.extensions import db
from forum_app.moderation import intake
from forum_app.moderation.models import PENDING, ModerationItem
from forum_app.moderation.redact import redact
from forum_app.surveys.models import SPAM, SUBMITTED, Answer, Response
from tests.factories import (
    JOURNEY,
    answer_all,
    idempotency_key,
    make_forum,
    make_staff,
    make_survey,
    page,
    post_form,
    sign_in,
)
from tests.moderation.factories import moderation_item, send

NAMED = "Mrs Patel at Oakfield Primary rang me on 07700 900123 about Sam."
REDACTED = "[name] at [school] rang me on [phone] about [name]."
LEAD = "lead@example.org"


@pytest.fixture()
def forum(db_session: Session) -> int:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    make_staff(db_session, LEAD)
    return forum.id


def _broken(*args: object, **kwargs: object) -> Any:
    raise RuntimeError("the redactor failed")


def test_a_report_survives_when_the_check_fails(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "redact", _broken)
    family = app.test_client()
    response_id = send(app, db_session, family, worked_well=NAMED)
    assert "Thank you" in page(family, "/s/demo/send-experience/done").get_text()
    assert db_session.get(Response, response_id).status == SUBMITTED  # type: ignore[union-attr]
    item = moderation_item(db_session, response_id, "worked_well")
    assert item.status == PENDING and not item.checked and item.check_attempts == 1
    assert item.original == NAMED and item.answer.value == intake.UNCHECKED_TEXT
    assert item.flagged and item.flag_reasons == [intake.UNCHECKED_REASON]  # first in the queue


def test_the_sweep_checks_it_later_from_the_command_line(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "redact", _broken)
    response_id = send(app, db_session, worked_well=NAMED)
    monkeypatch.setattr(intake, "redact", redact)
    result = app.test_cli_runner().invoke(args=["moderation", "check"])
    assert result.exit_code == 0, result.output
    assert "Checked 1 responses (0 answers flagged, 0 alerts sent); 0 could not be checked" in result.output
    assert "Patel" not in result.output
    item = moderation_item(db_session, response_id, "worked_well")
    assert item.checked and item.check_attempts == 2 and item.answer.value == REDACTED
    assert not item.flagged and {span["kind"] for span in item.redactions} == {"name", "school", "phone"}
    again = app.test_cli_runner().invoke(args=["moderation", "check"])
    assert "Checked 0 responses" in again.output


def test_opening_the_queue_checks_what_is_left(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "redact", _broken)
    response_id = send(app, db_session, not_worked="He says he wants to kill himself. " + NAMED)
    monkeypatch.setattr(intake, "redact", redact)
    lead = app.test_client()
    sign_in(lead, LEAD)
    text = page(lead, "/staff/moderation").get_text()
    item = moderation_item(db_session, response_id, "not_worked")
    assert item.checked and item.flagged and intake.UNCHECKED_REASON not in item.flag_reasons
    assert item.answer.value.startswith("He says he wants to kill himself. [name] at [school]")
    assert intake.UNCHECKED_TEXT not in text


def test_a_check_that_keeps_failing_is_left_to_a_person(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "redact", _broken)
    response_id = send(app, db_session, worked_well=NAMED)
    tries = [intake.check_unchecked(db_session, forum) for _ in range(3)]
    assert [(report.checked, report.failed) for report in tries] == [(0, 1), (0, 1), (0, 0)]
    item = moderation_item(db_session, response_id, "worked_well")
    assert not item.checked and item.check_attempts == intake.MAX_CHECK_ATTEMPTS
    assert item.original == NAMED and item.answer.value == intake.UNCHECKED_TEXT
    # A forum's sweep leaves other forums' answers alone.
    other = make_forum(db_session, "other", "Other Parent Carer Forum")
    assert intake.check_unchecked(db_session, other.id).checked == 0


def test_responses_checked_together_stand_or_fail_together(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "redact", _broken)
    breaks = "This answer breaks the redactor."
    ids = [send(app, db_session, worked_well=text) for text in (NAMED, breaks, NAMED)]
    monkeypatch.setattr(
        intake, "redact", lambda text, *args: _broken() if text == breaks else redact(text, *args)
    )
    report = intake.check_responses(db_session, ids, chunk=2)
    assert (report.checked, report.failed) == (1, 2)
    held, failing, checked = (moderation_item(db_session, one, "worked_well") for one in ids)
    for item in (held, failing):  # one failed answer leaves its whole chunk held for a person
        assert not item.checked and item.answer.value == intake.UNCHECKED_TEXT
    assert held.original == NAMED and failing.original == breaks
    assert checked.checked and checked.answer.value == REDACTED


def test_the_original_is_never_committed_in_the_answer(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What another connection reads between the submission's commit and the check."""
    seen: dict[str, Any] = {}
    real = intake.check_responses

    def look_first(session: Session, response_ids: list[str], **kwargs: Any) -> Any:
        with db.engine(app).connect() as connection:
            seen["values"] = connection.execute(
                select(Answer.question_key, Answer.value).where(Answer.response_id.in_(response_ids))
            ).all()
            seen["originals"] = connection.execute(
                select(ModerationItem.original, ModerationItem.checked).where(
                    ModerationItem.response_id.in_(response_ids)
                )
            ).all()
            seen["status"] = connection.scalar(select(Response.status).where(Response.id.in_(response_ids)))
        return real(session, response_ids, **kwargs)

    monkeypatch.setattr(intake, "check_responses", look_first)
    response_id = send(app, db_session, worked_well=NAMED)
    assert seen["status"] == SUBMITTED  # committed before the check began
    values = dict(seen["values"])
    assert values["worked_well"] == intake.UNCHECKED_TEXT
    assert all("Patel" not in str(value) for value in values.values())
    assert (NAMED, False) in seen["originals"]
    assert moderation_item(db_session, response_id, "worked_well").answer.value == REDACTED


def test_other_families_can_save_while_the_check_runs(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slow part holds no write lock: another connection writes (and commits) meanwhile."""

    def redact_while_another_writes(*args: Any, **kwargs: Any) -> Any:
        with db.engine(app).begin() as connection:
            connection.execute(update(Forum).values(local_area="Written during the check"))
        return redact(*args, **kwargs)

    monkeypatch.setattr(intake, "redact", redact_while_another_writes)
    response_id = send(app, db_session, worked_well=NAMED)
    item = moderation_item(db_session, response_id, "worked_well")
    assert item.checked and item.answer.value == REDACTED
    assert db_session.get(Forum, forum).local_area == "Written during the check"  # type: ignore[union-attr]


def test_answers_sent_as_spam_are_checked_too(app: Flask, db_session: Session, forum: int) -> None:
    family = app.test_client()
    answer_all(family, [(key, {"answer": NAMED} if key == "worked_well" else data) for key, data in JOURNEY])
    sent = post_form(
        family, "/s/demo/send-experience/check", {"idempotency_key": idempotency_key(family), "website": "x"}
    )
    assert sent.status_code == 302
    response_id = db_session.scalars(select(Response.id).where(Response.status == SPAM)).one()
    item = moderation_item(db_session, response_id, "worked_well")
    assert item.checked and item.answer.value == REDACTED


@pytest.mark.parametrize(
    "text",
    [
        # 5,000 characters of a long complaint, with the risk in the middle.
        ("The EHCP was late again and nobody returns calls. " * 48)[:2400]
        + " she has been hiding tablets in her room and says we would be better off without her. "
        + ("Transport was cancelled twice and the annual review never happened. " * 40)[:2500],
        "MY SON KEEPS SAYING HE WANTS TO DIE AND CAMHS WONT SEE HIM 😭😭😭 plz help",
        "Jego szkoła nic nie robi. he said he wants to kill himself مدرسة and nobody listens",
        "St " * 1600 + "Mary's",
        "\u200b\u202e" * 2000 + "1." * 500,
    ],
)
def test_hostile_or_long_answers_are_sent_checked_and_flagged_where_a_risk_is_written(
    app: Flask, db_session: Session, forum: int, text: str
) -> None:
    family = app.test_client()
    response_id = send(app, db_session, family, not_worked=text[:5000])
    item = moderation_item(db_session, response_id, "not_worked")
    assert item.checked and item.status == PENDING
    risky = "tablets" in text or "DIE" in text or "kill himself" in text
    assert item.flagged == risky, item.flag_reasons
    assert intake.UNCHECKED_REASON not in item.flag_reasons
