"""Forums made and listed by the platform administrator, on the command line and on screen; the
administrator sees counts only, never a forum's answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, Membership, User
from forum_app.codebook.versions import current_version
from forum_app.security import ADMIN, MEMBER, PUBLIC, SIGNED_IN, access_rule
from forum_app.surveys.models import Response, Survey
from tests.factories import (
    answer_all,
    make_admin,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    sign_in,
    squashed_text,
    submit,
)

ONE_TIME = re.compile(r"One-time password \(they must change it when they sign in\): (\S+)")
ADMIN_EMAIL = "admin@platform.example"


def test_every_endpoint_falls_under_one_clear_rule(app: Flask) -> None:
    assert access_rule("surveys.start") == PUBLIC
    assert access_rule("accounts.logout") == access_rule("accounts.change_password") == SIGNED_IN
    assert access_rule("admin.forums") == access_rule("admin.suspend") == ADMIN
    assert access_rule("surveys.responses") == access_rule("packs.index") == MEMBER
    assert access_rule("administration.anything") == MEMBER  # only the admin blueprint itself
    rules = {access_rule(rule.endpoint) for rule in app.url_map.iter_rules()}
    assert rules == {PUBLIC, SIGNED_IN, ADMIN, MEMBER}


def test_forums_create_makes_a_forum_with_the_default_survey_and_codebook(
    runner: FlaskCliRunner, db_session: Session, client: FlaskClient
) -> None:
    args = [
        "forums",
        "create",
        "--slug",
        "northshire",
        "--name",
        "Northshire PCF",
        "--local-area",
        "Northshire",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Created forum 'northshire' (Northshire PCF)" in result.output
    assert "users create --email EMAIL --forum northshire --role lead" in result.output
    assert "/s/northshire/send-experience/" in result.output
    forum = db_session.scalars(select(Forum).where(Forum.slug == "northshire")).one()
    assert (forum.name, forum.local_area, forum.suspended_at) == ("Northshire PCF", "Northshire", None)
    assert db_session.scalars(select(Survey.slug).where(Survey.forum_id == forum.id)).all() == [
        "send-experience"
    ]
    codebook = current_version(db_session, forum.id)
    assert codebook is not None and len(codebook.themes) == 16
    assert db_session.scalar(select(func.count()).select_from(Response)) == 0  # no demo answers
    assert page(client, "/s/northshire/send-experience/").h1 is not None
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "There is already a forum with the slug 'northshire'." in again.output
    bad = runner.invoke(args=["forums", "create", "--slug", "North Shire", "--name", "N"])
    assert bad.exit_code != 0 and "lower-case letters, digits and hyphens" in bad.output
    assert db_session.scalar(select(func.count()).select_from(Forum)) == 1


def test_forums_list_shows_staff_and_responses(runner: FlaskCliRunner, db_session: Session) -> None:
    assert "No forums yet" in runner.invoke(args=["forums", "list"]).output
    make_forum(db_session)
    make_staff(db_session, "lead@demo.example")
    make_staff(db_session, "coder@demo.example", role="coder")
    runner.invoke(args=["forums", "create", "--slug", "westmere", "--name", "Westmere PCF"])
    lines = runner.invoke(args=["forums", "list"]).output.splitlines()
    assert re.search(r"^demo\s+2\s+0\s+active\s+Demo Parent Carer Forum$", lines[1] + "\n".join(lines), re.M)
    assert any(re.match(r"^westmere\s+0\s+0\s+active\s+Westmere PCF$", line) for line in lines)


def test_create_admin_prints_a_one_time_password_and_gives_no_membership(
    runner: FlaskCliRunner, db_session: Session, client: FlaskClient
) -> None:
    make_forum(db_session)
    result = runner.invoke(args=["users", "create-admin", "--email", "Admin@Platform.example"])
    assert result.exit_code == 0, result.output
    assert "Created admin@platform.example as a platform administrator." in result.output
    found = ONE_TIME.search(result.output)
    assert found is not None
    user = db_session.scalars(select(User).where(User.email == ADMIN_EMAIL)).one()
    assert user.is_platform_admin and user.must_change_password
    assert db_session.scalar(select(func.count()).select_from(Membership)) == 0
    response = post_form(client, "/staff/login", {"email": ADMIN_EMAIL, "password": found.group(1)})
    assert response.location == "/admin/forums"
    assert client.get("/admin/forums").location == "/staff/password"  # the one-time password first
    new = "a platform administrator's own passphrase"
    response = post_form(client, "/staff/password", {"current": found.group(1), "new": new})
    assert response.status_code == 302 and response.location == "/admin/forums"
    assert one(page(client, "/admin/forums"), "h1").get_text(strip=True) == "Forums"
    again = runner.invoke(args=["users", "create-admin", "--email", ADMIN_EMAIL])
    assert again.exit_code == 0 and "Their password is unchanged" in again.output
    bad = runner.invoke(args=["users", "create-admin", "--email", "nobody"])
    assert bad.exit_code != 0 and "'nobody' is not an email address." in bad.output


def _forum_with_an_answer(app: Flask, db_session: Session, client: FlaskClient) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    make_staff(db_session, "lead@demo.example")
    make_admin(db_session)
    answer_all(client)
    assert submit(client).status_code == 302


def test_the_administrator_sees_counts_never_answers(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    _forum_with_an_answer(app, db_session, client)
    admin = app.test_client()
    sign_in(admin, ADMIN_EMAIL)
    listing = page(admin, "/admin/forums")
    row = squashed_text(listing.find("tbody"))
    assert "Demo Parent Carer Forum" in row and "/s/demo/" in row and "Active" in row
    assert [cell.get_text(strip=True) for cell in one(listing, "tbody").find_all("td")[1:3]] == ["1", "1"]
    assert "CAMHS" not in listing.get_text()  # the journey's answer is nowhere on the page
    for url in ("/staff/responses", "/staff/moderation", "/staff/codebook", "/staff/packs"):
        assert admin.get(url).status_code == 403, url
    lead = app.test_client()
    sign_in(lead, "lead@demo.example")
    assert lead.get("/admin/forums").status_code == 403
    assert lead.get("/admin/forums/new").status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "slug": "eastfield"}, "Enter the forum's name"),
        ({"name": "Eastfield PCF", "slug": ""}, "Enter a short name for survey links"),
        ({"name": "Eastfield PCF", "slug": "East field"}, "lower-case letters, digits and hyphens"),
        ({"name": "Eastfield PCF", "slug": "demo"}, "There is already a forum with the slug 'demo'."),
        ({"name": "E" * 201, "slug": "eastfield"}, "Use 200 characters or fewer"),
    ],
)
def test_creating_a_forum_on_screen_refuses_bad_input_clearly(
    app: Flask, db_session: Session, client: FlaskClient, data: dict[str, str], message: str
) -> None:
    make_forum(db_session)
    make_admin(db_session)
    sign_in(client, ADMIN_EMAIL)
    response = post_form(client, "/admin/forums/new", {**data, "local_area": ""})
    assert response.status_code == 200
    assert message in squashed_text(page_of(response).find(class_="error-summary"))
    assert db_session.scalar(select(func.count()).select_from(Forum)) == 1


def test_creating_a_forum_on_screen(app: Flask, db_session: Session, client: FlaskClient) -> None:
    make_admin(db_session)
    sign_in(client, ADMIN_EMAIL)
    data = {"name": " Eastfield  PCF ", "slug": "eastfield", "local_area": "Eastfield"}
    response = post_form(client, "/admin/forums/new", data, follow=True)
    notice = squashed_text(page_of(response).find(class_="notice"))
    assert "Eastfield PCF is ready" in notice and "/s/eastfield/send-experience/" in notice
    forum = db_session.scalars(select(Forum).where(Forum.slug == "eastfield")).one()
    assert (forum.name, forum.local_area) == ("Eastfield PCF", "Eastfield")
    assert page(client, "/s/eastfield/send-experience/").h1 is not None


def page_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")
