"""The staff home page: new responses this week and last, what waits for moderation (overdue flags
first), coding progress and a chart of responses per week; each role sees what they can act on."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.db import today
from forum_app.home.chart import weekly_chart
from forum_app.moderation.models import ModerationItem
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import IN_PROGRESS, SUBMITTED, Response, SurveyVersion
from forum_app.surveys.staff import weekly_counts
from tests.factories import (
    JOURNEY,
    STAFF_PASSWORD,
    answer_all,
    approve_all,
    attribute,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    sign_in,
    submit,
)

RISK = "My son says he wants to kill himself and nobody helps."


def _responses(session: Session, forum: Forum, days: list[date], status: str = SUBMITTED) -> None:
    version_id = session.scalar(
        select(SurveyVersion.id).join(SurveyVersion.survey).where(SurveyVersion.survey.has(forum_id=forum.id))
    )
    assert version_id is not None
    session.add_all(
        Response(
            id=new_token(),
            forum_id=forum.id,
            survey_version_id=version_id,
            status=status,
            started_on=day,
            submitted_on=day if status == SUBMITTED else None,
            idempotency_key=new_token(),
        )
        for day in days
    )
    session.commit()


def test_weekly_counts_run_monday_to_sunday_for_one_forum(db_session: Session) -> None:
    forum, other = make_forum(db_session), make_forum(db_session, "other", "Other forum")
    for each in (forum, other):
        make_survey(db_session, each)
    wednesday = date(2026, 12, 9)
    days = [wednesday, date(2026, 12, 7), date(2026, 12, 6), date(2026, 11, 30), date(2026, 11, 29)]
    _responses(db_session, forum, [*days, date(2026, 12, 10)])  # the last one is after "today"
    _responses(db_session, forum, [wednesday], status=IN_PROGRESS)
    _responses(db_session, other, [wednesday, wednesday])
    assert weekly_counts(db_session, forum.id, 3, wednesday) == [
        (date(2026, 11, 23), 1),
        (date(2026, 11, 30), 2),
        (date(2026, 12, 7), 2),
    ]


def test_the_chart_scales_to_the_busiest_week_and_copes_with_none() -> None:
    empty = weekly_chart([(date(2026, 11, 30), 0), (date(2026, 12, 7), 0)])
    assert [bar.height for bar in empty.bars] == [0, 0] and [tick.value for tick in empty.ticks] == [0, 1]
    chart = weekly_chart([(date(2026, 11, 23), 3), (date(2026, 11, 30), 12), (date(2026, 12, 7), 6)])
    assert [tick.value for tick in chart.ticks] == [0, 5, 10, 15]
    low, high, middle = (bar.height for bar in chart.bars)
    assert high == pytest.approx(4 * low) == pytest.approx(2 * middle)
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)


def _forum(app: Flask, db_session: Session, client: FlaskClient) -> Forum:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    for email, role in (("lead@demo.example", "lead"), ("coder@demo.example", "coder")):
        make_staff(db_session, email, role=role)
    make_staff(db_session, "viewer@demo.example", role="viewer")
    now = today()
    monday = now - timedelta(days=now.weekday())
    _responses(db_session, forum, [monday - timedelta(days=3)] * 4 + [monday - timedelta(days=20)])
    answer_all(client)  # this week: one sent through the survey, with answers to moderate
    assert submit(client).status_code == 302
    journey = [(key, {"answer": RISK} if key == "not_worked" else data) for key, data in JOURNEY]
    answer_all(client, journey)
    assert submit(client).status_code == 302
    # The flagged answer arrived a fortnight ago: past the target, so it comes first.
    db_session.execute(
        update(ModerationItem)
        .where(ModerationItem.flagged.is_(True))
        .values(received_on=now - timedelta(days=14))
    )
    db_session.commit()
    return forum


def _home(app: Flask, email: str) -> BeautifulSoup:
    client = app.test_client()
    sign_in(client, email)
    return page(client, "/staff/")


def test_a_lead_sees_new_responses_the_queue_with_overdue_flags_first_and_coding(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    _forum(app, db_session, client)
    lead = app.test_client()
    response = post_form(lead, "/staff/login", {"email": "lead@demo.example", "password": STAFF_PASSWORD})
    assert response.location == "/staff/"  # sign-in lands on the home page
    soup = page(lead, "/staff/")
    text = " ".join(soup.get_text(" ").split())
    assert "2 this week" in text and "4 last week" in text
    assert soup.select_one("[data-safeguarding-alert]") is not None
    caption = soup.find("caption", string=lambda s: bool(s and "waiting for moderation" in s))
    assert caption is not None
    queue = caption.find_parent("table")
    assert queue is not None
    rows = one(queue, "tbody").find_all("tr")
    assert "Overdue flag" in rows[0].get_text() and all("Overdue" not in row.get_text() for row in rows[1:])
    first = attribute(rows[0].a, "href")
    assert re.fullmatch(r"/staff/moderation/[0-9a-f]{16}", first)  # a random id, not a count
    assert "Overdue" in page(lead, first).get_text()
    assert soup.find("a", href="/staff/moderation") is not None
    assert "No answers have reached coding yet" in text  # nothing approved yet


def test_the_chart_has_a_text_alternative_and_a_table(
    app: Flask, db_session: Session, client: FlaskClient
) -> None:
    _forum(app, db_session, client)
    soup = _home(app, "viewer@demo.example")
    svg = one(soup, "svg.home-chart")
    assert svg["role"] == "img" and svg["aria-labelledby"] == "weekly-title weekly-desc"
    assert one(svg, "title").get_text() == "Responses per week, last 12 weeks"
    assert one(svg, "desc").get_text().count(",") >= 11
    assert len(svg.find_all("rect")) == 12
    table = one(soup, "caption#weekly-caption").find_parent("table")
    assert table is not None
    cells = [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in one(table, "tbody").find_all("tr")
    ]
    assert len(cells) == 12 and cells[0][0].endswith("(this week, so far)")
    assert [row[1] for row in cells[:4]] == ["2", "4", "0", "1"]
    assert not soup.find_all("script", src=False)  # drawn on the server: no inline script


def test_each_role_sees_what_they_can_act_on(app: Flask, db_session: Session, client: FlaskClient) -> None:
    _forum(app, db_session, client)
    coder = _home(app, "coder@demo.example")
    assert coder.find("a", href="/staff/moderation") is None
    assert "Waiting for moderation" not in coder.get_text()
    assert coder.select_one("[data-safeguarding-alert]") is None
    viewer = _home(app, "viewer@demo.example")
    assert (
        viewer.find("a", href="/staff/moderation") is None and viewer.find("a", href="/staff/coding") is None
    )
    assert "Waiting for moderation" not in viewer.get_text()
    approve_all(db_session)  # now the written answers go to coding
    for email, link in (("coder@demo.example", True), ("viewer@demo.example", False)):
        soup = _home(app, email)
        assert "answers coded (0%)" in " ".join(soup.get_text(" ").split()), email
        assert (soup.find("a", href="/staff/coding") is not None) == link, email
