"""Quotes: the selection rule, descriptors, and the facts of the Q register."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.accounts.services import create_user
from forum_app.coding.models import ACCEPTED, Coding
from forum_app.moderation.models import APPROVED, ModerationItem
from forum_app.moderation.reads import redaction_count
from forum_app.packs.build import build_pack
from forum_app.packs.data import Gathered, find, gather, period_of
from forum_app.packs.disclosure import DEFAULT_RULES
from forum_app.packs.quotes import allocate, describe, final_check, profile_of, select_quotes
from forum_app.packs.render_csv import quotes_table, render_csv_zip
from forum_app.packs.render_json import render_json
from forum_app.packs.tables import Publisher
from forum_app.quotes.models import QuoteCandidate
from forum_app.quotes.reads import QuoteSource
from tests.packs.factories import REQUEST, seed_coded
from tests.packs.sample import sample_pack

THEMES = [("waits", "Waiting times", ["needs"]), ("talk", "Communication", ["engagement"])]
AREAS = {"needs": "Identifying needs", "engagement": "Engagement with families"}
APPROVED_ON = date(2026, 3, 4)


def source(
    answer_id: int, sentiment: str, theme: str = "waits", text: str = "", response: str = "r0"
) -> QuoteSource:
    words = text or f"Answer number {answer_id} about this theme."
    return QuoteSource(answer_id, theme, words, sentiment, response, 1, "lead", APPROVED_ON)


def gathered(
    split: dict[str, int], sources: list[QuoteSource], profiles: dict[str, dict[str, Any]] | None = None
) -> Gathered:
    """A period in which ``split`` families (by view) mention both themes."""
    now = Gathered(date(2026, 1, 1), date(2026, 6, 30))
    mentions: dict[str, set[str]] = {}
    for view, n in split.items():
        for _ in range(n):
            mentions[f"r{len(mentions)}"] = {view}
    now.themes["waits"] = dict(mentions)
    now.themes["talk"] = dict(mentions)
    now.profiles = profiles if profiles is not None else {r: {} for r in mentions}
    now.quotes = sources
    return now


def chosen(now: Gathered) -> list[tuple[int, str, bool]]:
    """(answer number, sentiment, minority) of the quotes, in the order shown."""
    quotes = select_quotes(Publisher(DEFAULT_RULES), now, THEMES, AREAS)
    return [(int(q.text.split()[2]), q.sentiment, q.minority) for q in quotes]


# --- the selection rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("split", "places"),
    [
        ({"negative": 8, "positive": 4}, {"negative": 2, "positive": 1}),
        ({"negative": 11, "positive": 1}, {"negative": 3, "positive": 0}),
        ({"negative": 4, "neutral": 4, "positive": 4}, {"negative": 1, "neutral": 1, "positive": 1}),
        ({"negative": 5, "neutral": 4, "positive": 1}, {"negative": 2, "neutral": 1, "positive": 0}),
        ({"positive": 7, "negative": 7}, {"negative": 2, "positive": 1}),  # a tie: negative first
    ],
)
def test_places_are_shared_by_the_largest_remainder(split: dict[str, int], places: dict[str, int]) -> None:
    assert allocate(split, 3) == places


def test_a_two_to_one_split_gives_two_typical_quotes_and_one_minority_labelled() -> None:
    sources = [source(1, "negative"), source(2, "negative"), source(3, "negative")]
    sources += [source(4, "positive"), source(5, "positive")]
    now = gathered({"negative": 8, "positive": 4}, sources)
    assert chosen(now) == [(1, "negative", False), (2, "negative", False), (4, "positive", True)]
    quotes = select_quotes(Publisher(DEFAULT_RULES), now, THEMES, AREAS)
    assert [q.id for q in quotes] == ["Q-001", "Q-002", "Q-003"]
    assert {q.of_comments for q in quotes} == {"1 of 10 comments on this theme"}  # 12 published as 10


def test_the_typical_view_comes_first_when_it_is_positive() -> None:
    sources = [source(1, "negative"), source(2, "positive"), source(3, "positive"), source(4, "positive")]
    now = gathered({"negative": 4, "positive": 8}, sources)
    assert chosen(now) == [(2, "positive", False), (3, "positive", False), (1, "negative", True)]


def test_a_view_with_no_place_gets_no_quote() -> None:
    sources = [source(i, "negative") for i in (1, 2, 3, 4)] + [source(5, "positive")]
    now = gathered({"negative": 11, "positive": 1}, sources)
    assert chosen(now) == [(1, "negative", False), (2, "negative", False), (3, "negative", False)]


def test_a_place_without_a_candidate_stays_empty() -> None:
    sources = [source(1, "negative")] + [source(i, "positive") for i in (2, 3, 4)]
    now = gathered({"negative": 8, "positive": 4}, sources)
    assert chosen(now) == [(1, "negative", False), (2, "positive", True)]


def test_no_quote_of_the_typical_view_means_no_quotes_for_the_theme() -> None:
    sources = [source(i, "positive") for i in (1, 2, 3)]
    assert chosen(gathered({"negative": 8, "positive": 4}, sources)) == []


def test_mixed_answers_count_as_neutral() -> None:
    sources = [source(1, "mixed"), source(2, "mixed"), source(3, "negative")]
    now = gathered({"neutral": 8, "negative": 4}, sources)
    assert chosen(now) == [(1, "mixed", False), (2, "mixed", False), (3, "negative", True)]


def test_a_theme_with_nine_reports_gives_no_quotes() -> None:
    sources = [source(1, "negative"), source(2, "negative")]
    assert chosen(gathered({"negative": 9}, sources)) == []
    assert chosen(gathered({"negative": 10}, sources)) == [(1, "negative", False), (2, "negative", False)]


def test_quotes_over_sixty_words_are_skipped() -> None:
    long = "Answer number 1 " + "word " * 58  # 61 words
    limit = "Answer number 2 " + "word " * 57  # 60 words
    sources = [source(1, "negative", text=long), source(2, "negative", text=limit)]
    quotes = select_quotes(Publisher(DEFAULT_RULES), gathered({"negative": 12}, sources), THEMES, AREAS)
    assert [q.words for q in quotes] == [60]


def test_no_quote_is_repeated_across_themes() -> None:
    sources = [
        source(1, "negative"),
        source(1, "negative", theme="talk"),  # the same answer, a candidate for both themes
        source(2, "negative", theme="talk", text="answer NUMBER 1   about this theme."),  # the same words
        source(3, "negative", theme="talk"),
    ]
    quotes = select_quotes(Publisher(DEFAULT_RULES), gathered({"negative": 12}, sources), THEMES, AREAS)
    assert [(q.theme_id, q.text) for q in quotes] == [
        ("waits", "Answer number 1 about this theme."),
        ("talk", "Answer number 3 about this theme."),
    ]


def test_a_quote_carries_its_register_facts() -> None:
    facts = QuoteSource(7, "waits", "We waited at [school].", "negative", "r0", 2, "coder", APPROVED_ON)
    (quote,) = select_quotes(Publisher(DEFAULT_RULES), gathered({"negative": 12}, [facts]), THEMES, AREAS)
    assert (quote.redactions, quote.approved_by_role, quote.approved_on) == (2, "coder", "2026-03-04")
    assert (quote.framework_area, quote.theme_label, quote.words) == ("Identifying needs", "Waiting times", 4)


# --- the final check --------------------------------------------------------------------------


def test_quotes_with_a_school_year_a_month_an_age_or_a_name_are_left_out_not_edited() -> None:
    sources = [
        source(1, "negative", text="Answer number 1 says his plan is so out of date it describes Year 3."),
        source(2, "negative", text="Answer number 2 says the annual review was in March and nothing since."),
        source(3, "negative", text="Answer number 3 says she turned 12 and everything stopped."),
        source(4, "negative", text="Answer number 4 says Emily has no school place."),
        source(5, "negative", text="Answer number 5 says nobody rings us back."),
    ]
    assert chosen(gathered({"negative": 12}, sources)) == [(5, "negative", False)]
    passed, left_out = final_check(sources)
    assert [s.answer_id for s in passed] == [5]
    assert [(s.answer_id, [p.kind for p in problems]) for s, problems in left_out] == [
        (1, ["school year"]),
        (2, ["month or date"]),
        (3, ["age"]),
        (4, ["name"]),
    ]
    assert left_out[0][0].text == sources[0].text  # nothing edited


def test_a_quote_left_out_gives_its_place_to_the_next_candidate_of_its_view() -> None:
    sources = [source(1, "negative", text="Answer number 1 in Year 10.")]
    sources += [source(i, "negative") for i in (2, 3, 4)]
    assert chosen(gathered({"negative": 12}, sources)) == [
        (2, "negative", False),
        (3, "negative", False),
        (4, "negative", False),
    ]


def test_the_forums_own_names_leave_a_quote_out() -> None:
    sources = [source(1, "negative", text="Answer number 1 says the head of Northgate said no.")]
    now = gathered({"negative": 12}, sources)
    assert chosen(now) == [(1, "negative", False)]  # not a name the redactor knows without the list
    publisher = Publisher(DEFAULT_RULES)
    assert select_quotes(publisher, now, THEMES, AREAS, deny_list=["Northgate"]) == ()
    assert select_quotes(publisher, now, THEMES, AREAS, deny_names=["Northgate"]) == ()


# --- descriptors -----------------------------------------------------------------------------

OLDER_PLAN = {"age_band": "11-15", "ehcp": "yes", "setting": "mainstream_secondary"}


def sizes(*groups: tuple[dict[str, Any], int]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for answers, n in groups:
        out[profile_of(answers)] = out.get(profile_of(answers), 0) + n
    return out


def test_descriptor_words_never_give_an_exact_age_or_setting() -> None:
    assert profile_of(OLDER_PLAN) == ("secondary age", "EHCP")
    assert profile_of({"age_band": "0-4", "ehcp": "sen_support"}) == ("early years age", "SEN support")
    assert profile_of({"age_band": "19-25", "ehcp": "waiting"}) == ("post-16", None)
    assert profile_of({}) == (None, None)


def test_the_most_specific_descriptor_with_ten_respondents_is_used() -> None:
    me = profile_of(OLDER_PLAN)
    assert describe(me, sizes((OLDER_PLAN, 10))) == "parent, secondary age, EHCP"
    older_support = {"age_band": "11-15", "ehcp": "sen_support"}
    younger_plan = {"age_band": "5-10", "ehcp": "yes"}
    assert describe(me, sizes((OLDER_PLAN, 9), (older_support, 1))) == "parent, secondary age"
    assert describe(me, sizes((OLDER_PLAN, 9), (younger_plan, 1))) == "parent, EHCP"
    assert describe(me, sizes((OLDER_PLAN, 9), ({}, 40))) == "parent"


def test_a_quote_from_a_group_of_nine_gets_a_coarser_descriptor() -> None:
    profiles = {f"r{i}": dict(OLDER_PLAN) for i in range(9)}
    profiles |= {f"r{i}": {"age_band": "11-15", "ehcp": "no"} for i in range(9, 12)}
    now = gathered({"negative": 12}, [source(1, "negative", response="r0")], profiles)
    (quote,) = select_quotes(Publisher(DEFAULT_RULES), now, THEMES, AREAS)
    assert quote.descriptor == "parent, secondary age"
    profiles["r9"] = dict(OLDER_PLAN)  # a tenth family like them
    (quote,) = select_quotes(
        Publisher(DEFAULT_RULES), gathered({"negative": 12}, now.quotes, profiles), THEMES, AREAS
    )
    assert quote.descriptor == "parent, secondary age, EHCP"


# --- the Q register --------------------------------------------------------------------------


def test_the_register_has_the_q_register_columns_first_then_the_words() -> None:
    pack = sample_pack()
    table = quotes_table(pack)
    assert [c.key for c in table.columns][10:] == ["theme", "text", "of_comments", "minority"]
    assert [row["text"] for row in table.rows] == [quote.text for quote in pack.quotes]
    assert [row["minority"] for row in table.rows] == ["No", "Yes"]
    assert [c.key for c in table.columns][:10] == [
        "quote_id",
        "theme_id",
        "framework_area",
        "sentiment",
        "descriptor",
        "words",
        "consent",
        "redactions",
        "approved_by_role",
        "approved_date",
    ]
    assert [row["consent"] for row in table.rows] == ["Y", "Y"]
    assert [row["approved_by_role"] for row in table.rows] == ["lead", "coder"]


def test_redactions_count_the_spans_left_in_the_text() -> None:
    def span(start: int, end: int, restored: bool = False) -> dict[str, Any]:
        return {"kind": "school", "start": start, "end": end, "source": "auto", "restored": restored}

    assert redaction_count([]) == 0
    assert redaction_count([span(0, 5), span(10, 15)]) == 2
    assert redaction_count([span(0, 5), span(3, 9), span(20, 25, restored=True)]) == 1


# --- from the database -----------------------------------------------------------------------

CODER = "coder@forum.invalid"


def _spans(text: str) -> list[dict[str, Any]]:
    """Redactions that depend on the words only (demo answers repeat): ``len(text) % 3`` left in the
    text, plus one restored."""
    kept = [
        {"kind": "name", "start": 10 * i, "end": 10 * i + 4, "source": "auto", "restored": False}
        for i in range(len(text) % 3)
    ]
    return [*kept, {"kind": "school", "start": 90, "end": 95, "source": "moderator", "restored": True}]


def _candidates(session: Session, how_many: int) -> list[tuple[int, str]]:
    forum = session.scalars(select(Forum)).one()
    found = session.execute(
        select(Coding.answer_id, Coding.theme_id)
        .join(ModerationItem, ModerationItem.answer_id == Coding.answer_id)
        .where(
            Coding.status == ACCEPTED,
            ModerationItem.status == APPROVED,
            ModerationItem.quote_consent.is_(True),
        )
        .order_by(Coding.answer_id)
    ).all()
    rows = sorted({answer_id: (answer_id, theme_id) for answer_id, theme_id in reversed(found)}.values())
    rows = rows[:how_many]  # one theme per answer
    for answer_id, theme_id in rows:
        session.add(
            QuoteCandidate(
                answer_id=answer_id, forum_id=forum.id, theme_id=theme_id, marked_on=date(2026, 6, 30)
            )
        )
    return rows


def test_gather_reads_redactions_approver_role_and_day(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session, responses=120)
    coder = create_user(db_session, CODER, "demo", "coder").user
    rows = _candidates(db_session, 12)
    assert len(rows) == 12
    items = {item.answer_id: item for item in db_session.scalars(select(ModerationItem))}
    approved, unrecorded = {a for a, _ in rows[:10]}, {a for a, _ in rows[10:]}
    for answer_id in approved:
        items[answer_id].decided_by = coder.id
        items[answer_id].decided_on = APPROVED_ON
        items[answer_id].redactions = _spans(str(items[answer_id].answer.value))
    db_session.commit()
    forum, survey = find(db_session, REQUEST)
    start, end = period_of(db_session, survey.id, REQUEST)
    now = gather(db_session, forum.id, survey, start, end, {})
    assert all(items[a].decided_by is None for a in unrecorded)  # approved as demo data, by nobody
    assert {s.answer_id for s in now.quotes} == approved  # so only these may be quoted
    for s in now.quotes:
        assert s.redactions == len(s.text) % 3
        assert (s.approved_by_role, s.approved_on) == ("coder", APPROVED_ON)
    assert len(now.profiles) == now.respondents > len(now.groups)  # everyone, not only free text
    assert all(set(answers) <= {"age_band", "setting", "ehcp"} for answers in now.profiles.values())


def test_the_pack_shows_the_role_and_day_of_approval_never_the_person(
    app: Flask, db_session: Session
) -> None:
    seed_coded(app, db_session)
    coder = create_user(db_session, CODER, "demo", "coder").user
    rows = _candidates(db_session, 60)
    for item in db_session.scalars(
        select(ModerationItem).where(ModerationItem.answer_id.in_({a for a, _ in rows}))
    ):
        item.decided_by, item.decided_on = coder.id, APPROVED_ON
        item.redactions = _spans(str(item.answer.value))
    db_session.commit()
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert len(pack.quotes) >= 3
    for quote in pack.quotes:
        assert quote.redactions == len(quote.text) % 3
        assert (quote.approved_by_role, quote.approved_on) == ("coder", "2026-03-04")
        assert quote.descriptor.startswith("parent")
    register = quotes_table(pack)
    assert [row["approved_date"] for row in register.rows] == ["2026-03-04"] * len(pack.quotes)
    for data in (render_json(pack), render_csv_zip(pack)):
        assert CODER.encode() not in data and b"coder@" not in data


def test_a_built_pack_leaves_out_a_candidate_naming_a_month(app: Flask, db_session: Session) -> None:
    seed_coded(app, db_session)
    coder = create_user(db_session, CODER, "demo", "coder").user
    rows = _candidates(db_session, 60)
    items = list(
        db_session.scalars(select(ModerationItem).where(ModerationItem.answer_id.in_({a for a, _ in rows})))
    )
    for item in items:
        item.decided_by, item.decided_on = coder.id, APPROVED_ON
    db_session.commit()
    shown = {quote.text for quote in build_pack(db_session, REQUEST, built_on=date(2026, 7, 1)).quotes}
    assert shown
    for item in items:
        if item.answer.value in shown:
            item.answer.value = "The annual review was in March and we have heard nothing since."
    db_session.commit()
    pack = build_pack(db_session, REQUEST, built_on=date(2026, 7, 1))
    assert not any("March" in quote.text for quote in pack.quotes)
    assert "left out, not edited" in " ".join(p for section in pack.methodology for p in section.paragraphs)
