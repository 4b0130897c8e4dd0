"""The export page: leads only, a choice with problems sent back with a 422, downloads in both formats,
each one in the audit log with the survey it exported."""

from __future__ import annotations

import copy
import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent
from forum_app.surveys.definitions import load_packaged
from tests.coding.factories import CODER, LEAD, VIEWER, add_coded_answers, error_summary
from tests.factories import audit_actions, make_forum, make_staff, make_survey, page, parsed, sign_in

EXPORT = "/staff/responses/export"
WORDS = ["The SENCO rings me back the same day.", "We waited two years for an autism assessment."]
OTHER_LEAD = "lead@other.example"


def _seed(session: Session) -> None:
    forum = make_forum(session)
    add_coded_answers(session, make_survey(session, forum), WORDS)
    pulse = copy.deepcopy(load_packaged())
    pulse.update(slug="pulse", title="Pulse before the inspection")
    make_survey(session, forum, pulse)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(session, email, role=role)
    make_survey(session, make_forum(session, "other", "Other Forum"))
    make_staff(session, OTHER_LEAD, forum_slug="other")


def test_only_leads_may_export(app: Flask, db_session: Session) -> None:
    _seed(db_session)
    for email in (CODER, VIEWER):
        client = app.test_client()
        sign_in(client, email)
        page(client, EXPORT, 403)
        page(client, f"{EXPORT}/send-experience/csv", 403)


def test_the_responses_page_offers_the_export_to_leads_only(app: Flask, db_session: Session) -> None:
    _seed(db_session)
    for email, offered in ((LEAD, True), (CODER, False)):
        client = app.test_client()
        sign_in(client, email)
        links = [a["href"] for a in page(client, "/staff/responses").select("a[href]")]
        assert (EXPORT in links) is offered


def test_the_form_lists_the_forums_surveys_and_sends_a_choice_on(
    client: FlaskClient, db_session: Session
) -> None:
    _seed(db_session)
    sign_in(client, LEAD)
    soup = page(client, EXPORT)
    surveys = [label.get_text(strip=True) for label in soup.select("label[for^=survey-]")]
    assert sorted(surveys) == sorted(["Pulse before the inspection", load_packaged()["title"]])
    assert soup.select_one("form[method=get]") is not None  # works without JavaScript: a plain form
    sent = client.get(
        EXPORT, query_string={"survey": "send-experience", "from": "2026-01-01", "format": "csv"}
    )
    assert sent.status_code == 303
    assert sent.location == f"{EXPORT}/send-experience/csv?from=2026-01-01"


def test_a_bad_choice_comes_back_with_a_422_and_says_why(client: FlaskClient, db_session: Session) -> None:
    _seed(db_session)
    sign_in(client, LEAD)
    sent = client.get(
        EXPORT, query_string={"survey": "send-experience", "from": "2026-13-01", "format": "csv"}
    )
    assert sent.status_code == 422
    soup = parsed(sent)
    assert error_summary(soup) == ["Enter the first day as a real date, like 2026-06-30"]
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    file_url = f"{EXPORT}/send-experience/csv?from=2026-03-01&to=2026-02-01"
    assert error_summary(page(client, file_url, 422)) == [
        "The last day must be the same as or after the first day"
    ]
    missing = client.get(EXPORT, query_string={"from": "", "to": ""})
    assert missing.status_code == 422
    assert error_summary(parsed(missing)) == ["Choose a survey", "Choose CSV or Excel (XLSX)"]
    assert not [action for action in audit_actions(db_session) if "export" in action]


def test_csv_download_is_excel_ready_and_logged(client: FlaskClient, db_session: Session) -> None:
    _seed(db_session)
    sign_in(client, LEAD)
    sent = client.get(f"{EXPORT}/send-experience/csv")
    assert sent.status_code == 200
    assert sent.content_type == "text/csv; charset=utf-8"
    assert sent.headers["Content-Disposition"].startswith(
        'attachment; filename="demo-send-experience-responses-'
    )
    data = sent.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert sorted(row["What has not worked well?"] for row in rows) == sorted(WORDS)
    assert "coding.export_file GET" in audit_actions(db_session)


def test_xlsx_download_opens_and_is_logged_with_the_survey(client: FlaskClient, db_session: Session) -> None:
    _seed(db_session)
    sign_in(client, LEAD)
    sent = client.get(f"{EXPORT}/send-experience/xlsx")
    assert sent.status_code == 200
    assert sent.headers["Content-Disposition"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(sent.get_data()))
    sent.close()
    assert book.sheetnames == ["Responses", "About"]
    assert book["Responses"].max_row == 1 + len(WORDS)
    logged = db_session.execute(
        select(AuditEvent.action, AuditEvent.object_id).where(AuditEvent.action.like("coding.export%"))
    ).all()
    assert logged == [("coding.export_file GET", "send-experience")]


def test_another_forums_survey_or_an_unknown_format_is_not_found(
    client: FlaskClient, db_session: Session
) -> None:
    _seed(db_session)
    sign_in(client, OTHER_LEAD)
    page(client, f"{EXPORT}/pulse/csv", 404)  # only the demo forum has it
    page(client, f"{EXPORT}/send-experience/pdf", 404)
    mine = client.get(f"{EXPORT}/send-experience/csv")  # the other forum's own survey: no responses
    assert mine.status_code == 200 and not any(words in mine.get_data(as_text=True) for words in WORDS)
    sent = client.get(EXPORT, query_string={"survey": "pulse", "format": "csv"})
    assert sent.status_code == 422
    assert error_summary(parsed(sent)) == ["Choose one of the surveys shown"]
