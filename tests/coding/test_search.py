"""Text search and the range of how sure the automatic coder is, in the coding workspace's filters."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.coding.bulk import bulk_preview
from forum_app.coding.filters import FilterOptions, Filters, describe_filters, parse_filters
from forum_app.coding.models import CodedAnswer
from forum_app.coding.queue import queue_page
from forum_app.coding.search import SEARCH_LENGTH, marked_snippet, search_terms
from tests.coding.factories import (
    CODER,
    QUEUE,
    TEXTS,
    add_coded_answers,
    error_summary,
    filter_options_of,
    forum_id_of,
    queued_ids,
    seed_workspace,
)
from tests.factories import make_forum, make_survey, page, signed_in, squashed_text

OPTIONS = FilterOptions([("waiting_times", "Waiting")], [])
ODD = ["Costs went up 100% in a year", "The form_name field was blank", r"A back\slash here", "Ünïcode wait"]


@pytest.fixture
def demo(db_session: Session) -> list[int]:
    return seed_workspace(db_session)


def _search(session: Session, text: str, **more: str) -> list[int]:
    filters = parse_filters({"status": "all", "q": text, **more}, filter_options_of(session)).filters
    return sorted(queued_ids(session, filters))


def test_search_terms_are_words_and_quoted_phrases() -> None:
    assert search_terms('autism  "speech and   language" Autism') == ["autism", "speech and language"]
    assert search_terms('"unclosed phrase') == ["unclosed phrase"]
    assert search_terms('""  " "') == []


def test_every_word_must_be_in_the_answer_whatever_the_case(db_session: Session, demo: list[int]) -> None:
    assert _search(db_session, "WAIT") == sorted(a for a, t in zip(demo, TEXTS, strict=True) if "wait" in t)
    assert _search(db_session, "year respite") == [demo[3]]
    assert _search(db_session, "year zebra") == []
    assert _search(db_session, '"annual review was late"') == [demo[2]]
    assert _search(db_session, '"review annual"') == []
    # The other filters still apply to what the search found.
    waiting = _search(db_session, "wait", **{"from": "February 2026"})
    assert waiting and set(waiting) < set(_search(db_session, "wait"))


def test_like_wildcards_are_only_text(db_session: Session, demo: list[int]) -> None:
    survey = make_survey(db_session, make_forum(db_session, "odd", "Odd Forum"))
    odd = add_coded_answers(db_session, survey, ODD)
    forum_id = forum_id_of(db_session, "odd")

    def found(text: str) -> list[int]:
        filters = parse_filters({"status": "all", "q": text}, filter_options_of(db_session)).filters
        return sorted(row.answer_id for row in queue_page(db_session, forum_id, filters, 1, 100).rows)

    assert found("100%") == [odd[0]]
    assert found("%") == [odd[0]]
    assert found("_") == [odd[1]]
    assert found("fo_m") == []  # "_" is not any one letter
    assert found("\\") == [odd[2]]
    assert found(r"k\s") == [odd[2]]
    assert found("Ünïcode") == [odd[3]]
    assert found("'; drop table answers; --") == []
    assert _search(db_session, "100%") == []  # never another forum's answers


def test_a_numeric_range_of_how_sure_the_coder_is(db_session: Session, demo: list[int]) -> None:
    rows = {c.answer_id: c.confidence for c in db_session.scalars(select(CodedAnswer))}
    shown = {answer_id: round(100 * value) for answer_id, value in rows.items()}
    low, high = sorted(shown.values())[3], sorted(shown.values())[8]
    expected = sorted(a for a in demo if low <= shown[a] <= high)
    assert _search(db_session, "", sure_from=str(low), sure_to=f"{high}%") == expected
    assert _search(db_session, "", sure_from="0", sure_to="100") == sorted(demo)
    at_least = sorted(a for a in demo if shown[a] >= high)
    assert _search(db_session, "", sure_from=str(high)) == at_least
    # The bands still work alongside.
    band = parse_filters({"status": "all", "confidence": "high"}, filter_options_of(db_session)).filters
    assert sorted(queued_ids(db_session, band)) == sorted(a for a in demo if rows[a] >= 0.9)
    filters = parse_filters({"q": "wait", "sure_from": "10", "sure_to": "90"}, OPTIONS).filters
    assert (filters.search, filters.sure_from, filters.sure_to) == ("wait", 10, 90)
    assert parse_filters(filters.query(), OPTIONS).filters == filters
    assert describe_filters(filters, OPTIONS) == ["text: wait", "automatic coder: from 10% to 90% sure"]
    assert bulk_preview(db_session, forum_id_of(db_session), 0.0, Filters(search="zebra")) == 0


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"sure_from": "abc"}, "sure_from", "whole number from 0 to 100"),
        ({"sure_from": "101"}, "sure_from", "whole number from 0 to 100"),
        ({"sure_to": "-1"}, "sure_to", "whole number from 0 to 100"),
        ({"sure_to": "5.5"}, "sure_to", "whole number from 0 to 100"),
        ({"sure_from": "80", "sure_to": "20"}, "sure_to", "same as or more than the lowest"),
        ({"q": "x" * (SEARCH_LENGTH + 1)}, "q", "200 characters or fewer"),
    ],
)
def test_bad_ranges_and_long_searches_get_a_message(args: dict[str, str], field: str, message: str) -> None:
    parsed = parse_filters(args, OPTIONS)
    assert message in parsed.errors[field]
    assert parsed.filters.search is None and parsed.filters.sure_to is None
    assert len(parsed.values["q"]) <= SEARCH_LENGTH


def test_matches_are_marked_from_near_the_first_one() -> None:
    pieces = marked_snippet("We waited 2 years. The WAIT is long", ["wait"])
    assert [(p.text, p.marked) for p in pieces] == [
        ("We ", False),
        ("wait", True),
        ("ed 2 years. The ", False),
        ("WAIT", True),
        (" is long", False),
    ]
    long = "filler " * 60 + "the tribunal said no " + "more " * 60
    pieces = marked_snippet(long, ["tribunal"])
    assert pieces[0].text == "…" and pieces[-1].text == "…"
    assert [p.text for p in pieces if p.marked] == ["tribunal"]
    assert sum(len(p.text) for p in pieces) <= 165
    overlapping = marked_snippet("abcdef", ["abc", "cde"])
    assert [(p.text, p.marked) for p in overlapping] == [("abcde", True), ("f", False)]


def test_hostile_searches_and_texts_are_marked_without_backtracking() -> None:
    parsed = parse_filters({"q": '"a' * 5_000}, OPTIONS)
    assert "q" in parsed.errors and parsed.filters.search is None
    terms = search_terms(("a" * 150) + ' "' + "a " * 24)
    assert len(terms) == 2
    pieces = marked_snippet("a" * 10_000, terms)
    assert [p.text for p in pieces if p.marked] == ["a" * 160]
    pieces = marked_snippet("ab" * 5_000 + " needle", search_terms("ab " * 66 + "needle"))
    assert [p.text for p in pieces if p.marked] == ["ab" * 80]  # from the first match, not the needle
    nothing = marked_snippet("x" * 10_000, ["x" * 199 + "y"])
    assert not [p for p in nothing if p.marked] and nothing[-1].text == "…"


def test_the_queue_page_searches_marks_and_counts(app: Flask, db_session: Session, demo: list[int]) -> None:
    client = signed_in(app, CODER)
    soup = page(client, f"{QUEUE}?q=wait")
    items = soup.select(".coding-queue__item")
    expected = [t for t in TEXTS if "wait" in t.lower()]
    assert len(items) == len(expected) >= 3
    for item in items:
        assert next(mark.get_text() for mark in item.select("mark")).lower() == "wait"
    count = squashed_text(soup.select_one("[data-match-count]"))
    assert count == f"{len(expected)} answers match the search “wait”"
    search = soup.select_one("#filter-q")
    assert search is not None and search["value"] == "wait"
    link = soup.select_one(".coding-queue__item a")
    assert link is not None and "q=wait" in str(link["href"])  # carried to the answer's page
    hostile = page(client, f"{QUEUE}?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert "<script>alert" not in str(hostile)
    marked = page(client, f"{QUEUE}?q=%22%3Cb%3E%22")
    assert not marked.select(".coding-queue b")


def test_bad_search_and_range_in_the_address_get_messages_not_errors(
    app: Flask, db_session: Session, demo: list[int]
) -> None:
    client = signed_in(app, CODER)
    soup = page(client, f"{QUEUE}?q={'x' * 10_000}&sure_from=abc&sure_to=%FF", status=422)
    messages = error_summary(soup)
    assert "Search for 200 characters or fewer" in messages
    assert "Enter the lowest percentage as a whole number from 0 to 100" in messages
    assert "To code: 12 answers" in squashed_text(soup)
    for odd in ("q=%00", "q=%22", "q=%25%25", "sure_from=99999999999999999999", "sure_to=1e3", "q=\\"):
        assert client.get(f"{QUEUE}?{odd}").status_code in (200, 422), odd
    backwards = page(client, f"{QUEUE}?sure_from=90&sure_to=10", status=422)
    assert any("more than the lowest" in message for message in error_summary(backwards))
