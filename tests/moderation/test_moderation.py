"""Moderation as a service: redaction at submission, the original kept only until approval or its
days are up, restoring and adding redactions, decisions, and coding only what was approved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.coding.models import CodedAnswer
from forum_app.journeys import approve
from forum_app.moderation.models import APPROVED, HELD, PENDING, ModerationItem
from forum_app.moderation.queue import (
    LANGUAGES,
    ModerationError,
    add_redaction,
    counts,
    hold,
    queue_page,
    reject_as_spam,
    segments,
    set_restored,
)
from forum_app.moderation.retention import purge_originals
from forum_app.surveys.models import SPAM, Answer, Response
from tests.factories import make_forum, make_survey
from tests.moderation.factories import moderation_item, send

NAMED = "Mrs Patel at Oakfield Primary rang me on 07700 900123 about Sam."
FLAGGED = "I cannot cope any more and my son says he wants to kill himself."


@pytest.fixture()
def forum(db_session: Session) -> int:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    return forum.id


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_personal_details_are_redacted_as_the_answer_arrives(
    app: Flask, db_session: Session, forum: int
) -> None:
    response_id = send(app, db_session, worked_well=NAMED)
    item = moderation_item(db_session, response_id, "worked_well")
    assert item.original == NAMED and item.status == PENDING
    value = db_session.get_one(Answer, item.answer_id).value
    assert value == "[name] at [school] rang me on [phone] about [name]."
    assert {span["kind"] for span in item.redactions} == {"name", "school", "phone"}
    assert (
        item.quote_consent is True
        and item.received_on == db_session.get_one(Response, response_id).submitted_on
    )
    assert not item.flagged and _count(db_session, CodedAnswer) == 0
    # Three free-text answers, three items; the other answers are not moderated.
    assert db_session.scalar(select(func.count()).where(ModerationItem.response_id == response_id)) == 3


def test_safeguarding_concerns_come_first(app: Flask, db_session: Session, forum: int) -> None:
    plain = send(app, db_session)
    flagged = send(app, db_session, not_worked=FLAGGED)
    item = moderation_item(db_session, flagged, "not_worked")
    assert item.flagged and {"suicide", "parent at breaking point"} <= set(item.flag_reasons)
    first = queue_page(db_session, forum).items[0]
    assert first.answer_id == item.answer_id
    assert counts(db_session, forum) == {PENDING: 6, HELD: 0, "flagged": 1, LANGUAGES: 0}
    assert plain != flagged


def test_restoring_and_redacting_again_rewrites_what_coders_see(
    app: Flask, db_session: Session, forum: int
) -> None:
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    original = item.original
    assert original is not None
    index = next(
        i for i, span in enumerate(item.redactions) if original[span["start"] : span["end"]] == "Sam"
    )
    set_restored(db_session, item, index, True)
    assert item.answer.value == "[name] at [school] rang me on [phone] about Sam."
    shown = [(segment.text, segment.restored) for segment in segments(item) if segment.kind]
    assert ("Sam", True) in shown and ("07700 900123", False) in shown
    set_restored(db_session, item, index, False)
    assert item.answer.value.endswith("about [name].")
    with pytest.raises(ModerationError, match="no longer there"):
        set_restored(db_session, item, 99, True)


def test_a_moderator_redacts_what_was_missed_over_a_restored_span(
    app: Flask, db_session: Session, forum: int
) -> None:
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    school = next(i for i, span in enumerate(item.redactions) if span["kind"] == "school")
    set_restored(db_session, item, school, True)
    assert "Oakfield Primary" in item.answer.value
    assert add_redaction(db_session, item, " oakfield ", "school") == 1
    assert item.answer.value == "[name] at [school] Primary rang me on [phone] about [name]."
    # What the page highlights agrees with what coders see.
    marked = "".join(f"[{s.kind}]" if s.kind and not s.restored else s.text for s in segments(item))
    assert marked == item.answer.value
    assert add_redaction(db_session, item, "Lambeth", "school") == 0
    for phrase, kind, message in (
        ("  ", "name", "Enter the words"),
        ("Sam", "pet", "Choose what kind"),
        ("x" * 201, "name", "200 characters"),
    ):
        with pytest.raises(ModerationError, match=message):
            add_redaction(db_session, item, phrase, kind)


def test_overlapping_redactions_are_restored_together(app: Flask, db_session: Session, forum: int) -> None:
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    assert add_redaction(db_session, item, "Oakfield Primary rang", "school") == 1
    region = [s for s in segments(item) if s.kind and "Oakfield" in s.text]
    assert len(region) == 1 and region[0].text == "Oakfield Primary rang"
    set_restored(db_session, item, region[0].index or 0, True)
    assert "Oakfield Primary rang" in item.answer.value


def test_approval_deletes_the_original_and_sends_the_answer_to_coding(
    app: Flask, db_session: Session, forum: int
) -> None:
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    approve(db_session, item, None)
    assert item.status == APPROVED and item.original is None and item.decided_on is not None
    coded = db_session.get(CodedAnswer, item.answer_id)
    assert coded is not None  # coded from the redacted text
    with pytest.raises(ModerationError, match="already been approved"):
        approve(db_session, item, None)
    with pytest.raises(ModerationError, match="already been approved"):
        add_redaction(db_session, item, "rang", "name")
    assert [s.kind for s in segments(item) if s.kind] == ["name", "school", "phone", "name"]


def test_hold_and_put_back(app: Flask, db_session: Session, forum: int) -> None:
    item = moderation_item(db_session, send(app, db_session), "worked_well")
    hold(db_session, item, None)  # type: ignore[arg-type]
    assert item.status == HELD and counts(db_session, forum)[HELD] == 1
    assert [i.answer_id for i in queue_page(db_session, forum, HELD).items] == [item.answer_id]
    hold(db_session, item, None, held=False)  # type: ignore[arg-type]
    assert item.status == PENDING


def test_spam_leaves_the_queue_and_cannot_be_approved(app: Flask, db_session: Session, forum: int) -> None:
    response_id = send(app, db_session)
    item = moderation_item(db_session, response_id, "worked_well")
    reject_as_spam(db_session, item)
    assert db_session.get(Response, response_id).status == SPAM  # type: ignore[union-attr]
    assert counts(db_session, forum)[PENDING] == 0
    with pytest.raises(ModerationError, match="spam folder"):
        approve(db_session, item, None)
    assert _count(db_session, CodedAnswer) == 0


def test_originals_are_purged_after_the_forums_days_with_a_clear_message(
    app: Flask, db_session: Session, forum: int
) -> None:
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    received = item.received_on
    assert purge_originals(db_session, received + timedelta(days=30))[0].originals == 0  # day 30: kept
    report = purge_originals(db_session, received + timedelta(days=31), dry_run=True)
    assert report[0].originals == 3 and report[0].original_days == 30
    db_session.expire_all()
    assert item.original == NAMED  # a dry run writes nothing
    purge_originals(db_session, received + timedelta(days=31))
    db_session.expire_all()
    assert item.original is None and item.original_purged_on == received + timedelta(days=31)
    assert item.answer.value.startswith("[name] at [school]")
    with pytest.raises(ModerationError, match=r"deleted on .* so this redaction cannot be undone"):
        set_restored(db_session, item, 0, True)
    assert add_redaction(db_session, item, "rang me", "name") == 1  # still possible on the redacted text
    assert item.answer.value == "[name] at [school] [name] on [phone] about [name]."
    assert purge_originals(db_session, received + timedelta(days=40))[0].originals == 0  # idempotent


def test_a_forum_may_keep_originals_for_fewer_days(app: Flask, db_session: Session, forum: int) -> None:
    item = moderation_item(db_session, send(app, db_session), "worked_well")
    item.answer.response.survey_version.survey.forum.settings = {"original_days": 7}
    db_session.commit()
    assert purge_originals(db_session, item.received_on + timedelta(days=8))[0].originals == 3


def test_the_purge_command_reports_originals(
    app: Flask, runner: FlaskCliRunner, db_session: Session, forum: int
) -> None:
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    day = (item.received_on + timedelta(days=31)).isoformat()
    result = runner.invoke(args=["retention", "purge", "--today", day])
    assert result.exit_code == 0, result.output
    assert "demo: deleted the original words of 3 answers not approved within 30 days" in result.output
    assert "Deleted in total: the original words of 3 answers." in result.output
    assert "Patel" not in result.output and "Oakfield" not in result.output
    again = runner.invoke(args=["retention", "purge", "--today", day])
    assert "the original words of 0 answers" in again.output


def test_long_and_mixed_script_answers_are_taken_in(app: Flask, db_session: Session, forum: int) -> None:
    long_text = ("We waited and waited for the assessment. " * 240)[:4980] + " Ring 07700900123"  # form limit
    mixed = "Наш SENCO Mr Okafor сказал ждать; call ০৭৭০০ ৯০০১২৩ please"
    response_id = send(app, db_session, not_worked=long_text, worked_well=mixed)
    long_item = moderation_item(db_session, response_id, "not_worked")
    assert long_item.answer.value.endswith("Ring [phone]")
    mixed_item = moderation_item(db_session, response_id, "worked_well")
    assert "[phone]" in mixed_item.answer.value and "Okafor" not in mixed_item.answer.value


def test_an_answer_the_redactor_cannot_check_is_held_back(
    app: Flask, db_session: Session, forum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forum_app.moderation import intake

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr(intake, "redact", broken)
    item = moderation_item(db_session, send(app, db_session, worked_well=NAMED), "worked_well")
    assert item.answer.value == intake.UNCHECKED_TEXT and item.original == NAMED
    assert item.flagged and item.flag_reasons == [intake.UNCHECKED_REASON]


def test_seeded_demo_answers_count_as_moderated_except_recent_and_flagged(
    app: Flask, db_session: Session
) -> None:
    from forum_app.demo import seed_demo

    with app.app_context():
        seed_demo(db_session, responses=40, seed=5, until=date.today())
    items = db_session.scalars(select(ModerationItem)).all()
    recent = date.today() - timedelta(days=14)
    for item in items:
        waits = item.flagged or item.received_on > recent
        assert (item.status == PENDING) == waits
        assert (item.original is None) == (not waits)
