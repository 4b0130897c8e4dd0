"""The number and month question types, end to end in a survey of their own (the default survey
uses neither): stored values, check answers, change links and every kind of bad input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.surveys.models import SUBMITTED, Answer, Response
from tests.factories import csrf_token, one, page, post_form
from tests.surveys.factories import ALL_TYPES, TYPES_FORUM, publish_all_types

URL = f"/s/{TYPES_FORUM[0]}/{ALL_TYPES['slug']}/"
CHECK = f"{URL}check"
TITLES = {q["key"]: q["title"] for q in ALL_TYPES["questions"]}


def q(key: str, change: bool = False) -> str:
    return f"{URL}q/{key}" + ("?change=1" if change else "")


@pytest.fixture
def survey(db_session: Session) -> None:
    publish_all_types(db_session)


def begin(client: FlaskClient, has_plan: str | None = "yes") -> None:
    response = post_form(client, URL, {})
    assert response.status_code == 302 and response.location == q("has_plan")
    if has_plan is not None:
        answer(client, "has_plan", {"answer": has_plan})


def answer(client: FlaskClient, url_or_key: str, data: dict[str, Any]) -> str:
    """Send ``data`` to a question page, which must accept it; returns where it leads."""
    url = url_or_key if url_or_key.startswith("/") else q(url_or_key)
    response = post_form(client, url, data)
    assert response.status_code == 302, (url, response.get_data(as_text=True)[:3000])
    return str(response.location)


def refused(client: FlaskClient, key: str, data: dict[str, Any]) -> BeautifulSoup:
    response = post_form(client, q(key), data)
    assert response.status_code == 200, (key, data, response.location)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def stored(session: Session) -> dict[str, Any]:
    session.expire_all()
    return {key: value for key, value in session.execute(select(Answer.question_key, Answer.value))}


def summary(client: FlaskClient) -> dict[str, tuple[str, str]]:
    """The check-answers page as {question: (answer, change link)}."""
    soup = page(client, CHECK)
    rows = {}
    for row in soup.select(".summary-list__row"):
        link = row.select_one(".summary-list__actions a")
        assert link is not None
        rows[one(row, "dt").get_text(strip=True)] = (
            one(row, ".summary-list__value").get_text("\n", strip=True),
            str(link["href"]),
        )
    return rows


def value_of(soup: BeautifulSoup, name: str) -> str:
    field = soup.find("input", attrs={"name": name})
    assert field is not None, name
    return str(field.get("value", ""))


def assert_errors(soup: BeautifulSoup, expected: dict[str, str]) -> None:
    """The GOV.UK error pattern with one message per field: "Error:" title, a summary whose links
    lead to the fields, the same message by each field and linked to it, every hint linked too."""
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    summary_box = soup.find(class_="error-summary")
    assert summary_box is not None, "no error summary"
    links = [(str(a["href"]), a.get_text(strip=True)) for a in summary_box.find_all("a")]
    assert links == [(f"#{name}", message) for name, message in expected.items()]
    for href, _ in links:
        target = soup.find(id=href[1:])
        assert target is not None and target.name == "input", f"{href} leads to no field"
    messages = soup.select("form .error-message")
    assert len(messages) == len(expected), [m.get_text(" ", strip=True) for m in messages]
    for name, message in expected.items():
        shown = soup.find(id=f"{name}-error")
        assert shown is not None and shown.get_text(" ", strip=True) == f"Error: {message}"
        field = soup.find("input", attrs={"name": name})
        assert field is not None and "input--error" in field["class"]
        assert f"{name}-error" in str(field.get("aria-describedby", "")).split()
    described = {
        ref for el in soup.select("[aria-describedby]") for ref in str(el["aria-describedby"]).split()
    }
    for text in soup.select("form .hint, form .error-message"):
        assert text.get("id") in described, f"{text.get_text(strip=True)!r} is linked to no field"


# --- a whole journey ---------------------------------------------------------------------------


def test_walk_stores_a_whole_number_and_a_year_month_and_shows_them(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    begin(client, has_plan=None)
    assert answer(client, "has_plan", {"answer": "yes"}) == q("plan_month")
    assert answer(client, "plan_month", {"month": "3", "year": "2025"}) == q("days_missed")
    assert answer(client, "days_missed", {"answer": " 12 "}) == q("last_meeting")
    assert answer(client, "last_meeting", {"month": "", "year": ""}) == CHECK

    values = stored(db_session)
    assert values == {"has_plan": "yes", "plan_month": "2025-03", "days_missed": 12}
    assert type(values["days_missed"]) is int
    assert summary(client) == {
        TITLES["has_plan"]: ("Yes", q("has_plan", change=True)),
        TITLES["plan_month"]: ("March 2025", q("plan_month", change=True)),
        TITLES["days_missed"]: ("12", q("days_missed", change=True)),
        TITLES["last_meeting"]: ("Not answered", q("last_meeting", change=True)),
    }

    # Each change link opens the question with the stored answer filled in, and leads back.
    changing = page(client, q("plan_month", change=True))
    assert (value_of(changing, "month"), value_of(changing, "year")) == ("3", "2025")
    assert answer(client, q("plan_month", change=True), {"month": "11", "year": "2024"}) == CHECK
    assert value_of(page(client, q("days_missed", change=True)), "answer") == "12"
    assert answer(client, q("days_missed", change=True), {"answer": "0"}) == CHECK
    assert answer(client, q("last_meeting", change=True), {"month": "09", "year": "2025"}) == CHECK
    rows = summary(client)
    assert rows[TITLES["plan_month"]][0] == "November 2024"
    assert rows[TITLES["days_missed"]][0] == "0"
    assert rows[TITLES["last_meeting"]][0] == "September 2025"

    key = page(client, CHECK).find("input", attrs={"name": "idempotency_key"})
    assert key is not None
    sent = post_form(client, CHECK, {"idempotency_key": key["value"]})
    assert sent.status_code == 302 and sent.location == f"{URL}done"
    db_session.expire_all()
    assert db_session.scalars(select(Response.status)).one() == SUBMITTED
    assert stored(db_session) == {
        "has_plan": "yes",
        "plan_month": "2024-11",
        "days_missed": 0,
        "last_meeting": "2025-09",
    }


def test_month_question_is_asked_only_after_yes(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    begin(client, has_plan=None)
    assert answer(client, "has_plan", {"answer": "no"}) == q("days_missed")
    skipped = client.get(q("plan_month"))
    assert skipped.status_code == 302 and skipped.location == CHECK
    answer(client, "days_missed", {"answer": "4"})
    answer(client, "last_meeting", {})
    assert TITLES["plan_month"] not in summary(client)

    # Changing the answer to "yes" asks the new question before going back to check answers.
    assert answer(client, q("has_plan", change=True), {"answer": "yes"}) == q("plan_month", change=True)
    assert answer(client, q("plan_month", change=True), {"month": "1", "year": "2020"}) == CHECK
    assert summary(client)[TITLES["plan_month"]][0] == "January 2020"
    assert stored(db_session)["plan_month"] == "2020-01"


def test_answers_need_a_valid_csrf_token(client: FlaskClient, db_session: Session, survey: None) -> None:
    begin(client)
    response = client.post(q("days_missed"), data={"answer": "12", "csrf_token": "expired"})
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 200 and "open for a long time" in soup.get_text()
    assert value_of(soup, "answer") == "12"
    assert "days_missed" not in stored(db_session)
    token = csrf_token(page(client, q("days_missed")))
    assert client.post(q("days_missed"), data={"answer": "12", "csrf_token": token}).status_code == 302
    assert stored(db_session)["days_missed"] == 12


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter a whole number, like 6"),
        ("1.5", "Enter a whole number, like 6"),
        ("101", "Enter a number between 0 and 100"),
        ("-1", "Enter a number between 0 and 100"),
        ("12345678901234567890", "Enter a number between 0 and 100"),
        ("-12345678901234567890", "Enter a number between 0 and 100"),
        ("", "Enter a number"),
    ],
)
def test_bad_number_is_refused_with_one_clear_message(
    client: FlaskClient, db_session: Session, survey: None, typed: str, message: str
) -> None:
    begin(client)
    soup = refused(client, "days_missed", {"answer": typed})
    assert_errors(soup, {"answer": message})
    assert value_of(soup, "answer") == typed
    label = soup.find("label", attrs={"for": "answer"})
    assert label is not None and label.get_text(strip=True) == TITLES["days_missed"]
    assert label.find_parent("h1") is not None
    assert "days_missed" not in stored(db_session)


THIS_YEAR = date.today().year


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [
        ("13", "2025", {"month": "Enter a month from 1 to 12"}),
        ("0", "2025", {"month": "Enter a month from 1 to 12"}),
        ("13", str(THIS_YEAR), {"month": "Enter a month from 1 to 12"}),
        ("March", "2025", {"month": "Enter the month as a number, like 3"}),
        ("3", str(THIS_YEAR + 1), {"year": f"Enter a year from 1990 to {THIS_YEAR}"}),
        ("3", "1989", {"year": f"Enter a year from 1990 to {THIS_YEAR}"}),
        ("3", "20252025202520252025", {"year": f"Enter a year from 1990 to {THIS_YEAR}"}),
        ("3", "abcd", {"year": "Enter the year as 4 numbers, like 2025"}),
        ("3", "", {"year": "Enter the year"}),
        ("", "2025", {"month": "Enter the month"}),
        ("", "", {"month": "Enter the month and year"}),
        (
            "13",
            "abcd",
            {"month": "Enter a month from 1 to 12", "year": "Enter the year as 4 numbers, like 2025"},
        ),
    ],
)
def test_bad_month_is_refused_with_one_message_per_field(
    client: FlaskClient, db_session: Session, survey: None, month: str, year: str, expected: dict[str, str]
) -> None:
    begin(client)
    soup = refused(client, "plan_month", {"month": month, "year": year})
    assert_errors(soup, expected)
    assert (value_of(soup, "month"), value_of(soup, "year")) == (month, year)
    fieldset = soup.find("fieldset")
    assert fieldset is not None and fieldset.find("input", attrs={"name": "month"}) is not None
    heading = fieldset.select_one("legend h1")
    assert heading is not None and heading.get_text(strip=True) == TITLES["plan_month"]
    for name in ("month", "year"):
        label = soup.find("label", attrs={"for": name})
        assert label is not None and label.get_text(strip=True) == name.title()
    assert "plan_month" not in stored(db_session)


def test_a_month_still_to_come_is_refused(client: FlaskClient, db_session: Session, survey: None) -> None:
    today = date.today()
    begin(client)
    if today.month < 12:
        soup = refused(client, "plan_month", {"month": str(today.month + 1), "year": str(today.year)})
        assert_errors(soup, {"month": f"Enter a month no later than {today:%B %Y}"})
    else:
        soup = refused(client, "plan_month", {"month": "1", "year": str(today.year + 1)})
        assert_errors(soup, {"year": f"Enter a year from 1990 to {today.year}"})
    answer(client, "plan_month", {"month": str(today.month), "year": str(today.year)})
    assert stored(db_session)["plan_month"] == f"{today:%Y-%m}"


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [("4", "", {"year": "Enter the year"}), ("", "2024", {"month": "Enter the month"})],
)
def test_optional_month_refuses_half_an_answer(
    client: FlaskClient, db_session: Session, survey: None, month: str, year: str, expected: dict[str, str]
) -> None:
    begin(client)
    soup = refused(client, "last_meeting", {"month": month, "year": year})
    assert_errors(soup, expected)
    assert "last_meeting" not in stored(db_session)


def test_a_refused_change_keeps_the_stored_answer(
    client: FlaskClient, db_session: Session, survey: None
) -> None:
    begin(client)
    answer(client, "plan_month", {"month": "6", "year": "2023"})
    answer(client, "days_missed", {"answer": "7"})
    assert_errors(
        refused(client, "plan_month", {"month": "6", "year": "abcd"}),
        {"year": "Enter the year as 4 numbers, like 2025"},
    )
    assert_errors(
        refused(client, "days_missed", {"answer": "700"}), {"answer": "Enter a number between 0 and 100"}
    )
    assert stored(db_session) == {"has_plan": "yes", "plan_month": "2023-06", "days_missed": 7}
