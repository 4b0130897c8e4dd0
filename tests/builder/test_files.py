"""Survey files: a definition exported and imported again, files refused with one plain sentence, and the
import and download pages (leads import, every member downloads)."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forum_app.builder.drafts import draft_of, save_draft
from forum_app.builder.files import (
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    SCHEMA_ID,
    SurveyFileError,
    export_definition,
    read_definition_file,
)
from forum_app.builder.models import SurveyDraft
from forum_app.builder.starters import STARTERS, starter
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Survey
from tests.builder.factories import LEAD, OTHER_LEAD, VIEWER, make_two_forums
from tests.factories import (
    audit_actions,
    csrf_token,
    one,
    page,
    sign_in,
    squashed_text,
)

IMPORT = "/staff/surveys/import-survey"
DEFAULT = load_packaged()


def _file(document: Any, **extra: Any) -> bytes:
    return json.dumps(
        {"format_version": 1, **document, **extra} if isinstance(document, dict) else document
    ).encode()


def _pulse(**changes: Any) -> dict[str, Any]:
    found = starter("pre-inspection-pulse")
    assert found is not None
    return {**found.document, **changes}


def _later_routing() -> dict[str, Any]:
    document = _pulse()
    document["questions"][1]["show_if"] = {"question": "rating_support", "any_of": ["1"]}
    return document


def _many_options() -> dict[str, Any]:
    document = _pulse()
    document["questions"][0]["options"] = [{"value": str(n), "label": str(n)} for n in range(101)]
    return document


def _long_hint() -> dict[str, Any]:
    document = _pulse()
    document["questions"][2]["hint"] = "word " * 500
    return document


# Each bad file, and words of the sentence that refuses it.
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "The file is empty."),
    "white space": (b" \n\t ", "The file is empty."),
    "random bytes": (bytes(range(256)) * 4, "The file is not UTF-8 text"),
    "UTF-16 without BOM": (json.dumps(DEFAULT).encode("utf-16-le"), "The file is not UTF-8 text"),
    "UTF-16 with BOM": (json.dumps(DEFAULT).encode("utf-16"), "The file is not UTF-8 text"),
    "Windows-1252": ('{"slug": "café"}'.encode("cp1252"), "The file is not UTF-8 text"),
    "not JSON": (b"slug,title\nsend,Survey\n", "The file is not JSON (line 1, column 1"),
    "cut short": (_file(DEFAULT)[:500], "The file is not JSON"),
    "a list": (b"[1, 2]", "it must be one JSON object"),
    "too deep": (b'{"questions": ' + b"[" * 40 + b"]" * 40 + b"}", "nested more than 8 deep"),
    "huge number": (b'{"minutes": ' + b"9" * 5000 + b"}", "a number with more than 30 digits"),
    "too large": (b'{"summary": "' + b"x" * MAX_FILE_BYTES + b'"}', "the largest is 1 MB"),
    "wrong version": (_file(DEFAULT, format_version=2), "format version 2; this service reads version 1"),
    "version as text": (_file(DEFAULT, format_version="1"), 'format version "1"'),
    "no questions": (_file({"slug": "s", "title": "T"}), "'questions' must be a non-empty list"),
    "invalid question": (
        _file(_pulse(questions=[{"key": "q", "type": "slider", "title": "Q"}])),
        "question 'q': type must be one of radio",
    ),
    "routing to a later question": (_file(_later_routing()), "show_if must name an earlier question"),
    "required consent": (
        _file(
            _pulse(questions=[{"key": "c", "type": "consent", "title": "C", "label": "L", "required": True}])
        ),
        "consent can never be required",
    ),
    "201 questions": (
        _file(_pulse(questions=[{"key": f"q{n}", "type": "text", "title": "Q"} for n in range(201)])),
        "201 questions; a survey file can have at most 200",
    ),
    "101 options": (_file(_many_options()), "Question 1 has 101 options; a question can have at most 100"),
    "long text": (_file(_long_hint()), "A text in question 3 is longer than 2,000 characters"),
    "a NUL in a title": (_file(_pulse(title="Pulse\u0000")), "has a character that cannot be in a survey"),
    "half a character": (
        b'{"slug": "s", "title": "T", "questions": [{"key": "q", "type": "text", "title": "\\ud800"}]}',
        "A text in question 1 has a character that cannot be in a survey",
    ),
    "long title": (_file(_pulse(title="T" * 201)), "title is 201 characters; the most is 200"),
}


@pytest.mark.parametrize("found", STARTERS, ids=lambda found: found.id)
def test_a_file_exported_and_imported_gives_the_same_definition(found: Any) -> None:
    data = export_definition(found.document)
    written = json.loads(data)
    assert list(written)[:2] == ["$schema", "format_version"]
    assert written["$schema"] == SCHEMA_ID and written["format_version"] == FORMAT_VERSION
    assert data.decode("utf-8").startswith('{\n  "$schema"') and data.endswith(b"}\n")
    assert read_definition_file(data) == found.document
    assert read_definition_file(export_definition(read_definition_file(data))) == found.document


def test_a_file_without_a_format_version_with_a_bom_or_extra_fields_is_read() -> None:
    assert read_definition_file(b"\xef\xbb\xbf" + json.dumps(DEFAULT).encode()) == DEFAULT
    document = _pulse(tracking="abc")
    document["questions"][0]["colour"] = "red"
    document["questions"][0]["options"][0]["score"] = 3
    document["questions"][2]["show_if"] = {"question": "age_band", "any_of": ["0-4"], "note": "x"}
    read = read_definition_file(_file(document))
    assert "tracking" not in read and "colour" not in read["questions"][0]
    assert read["questions"][0]["options"][0] == {"value": "0-4", "label": "Under 5"}
    assert read["questions"][2]["show_if"] == {"question": "age_band", "any_of": ["0-4"]}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_with_one_plain_sentence(name: str) -> None:
    data, words = BAD_FILES[name]
    with pytest.raises(SurveyFileError) as refused:
        read_definition_file(data)
    message = str(refused.value)
    assert words in message, message
    assert message.endswith(".") and message.count(". ") == 0 and len(message) < 300, message


# --- the pages ----------------------------------------------------------------------------------------


@pytest.fixture
def forum_id(db_session: Session) -> int:
    """The demo forum with its experience survey, a lead and a viewer; a second forum with its lead."""
    return make_two_forums(db_session)


def _upload(client: FlaskClient, data: bytes, slug: str = "", filename: str = "survey.json") -> Any:
    """Send ``data`` as the import form's file, as a browser does (the body built in memory)."""
    token = csrf_token(page(client, IMPORT))
    upload = FileStorage(io.BytesIO(data), filename, content_type="application/json")
    boundary, body = encode_multipart({"csrf_token": token, "slug": slug, "survey_file": upload})
    return client.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _slugs(db_session: Session, forum_id: int) -> list[str]:
    db_session.expire_all()
    return sorted(db_session.scalars(select(Survey.slug).where(Survey.forum_id == forum_id)))


def test_a_lead_imports_a_survey_file_as_a_new_draft(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    response = _upload(client, export_definition(_pulse()))
    assert response.status_code == 302 and response.location == "/staff/surveys/pre-inspection-pulse/edit"
    survey_id = db_session.scalars(
        select(Survey.id).where(Survey.forum_id == forum_id, Survey.slug == "pre-inspection-pulse")
    ).one()
    draft = db_session.get(SurveyDraft, survey_id)
    assert draft is not None and draft.definition == _pulse()
    # The same file again: the address is taken, so the lead gives another.
    taken = _upload(client, export_definition(_pulse()))
    assert taken.status_code == 422
    assert "already has a survey at the address ‘pre-inspection-pulse’" in squashed_text(_soup(taken))
    again = _upload(client, export_definition(_pulse()), slug="pulse-2027")
    assert again.location == "/staff/surveys/pulse-2027/edit"
    assert _slugs(db_session, forum_id) == ["pre-inspection-pulse", "pulse-2027", "send-experience"]
    assert audit_actions(db_session)[-2:] == ["builder.import_definition POST"] * 2


def test_every_bad_file_is_sent_back_with_its_message_and_nothing_made(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    cases = [(data, words, "") for data, words in BAD_FILES.values()]
    cases.append((export_definition(_pulse(slug="My Survey")), "(the file's survey is at ‘My Survey’)", ""))
    cases.append((export_definition(_pulse()), "lower-case letters, digits and hyphens", "Pulse 2026"))
    for data, words, slug in cases:
        response = _upload(client, data, slug=slug)
        assert response.status_code == 422, words
        soup = _soup(response)
        assert soup.title is not None and soup.title.get_text().startswith("Error: ")
        assert words in squashed_text(one(soup, "[data-error-summary]")), words
    assert _slugs(db_session, forum_id) == ["send-experience"]


def test_no_file_and_a_request_over_the_limit_are_refused(client: FlaskClient, forum_id: int) -> None:
    sign_in(client, LEAD)
    token = csrf_token(page(client, IMPORT))
    empty = client.post(IMPORT, data={"csrf_token": token, "slug": ""})
    assert empty.status_code == 422 and "Choose a survey file to import" in squashed_text(_soup(empty))
    huge = _upload(client, os.urandom(2 * MAX_FILE_BYTES))
    assert huge.status_code == 413 and "larger than 1 MB" in squashed_text(_soup(huge))


def test_only_a_lead_may_import(client: FlaskClient, db_session: Session, forum_id: int) -> None:
    sign_in(client, VIEWER)
    assert client.get(IMPORT).status_code == 403
    token = csrf_token(page(client, "/staff/surveys"))
    upload = FileStorage(io.BytesIO(export_definition(_pulse())), "survey.json")
    boundary, body = encode_multipart({"csrf_token": token, "survey_file": upload})
    response = client.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 403
    assert _slugs(db_session, forum_id) == ["send-experience"]


def test_every_member_downloads_a_survey_file_of_the_draft_or_the_published_version(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, VIEWER)
    response = client.get("/staff/surveys/send-experience/survey.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="survey-send-experience.json"'
    assert read_definition_file(response.data) == DEFAULT  # the published version: no draft yet
    assert db_session.get(SurveyDraft, _survey_id(db_session, forum_id)) is None  # reading wrote nothing
    changed = {**DEFAULT, "title": "Our families' experience, 2027"}
    save_draft(db_session, _survey_id(db_session, forum_id), changed, _first_revision(db_session, forum_id))
    assert read_definition_file(client.get("/staff/surveys/send-experience/survey.json").data) == changed
    assert client.get("/staff/surveys/no-such-survey/survey.json").status_code == 404
    assert audit_actions(db_session)[-2:] == ["builder.export_definition GET"] * 2


def _survey_id(db_session: Session, forum_id: int) -> int:
    return db_session.scalars(
        select(Survey.id).where(Survey.forum_id == forum_id, Survey.slug == "send-experience")
    ).one()


def _first_revision(db_session: Session, forum_id: int) -> int:
    return draft_of(db_session, _survey_id(db_session, forum_id)).revision


def test_another_forums_lead_cannot_download_this_forums_survey(
    client: FlaskClient, db_session: Session, forum_id: int
) -> None:
    sign_in(client, LEAD)
    assert _upload(client, export_definition(_pulse())).status_code == 302
    other = client.application.test_client()
    sign_in(other, OTHER_LEAD)
    assert other.get("/staff/surveys/pre-inspection-pulse/survey.json").status_code == 404
