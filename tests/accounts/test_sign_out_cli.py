"""``flask users sign-out``: an administrator ends one person's sessions, or everyone's."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from tests.factories import audit_actions, make_forum, make_staff, signed_in

LEAD, CODER = "lead@demo.example", "coder@demo.example"
RESPONSES = "/staff/responses"


def _setup(db_session: Session) -> None:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")


def test_signing_out_one_person(app: Flask, runner: FlaskCliRunner, db_session: Session) -> None:
    _setup(db_session)
    lead, lead_again, coder = signed_in(app, LEAD), signed_in(app, LEAD), signed_in(app, CODER)
    result = runner.invoke(args=["users", "sign-out", "--email", " Lead@Demo.example "])
    assert result.exit_code == 0, result.output
    assert "Ended 2 sessions of lead@demo.example" in result.output
    assert lead.get(RESPONSES).status_code == 302 and lead_again.get(RESPONSES).status_code == 302
    assert coder.get(RESPONSES).status_code == 200
    assert audit_actions(db_session).count("users sign-out") == 1
    again = runner.invoke(args=["users", "sign-out", "--email", LEAD])
    assert again.exit_code == 0 and "Ended 0 sessions" in again.output


def test_signing_out_everyone(app: Flask, runner: FlaskCliRunner, db_session: Session) -> None:
    _setup(db_session)
    clients = [signed_in(app, LEAD), signed_in(app, CODER), signed_in(app, CODER)]
    result = runner.invoke(args=["users", "sign-out", "--all"])
    assert result.exit_code == 0, result.output
    assert "Ended 3 staff sessions" in result.output
    assert all(client.get(RESPONSES).status_code == 302 for client in clients)
    assert audit_actions(db_session).count("users sign-out") == 2  # once for each person
    shown = signed_in(app, LEAD).get("/staff/audit").get_data(as_text=True)
    assert "was signed out everywhere from the command line" in shown


def test_sign_out_needs_one_choice_and_a_known_address(runner: FlaskCliRunner, db_session: Session) -> None:
    _setup(db_session)
    assert runner.invoke(args=["users", "sign-out"]).exit_code != 0
    assert runner.invoke(args=["users", "sign-out", "--all", "--email", LEAD]).exit_code != 0
    unknown = runner.invoke(args=["users", "sign-out", "--email", "nobody@demo.example"])
    assert unknown.exit_code != 0 and "Nobody has the address" in unknown.output
