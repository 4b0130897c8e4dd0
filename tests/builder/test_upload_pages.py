"""The upload page: an export of each tool uploaded, mapped, checked without writing, imported once;
bad files refused with a message; leads of the forum only."""

from __future__ import annotations

import copy
import datetime
import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app import journeys
from forum_app.accounts.models import Forum
from forum_app.builder import upload_views, uploads
from forum_app.builder.models import ImportUpload
from forum_app.builder.uploads import Destination
from forum_app.extensions import db
from forum_app.surveys.models import SURVEY_CLOSED, Survey
from tests.builder.factories import UPLOAD_URL, counts, selects, summary, table_text, upload
from tests.factories import (
    audit_actions,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    parsed,
    sign_in,
    squashed_text,
)
from tests.surveys.imports.factories import (
    GOOGLE,
    METADATA_VALUES,
    SAMPLES,
    csv_bytes,
    xlsx_bytes,
)

LEAD, CODER, OTHER_LEAD = "lead@demo.example", "coder@demo.example", "lead@other.example"
QUESTIONS = {"google_forms": 4, "microsoft_forms": 5, "surveymonkey": 5, "smartsurvey": 5}
TOOLS = {
    "google_forms": "Google Forms",
    "microsoft_forms": "Microsoft Forms",
    "surveymonkey": "SurveyMonkey",
    "smartsurvey": "SmartSurvey",
}


@pytest.fixture
def lead(client: FlaskClient, db_session: Session) -> FlaskClient:
    make_forum(db_session)
    make_staff(db_session, LEAD)
    make_staff(db_session, CODER, role="coder")
    make_forum(db_session, "other", "Other Forum")
    make_staff(db_session, OTHER_LEAD, forum_slug="other")
    sign_in(client, LEAD)
    return client


def staged_url(client: FlaskClient, data: bytes, filename: str, url: str = UPLOAD_URL, **fields: str) -> str:
    response = upload(client, data, filename, url, **fields)
    assert response.status_code == 302, squashed_text(parsed(response))[:2000]
    return str(response.location)


def post_mapping(client: FlaskClient, url: str, action: str, **changes: str) -> tuple[int, BeautifulSoup]:
    """The mapping form as shown, with ``changes``, sent with the button ``action``."""
    soup = page(client, url)
    data = {**selects(soup), **changes, "action": action, "csrf_token": csrf_token(soup)}
    response = client.post(url, data=data, follow_redirects=True)
    return response.status_code, parsed(response)


def figures(soup: BeautifulSoup, attribute: str) -> dict[str, int]:
    return {
        str(tag[attribute]): int(tag.get_text(strip=True).replace(",", ""))
        for tag in soup.select(f"[{attribute}]")
        if tag[attribute]
    }


@pytest.mark.parametrize(
    ("tool", "kind"), [(tool, "csv") for tool in sorted(SAMPLES)] + [("surveymonkey", "xlsx")]
)
def test_each_tools_export_is_mapped_checked_and_imported_once(
    lead: FlaskClient, db_session: Session, tool: str, kind: str
) -> None:
    data = xlsx_bytes(SAMPLES[tool]) if kind == "xlsx" else csv_bytes(SAMPLES[tool])
    url = staged_url(lead, data, f"export.{kind}", title="Our 2024 survey", slug="past-2024")
    soup = page(lead, url)
    assert one(soup, "[data-tool]").get_text(strip=True) == TOOLS[tool]
    assert one(soup, "[data-rows]").get_text(strip=True) == "4"
    shown = selects(soup)
    assert set(shown.values()) == {"import"} and "column-child_s_needs" in shown
    assert "Several answers" in squashed_text(one(soup, "select#column-child_s_needs"))
    before = counts(db_session)
    status, checked = post_mapping(lead, url, "check")
    assert status == 200 and "Dry run: nothing was imported" in squashed_text(checked)
    expected = {"rows": 4, "would_import": 4, "duplicates": 0, "rows_with_errors": 0}
    assert figures(checked, "data-check") == expected
    assert counts(db_session) == before
    status, result = post_mapping(lead, url, "import")
    assert status == 200 and one(result, "h1").get_text(strip=True) == "Past responses imported"
    report = {"rows": 4, "imported": 4, "duplicates": 0, "questions": QUESTIONS[tool]}
    assert figures(result, "data-result") == report
    assert one(result, "[data-result-tool]").get_text(strip=True) == TOOLS[tool]
    survey = db_session.scalars(select(Survey)).one()
    assert (survey.slug, survey.title, survey.status) == ("past-2024", "Our 2024 survey", SURVEY_CLOSED)
    kept = db_session.scalars(select(ImportUpload)).one()  # only the figures are kept, not the rows
    assert (kept.status, kept.done, kept.total, kept.table) == ("imported", 4, 4, {})
    assert kept.report == {
        "slug": "past-2024",
        "title": "Our 2024 survey",
        "new": True,
        "tool": tool,
        **report,
    }
    assert lead.get(url).location == f"{url}/progress"  # imported: its result, not the mapping again
    assert figures(page(lead, f"{url}/progress"), "data-result") == report  # the result survives reloads

    again = staged_url(lead, data, f"export.{kind}", "/staff/surveys/past-2024/import")
    assert set(selects(page(lead, again)).values()) != {"skip"}  # matched by title
    status, checked = post_mapping(lead, again, "check")
    assert figures(checked, "data-check") == {**expected, "would_import": 0, "duplicates": 4}
    status, result = post_mapping(lead, again, "import")
    assert figures(result, "data-result") == {**report, "imported": 0, "duplicates": 4}
    assert counts(db_session)["responses"] == 4


def test_a_file_imported_by_the_command_is_found_by_the_page(
    app: Flask, lead: FlaskClient, db_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(GOOGLE))
    args = ["surveys", "import", str(path), "--forum", "demo", "--survey", "past"]
    assert json.loads(app.test_cli_runner().invoke(args=args).stdout.splitlines()[-1])["imported"] == 4
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", "/staff/surveys/past/import")
    status, result = post_mapping(lead, url, "import")
    assert status == 200 and figures(result, "data-result")["duplicates"] == 4
    assert counts(db_session)["responses"] == 4


def test_a_column_left_out_is_not_a_question_of_the_new_survey(
    lead: FlaskClient, db_session: Session
) -> None:
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    status, result = post_mapping(lead, url, "import", **{"column-tell_us_more": "skip"})
    assert figures(result, "data-result")["questions"] == 3
    definition = db_session.scalars(select(Survey)).one().versions[0].definition
    assert [question["key"] for question in definition["questions"]] == [
        "child_s_age",
        "child_s_needs",
        "weeks_waited",
    ]
    assert "The wait was long" not in table_text(db_session, "answers")
    assert audit_actions(db_session) == [
        "accounts.login POST",
        "builder.upload POST",
        "builder.upload_mapping POST",
    ]
    status, soup = post_mapping(
        lead,
        staged_url(lead, csv_bytes(GOOGLE), "e.csv", title="A", slug="a"),
        "check",
        **{
            f"column-{key}": "skip"
            for key in ("child_s_age", "child_s_needs", "weeks_waited", "tell_us_more")
        },
    )
    assert status == 422 and summary(soup) == ["Choose at least one column to import"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (bytes(range(256)) * 40, "is not a spreadsheet"),
        (b"PK\x03\x04 not really a workbook", "is not an Excel workbook that can be read"),
        (b"\xd0\xcf\x11\xe0 old excel", "This is an old Excel .xls file"),
        (csv_bytes([["Name", "Colour"], ["Ann", "Red"]]), "are not those of an export from Google Forms"),
    ],
    ids=["empty", "random", "broken-xlsx", "xls", "unknown-tool"],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(
    lead: FlaskClient, db_session: Session, data: bytes, message: str
) -> None:
    response = upload(lead, data, "export.csv", title="Past", slug="past")
    assert response.status_code == 422
    soup = parsed(response)
    assert one(soup, "title").get_text().startswith("Error: ") and message in summary(soup)[0]
    assert one(soup, "input#title")["value"] == "Past"  # what was typed is kept
    assert counts(db_session)["import_uploads"] == 0


def test_form_problems_are_shown_on_the_form(lead: FlaskClient, db_session: Session) -> None:
    for fields, message in [
        ({"title": "", "slug": "past"}, "Enter a title for the new survey"),
        ({"title": "Past", "slug": "Past Survey"}, "Enter an address of lower-case letters"),
        ({"title": "Past", "slug": "local-lists"}, "The address “local-lists” is used by a page"),
    ]:
        response = upload(lead, csv_bytes(GOOGLE), "export.csv", **fields)
        assert response.status_code == 422 and summary(parsed(response))[0].startswith(message)
    token = csrf_token(page(lead, UPLOAD_URL))
    response = lead.post(UPLOAD_URL, data={"csrf_token": token, "title": "Past", "slug": "past"})
    assert response.status_code == 422 and summary(parsed(response)) == [
        "Choose a CSV or Excel file to import"
    ]
    first = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    post_mapping(lead, staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past"), "import")
    response = upload(lead, csv_bytes(GOOGLE), "export.csv", title="Again", slug="past")
    assert response.status_code == 422
    assert "already has a survey at the address “past”" in summary(parsed(response))[0]
    # The first upload to "past" was staged before the survey was made: importing it now is refused.
    status, soup = post_mapping(lead, first, "import")
    assert status == 422 and "was made since this file was uploaded" in summary(soup)[0]
    assert counts(db_session)["responses"] == 4


def test_a_file_too_large_gets_a_message(
    lead: FlaskClient, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload_views, "REQUEST_LIMIT", 300 * 1024)
    response = upload(lead, csv_bytes(GOOGLE) + b" " * 400 * 1024, "huge.csv", title="Past", slug="past")
    assert response.status_code == 413
    assert summary(parsed(response)) == [upload_views.TOO_LARGE]
    assert counts(db_session)["import_uploads"] == 0


def test_no_metadata_value_is_kept_in_the_staged_uploads(lead: FlaskClient, db_session: Session) -> None:
    for tool, rows in sorted(SAMPLES.items()):
        for kind, data in (("csv", csv_bytes(rows)), ("xlsx", xlsx_bytes(rows))):
            staged_url(lead, data, f"export.{kind}", title=tool, slug=f"{tool.replace('_', '-')}-{kind}")
    staged = table_text(db_session, "import_uploads")
    assert counts(db_session)["import_uploads"] == 8
    assert "Child's needs" in staged and "The wait was long" in staged  # the questions and answers are
    assert [value for value in METADATA_VALUES if value in staged] == []


def test_only_the_forums_lead_may_upload_or_map(app: Flask, lead: FlaskClient, db_session: Session) -> None:
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    coder, other = app.test_client(), app.test_client()
    sign_in(coder, CODER)
    sign_in(other, OTHER_LEAD)
    token = csrf_token(page(coder, "/staff/account"))
    assert coder.get(UPLOAD_URL).status_code == 403 and coder.get(url).status_code == 403
    assert coder.post(url, data={"csrf_token": token, "action": "import"}).status_code == 403
    page(other, url, status=404)
    page(other, "/staff/surveys/past/import", status=404)
    page(lead, f"{UPLOAD_URL}/{'0' * 32}", status=404)
    assert counts(db_session)["responses"] == 0


def test_rows_an_existing_survey_cannot_take_are_listed_and_nothing_is_imported(
    lead: FlaskClient, db_session: Session
) -> None:
    forum = db_session.scalars(select(Forum).where(Forum.slug == "demo")).one()
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    post_mapping(lead, url, "import", **{"column-weeks_waited": "skip"})
    document = copy.deepcopy(db_session.scalars(select(Survey)).one().versions[0].definition)
    document["questions"].append({"key": "weeks", "type": "number", "title": "Weeks waited", "max": 20})
    make_survey(db_session, forum, document)  # version 2 takes the weeks, up to 20
    again = staged_url(lead, csv_bytes(GOOGLE), "export.csv", "/staff/surveys/past/import")
    assert selects(page(lead, again))["column-weeks_waited"] == "weeks"
    before = counts(db_session)
    status, soup = post_mapping(lead, again, "check")
    assert status == 200 and figures(soup, "data-check")["rows_with_errors"] == 1
    errors = [item.get_text(strip=True) for item in one(soup, "[data-row-errors]").find_all("li")]
    assert errors == ["Row 3: 30 is outside the range of “Weeks waited” (any to 20)."]
    status, soup = post_mapping(lead, again, "import")
    assert status == 422 and summary(soup) == ["Nothing was imported: some rows have errors, listed below"]
    assert counts(db_session) == before


def _only_upload(session: Session) -> ImportUpload:
    session.expire_all()
    return session.scalars(select(ImportUpload)).one()


def test_an_import_that_fails_keeps_the_rows_and_can_be_tried_again(
    lead: FlaskClient, db_session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    real = journeys.import_responses

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("row text that must never be logged")

    monkeypatch.setattr(journeys, "import_responses", broken)
    with caplog.at_level(logging.ERROR):
        status, soup = post_mapping(lead, url, "import")
    assert status == 200 and one(soup, "h1").get_text(strip=True) == "The import stopped"
    text = squashed_text(one(soup, "[data-import-stopped]"))
    assert "Nothing already stored is lost" in text and "adds only the rows not yet stored" in text
    assert "RuntimeError" in caplog.text and "never be logged" not in caplog.text
    failed = _only_upload(db_session)
    assert failed.status == "failed" and len(failed.table["rows"]) == 4  # kept, to try again
    assert counts(db_session)["responses"] == 0
    monkeypatch.setattr(journeys, "import_responses", real)
    again = str(one(soup, "[data-try-again]")["href"])
    assert again == url
    status, result = post_mapping(lead, again, "import")
    assert figures(result, "data-result") == {"rows": 4, "imported": 4, "duplicates": 0, "questions": 4}
    assert _only_upload(db_session).status == "imported"


def test_an_import_started_twice_runs_once(
    lead: FlaskClient, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    soup = page(lead, url)
    form = {**selects(soup), "action": "import", "csrf_token": csrf_token(soup)}  # two tabs, one form
    runs: list[int] = []
    real = journeys.import_responses

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(journeys, "import_responses", counted)
    # The first click has claimed the upload and is still importing when the second arrives.
    upload = _only_upload(db_session)
    assert uploads.claim_upload(db_session, upload.id, Destination("past", "Past", True), 4)
    second = lead.post(url, data=form)
    assert second.status_code == 303 and second.location == f"{url}/progress"
    progress = page(lead, f"{url}/progress")
    assert one(progress, "h1").get_text(strip=True) == "Importing past responses" and runs == []
    assert not progress.select("meta[http-equiv=refresh]")  # only when following (?follow=1)
    _only_upload(db_session).status = "staged"  # as if that first click had never come
    db_session.commit()
    first = lead.post(url, data=form)
    assert first.status_code == 303 and first.location == f"{url}/progress?follow=1"
    again = lead.post(url, data=form)
    assert again.status_code == 303 and again.location == f"{url}/progress"
    assert runs == [1] and counts(db_session)["responses"] == 4


def test_the_progress_page_shows_how_far_the_import_has_got(
    app: Flask, lead: FlaskClient, db_session: Session
) -> None:
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    assert lead.get(f"{url}/progress").location == url  # not started: the mapping page
    upload = _only_upload(db_session)
    assert uploads.claim_upload(db_session, upload.id, Destination("past", "Past", True), 50_000)
    uploads.record_progress(db.sessionmaker(app), upload.id, 12_500)
    soup = page(lead, f"{url}/progress?follow=1")
    bar = one(soup, "progress#import-progress")
    assert (bar["value"], bar["max"]) == ("12500", "50000")
    assert one(soup, "label[for=import-progress]").get_text(strip=True) == "12,500 of 50,000 responses stored"
    assert "You may leave this page: the import carries on" in squashed_text(soup)
    assert one(soup, "meta[http-equiv=refresh]")["content"] == str(upload_views.REFRESH_SECONDS)
    assert lead.get(url).location == f"{url}/progress"  # no second import from the mapping page
    # Silent for half an hour: the app stopped. Shown as stopped, and the mapping page is back.
    stale = _only_upload(db_session)
    stale.moved_at = datetime.datetime.now(datetime.UTC) - uploads.STALE_AFTER - datetime.timedelta(minutes=1)
    db_session.commit()
    soup = page(lead, f"{url}/progress?follow=1")
    assert one(soup, "h1").get_text(strip=True) == "The import stopped"
    assert "12,500 of 50,000 rows" in squashed_text(one(soup, "[data-import-stopped]"))
    assert not soup.select("meta[http-equiv=refresh]") and one(soup, "[data-try-again]")["href"] == url
    page(lead, url)


def test_an_import_in_the_background_is_followed_on_its_progress_page(
    app: Flask, lead: FlaskClient, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORTS_IN_BACKGROUND", True)
    started: list[threading.Thread] = []
    real = upload_views.start_import

    def kept(*args: Any) -> threading.Thread:
        started.append(real(*args))
        return started[-1]

    monkeypatch.setattr(upload_views, "start_import", kept)
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    soup = page(lead, url)
    response = lead.post(url, data={**selects(soup), "action": "import", "csrf_token": csrf_token(soup)})
    assert response.status_code == 303 and response.location == f"{url}/progress?follow=1"
    assert len(started) == 1
    started[0].join(timeout=300)
    assert not started[0].is_alive()
    result = page(lead, response.location)
    assert figures(result, "data-result") == {"rows": 4, "imported": 4, "duplicates": 0, "questions": 4}
    assert not result.select("meta[http-equiv=refresh]")
    assert (_only_upload(db_session).status, counts(db_session)["responses"]) == ("imported", 4)


def test_only_the_forums_lead_sees_an_imports_progress(
    app: Flask, lead: FlaskClient, db_session: Session
) -> None:
    url = staged_url(lead, csv_bytes(GOOGLE), "export.csv", title="Past", slug="past")
    post_mapping(lead, url, "import")
    coder, other = app.test_client(), app.test_client()
    sign_in(coder, CODER)
    sign_in(other, OTHER_LEAD)
    assert coder.get(f"{url}/progress").status_code == 403
    page(other, f"{url}/progress", status=404)
    page(lead, f"{UPLOAD_URL}/{'0' * 32}/progress", status=404)
    page(lead, f"{url}/progress")
