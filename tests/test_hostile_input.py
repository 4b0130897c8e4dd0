"""Hostile input on every route, generated from the URL map (a new route is covered by itself): file
parts, 100,000-digit numbers, huge strings and out-of-range numbers in addresses get a 4xx with a clear
message, never a 5xx, signed in as a lead and signed out."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from forum_app.accounts.models import User
from forum_app.agreement import sampling
from forum_app.agreement.models import AgreementItem
from forum_app.extensions import db
from forum_app.inputs import UPLOADS
from forum_app.packs.models import ShareLink
from forum_app.security import PUBLIC_ENDPOINTS
from forum_app.surveys.models import Answer
from tests.conftest import empty_database, make_test_app
from tests.factories import (
    JOURNEY,
    answer_all,
    approve_all,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    page,
    sign_in,
    signed_in,
    submit,
)
from tests.packs.stored import OPEN_TOKEN, make_link, make_stored_pack

LEAD = "lead@demo.example"
HUGE_NUMBER = "9" * 100_000
HUGE_TEXT = "Ünïcode and words " * 6_000  # 108,000 characters
OUT_OF_RANGE = ("99999999999999999999", "-1", "x")
# Query arguments pages read as numbers (and a few they read as text).
QUERY_NAMES = ("page", "version", "number", "id", "applied", "follow", "status", "sample", "next", "lang")
# Field names forms use, beyond those found on the page itself.
FIELD_NAMES = ("answer", "amount", "unit", "month", "year", "days", "percent", "email", "password", "code")
VALUES: dict[str, Any] = {
    "forum_slug": "demo",
    "survey_slug": "send-experience",
    "key": "age_band",
    "filename": "app.css",
    "response_id": "0" * 32,
    "token": OPEN_TOKEN,
    "name": "pack.json",
    "snapshot_id": "",  # the stored packs and share link, by their public ids (set by ``hostile``)
    "other_id": "",
    "link_id": "",
    "sample_id": "",  # a double-coding sample of the sent answers and its first item (set by ``hostile``)
    "item_id": "",
    "theme_id": "waiting_times",
    "slug": "send-experience",  # a survey's address in the builder, and one of its questions
    "question_key": "age_band",
    "answer_id": "",  # the sent response's first free-text answer, by its public id (set by ``hostile``)
}
NOT_FILES = "This page does not take files"


@pytest.fixture
def hostile(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # Bodies up to 16 MB reach the views, so that they, not the size limit, meet the huge values.
    app = make_test_app(database_url, MAX_CONTENT_LENGTH=16 * 1024 * 1024)
    session = db.sessionmaker(app)()
    forum = make_forum(session)
    forum_id = forum.id
    survey_id = make_survey(session, forum).survey_id
    make_staff(session, LEAD)
    first = make_stored_pack(session, forum.id, survey_id)
    second = make_stored_pack(session, forum.id, survey_id, "P-20260801-0002")
    make_link(session, first, OPEN_TOKEN)
    link = session.scalars(select(ShareLink.public_id).where(ShareLink.pack_id == first.id)).one()
    pack_ids = {"snapshot_id": first.public_id, "other_id": second.public_id, "link_id": link}
    for name, value in pack_ids.items():
        monkeypatch.setitem(VALUES, name, value)
    session.close()
    family = app.test_client()
    answer_all(family)
    assert submit(family).status_code == 302
    with app.app_context():
        approve_all(db.session)  # so that its answers can be coded too
        named = db.session.scalars(select(Answer.public_id).where(Answer.question_key == "worked_well")).one()
        lead = db.session.scalars(select(User.id).where(User.email == LEAD)).one()
        make_staff(db.session, "coder@demo.example", role="coder")
        coder = db.session.scalars(select(User.id).where(User.email == "coder@demo.example")).one()
        sample = sampling.create_sample(
            db.session, forum_id, lead, 1.0, lead, coder, "Hostile sample", seed=1
        )
        item = db.session.scalars(
            select(AgreementItem.public_id).where(AgreementItem.sample_id == sample.id).limit(1)
        ).one()
        monkeypatch.setitem(VALUES, "sample_id", sample.public_id)
        monkeypatch.setitem(VALUES, "item_id", item)
    monkeypatch.setitem(VALUES, "answer_id", named)
    yield app
    empty_database(app)
    db.engine(app).dispose()


def _rules(app: Flask, public: bool) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if (rule.endpoint in PUBLIC_ENDPOINTS) == public]
    # Signing out last, so that every other route is tried signed in.
    return sorted(rules, key=lambda rule: (rule.endpoint == "accounts.logout", rule.rule))


def _urls(app: Flask, rule: Rule) -> list[str]:
    """The rule's address with real values, one per survey question when it takes a question key.
    An argument of a new route gets "x", or 1 where its converter takes numbers only."""
    keys = [{"key": key} for key, _ in JOURNEY] if "key" in rule.arguments else [{}]
    with app.test_request_context():
        for unknown in ("x", 1):
            base = {name: VALUES.get(name, unknown) for name in rule.arguments}
            try:
                return [url_for(rule.endpoint, **{**base, **key}) for key in keys]
            except ValueError:  # an int converter cannot build "x"
                continue
    raise AssertionError(f"cannot build {rule.rule}: add its arguments to VALUES")


def _with_path_values(rule: Rule, value: str) -> str:
    """The rule's address with ``value`` for every argument but the forum and survey (built by hand:
    an ``int`` converter cannot build "x" or "-1", but a visitor can type them)."""

    def argument(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(VALUES[name]) if name in {"forum_slug", "survey_slug"} else value

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", argument, rule.rule)


def _field_names(client: FlaskClient, url: str, rule: Rule) -> list[str]:
    """The form's own field names (when the page can be fetched), and the usual ones."""
    names = set(FIELD_NAMES)
    if "GET" in (rule.methods or set()):
        soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
        names |= {
            str(tag["name"]) for tag in soup.find_all(["input", "textarea", "select"]) if tag.get("name")
        }
    return sorted(names - {"csrf_token"})


class Walk:
    """Requests to every route, keeping the client signed in when it should be."""

    def __init__(self, app: Flask, signed_in: bool) -> None:
        self.app = app
        self.signed_in = signed_in
        self.client = app.test_client()
        self.failures: list[str] = []
        self.token = ""
        self._sign_in()

    def _sign_in(self) -> None:
        if self.signed_in:
            sign_in(self.client, LEAD)
            self.token = csrf_token(page(self.client, "/staff/responses"))
        else:
            self.token = csrf_token(page(self.client, "/staff/login"))

    def send(self, method: str, url: str, what: str = "", **kwargs: Any) -> TestResponse:
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:
            self.failures.append(f"{method} {url[:120]} {what}: raised {type(error).__name__}")
            self.client = self.app.test_client()
            self._sign_in()
            return TestResponse([], "599 RAISED", {}, request=None)  # type: ignore[arg-type]
        response.close()
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:120]} {what}: {response.status_code}")
        if self.signed_in and (response.location or "").startswith("/staff/login"):
            self._sign_in()  # the route signed out (or changed the password): sign in again
        return response

    def post_everything(self, rule: Rule) -> None:
        for url in _urls(self.app, rule):
            names = _field_names(self.client, url, rule)
            with_file = {
                "csrf_token": self.token,
                **{name: (io.BytesIO(b"%PDF-1.7"), "a.pdf") for name in names},
            }
            sent = self.send("POST", url, "with files", data=with_file, content_type="multipart/form-data")
            # Unless the page is not for this user (sign in first, or 403), the files page answers.
            refused = sent.status_code == 403 or (sent.location or "").startswith("/staff/login")
            if rule.endpoint not in UPLOADS and not refused:
                text = sent.get_data(as_text=True)
                if sent.status_code != 400 or NOT_FILES not in text:
                    self.failures.append(f"POST {url} with a file: {sent.status_code}, not the files page")
            for value in (HUGE_NUMBER, HUGE_TEXT, "-1", OUT_OF_RANGE[0]):
                data = {"csrf_token": self.token, **{name: value for name in names}}
                self.send("POST", url, f"with {value[:20]!r}...", data=data)
            self.send("POST", url, "deep JSON", data="[" * 100_000, content_type="application/json")

    def get_everything(self, rule: Rule) -> None:
        for value in OUT_OF_RANGE:
            query = {name: value for name in QUERY_NAMES}
            for url in _urls(self.app, rule):
                self.send("GET", url, f"?...={value}", query_string=query)
            if set(rule.arguments) - {"forum_slug", "survey_slug"}:
                self.send("GET", _with_path_values(rule, value), f"with {value} in the address")

    def walk(self) -> list[str]:
        for rule in _rules(self.app, public=not self.signed_in):
            methods = rule.methods or set()
            if "GET" in methods:
                self.get_everything(rule)
            if "POST" in methods:
                self.post_everything(rule)
        return self.failures


def test_no_hostile_input_breaks_a_staff_route(hostile: Flask) -> None:
    failures = Walk(hostile, signed_in=True).walk()
    assert not failures, "\n".join(failures)


def test_no_hostile_input_breaks_a_public_route(hostile: Flask) -> None:
    failures = Walk(hostile, signed_in=False).walk()
    assert not failures, "\n".join(failures)


def _import(client: FlaskClient, files: dict[str, bytes]) -> TestResponse:
    token = csrf_token(page(client, "/staff/codebook/import"))
    parts = {name: (io.BytesIO(data), "codebook.json") for name, data in files.items()}
    return client.post("/staff/codebook/import", data={"csrf_token": token, **parts})


def test_a_codebook_file_nested_deep_or_with_a_huge_number_is_refused_with_a_message(hostile: Flask) -> None:
    client = signed_in(hostile, LEAD)
    for data, message in [
        (b"[" * 100_000, "nested more than 8 deep"),
        (b'{"themes": [{"id": "waiting_times", "n": ' + HUGE_NUMBER.encode() + b"}]}", "more than 30 digits"),
    ]:
        response = _import(client, {"codebook_file": data})
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        summary = soup.find(class_="error-summary")
        assert response.status_code == 200 and summary is not None, response.status_code
        assert message in summary.get_text(" "), summary.get_text(" ")
    refused = _import(client, {"codebook_file": b"{}", "note": b"a file where a note goes"})
    assert refused.status_code == 400 and NOT_FILES in refused.get_data(as_text=True)
    assert "version 2" not in page(client, "/staff/codebook/history").get_text()


def test_out_of_range_versions_are_not_found(hostile: Flask) -> None:
    client = signed_in(hostile, LEAD)
    for kind in ("csv", "json"):
        assert client.get(f"/staff/codebook/export.{kind}?version=1").status_code == 200
        for version in ("99999999999999999999", "2147483648", "0", "-1", "x", "١"):
            assert client.get(f"/staff/codebook/export.{kind}?version={version}").status_code == 404, version


def test_json_bodies_are_refused_not_crashed_on(hostile: Flask) -> None:
    client = hostile.test_client()
    for body in ("[" * 100_000, '{"answer": ' + HUGE_NUMBER + "}"):
        response = client.post(
            "/s/demo/send-experience/q/age_band", data=body, content_type="application/json"
        )
        assert response.status_code == 400, response.status_code
