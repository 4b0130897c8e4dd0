"""Trusted hosts: a request addressed to another host name gets a clear 400 page and never an answer,
and every absolute address the app shows is built from PUBLIC_BASE_URL (else the checked host)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from werkzeug.wrappers import Response

from forum_app.extensions import db
from forum_app.packs.models import PackSnapshot
from tests.conftest import empty_database, make_test_app
from tests.factories import SURVEY_URL, csrf_token, make_forum, make_staff, make_survey, one, page, signed_in
from tests.packs.stored import make_stored_pack

LEAD = "lead@demo.example"
FORGED = {"Host": "evil.example"}


@pytest.fixture
def hosts(database_url: str, request: pytest.FixtureRequest) -> Iterator[Flask]:
    settings = {"TRUSTED_HOSTS": "localhost,forum.example.org", **getattr(request, "param", {})}
    app = make_test_app(database_url, **settings)
    session = db.sessionmaker(app)()
    forum = make_forum(session)
    make_stored_pack(session, forum.id, make_survey(session, forum).survey_id)
    make_staff(session, LEAD)
    session.close()
    yield app
    empty_database(app)
    db.engine(app).dispose()


def _pack(app: Flask) -> str:
    """The stored pack's page, named by its public id."""
    with app.app_context():
        return "/staff/packs/" + db.session.scalars(select(PackSnapshot.public_id)).one()


def _title(response: Response) -> str:
    return one(BeautifulSoup(response.get_data(as_text=True), "html.parser"), "h1").get_text(strip=True)


def test_a_forged_host_is_refused_with_a_clear_page(hosts: Flask) -> None:
    client = signed_in(hosts, LEAD)
    here = _pack(hosts)
    token = csrf_token(page(client, here))
    for method, url in [
        ("GET", SURVEY_URL),
        ("GET", here),
        ("GET", "/static/app.css"),
        ("POST", f"{here}/links"),
        ("POST", SURVEY_URL),
    ]:
        with client.open(
            url, method=method, headers=FORGED, data={"csrf_token": token, "days": "7"}
        ) as response:
            assert response.status_code == 400, (method, url, response.status_code)
            assert _title(response) == "This web address is not served here", (method, url)
            assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"
    assert page(client, here).select_one(".pack-url") is None  # no link was made
    assert client.get(SURVEY_URL, headers={"Host": "forum.example.org:8443"}).status_code == 200


def _share_url(app: Flask) -> str:
    client = signed_in(app, LEAD)
    here = _pack(app)
    token = csrf_token(page(client, here))
    made = client.post(f"{here}/links", data={"csrf_token": token, "days": "7", "label": "Ofsted"})
    assert made.status_code == 303
    return page(client, here).select_one(".pack-url").get_text()  # type: ignore[union-attr]


@pytest.mark.parametrize("hosts", [{"PUBLIC_BASE_URL": "https://forum.example.org"}], indirect=True)
def test_the_share_link_is_built_from_the_public_address(hosts: Flask) -> None:
    assert _share_url(hosts).startswith("https://forum.example.org/p/")


def test_without_a_public_address_the_share_link_uses_the_checked_host(hosts: Flask) -> None:
    assert _share_url(hosts).startswith("http://localhost/p/")
