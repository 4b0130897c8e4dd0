"""The URL map: staff routes are guarded by default, public URLs stay, every POST needs a CSRF token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from forum_app.db import Base
from forum_app.extensions import db
from forum_app.packs.models import ShareLink
from forum_app.security import PUBLIC_ENDPOINTS
from tests.factories import (
    STAFF_PASSWORD,
    SURVEY_URL,
    answer_all,
    csrf_token,
    idempotency_key,
    make_account_link,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    sign_in,
)
from tests.packs.stored import OPEN_TOKEN, make_link, make_stored_pack

PUBLIC_URLS = Path(__file__).with_name("public_urls.txt")
SIGN_IN = "/staff/login"
LEAD = "lead@demo.example"
SHORT_CODE = "SHARE2"  # the survey's short link (``/j/<code>``), given by ``_setup``
# Real values for URL arguments, so public pages can be reached for real.
VALUES = {
    "forum_slug": "demo",
    "survey_slug": "send-experience",
    "key": "age_band",
    "filename": "app.css",
    "response_id": "0" * 32,
    "token": OPEN_TOKEN,  # a share link of a stored pack (tests/packs/stored.py)
    "name": "pack.json",
    "snapshot_id": "",  # the stored packs and share link, by their public ids (set by ``_setup``)
    "other_id": "",
    "link_id": "",
    # Well-formed public ids (no sample is drawn here): each reaches its view's guard, as a real one would.
    "sample_id": "0" * 16,
    "item_id": "1" * 16,
    "forum_id": 1,
    "number": 1,
    "user_id": 1,
    "code": SHORT_CODE,
    "slug": "send-experience",
}


@contextmanager
def _database(app: Flask) -> Iterator[Session]:
    """A session in an app context of its own, so requests made meanwhile keep their own ``g``."""
    with app.app_context():
        yield db.session


def _setup(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with _database(app) as session:
        forum = make_forum(session)
        version = make_survey(session, forum)
        survey_id = version.survey_id
        version.survey.short_code = SHORT_CODE
        session.commit()
        make_staff(session, LEAD)
        first = make_stored_pack(session, forum.id, survey_id)
        second = make_stored_pack(session, forum.id, survey_id, "P-20260801-0002")
        make_link(session, first, OPEN_TOKEN)
        link = session.scalars(select(ShareLink.public_id).where(ShareLink.pack_id == first.id)).one()
        # An invitation and a reset link with the same token as the share link (each hash has its purpose).
        make_account_link(session, "invite", "new@demo.example", OPEN_TOKEN, forum.id, "coder")
        make_account_link(session, "reset", LEAD, OPEN_TOKEN)
        named = {"snapshot_id": first.public_id, "other_id": second.public_id, "link_id": link}
    for name, value in named.items():
        monkeypatch.setitem(VALUES, name, value)


def _rules(app: Flask, public: bool) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if (rule.endpoint in PUBLIC_ENDPOINTS) == public]


def _url(app: Flask, rule: Rule) -> str:
    with app.test_request_context():
        values: dict[str, Any] = {name: VALUES.get(name, "x") for name in rule.arguments}
        return url_for(rule.endpoint, **values)


def _methods(rule: Rule) -> set[str]:
    return (rule.methods or set()) - {"HEAD", "OPTIONS"}


def _sends_to_sign_in(response: Any, url: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.location)
    return location.path == SIGN_IN and parse_qs(location.query).get("next") == [urlsplit(url).path]


def _snapshot(app: Flask) -> dict[str, list[str]]:
    """Every row of every table, to prove a request changed nothing."""
    with _database(app) as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }


def test_every_staff_route_sends_anonymous_visitors_to_sign_in(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(app, monkeypatch)
    guarded = _rules(app, public=False)
    assert {"surveys.responses", "accounts.logout"} <= {rule.endpoint for rule in guarded}
    token = csrf_token(page(client, SIGN_IN))
    for rule in guarded:
        url = _url(app, rule)
        response = client.get(url)
        if "GET" in _methods(rule):
            assert _sends_to_sign_in(response, url), (rule.rule, response.status_code, response.location)
        else:
            assert response.status_code == 405, (rule.rule, response.status_code)
        if "POST" in _methods(rule):
            response = client.post(url, data={"csrf_token": token})
            assert _sends_to_sign_in(response, url), (rule.rule, response.status_code, response.location)


def test_public_routes_open_without_signing_in(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(app, monkeypatch)
    for rule in _rules(app, public=True):
        with client.get(_url(app, rule)) as response:  # closed: static files are streamed
            expected = (200, 302) if "GET" in _methods(rule) else (405,)  # POST-only: a form's target
            assert response.status_code in expected, (rule.rule, response.status_code)
            assert not (response.location or "").startswith(SIGN_IN), rule.rule


def test_no_public_url_disappears(app: Flask) -> None:
    lines = PUBLIC_URLS.read_text(encoding="utf-8").splitlines()
    saved = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert SURVEY_URL.startswith("/s/") and "/s/<forum_slug>/<survey_slug>/" in saved
    endpoints = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules()}
    missing = [rule for rule in saved if rule not in endpoints]
    assert not missing, f"public URLs were removed or renamed (they are printed on posters): {missing}"
    guarded = [rule for rule in saved if endpoints[rule] not in PUBLIC_ENDPOINTS]
    assert not guarded, f"public URLs now need a sign-in: {guarded}"


def test_every_post_route_refuses_a_post_without_csrf_token(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(app, monkeypatch)
    sign_in(client, LEAD)
    answer_all(client)
    data = {
        "answer": "0-4",
        "email": LEAD,
        "password": STAFF_PASSWORD,
        "current": STAFF_PASSWORD,
        "new": "a brand new password for the lead",
        "idempotency_key": idempotency_key(client),
    }
    before = _snapshot(app)
    posting = [rule for rule in app.url_map.iter_rules() if "POST" in _methods(rule)]
    assert {"surveys.question", "surveys.check", "accounts.login", "accounts.logout"} <= {
        rule.endpoint for rule in posting
    }
    for rule in posting:
        response = client.post(_url(app, rule), data=data)
        text = BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ")
        if rule.rule.startswith("/s/"):  # a parent's page: say so kindly and keep what they typed
            assert response.status_code == 200, (rule.rule, response.status_code)
            assert "open for a long time" in text, rule.rule
        else:
            assert response.status_code == 400, (rule.rule, response.status_code)
            assert "This page has expired" in text, rule.rule
        assert _snapshot(app) == before, f"POST {rule.rule} without a CSRF token changed the database"
    assert one(page(client, "/staff/responses"), "h1").get_text(strip=True) == "Responses"  # still signed in
    assert client.get(f"{SURVEY_URL}check").status_code == 200  # still answering, nothing sent
