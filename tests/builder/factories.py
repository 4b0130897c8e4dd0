"""Helpers for the builder's tests: documents and forums, uploading an export as a browser does, and
reading pages."""

from __future__ import annotations

import copy
import io
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forum_app.accounts.models import Forum
from forum_app.builder.drafts import create_survey
from forum_app.builder.models import ImportUpload
from forum_app.db import Base
from forum_app.moderation.models import ModerationItem
from forum_app.surveys.models import Answer, Response, Survey, SurveyVersion
from tests.factories import csrf_token, make_forum, make_staff, make_survey, one, page

LEAD, CODER, VIEWER = "lead@demo.example", "coder@demo.example", "viewer@demo.example"
OTHER_LEAD = "lead@other.example"

PULSE: dict[str, Any] = {
    "slug": "pulse",
    "title": "Before the inspection",
    "summary": "A short survey before the inspection.",
    "minutes": 3,
    "questions": [
        {
            "key": "area",
            "type": "radio",
            "title": "Which area do you live in?",
            "options": [
                {"value": "north", "label": "North"},
                {"value": "south", "label": "South"},
            ],
        },
        {
            "key": "services",
            "type": "checkboxes",
            "title": "Which services have you used?",
            "options": [
                {"value": "camhs", "label": "CAMHS"},
                {"value": "salt", "label": "Speech and language therapy"},
                {"value": "none", "label": "None of these", "exclusive": True},
            ],
        },
        {
            "key": "camhs_story",
            "type": "text",
            "title": "What happened with CAMHS?",
            "required": False,
            "show_if": {"question": "services", "any_of": ["camhs"]},
        },
        {
            "key": "children",
            "type": "number",
            "title": "How many children do you care for?",
            "min": 1,
            "max": 12,
        },
    ],
}


def pulse(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the small survey, with top-level ``changes``."""
    document = copy.deepcopy(PULSE)
    document.update(changes)
    return document


def make_builder_forum(session: Session) -> Forum:
    """The demo forum with the default survey (version 1) published, a lead and a viewer."""
    forum = make_forum(session)
    make_survey(session, forum)
    make_staff(session, LEAD)
    make_staff(session, VIEWER, role="viewer")
    return forum


def make_two_forums(session: Session, coder: bool = False) -> int:
    """``make_builder_forum``'s forum (with a coder too, if asked) and a second forum with its own lead;
    the first forum's id."""
    forum = make_builder_forum(session)
    if coder:
        make_staff(session, CODER, role="coder")
    make_forum(session, "other", "Other Forum")
    make_staff(session, OTHER_LEAD, forum_slug="other")
    return forum.id


def make_pulse(session: Session, forum: Forum) -> Survey:
    """The small survey as a draft of ``forum``, never published."""
    return create_survey(session, forum.id, pulse())


UPLOAD_URL = "/staff/surveys/import"
WRITTEN = (Survey, SurveyVersion, Response, Answer, ModerationItem, ImportUpload)


def upload(client: FlaskClient, data: bytes, filename: str, url: str = UPLOAD_URL, **fields: str) -> Any:
    """Send ``data`` as the upload form's file, with the form's other ``fields``, as a browser does.
    The body is built in memory: the test client would spool a large one to a file it never closes."""
    token = csrf_token(page(client, url))
    given = FileStorage(io.BytesIO(data), filename, content_type="application/octet-stream")
    boundary, body = encode_multipart({"csrf_token": token, **fields, "export_file": given})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def summary(soup: BeautifulSoup) -> list[str]:
    """The error summary's messages."""
    return [item.get_text(" ", strip=True) for item in one(soup, "[data-error-summary]").find_all("li")]


def selects(soup: BeautifulSoup) -> dict[str, str]:
    """Each column's select on the mapping page, with the value it shows chosen."""
    found = {}
    for select_tag in soup.select("select[name^='column-']"):
        chosen = select_tag.find("option", selected=True) or select_tag.find("option")
        found[str(select_tag["name"])] = str(chosen["value"]) if chosen else ""
    return found


def counts(session: Session) -> dict[str, int]:
    """How many rows the tables an import writes hold."""
    session.expire_all()
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0 for model in WRITTEN
    }


def table_text(session: Session, name: str) -> str:
    """Every value of every row of one table, as one text."""
    session.expire_all()
    table = Base.metadata.tables[name]
    return "\n".join(str(value) for row in session.execute(select(table)) for value in row)
