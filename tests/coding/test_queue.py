"""The coding queue: its filters, pages and progress, and whose answers are in it for whom."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.codebook.models import CodebookVersion
from forum_app.coding.answer import AnswerNotFound, answer_for_coding, save_coding
from forum_app.coding.bulk import bulk_preview
from forum_app.coding.decisions import state_of
from forum_app.coding.filters import FilterOptions, Filters, parse_filters, parse_period_bound
from forum_app.coding.models import CODED, CodedAnswer, CodingDecision
from forum_app.coding.queue import Progress, next_in_queue, progress, queue_page
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Answer
from forum_app.surveys.services import publish_survey
from tests.coding.factories import (
    CODER,
    DAYS,
    LEAD,
    QUEUE,
    TEXTS,
    VIEWER,
    add_coded_answers,
    code_answer,
    error_summary,
    filter_options_of,
    forum_id_of,
    queued_ids,
    seed_workspace,
)
from tests.factories import (
    SURVEY_URL,
    answer_all,
    approve_all,
    attribute,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    one,
    page,
    post_form,
    public_id,
    public_ids,
    receipt_code,
    signed_in,
    squashed_text,
    submit,
    user_id,
)


@pytest.fixture
def demo(db_session: Session) -> list[int]:
    """Twelve coded answers of the demo forum, and a lead, a coder and a viewer of it."""
    return seed_workspace(db_session)


@pytest.fixture
def other(db_session: Session) -> list[int]:
    """Three answers of another forum."""
    forum = make_forum(db_session, "other", "Other Forum")
    return add_coded_answers(db_session, make_survey(db_session, forum), TEXTS[:3])


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("March 2026", False, date(2026, 3, 1)),
        ("march 2026", True, date(2026, 3, 31)),
        ("Feb 2024", True, date(2024, 2, 29)),
        ("2026-03", False, date(2026, 3, 1)),
        ("2026-3", True, date(2026, 3, 31)),
        ("3/2026", False, date(2026, 3, 1)),
        ("2026-03-14", True, date(2026, 3, 14)),
        ("14/3/2026", False, date(2026, 3, 14)),
        ("  March   2026 ", False, date(2026, 3, 1)),
        ("2026-13", False, None),
        ("2026-02-30", False, None),
        ("Smarch 2026", False, None),
        ("yesterday", False, None),
        ("1999-12", False, None),
        ("", False, None),
    ],
)
def test_a_period_is_a_month_or_a_day(text: str, end: bool, expected: date | None) -> None:
    assert parse_period_bound(text, end) == expected


def test_filters_are_read_from_the_query_string_and_written_back() -> None:
    options = FilterOptions([("waiting_times", "Waiting")], [(7, "Survey")])
    args = {
        "status": "all",
        "theme": "waiting_times",
        "sentiment": "negative",
        "confidence": "low",
        "survey": "7",
        "from": "January 2026",
        "to": "2026-02",
        "order": "unsure",
    }
    parsed = parse_filters(args, options)
    assert parsed.errors == {}
    assert parsed.filters == Filters(
        status="all",
        theme="waiting_times",
        sentiment="negative",
        confidence="low",
        survey_id=7,
        period_from=date(2026, 1, 1),
        period_to=date(2026, 2, 28),
        order="unsure",
    )
    again = parse_filters(parsed.filters.query(), options)
    assert again.filters == parsed.filters and again.errors == {}
    assert parse_filters({}, options).filters == Filters()  # the default is the queue: to code
    assert Filters().query() == {}


def test_invalid_filters_are_left_out_with_a_message_each() -> None:
    options = FilterOptions([("waiting_times", "Waiting")], [(7, "Survey")])
    args = {
        "status": "deleted",
        "theme": "<script>",
        "sentiment": "furious",
        "confidence": "0.95",
        "survey": "8",
        "from": "soon",
        "to": "2026-02-30",
        "order": "random",
    }
    parsed = parse_filters(args, options)
    assert parsed.filters == Filters()
    assert set(parsed.errors) == set(args)
    assert parsed.values["theme"] == "<script>"  # shown again in the form, escaped by the template
    backwards = parse_filters({"from": "March 2026", "to": "January 2026"}, options)
    assert backwards.filters.period_from == date(2026, 3, 1) and backwards.filters.period_to is None
    assert "after its start" in backwards.errors["to"]


def test_each_filter_selects_its_answers(db_session: Session, demo: list[int], other: list[int]) -> None:
    options = filter_options_of(db_session)
    every = Filters(status="all")
    assert sorted(queued_ids(db_session, every)) == sorted(demo)  # never another forum's

    themes = {
        answer_id: set(state_of(db_session, db_session.get_one(CodedAnswer, answer_id)).themes)
        for answer_id in demo
    }
    waiting = [a for a in demo if "waiting_times" in themes[a]]
    assert len(waiting) >= 3
    assert sorted(queued_ids(db_session, Filters(status="all", theme="waiting_times"))) == sorted(waiting)

    rows = {
        c.answer_id: c for c in db_session.scalars(select(CodedAnswer).where(CodedAnswer.answer_id.in_(demo)))
    }
    negative = [a for a in demo if rows[a].sentiment == "negative"]
    assert 0 < len(negative) < len(demo)
    assert sorted(queued_ids(db_session, Filters(status="all", sentiment="negative"))) == sorted(negative)

    for band, test in (
        ("low", lambda c: c < 0.7),
        ("medium", lambda c: 0.7 <= c < 0.9),
        ("high", lambda c: c >= 0.9),
    ):
        expected = sorted(a for a in demo if test(rows[a].confidence))
        assert sorted(queued_ids(db_session, Filters(status="all", confidence=band))) == expected, band

    february = [a for a, day in zip(demo, DAYS, strict=True) if day.month == 2]
    parsed = parse_filters({"status": "all", "from": "February 2026", "to": "Feb 2026"}, options)
    assert sorted(queued_ids(db_session, parsed.filters)) == sorted(february)
    since = parse_filters({"status": "all", "from": "2026-03-04"}, options).filters
    assert sorted(queued_ids(db_session, since)) == sorted(
        a for a, d in zip(demo, DAYS, strict=True) if d >= date(2026, 3, 4)
    )

    # A second survey of the same forum.
    forum = db_session.get(Forum, forum_id_of(db_session))
    assert forum is not None
    document = {**load_packaged(), "slug": "second-survey", "title": "A second survey"}
    second = publish_survey(db_session, forum, document)
    extra = add_coded_answers(db_session, second, ["The council refused to assess."])
    options = filter_options_of(db_session)
    assert [title for _id, title in options.surveys] == [
        "A second survey",
        "Your family's experience of SEND services",
    ]
    assert queued_ids(db_session, Filters(status="all", survey_id=second.survey_id)) == extra


def test_the_status_filter_is_the_queue_by_default(db_session: Session, demo: list[int]) -> None:
    code_answer(db_session, demo[0])
    code_answer(db_session, demo[5])
    assert sorted(queued_ids(db_session, Filters())) == sorted(set(demo) - {demo[0], demo[5]})
    assert sorted(queued_ids(db_session, Filters(status=CODED))) == sorted([demo[0], demo[5]])
    assert len(queued_ids(db_session, Filters(status="all"))) == len(demo)


def test_invalid_filters_in_the_address_get_a_message_not_an_error(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    soup = page(
        client,
        f"{QUEUE}?theme=%3Cscript%3E&sentiment=furious&confidence=max&survey=abc&from=soon&to=2026-13"
        "&status=gone&order=up&page=abc",
        status=422,
    )
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    messages = error_summary(soup)
    assert len(messages) == 8 and "Choose a theme from the list" in messages
    assert any("like March 2026" in message for message in messages)
    for link in one(soup, "[data-error-summary]").find_all("a"):
        assert soup.find(id=link["href"][1:]) is not None, link["href"]
    assert "<script>" not in client.get(f"{QUEUE}?theme=%3Cscript%3E").get_data(as_text=True)
    assert "To code: 12 answers" in squashed_text(soup)  # the queue is still shown, without those filters
    for odd in ("page=-3", "page=99999", "page=1e9"):
        assert client.get(f"{QUEUE}?{odd}").status_code == 200, odd
    for odd in ("from=2026-02-30", "survey=999999999999999999999"):
        assert client.get(f"{QUEUE}?{odd}").status_code == 422, odd


# --- pages and progress -------------------------------------------------------------------------


def test_pages_cover_the_queue_once_in_order(db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    seen = []
    for number in (1, 2, 3):
        listing = queue_page(db_session, forum_id, Filters(), number, per_page=5)
        assert (listing.page, listing.pages, listing.total) == (number, 3, 12)
        seen += [row.answer_id for row in listing.rows]
    assert seen == demo  # oldest first: the days were given in order
    last = queue_page(db_session, forum_id, Filters(), 99, per_page=5)
    assert last.page == 3 and [row.answer_id for row in last.rows] == demo[10:]
    assert (last.first, last.last) == (11, 12)
    assert queue_page(db_session, forum_id, Filters(), -1, per_page=5).page == 1

    unsure = queued_ids(db_session, Filters(order="unsure"))
    confidence = {c.answer_id: c.confidence for c in db_session.scalars(select(CodedAnswer))}
    assert [confidence[a] for a in unsure] == sorted(confidence[a] for a in demo)


def test_the_queue_page_lists_answers_with_their_suggestions(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    soup = page(client, QUEUE)
    items = soup.select(".coding-queue__item")
    assert len(items) == 12
    first = squashed_text(items[0])
    assert "Answer" in first and "autism assessment" in first and "Waiting for health" in first
    assert "% sure" in first and "To code" in first
    assert one(items[0], "a")["href"] == f"/staff/coding/{public_id(db_session, demo[0])}"
    bar = soup.find("progress")
    assert bar is not None and (bar["value"], bar["max"]) == ("0", "12")
    assert one(soup, f'label[for="{bar["id"]}"]').get_text(strip=True) == "0 of 12 coded"


def test_progress_counts_the_coded_answers_the_filters_select(db_session: Session, demo: list[int]) -> None:
    forum_id = forum_id_of(db_session)
    assert progress(db_session, forum_id, Filters()) == Progress(0, 12)
    for answer_id in demo[:5]:
        code_answer(db_session, answer_id)
    counted = progress(db_session, forum_id, Filters())
    assert (counted.coded, counted.total, counted.pending, counted.label) == (5, 12, 7, "5 of 12 coded")
    assert progress(db_session, forum_id, Filters(status=CODED)) == counted  # status aside
    january = parse_filters({"to": "January 2026"}, filter_options_of(db_session)).filters
    assert progress(db_session, forum_id, january) == Progress(4, 4)
    assert Progress(412, 1030).label == "412 of 1,030 coded"


def test_an_empty_queue_says_so(app: Flask, db_session: Session) -> None:
    make_survey(db_session, make_forum(db_session))
    make_staff(db_session, CODER, role="coder")
    client = signed_in(app, CODER)
    text = squashed_text(page(client, QUEUE))
    assert "There are no answers to code" in text and "No answers here yet" in text
    assert client.get("/staff/coding/next").location.endswith(QUEUE)
    assert "There are no answers to code here" in squashed_text(page(client, QUEUE))
    # A plain page view writes nothing: no codebook is created for the forum by looking.
    assert db_session.scalar(select(func.count()).select_from(CodebookVersion)) == 0


def test_filters_that_match_nothing_say_so(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, CODER)
    text = squashed_text(page(client, f"{QUEUE}?from=2030-01"))
    assert "No answers match these filters" in text


# --- who may see what ---------------------------------------------------------------------------


def test_another_forums_answers_cannot_be_seen_or_coded(
    app: Flask, db_session: Session, demo: list[int], other: list[int]
) -> None:
    client = signed_in(app, LEAD)
    queue = page(client, f"{QUEUE}?status=all")
    links = {attribute(a, "href") for a in queue.select(".coding-queue a")}
    assert not {link.split("/")[-1].split("?")[0] for link in links} & set(public_ids(db_session, other))
    page(client, f"/staff/coding/{public_id(db_session, other[0])}", status=404)
    soup = page(client, f"/staff/coding/{public_id(db_session, demo[0])}")
    response = client.post(
        f"/staff/coding/{public_id(db_session, other[0])}",
        data={"theme": ["family_impact"], "sentiment": "positive", "csrf_token": csrf_token(soup)},
    )
    assert response.status_code == 404
    client.post("/staff/coding/bulk", data={"csrf_token": csrf_token(soup)})
    other_forum = forum_id_of(db_session, "other")
    db_session.expire_all()
    assert progress(db_session, other_forum, Filters()).coded == 0
    assert answer_for_coding(db_session, forum_id_of(db_session), other[0]) is None
    with pytest.raises(AnswerNotFound):
        save_coding(
            db_session,
            forum_id_of(db_session),
            user_id(db_session, LEAD),
            other[0],
            themes=[],
            sentiment="neutral",
            filters=Filters(),
        )
    for odd in ("0", "abc", "1e3", "-1", "99999999999999999999", str(demo[0]), "0123456789abcdef"):
        assert client.get(f"/staff/coding/{odd}").status_code == 404, odd


def test_viewers_may_not_code(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, VIEWER)
    for url in (
        QUEUE,
        "/staff/coding/next",
        f"/staff/coding/{public_id(db_session, demo[0])}",
        "/staff/coding/bulk",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_token(page(client, "/staff/responses"))
    for url in (
        f"/staff/coding/{public_id(db_session, demo[0])}",
        "/staff/coding/undo",
        "/staff/coding/bulk",
        "/staff/coding/bulk/threshold",
    ):
        assert (
            client.post(url, data={"csrf_token": token, "theme": [], "sentiment": "neutral"}).status_code
            == 403
        ), url
    assert db_session.scalar(select(func.count()).select_from(CodingDecision)) == 0


def test_withdrawn_answers_vanish_from_the_queue(app: Flask, db_session: Session) -> None:
    forum = make_forum(db_session)
    make_survey(db_session, forum)
    make_staff(db_session, CODER, role="coder")
    family = app.test_client()
    answer_all(family)
    submit(family)
    code = receipt_code(page(family, f"{SURVEY_URL}done"))
    assert code is not None
    staff = signed_in(app, CODER)
    assert "There are no answers to code" in squashed_text(page(staff, QUEUE))  # not until approved
    approve_all(db_session)
    assert "To code: 3 answers" in squashed_text(page(staff, QUEUE))
    answer_id = db_session.scalar(select(CodedAnswer.answer_id).order_by(CodedAnswer.answer_id))
    assert answer_id is not None
    named = public_id(db_session, answer_id)
    post_form(staff, f"/staff/coding/{named}", {"theme": ["family_impact"], "sentiment": "negative"})

    asked = post_form(family, f"{SURVEY_URL}withdraw", {"code": code})
    soup = BeautifulSoup(asked.get_data(as_text=True), "html.parser")
    family.post(
        f"{SURVEY_URL}withdraw/confirm",
        data={"code": one(soup, "input[name=code]")["value"], "csrf_token": csrf_token(soup)},
    )
    assert db_session.scalar(select(func.count()).select_from(Answer)) == 0
    text = squashed_text(page(staff, f"{QUEUE}?status=all"))
    assert "No answers here yet" in text and "There are no answers here yet" in text
    page(staff, f"/staff/coding/{named}", status=404)
    undo = staff.post("/staff/coding/undo", data={"csrf_token": csrf_token(page(staff, QUEUE))})
    assert undo.status_code == 303  # the decision went with the answer: nothing to undo, no error


def test_answers_being_double_coded_blind_stay_out_of_the_two_coders_sight(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    from forum_app.agreement.sampling import create_sample, save_blind

    forum_id = forum_id_of(db_session)
    make_staff(db_session, "second@example.org", role="coder")
    lead, coder, second = (user_id(db_session, email) for email in (LEAD, CODER, "second@example.org"))
    sample = create_sample(db_session, forum_id, lead, 0.25, coder, second, seed=1)
    sampled = sorted(item.answer_id for item in sample.items)
    assert len(sampled) == 3
    coders_view = parse_filters({}, filter_options_of(db_session), coder).filters
    assert sorted(set(demo) - set(queued_ids(db_session, coders_view))) == sampled
    assert sorted(queued_ids(db_session, Filters())) == sorted(demo)  # the lead, not coding it, sees all
    assert progress(db_session, forum_id, coders_view).total == len(demo) - 3
    client = signed_in(app, CODER)
    page(client, f"{QUEUE}/{public_id(db_session, sampled[0])}", 404)
    with pytest.raises(AnswerNotFound):
        code_answer(db_session, sampled[0])
    assert next_in_queue(db_session, forum_id, coders_view) not in sampled
    assert bulk_preview(db_session, forum_id, 0.0, coders_view) == len(demo) - 3
    for item in sample.items:  # both finish: the answers come back
        for who in (coder, second):
            save_blind(db_session, item, who, ["waiting_times"], "negative")
    assert sorted(queued_ids(db_session, coders_view)) == sorted(demo)
    page(client, f"{QUEUE}/{public_id(db_session, sampled[0])}")
