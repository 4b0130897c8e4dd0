"""Safeguarding alerts: a flagged answer emails the forum's safeguarding contacts at once, through a
real SMTP conversation on a local socket, with a link and the reasons and never the answer's words;
a failure to send never loses or holds up the report."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from forum_app.accounts.models import Forum
from forum_app.extensions import db
from forum_app.mail import MailSettings, mail_settings, send
from forum_app.moderation import intake
from forum_app.moderation.alerts import SUBJECT, SUBJECT_SEVERAL
from forum_app.moderation.models import ModerationItem
from forum_app.surveys.models import SUBMITTED, Answer, Response
from tests.conftest import empty_database, make_test_app
from tests.factories import JOURNEY, answer_all, make_forum, make_survey, public_id, submit
from tests.mailbox import Mailbox, mailbox

CONTACTS = ["safeguarding@forum.example.org", "Chair@Forum.example.org"]
RISK = "My daughter Amelia says she wants to kill herself and has been hiding tablets in her room."
PLAIN = "We waited a year for the assessment and nobody told us anything."
BASE = "https://forum.example.org"


@pytest.fixture()
def box() -> Iterator[Mailbox]:
    with mailbox() as running:
        yield running


def _app(database_url: str, box: Mailbox, **overrides: Any) -> Flask:
    settings = {
        "SMTP_HOST": box.host,
        "SMTP_PORT": box.port,
        "SMTP_STARTTLS": False,
        "SMTP_TIMEOUT_SECONDS": 2,
        "MAIL_FROM": "forum@forum.example.org",
        "PUBLIC_BASE_URL": BASE,
        **overrides,
    }
    return make_test_app(database_url, **settings)


@pytest.fixture()
def mail_app(database_url: str, box: Mailbox, request: pytest.FixtureRequest) -> Iterator[Flask]:
    overrides = getattr(request, "param", {})
    app = _app(database_url, box, **overrides)
    session = db.sessionmaker(app)()
    forum = make_forum(session)
    forum.settings = {"safeguarding_contacts": CONTACTS}
    session.commit()
    make_survey(session, forum)
    session.close()
    yield app
    empty_database(app)
    db.engine(app).dispose()


def _send(app: Flask, host: str = "localhost", **texts: str) -> tuple[str, int]:
    """Send the default journey with these free-text answers; returns (response id, answer id of
    ``not_worked``)."""
    session = db.sessionmaker(app)()
    before = set(session.scalars(select(Response.id)))
    family = app.test_client()
    family.environ_base["HTTP_HOST"] = host
    answer_all(family, [(key, {"answer": texts[key]} if key in texts else data) for key, data in JOURNEY])
    sent = submit(family)
    assert sent.status_code == 302 and sent.location.endswith("/done")
    (response_id,) = set(session.scalars(select(Response.id))) - before
    assert session.get(Response, response_id).status == SUBMITTED  # type: ignore[union-attr]
    answer_id = session.scalars(
        select(Answer.id).where(Answer.response_id == response_id, Answer.question_key == "not_worked")
    ).one()
    session.close()
    return response_id, answer_id


def _item(app: Flask, answer_id: int) -> ModerationItem:
    session = db.sessionmaker(app)()
    item = session.get(ModerationItem, answer_id)
    session.close()
    assert item is not None
    return item


def _public_id(app: Flask, answer_id: int) -> str:
    session = db.sessionmaker(app)()
    try:
        return public_id(session, answer_id)
    finally:
        session.close()


def _body(box: Mailbox, index: int = 0) -> str:
    return box.messages[index].body.replace("\r\n", "\n")


def test_a_flagged_answer_emails_the_contacts_a_link_and_the_reasons(mail_app: Flask, box: Mailbox) -> None:
    _send(mail_app, not_worked=PLAIN)
    assert box.messages == []  # nothing flagged, nobody emailed
    _, answer_id = _send(mail_app, host="attacker.example", not_worked=RISK)
    (received,) = box.messages
    assert received.recipients == CONTACTS and received.sender == "forum@forum.example.org"
    assert received.message["Subject"] == SUBJECT
    body = _body(box)
    named = _public_id(mail_app, answer_id)
    assert f"Read it in the moderation queue: {BASE}/staff/moderation/{named}\n" in body
    reasons = _item(mail_app, answer_id).flag_reasons
    assert reasons and f"Why it was flagged: {'; '.join(reasons)}." in body
    assert "Demo Parent Carer Forum" in body
    for words in ("Amelia", "kill herself", "tablets", "attacker.example"):
        assert words not in body and words not in str(received.message)


def test_responses_checked_together_send_one_email_naming_every_flagged_answer(
    mail_app: Flask, box: Mailbox
) -> None:
    sent = [
        _send(mail_app, not_worked=RISK),
        _send(mail_app, not_worked=PLAIN),
        _send(mail_app, not_worked=RISK),
    ]
    assert len(box.messages) == 2  # a parent's report alerts alone
    session = db.sessionmaker(mail_app)()
    session.execute(update(ModerationItem).values(checked=False))  # as if they had arrived in bulk
    session.commit()
    with mail_app.app_context():
        report = intake.check_responses(session, [r for r, _ in sent], alerts=intake.app_alerts(), chunk=3)
    session.close()
    assert (report.checked, report.flagged, report.alerts) == (3, 2, 1)
    received = box.messages[2]
    assert received.message["Subject"] == SUBJECT_SEVERAL
    body = _body(box, 2)
    assert body.startswith("2 answers just sent to Demo Parent Carer Forum’s survey suggest that someone")
    for _, answer_id in (sent[0], sent[2]):
        assert f"{BASE}/staff/moderation/{_public_id(mail_app, answer_id)}\n" in body
    assert _public_id(mail_app, sent[1][1]) not in body
    assert body.count("Why it was flagged: ") == 2 and "on each answer’s page." in body
    for words in ("Amelia", "kill herself", "tablets"):
        assert words not in body


def test_an_imported_answers_alert_says_it_comes_from_past_responses(mail_app: Flask, box: Mailbox) -> None:
    response_id, answer_id = _send(mail_app, not_worked=RISK)
    session = db.sessionmaker(mail_app)()
    session.execute(update(ModerationItem).values(checked=False))  # as if it had been imported
    session.commit()
    with mail_app.app_context():
        report = intake.check_responses(session, [response_id], alerts=intake.app_alerts(imported=True))
    session.close()
    assert report.alerts == 1
    body = _body(box, 1)
    assert body.startswith("An answer imported from past responses to Demo Parent Carer Forum’s survey")
    assert "written some time ago" in body and "just sent" not in body
    assert f"{BASE}/staff/moderation/{_public_id(mail_app, answer_id)}\n" in body
    assert "just sent" in _body(box, 0)  # the family's own report, alerted when it arrived


@pytest.mark.parametrize("mail_app", [{"PUBLIC_BASE_URL": ""}], indirect=True)
def test_without_a_public_address_the_link_is_the_path_never_the_requests_host(
    mail_app: Flask, box: Mailbox
) -> None:
    _, answer_id = _send(mail_app, host="attacker.example", not_worked=RISK)
    body = _body(box)
    assert f"Read it in the moderation queue: /staff/moderation/{_public_id(mail_app, answer_id)}\n" in body
    assert "attacker.example" not in body and "localhost" not in body


@pytest.mark.parametrize("mail_app", [{"SMTP_STARTTLS": True}], indirect=True)
def test_a_server_that_cannot_encrypt_is_not_sent_to(mail_app: Flask, box: Mailbox) -> None:
    _, answer_id = _send(mail_app, not_worked=RISK)
    assert box.messages == []
    item = _item(mail_app, answer_id)
    assert item.checked and item.flagged  # the report and its check stand


def test_no_mail_server_loses_nothing_and_logs_no_personal_data(
    database_url: str, box: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app(database_url, box, SMTP_PORT=_closed_port())
    session = db.sessionmaker(app)()
    forum = make_forum(session)
    forum.settings = {"safeguarding_contacts": CONTACTS}
    session.commit()
    make_survey(session, forum)
    session.close()
    try:
        with caplog.at_level(logging.INFO):
            _, answer_id = _send(app, not_worked=RISK)
        item = _item(app, answer_id)
        assert item.checked and item.flagged and item.original == RISK
        assert "An email could not be sent (ConnectionRefusedError)." in caplog.text
        for words in ("Amelia", "tablets", "safeguarding@", "Chair@"):
            assert words not in caplog.text
    finally:
        empty_database(app)
        db.engine(app).dispose()


def test_no_contacts_or_no_mail_settings_send_nothing(mail_app: Flask, box: Mailbox) -> None:
    session = db.sessionmaker(mail_app)()
    forum = session.scalars(select(Forum)).one()
    forum.settings = {}
    session.commit()
    session.close()
    _send(mail_app, not_worked=RISK)
    assert box.messages == []
    assert mail_settings({"SMTP_HOST": "", "MAIL_FROM": "forum@example.org"}) is None
    assert mail_settings({"SMTP_HOST": "smtp.example.org", "MAIL_FROM": ""}) is None


def test_send_speaks_smtp_to_a_real_socket(box: Mailbox) -> None:
    settings = MailSettings(box.host, box.port, "forum@example.org", starttls=False, timeout=2)
    assert send(settings, ["one@example.org", "two@example.org"], "A subject", "First line\n.A dot\n")
    (received,) = box.messages
    assert received.recipients == ["one@example.org", "two@example.org"]
    assert received.message["Subject"] == "A subject"
    assert received.body.replace("\r\n", "\n") == "First line\n.A dot\n"
    assert not send(settings, [], "Nobody", "to send to")
    assert not send(settings, ["one@example.org"], "Bad\nheader", "injected")
    assert len(box.messages) == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
