"""Response headers: HSTS and the ``__Host-`` session cookie in production only, and ``no-store`` on
every staff and shared-pack response, whatever its file type."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from forum_app.extensions import db
from tests.conftest import empty_database, make_test_app
from tests.factories import SURVEY_URL, make_forum, make_staff, make_survey, signed_in
from tests.packs.stored import OPEN_TOKEN, make_link, make_stored_pack

LEAD = "lead@demo.example"
PRODUCTION = {"FORUM_ENV": "production", "PUBLIC_BASE_URL": "https://forum.example.org"}
HTTPS = "https://forum.example.org"


@pytest.fixture
def production(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url, **PRODUCTION)
    yield app
    empty_database(app)
    db.engine(app).dispose()


def _set_cookie(client: FlaskClient, **kwargs: str) -> str:
    """The Set-Cookie header of the sign-in page (its form's CSRF token starts a session)."""
    response = client.get("/staff/login", **kwargs)
    assert response.status_code == 200
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1, cookies
    return cookies[0]


def test_production_sends_hsts_on_every_response(production: Flask) -> None:
    client = production.test_client()
    for url in ("/staff/login", "/static/app.css", "/healthz", "/no-such-page"):
        with client.get(url, base_url=HTTPS) as response:
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", url


def test_development_sends_no_hsts(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/staff/login").headers


def test_production_session_cookie_is_host_only_and_secure(production: Flask) -> None:
    cookie = _set_cookie(production.test_client(), base_url=HTTPS)
    parts = [part.strip() for part in cookie.split(";")]
    assert parts[0].startswith("__Host-forum_session=")
    assert "Secure" in parts and "Path=/" in parts and "HttpOnly" in parts
    assert not any(part.lower().startswith("domain=") for part in parts), cookie


def test_development_keeps_a_plain_cookie_over_http(client: FlaskClient) -> None:
    cookie = _set_cookie(client)
    assert cookie.startswith("forum_session=") and "Secure" not in cookie


def _pack_link(session: Session) -> str:
    """A stored pack with a share link; the pack's public id."""
    forum = make_forum(session)
    survey_id = make_survey(session, forum).survey_id
    make_staff(session, LEAD)
    snapshot = make_stored_pack(session, forum.id, survey_id)
    make_link(session, snapshot, OPEN_TOKEN)
    return snapshot.public_id


def test_staff_exports_and_shared_files_are_never_stored(app: Flask, db_session: Session) -> None:
    pack = _pack_link(db_session)
    client = signed_in(app, LEAD)
    for url in (
        "/staff/codebook/export.csv",
        "/staff/codebook/export.json",
        "/staff/codebook/export.json?version=1",
        f"/staff/packs/{pack}/files/pack.json",
        "/staff/responses",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", (url, response.mimetype)
    anonymous = app.test_client()
    for url in (
        f"/p/{OPEN_TOKEN}",
        f"/p/{OPEN_TOKEN}/files/pack.json",
        f"/p/{OPEN_TOKEN}/files/manifest.json",
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", (url, response.mimetype)


def test_public_survey_files_keep_their_caching(client: FlaskClient, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    assert client.get(SURVEY_URL).headers["Cache-Control"] == "no-store"
    theme = client.get("/s/demo/theme.css")
    assert theme.status_code == 200 and "public" in theme.headers["Cache-Control"]
    with client.get("/static/app.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")
