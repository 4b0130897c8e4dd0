"""The coding workspace: filters, pages, progress, save and next, undo, bulk acceptance, who may see what."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.versions import default_fields
from forum_app.coding.answer import AnswerNotFound, answer_for_coding, save_coding
from forum_app.coding.bulk import (
    DEFAULT_THRESHOLD,
    THRESHOLD_KEY,
    ThresholdError,
    bulk_accept,
    bulk_preview,
    bulk_threshold,
)
from forum_app.coding.decisions import DecisionError, state_of
from forum_app.coding.filters import FilterOptions, Filters, filter_options, parse_filters, parse_period_bound
from forum_app.coding.models import ACCEPTED, AUTO, CODED, PENDING, CodedAnswer, Coding, CodingDecision
from forum_app.coding.queue import Progress, next_in_queue, progress, queue_page
from forum_app.coding.undo import undo_last
from forum_app.surveys.definitions import load_packaged
from forum_app.surveys.models import Answer
from forum_app.surveys.services import publish_survey
from tests.coding.factories import add_coded_answers
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

LEAD, CODER, VIEWER = "lead@example.org", "coder@example.org", "viewer@example.org"
QUEUE = "/staff/coding"
TEXTS = [
    "We waited 2 years for an autism assessment and nobody told us anything.",
    "CAMHS said the wait is 18 months and in the meantime our daughter stopped eating.",
    "The annual review was late again and the plan was never amended.",
    "Short breaks were cut and we have had no respite for a year.",
    "Our SENCO is brilliant, she listens and rings me back the same day.",
    "The school excluded him three times and the council has no specialist place.",
    "We had to go to tribunal to get speech and language therapy in the plan.",
    "Nobody answers emails at the SEND team and the case officer changed four times.",
    "The EHC needs assessment took 40 weeks instead of 20.",
    "Transition to college was planned a year ahead and went really well.",
    "The OT waiting list is over a year long.",
    "My son has no friends and is never invited to clubs in our town.",
]
# Three months of answers: January, February and March 2026, four in each.
DAYS = [date(2026, 1 + index // 4, 1 + 3 * (index % 4)) for index in range(len(TEXTS))]


@pytest.fixture
def demo(db_session: Session) -> list[int]:
    """Twelve coded answers of the demo forum, and a lead, a coder and a viewer of it."""
    forum = make_forum(db_session)
    ids = add_coded_answers(db_session, make_survey(db_session, forum), TEXTS, DAYS)
    for email, role in ((LEAD, "lead"), (CODER, "coder"), (VIEWER, "viewer")):
        make_staff(db_session, email, role=role)
    return ids


@pytest.fixture
def other(db_session: Session) -> list[int]:
    """Three answers of another forum."""
    forum = make_forum(db_session, "other", "Other Forum")
    return add_coded_answers(db_session, make_survey(db_session, forum), TEXTS[:3])


def _forum_id(session: Session, slug: str = "demo") -> int:
    found = session.scalar(select(Forum.id).where(Forum.slug == slug))
    assert found is not None
    return found


def _options(session: Session) -> FilterOptions:
    return filter_options(session, _forum_id(session))


def _all_ids(session: Session, filters: Filters, per_page: int = 100) -> list[int]:
    listing = queue_page(session, _forum_id(session), filters, 1, per_page)
    return [row.answer_id for row in listing.rows]


def _summary(soup: BeautifulSoup) -> list[str]:
    found = one(soup, "[data-error-summary]")
    return [" ".join(a.get_text(" ").split()) for a in found.find_all("a")] if found else []


def _code(session: Session, answer_id: int, who: str = CODER, themes: list[str] | None = None) -> int | None:
    coded = session.get(CodedAnswer, answer_id)
    assert coded is not None
    session.expire_all()
    return save_coding(
        session,
        _forum_id(session),
        user_id(session, who),
        answer_id,
        themes=themes if themes is not None else list(state_of(session, coded).themes),
        sentiment="negative",
        filters=Filters(),
    )


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
    options = _options(db_session)
    every = Filters(status="all")
    assert sorted(_all_ids(db_session, every)) == sorted(demo)  # never another forum's

    themes = {
        answer_id: set(state_of(db_session, db_session.get_one(CodedAnswer, answer_id)).themes)
        for answer_id in demo
    }
    waiting = [a for a in demo if "waiting_times" in themes[a]]
    assert len(waiting) >= 3
    assert sorted(_all_ids(db_session, Filters(status="all", theme="waiting_times"))) == sorted(waiting)

    rows = {
        c.answer_id: c for c in db_session.scalars(select(CodedAnswer).where(CodedAnswer.answer_id.in_(demo)))
    }
    negative = [a for a in demo if rows[a].sentiment == "negative"]
    assert 0 < len(negative) < len(demo)
    assert sorted(_all_ids(db_session, Filters(status="all", sentiment="negative"))) == sorted(negative)

    for band, test in (
        ("low", lambda c: c < 0.7),
        ("medium", lambda c: 0.7 <= c < 0.9),
        ("high", lambda c: c >= 0.9),
    ):
        expected = sorted(a for a in demo if test(rows[a].confidence))
        assert sorted(_all_ids(db_session, Filters(status="all", confidence=band))) == expected, band

    february = [a for a, day in zip(demo, DAYS, strict=True) if day.month == 2]
    parsed = parse_filters({"status": "all", "from": "February 2026", "to": "Feb 2026"}, options)
    assert sorted(_all_ids(db_session, parsed.filters)) == sorted(february)
    since = parse_filters({"status": "all", "from": "2026-03-04"}, options).filters
    assert sorted(_all_ids(db_session, since)) == sorted(
        a for a, d in zip(demo, DAYS, strict=True) if d >= date(2026, 3, 4)
    )

    # A second survey of the same forum.
    forum = db_session.get(Forum, _forum_id(db_session))
    assert forum is not None
    document = {**load_packaged(), "slug": "second-survey", "title": "A second survey"}
    second = publish_survey(db_session, forum, document)
    extra = add_coded_answers(db_session, second, ["The council refused to assess."])
    options = _options(db_session)
    assert [title for _id, title in options.surveys] == [
        "A second survey",
        "Your family's experience of SEND services",
    ]
    assert _all_ids(db_session, Filters(status="all", survey_id=second.survey_id)) == extra


def test_the_status_filter_is_the_queue_by_default(db_session: Session, demo: list[int]) -> None:
    _code(db_session, demo[0])
    _code(db_session, demo[5])
    assert sorted(_all_ids(db_session, Filters())) == sorted(set(demo) - {demo[0], demo[5]})
    assert sorted(_all_ids(db_session, Filters(status=CODED))) == sorted([demo[0], demo[5]])
    assert len(_all_ids(db_session, Filters(status="all"))) == len(demo)


def test_invalid_filters_in_the_address_get_a_message_not_an_error(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    soup = page(
        client,
        f"{QUEUE}?theme=%3Cscript%3E&sentiment=furious&confidence=max&survey=abc&from=soon&to=2026-13"
        "&status=gone&order=up&page=abc",
    )
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    messages = _summary(soup)
    assert len(messages) == 8 and "Choose a theme from the list" in messages
    assert any("like March 2026" in message for message in messages)
    for link in one(soup, "[data-error-summary]").find_all("a"):
        assert soup.find(id=link["href"][1:]) is not None, link["href"]
    assert "<script>" not in client.get(f"{QUEUE}?theme=%3Cscript%3E").get_data(as_text=True)
    assert "To code: 12 answers" in squashed_text(soup)  # the queue is still shown, without those filters
    for odd in ("page=-3", "page=99999", "page=1e9", "from=2026-02-30", "survey=999999999999999999999"):
        assert client.get(f"{QUEUE}?{odd}").status_code == 200, odd


# --- pages and progress -------------------------------------------------------------------------


def test_pages_cover_the_queue_once_in_order(db_session: Session, demo: list[int]) -> None:
    forum_id = _forum_id(db_session)
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

    unsure = _all_ids(db_session, Filters(order="unsure"))
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
    forum_id = _forum_id(db_session)
    assert progress(db_session, forum_id, Filters()) == Progress(0, 12)
    for answer_id in demo[:5]:
        _code(db_session, answer_id)
    counted = progress(db_session, forum_id, Filters())
    assert (counted.coded, counted.total, counted.pending, counted.label) == (5, 12, 7, "5 of 12 coded")
    assert progress(db_session, forum_id, Filters(status=CODED)) == counted  # status aside
    january = parse_filters({"to": "January 2026"}, _options(db_session)).filters
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


# --- coding one answer --------------------------------------------------------------------------


def test_the_coding_page_shows_the_answer_evidence_and_every_theme(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    soup = page(client, f"/staff/coding/{public_id(db_session, demo[0])}")
    text = squashed_text(soup)
    assert TEXTS[0] in text and "What has not worked well?" in text and "January 2026" in text
    boxes = soup.select("input[name=theme]")
    assert len(boxes) == len(default_fields()) == 16
    coded = db_session.get(CodedAnswer, demo[0])
    assert coded is not None
    assert {box["value"] for box in boxes if box.has_attr("checked")} == {
        s["theme"] for s in coded.suggestions
    }
    waiting = soup.find(id="theme-waiting_times-hint")
    assert waiting is not None and "% sure" in waiting.get_text() and "“" in waiting.get_text()  # quotes
    assert one(soup, "input#theme-waiting_times")["aria-describedby"] == "theme-waiting_times-hint"
    radios = soup.select("input[name=sentiment]")
    assert [r["value"] for r in radios] == ["negative", "mixed", "neutral", "positive"]
    assert [r["value"] for r in radios if r.has_attr("checked")] == [coded.sentiment]
    keys = [kbd.get_text() for kbd in soup.select("label kbd")]
    assert keys == [*"1234567890qwerty", *"zxcv"]
    assert soup.find("script", src="/static/coding.js") is not None
    assert soup.find("button", string="Save and next") is not None


def test_save_and_next_records_who_and_when_and_keeps_the_filters(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    url = f"/staff/coding/{public_id(db_session, demo[4])}?order=unsure&to=2026-03"
    soup = page(client, url)
    seen = one(soup, "input[name=seen]")["value"]
    response = client.post(
        url,
        data={
            "theme": ["communication_coproduction", "family_impact"],
            "sentiment": "positive",
            "seen": seen,
            "csrf_token": csrf_token(soup),
        },
    )
    assert response.status_code == 303
    location = urlsplit(response.location)
    assert parse_qs(location.query) == {"order": ["unsure"], "to": ["2026-03-31"]}
    options = _options(db_session)
    filters = parse_filters({"order": "unsure", "to": "2026-03"}, options).filters
    assert location.path == f"/staff/coding/{public_id(db_session, _all_ids(db_session, filters)[0])}"

    db_session.expire_all()
    coded = db_session.get(CodedAnswer, demo[4])
    assert coded is not None and coded.status == CODED and coded.sentiment == "positive"
    assert coded.coded_by_id == user_id(db_session, CODER) and coded.coded_at is not None
    assert state_of(db_session, coded).themes == ("communication_coproduction", "family_impact")
    decision = db_session.scalars(select(CodingDecision)).one()
    assert (decision.kind, decision.user_id, decision.answer_id) == ("code", coded.coded_by_id, demo[4])

    following = page(client, response.location)
    assert "Saved your coding of answer" in squashed_text(following)
    again = page(client, f"/staff/coding/{public_id(db_session, demo[4])}")
    assert f"Coded by {CODER} on" in squashed_text(again)
    ticked = {box["value"] for box in again.select("input[name=theme]") if box.has_attr("checked")}
    assert ticked == {"communication_coproduction", "family_impact"}


def test_next_follows_the_queue_and_the_last_answer_leads_back_to_it(
    db_session: Session, demo: list[int]
) -> None:
    forum_id = _forum_id(db_session)
    assert _code(db_session, demo[0]) == demo[1]
    assert _code(db_session, demo[5]) == demo[6]
    assert _code(db_session, demo[11]) == demo[1]  # wraps round to the oldest left
    coded = db_session.get(CodedAnswer, demo[3])
    assert next_in_queue(db_session, forum_id, Filters(), after=coded) == demo[4]  # a skip
    for answer_id in demo:
        if db_session.get(CodedAnswer, answer_id).status == PENDING:  # type: ignore[union-attr]
            following = _code(db_session, answer_id)
    assert following is None
    assert next_in_queue(db_session, forum_id, Filters()) is None


def test_the_last_answer_of_the_queue_goes_back_to_the_queue(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    for answer_id in demo[1:]:
        _code(db_session, answer_id)
    client = signed_in(app, CODER)
    response = post_form(
        client,
        f"/staff/coding/{public_id(db_session, demo[0])}",
        {"theme": ["waiting_times"], "sentiment": "negative"},
    )
    assert response.status_code == 303 and response.location == QUEUE
    text = squashed_text(page(client, QUEUE))
    assert "That was the last answer here" in text and "12 of 12 coded" in text


def test_a_coding_saved_meanwhile_by_someone_else_is_not_overwritten(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    coder = signed_in(app, CODER)
    soup = page(coder, f"/staff/coding/{public_id(db_session, demo[2])}")
    _code(db_session, demo[2], who=LEAD, themes=["annual_reviews"])
    response = coder.post(
        f"/staff/coding/{public_id(db_session, demo[2])}",
        data={
            "theme": ["family_impact"],
            "sentiment": "positive",
            "seen": one(soup, "input[name=seen]")["value"],
            "csrf_token": csrf_token(soup),
        },
    )
    assert response.status_code == 200
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Someone else saved a coding" in squashed_text(shown) and _summary(shown)
    assert f"Coded by {LEAD}" in squashed_text(shown)
    db_session.expire_all()
    assert state_of(db_session, db_session.get(CodedAnswer, demo[2])).themes == ("annual_reviews",)  # type: ignore[arg-type]


def test_an_impossible_coding_gets_a_message(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, CODER)
    response = post_form(
        client, f"/staff/coding/{public_id(db_session, demo[0])}", {"theme": ["no_such_theme"]}
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert one(soup, "title").get_text().startswith("Error: ") and _summary(soup) == [
        "Unknown theme: no_such_theme."
    ]
    response = post_form(
        client,
        f"/staff/coding/{public_id(db_session, demo[0])}",
        {"theme": ["waiting_times"], "sentiment": ""},
    )
    assert "Choose a sentiment" in response.get_data(as_text=True)
    assert db_session.get(CodedAnswer, demo[0]).status == PENDING  # type: ignore[union-attr]


# --- undo ---------------------------------------------------------------------------------------


def test_undo_goes_back_to_the_answer_as_it_was(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, CODER)
    post_form(
        client,
        f"/staff/coding/{public_id(db_session, demo[0])}?sentiment=negative",
        {"theme": [], "sentiment": "neutral"},
    )
    soup = page(client, f"/staff/coding/{public_id(db_session, demo[1])}?sentiment=negative")
    undo = soup.find("form", attrs={"data-coding-undo": True})
    assert undo is not None and undo["action"] == "/staff/coding/undo?sentiment=negative"
    response = client.post(
        undo["action"], data={"csrf_token": csrf_token(soup), "from": public_id(db_session, demo[1])}
    )
    assert (
        response.status_code == 303
        and response.location == f"/staff/coding/{public_id(db_session, demo[0])}?sentiment=negative"
    )
    assert "back as it was" in squashed_text(page(client, response.location))
    db_session.expire_all()
    coded = db_session.get(CodedAnswer, demo[0])
    assert coded is not None and coded.status == PENDING and coded.coded_by_id is None
    assert set(state_of(db_session, coded).themes) == {s["theme"] for s in coded.suggestions}

    # Opening the undo address (reloaded, bookmarked) changes nothing and leads to the queue.
    assert client.get("/staff/coding/undo?sentiment=negative").location == f"{QUEUE}?sentiment=negative"
    assert db_session.scalar(select(func.count()).where(CodingDecision.kind == "undo")) == 1

    # Nothing left to undo: a message, back where the coder was.
    response = client.post(
        "/staff/coding/undo", data={"csrf_token": csrf_token(soup), "from": public_id(db_session, demo[1])}
    )
    assert response.location == f"/staff/coding/{public_id(db_session, demo[1])}"
    assert "You have no coding decisions to undo" in squashed_text(page(client, response.location))


def test_undo_takes_back_only_your_own_decisions(db_session: Session, demo: list[int]) -> None:
    forum_id = _forum_id(db_session)
    _code(db_session, demo[0], who=CODER)
    _code(db_session, demo[1], who=LEAD)
    undone = undo_last(db_session, forum_id, user_id(db_session, CODER))
    assert (undone.answer_id, undone.count, undone.bulk) == (demo[0], 1, False)
    assert db_session.get(CodedAnswer, demo[1]).status == CODED  # type: ignore[union-attr]
    with pytest.raises(DecisionError, match="no coding decisions"):
        undo_last(db_session, forum_id, user_id(db_session, CODER))


# --- bulk acceptance ----------------------------------------------------------------------------


def test_bulk_acceptance_accepts_the_confident_suggestions_once(db_session: Session, demo: list[int]) -> None:
    forum_id = _forum_id(db_session)
    coder = user_id(db_session, CODER)
    rows = {c.answer_id: c for c in db_session.scalars(select(CodedAnswer))}
    _code(db_session, demo[0], themes=[])  # coded already: never touched by bulk acceptance
    threshold = 0.8
    expected = sorted(a for a in demo[1:] if rows[a].confidence >= threshold)
    assert 0 < len(expected) < 11
    suggestions = {a: {s["theme"] for s in rows[a].suggestions} for a in expected}
    sentiments = {a: rows[a].sentiment for a in expected}

    assert bulk_preview(db_session, forum_id, threshold, Filters()) == len(expected)
    assert bulk_accept(db_session, forum_id, coder, threshold, Filters(), batch=2) == len(expected)
    assert bulk_accept(db_session, forum_id, coder, threshold, Filters()) == 0  # idempotent
    assert bulk_preview(db_session, forum_id, threshold, Filters()) == 0

    db_session.expire_all()
    for answer_id in expected:
        coded = db_session.get(CodedAnswer, answer_id)
        assert coded is not None and coded.status == CODED and coded.coded_by_id == coder
        assert coded.coded_at is not None and coded.sentiment == sentiments[answer_id]
        state = state_of(db_session, coded)
        assert set(state.themes) == suggestions[answer_id]
        codings = db_session.execute(
            select(Coding.source, Coding.status, Coding.coder_id).where(Coding.answer_id == answer_id)
        ).all()
        assert {tuple(row) for row in codings} <= {(AUTO, ACCEPTED, coder)}
    logged = db_session.scalars(select(CodingDecision).where(CodingDecision.kind == "bulk")).all()
    assert sorted(d.answer_id for d in logged) == expected
    assert len({d.decided_at for d in logged}) == 1  # one run
    assert all(d.before["status"] == PENDING and d.after["status"] == CODED for d in logged)
    assert all(d.before["themes"] == d.after["themes"] == sorted(suggestions[d.answer_id]) for d in logged)
    untouched = db_session.get(CodedAnswer, demo[0])
    assert untouched is not None and state_of(db_session, untouched).themes == ()


def test_bulk_acceptance_keeps_to_the_filters(db_session: Session, demo: list[int]) -> None:
    forum_id = _forum_id(db_session)
    waiting = Filters(theme="waiting_times")
    expected = [
        c.answer_id
        for c in db_session.scalars(select(CodedAnswer).where(CodedAnswer.confidence >= 0.5))
        if "waiting_times" in {s["theme"] for s in c.suggestions}
    ]
    accepted = bulk_accept(db_session, forum_id, user_id(db_session, LEAD), 0.5, waiting)
    assert accepted == len(expected) > 0
    coded = set(db_session.scalars(select(CodedAnswer.answer_id).where(CodedAnswer.status == CODED)))
    assert coded == set(expected)


def test_undo_after_bulk_acceptance_takes_the_whole_run_back(db_session: Session, demo: list[int]) -> None:
    forum_id = _forum_id(db_session)
    lead, coder = user_id(db_session, LEAD), user_id(db_session, CODER)
    before = {a: state_of(db_session, db_session.get(CodedAnswer, a)) for a in demo}  # type: ignore[arg-type]
    count = bulk_accept(db_session, forum_id, coder, 0.5, Filters(), batch=5)
    assert count == 12
    _code(db_session, demo[3], who=LEAD, themes=["family_impact"])  # changed since by someone else

    undone = undo_last(db_session, forum_id, coder)
    assert (undone.bulk, undone.count, undone.skipped) == (True, 11, 1)
    db_session.expire_all()
    for answer_id in demo:
        state = state_of(db_session, db_session.get(CodedAnswer, answer_id))  # type: ignore[arg-type]
        if answer_id == demo[3]:
            assert state.themes == ("family_impact",) and state.status == CODED
        else:
            assert state == before[answer_id]
            assert db_session.get(CodedAnswer, answer_id).coded_by_id is None  # type: ignore[union-attr]
    assert undo_last(db_session, forum_id, lead).answer_id == demo[3]  # the lead's own
    undos = db_session.scalar(select(func.count()).where(CodingDecision.kind == "undo"))
    assert undos == 12


def test_the_bulk_page_asks_before_accepting(app: Flask, db_session: Session, demo: list[int]) -> None:
    forum_id = _forum_id(db_session)
    client = signed_in(app, CODER)
    count = bulk_preview(db_session, forum_id, 0.9, Filters())
    soup = page(client, "/staff/coding/bulk")
    text = squashed_text(soup)
    assert "at least 90% sure" in text
    if count:
        assert f"Are you sure? This marks {count} answer" in text
    assert soup.find("input", attrs={"name": "threshold"}) is None  # only the lead sets it
    response = client.post(
        "/staff/coding/bulk?theme=waiting_times", data={"csrf_token": csrf_token(soup), "threshold": "0.5"}
    )
    assert response.status_code == 303 and response.location == f"{QUEUE}?theme=waiting_times"
    accepted = db_session.scalar(select(func.count()).where(CodingDecision.kind == "bulk"))
    expected = bulk_preview(db_session, forum_id, 0.5, Filters(theme="waiting_times"))
    assert f"Accepted the suggestions of {accepted}" in squashed_text(page(client, response.location))
    assert expected > 0  # at 50% more were waiting, but the form's threshold counts for nothing
    assert (
        client.post(
            "/staff/coding/bulk/threshold", data={"csrf_token": csrf_token(soup), "threshold": "50"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("typed", "stored"), [("80", 0.8), ("80%", 0.8), ("0.75", 0.75), ("100", 1.0), (" 50 ", 0.5)]
)
def test_the_lead_sets_the_threshold(
    app: Flask, db_session: Session, demo: list[int], typed: str, stored: float
) -> None:
    client = signed_in(app, LEAD)
    token = csrf_token(page(client, "/staff/coding/bulk?sentiment=negative"))
    response = client.post(
        "/staff/coding/bulk/threshold?sentiment=negative", data={"threshold": typed, "csrf_token": token}
    )
    assert response.status_code == 303 and response.location == "/staff/coding/bulk?sentiment=negative"
    assert bulk_threshold(db_session, _forum_id(db_session)) == stored
    assert f"at least {round(stored * 100)}% sure" in squashed_text(page(client, response.location))
    assert db_session.scalar(select(func.count()).select_from(CodingDecision)) == 0  # nothing accepted


@pytest.mark.parametrize("typed", ["", "abc", "40", "101", "0.2", "nan", "inf", "-90"])
def test_an_impossible_threshold_gets_a_message(
    app: Flask, db_session: Session, demo: list[int], typed: str
) -> None:
    client = signed_in(app, LEAD)
    soup = page(client, "/staff/coding/bulk")
    response = client.post(
        "/staff/coding/bulk/threshold", data={"csrf_token": csrf_token(soup), "threshold": typed}
    )
    assert response.status_code == 200
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert one(shown, "title").get_text().startswith("Error: ")
    assert _summary(shown) == ["Enter a confidence from 50% to 100%, like 90"]
    assert bulk_threshold(db_session, _forum_id(db_session)) == DEFAULT_THRESHOLD


def test_a_stored_threshold_out_of_range_falls_back_to_the_default(
    db_session: Session, demo: list[int]
) -> None:
    forum = db_session.get(Forum, _forum_id(db_session))
    assert forum is not None
    for bad in (0.1, "high", None, 7):
        forum.settings = {**forum.settings, THRESHOLD_KEY: bad}
        db_session.commit()
        assert bulk_threshold(db_session, forum.id) == 0.9
    with pytest.raises(ThresholdError):
        bulk_accept(db_session, forum.id, user_id(db_session, LEAD), 0.3, Filters())


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
    other_forum = _forum_id(db_session, "other")
    db_session.expire_all()
    assert progress(db_session, other_forum, Filters()).coded == 0
    assert answer_for_coding(db_session, _forum_id(db_session), other[0]) is None
    with pytest.raises(AnswerNotFound):
        save_coding(
            db_session,
            _forum_id(db_session),
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

    forum_id = _forum_id(db_session)
    make_staff(db_session, "second@example.org", role="coder")
    lead, coder, second = (user_id(db_session, email) for email in (LEAD, CODER, "second@example.org"))
    sample = create_sample(db_session, forum_id, lead, 0.25, coder, second, seed=1)
    sampled = sorted(item.answer_id for item in sample.items)
    assert len(sampled) == 3
    coders_view = parse_filters({}, _options(db_session), coder).filters
    assert sorted(set(demo) - set(_all_ids(db_session, coders_view))) == sampled
    assert sorted(_all_ids(db_session, Filters())) == sorted(demo)  # the lead, not coding it, sees all
    assert progress(db_session, forum_id, coders_view).total == len(demo) - 3
    client = signed_in(app, CODER)
    page(client, f"{QUEUE}/{public_id(db_session, sampled[0])}", 404)
    with pytest.raises(AnswerNotFound):
        _code(db_session, sampled[0])
    assert next_in_queue(db_session, forum_id, coders_view) not in sampled
    assert bulk_preview(db_session, forum_id, 0.0, coders_view) == len(demo) - 3
    for item in sample.items:  # both finish: the answers come back
        for who in (coder, second):
            save_blind(db_session, item, who, ["waiting_times"], "negative")
    assert sorted(_all_ids(db_session, coders_view)) == sorted(demo)
    page(client, f"{QUEUE}/{public_id(db_session, sampled[0])}")
