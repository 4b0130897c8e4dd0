"""Blind double coding: drawing a sample, coding it blind, the reliability report, disagreements.

The statistics are tested in test_statistics.py; here, the workflow around them and a report whose
figures are worked out by hand for a small constructed case (``code_constructed_case``). Runs on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.services import get_forum
from forum_app.agreement import reliability, sampling, settling
from forum_app.agreement.models import AgreementSample, BlindCoding
from forum_app.agreement.sampling import SampleError
from forum_app.coding.decisions import state_of
from forum_app.coding.models import CODED, CodedAnswer, CodingDecision
from forum_app.surveys.models import Survey
from tests.agreement.factories import (
    CODER_A,
    CODER_B,
    CODER_C,
    LEAD,
    NEVER_USED,
    OTHER_LEAD,
    VIEWER,
    WAITING,
    WAITING_LABEL,
    code_constructed_case,
    draw_sample,
    finish_constructed_case,
    page_html,
    sample_items,
    seed_double_coding,
)
from tests.factories import csrf_token, make_staff, page, sign_in


def test_sample_size_rounds_half_up_and_is_at_least_one() -> None:
    assert sampling.sample_size(0.15, 30) == 5  # 4.5 rounds up (not to the even 4)
    assert sampling.sample_size(0.15, 40) == 6
    assert sampling.sample_size(0.01, 10) == 1  # 0.1 of an answer: still one
    assert sampling.sample_size(1.0, 7) == 7
    assert sampling.sample_size(0.5, 0) == 0


def test_a_sample_is_the_chosen_share_of_answers_and_the_same_seed_draws_it_again(
    db_session: Session,
) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum, fraction=0.15, seed=7)
    items = sample_items(db_session, sample.id)
    assert (
        len(items) == max(1, round(0.15 * forum.answers + 1e-9)) == sampling.sample_size(0.15, forum.answers)
    )
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    forum_answers = set(
        db_session.scalars(select(CodedAnswer.answer_id).where(CodedAnswer.forum_id == forum.id))
    )
    assert {item.answer_id for item in items} <= forum_answers
    assert sample.fraction == 0.15 and sample.name == "Spring check" and sample.codebook_version_id

    again = sample_items(db_session, draw_sample(db_session, forum, fraction=0.15, seed=7).id)
    assert [i.answer_id for i in again] == [i.answer_id for i in items]  # same answers, same order
    whole = [
        i.answer_id for i in sample_items(db_session, draw_sample(db_session, forum, fraction=1.0, seed=8).id)
    ]
    assert sorted(whole) == sorted(forum_answers)
    assert whole != sorted(whole)  # the order both coders see is random, not the answers' order


def test_a_sample_can_be_limited_to_one_survey_and_a_period(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    survey_id = db_session.scalar(select(Survey.id).where(Survey.forum_id == forum.id))
    days = sorted(
        db_session.scalars(select(CodedAnswer.submitted_on).where(CodedAnswer.forum_id == forum.id))
    )
    middle = days[len(days) // 2]
    sample = draw_sample(db_session, forum, survey_id=survey_id, submitted_from=middle)
    chosen = [i.answer_id for i in sample_items(db_session, sample.id)]
    on_days = db_session.scalars(select(CodedAnswer.submitted_on).where(CodedAnswer.answer_id.in_(chosen)))
    assert chosen and all(day >= middle for day in on_days)
    assert len(chosen) == sum(day >= middle for day in days)
    with pytest.raises(SampleError, match="no free-text answers to sample for this survey and period"):
        draw_sample(db_session, forum, submitted_to=days[0].replace(year=days[0].year - 1))


def test_a_sample_needs_two_different_coding_members_of_the_forum(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    users = forum.users
    cases = [
        ({"second_coder_id": users[CODER_A]}, "two different people", "second_coder"),
        ({"first_coder_id": users[VIEWER]}, "is a viewer", "first_coder"),
        ({"second_coder_id": users[OTHER_LEAD]}, "this forum's staff", "second_coder"),
        ({"first_coder_id": 10**6}, "this forum's staff", "first_coder"),
    ]
    for people, message, field in cases:
        with pytest.raises(SampleError, match=message) as raised:
            draw_sample(db_session, forum, **people)
        assert raised.value.field == field
    for fraction in (0, 0.005, 1.01):
        with pytest.raises(SampleError, match="from 1% to 100%"):
            draw_sample(db_session, forum, fraction=fraction)
    with pytest.raises(SampleError, match="Only a forum lead"):
        sampling.create_sample(db_session, forum.id, users[CODER_C], 0.5, users[CODER_A], users[CODER_B])
    other_survey = db_session.scalar(select(Survey.id).where(Survey.forum_id != forum.id))
    with pytest.raises(SampleError, match="this forum's surveys"):
        draw_sample(db_session, forum, survey_id=other_survey)
    other = get_forum(db_session, "other")
    assert other is not None
    make_staff(db_session, "coder@other.example", forum_slug="other", role="coder")
    make_staff(db_session, CODER_A, forum_slug="other", role="coder")
    coder = db_session.scalar(select(User.id).where(User.email == "coder@other.example"))
    with pytest.raises(SampleError, match="no free-text answers to sample yet"):
        sampling.create_sample(db_session, other.id, users[OTHER_LEAD], 0.15, users[CODER_A], coder or 0)
    assert db_session.scalar(select(func.count()).select_from(AgreementSample)) == 0  # nothing half-made


def test_the_queue_follows_the_random_order_and_coding_locks_once_both_finish(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum, fraction=0.15)
    a, b = forum.users[CODER_A], forum.users[CODER_B]
    items = sample_items(db_session, sample.id)
    for item in items:
        assert sampling.blind_queue(db_session, sample.id, a) == item
        sampling.save_blind(db_session, item, a, [WAITING], "negative")
    assert sampling.blind_queue(db_session, sample.id, a) is None
    assert sampling.blind_queue(db_session, sample.id, b) == items[0]  # each person has their own queue

    with pytest.raises(SampleError, match="Only the two people"):
        sampling.save_blind(db_session, items[0], forum.users[CODER_C], [], "neutral")
    with pytest.raises(SampleError, match="Unknown theme: not_a_theme"):
        sampling.save_blind(db_session, items[0], a, ["not_a_theme"], "neutral")
    with pytest.raises(SampleError, match="Choose a sentiment"):
        sampling.save_blind(db_session, items[0], a, [], "furious")

    sampling.save_blind(db_session, items[0], a, [NEVER_USED, WAITING, WAITING], "mixed")  # changed: allowed
    codings = db_session.scalars(select(BlindCoding).where(BlindCoding.item_id == items[0].id)).all()
    assert [(c.coder_id, sorted(c.themes), c.sentiment) for c in codings] == [
        (a, [NEVER_USED, WAITING], "mixed")
    ]

    for item in items:
        sampling.save_blind(db_session, item, b, [], "negative")
    state = sampling.progress(db_session, sample)
    assert state.complete and state.both == len(items) and state.one == 0
    with pytest.raises(SampleError, match="locked"):
        sampling.save_blind(db_session, items[0], a, [], "negative")


def test_report_figures_match_the_hand_computed_case(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum)
    code_constructed_case(db_session, forum, sample)
    report = reliability.sample_report(db_session, sample.id)

    assert report.progress.total == forum.answers
    assert (report.progress.first.coded, report.progress.second.coded) == (12, 10)
    assert report.progress.both == 10 and report.excluded == 2 and not report.progress.complete
    people = report.people
    # Observed agreement 8/10 (answers 5 and 6 differ); each says yes to 5 of 10, so chance agreement
    # is 0.5 and kappa = (0.8 - 0.5) / (1 - 0.5) = 0.6. Answers 11-12 (A only) are left out: with them,
    # it would not be 0.6.
    waiting = people.row(WAITING)
    assert (waiting.n, waiting.both, waiting.either) == (10, 4, 6)
    assert waiting.percent == pytest.approx(80.0) and waiting.kappa == pytest.approx(0.6)
    assert (waiting.kappa_text, waiting.percent_text, waiting.strength) == ("0.60", "80.0%", "moderate")
    never = people.row(NEVER_USED)
    assert never.kappa is None and never.percent == 100.0 and never.kappa_text == "not computable"
    assert people.computable == 1 and people.mean_kappa == pytest.approx(0.6)
    # Alpha over 10 answers x 16 themes = 160 decisions each, n = 320 values: n_1 = 10 yeses, n_0 = 310,
    # 2 disagreements each way: 1 - (n - 1) * o_01 / (n_0 * n_1) = 1 - 319 * 2 / 3100.
    assert people.alpha == pytest.approx(1 - 319 * 2 / 3100)
    # Sentiment: 9 of 10 match. Chance: 0.3 * 0.2 (positive) + 0.7 * 0.7 (negative) = 0.55, so kappa
    # = (0.9 - 0.55) / 0.45. Alpha: coincidences pos-pos 4, pos-mixed 1 each way, neg-neg 14; n_pos 5,
    # n_mixed 1, n_neg 14, n 20: 1 - (n - 1) * 2 / (2 * (5 * 1 + 5 * 14 + 1 * 14)) = 1 - 38 / 178.
    assert people.sentiment.n == 10 and people.sentiment.percent == pytest.approx(90.0)
    assert people.sentiment.kappa == pytest.approx(0.35 / 0.45)
    assert people.sentiment.alpha == pytest.approx(1 - 38 / 178)

    # The automatic coder: the same as A on A's 12 answers; on B's 10, A's differences with B; against the
    # agreed coding (answers 1-4 and 7-10, where the two chose the same themes) it matches throughout.
    auto_a, auto_b, auto_agreed = report.auto
    assert auto_a.n == 12 and auto_a.row(WAITING).kappa == pytest.approx(1.0)
    assert auto_b.n == 10 and auto_b.row(WAITING).kappa == pytest.approx(0.6)
    assert auto_agreed.n == 8 and auto_agreed.row(WAITING).kappa == pytest.approx(1.0)
    assert auto_a.sentiment.percent == pytest.approx(75.0)  # negative on 9 of A's 12
    assert auto_a.mean_kappa == pytest.approx(1.0) and auto_b.mean_kappa_text == "0.60"
    assert report.disagreements == 3 and report.resolved == 0


def test_disagreements_are_exactly_the_answers_coded_differently(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum)
    items = code_constructed_case(db_session, forum, sample)
    found = settling.disagreements(db_session, sample.id)
    assert [d.position for d in found] == [3, 5, 6]  # 3: sentiment; 5 and 6: the theme
    by_position = {d.position: d for d in found}
    assert by_position[5].first.themes == (WAITING,) and by_position[5].second.themes == ()
    assert [(m.label, m.differs) for m in by_position[5].first.marks] == [(WAITING_LABEL, True)]
    assert by_position[3].first.sentiment == "positive" and by_position[3].second.sentiment == "mixed"
    assert by_position[3].first.sentiment_differs and not by_position[3].first.marks[0].differs
    assert {d.item_id for d in found} == {items[2].id, items[4].id, items[5].id}
    assert all(not d.resolved for d in found)


def test_resolving_sets_the_final_coding_as_a_resolve_decision(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum)
    items = code_constructed_case(db_session, forum, sample)
    lead = forum.users[LEAD]
    fifth, sixth = items[4], items[5]
    with pytest.raises(SampleError, match="once both people have coded every answer"):
        settling.resolve(db_session, fifth, lead, [WAITING], "negative")  # settling would give it away
    finish_constructed_case(db_session, forum, items)
    with pytest.raises(SampleError, match="Only a forum lead"):
        settling.resolve(db_session, fifth, forum.users[CODER_C], [WAITING], "negative")
    with pytest.raises(SampleError, match="Unknown theme"):
        settling.resolve(db_session, fifth, lead, ["nonsense"], "negative")
    assert db_session.scalar(select(func.count()).select_from(CodingDecision)) == 0

    decision = settling.resolve(db_session, fifth, lead, [WAITING, "mental_health"], "negative")
    settling.resolve(db_session, sixth, lead, [], "negative")
    assert decision.kind == "resolve" and decision.user_id == lead
    coded = db_session.get(CodedAnswer, fifth.answer_id)
    assert coded is not None and coded.status == CODED and coded.coded_by_id == lead
    assert state_of(db_session, coded).themes == ("mental_health", WAITING)
    kinds = db_session.scalars(select(CodingDecision.kind).where(CodingDecision.answer_id == fifth.answer_id))
    assert list(kinds) == ["resolve"]
    db_session.refresh(fifth)
    assert fifth.resolved_by_id == lead and fifth.resolved_at is not None

    n = forum.answers
    report = reliability.sample_report(db_session, sample.id)
    assert report.resolved == 2 and report.disagreements == 3 and report.progress.complete
    # The agreed coding covers every answer now: 5 and 6 as settled. Waiting times: the automatic coder
    # suggests it on 1-5 and 11-12, exactly where the agreed coding has it.
    auto_agreed = report.auto[2]
    assert auto_agreed.n == n and auto_agreed.row(WAITING).kappa == pytest.approx(1.0)
    # Mental health: the automatic coder never suggests it, the agreed coding has it once (answer 5).
    # Agreement (n - 1) / n, and by chance 0 * 1/n + 1 * (n - 1)/n, the same: kappa 0, no better than chance.
    assert auto_agreed.row("mental_health").percent == pytest.approx(100 * (n - 1) / n)
    assert auto_agreed.row("mental_health").kappa == pytest.approx(0.0)
    # Sentiment: answer 3 (positive against mixed) is unsettled, so n - 1 answers; the automatic
    # coder's "negative" matches all but the agreed "positive" of answers 1 and 2.
    assert auto_agreed.sentiment.n == n - 1
    assert auto_agreed.sentiment.percent == pytest.approx(100 * (n - 3) / (n - 1))
    assert [d.position for d in settling.disagreements(db_session, sample.id) if d.resolved] == [5, 6]
    following = settling.next_unresolved(db_session, sample.id, 5)
    assert following is not None and following.position == 3


def test_a_lead_makes_the_agreed_codings_final(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    sample = draw_sample(db_session, forum)
    items = code_constructed_case(db_session, forum, sample)
    lead = forum.users[LEAD]
    with pytest.raises(SampleError, match="once both people have coded every answer"):
        settling.use_agreed_codings(db_session, sample, lead)
    finish_constructed_case(db_session, forum, items)
    with pytest.raises(SampleError, match="Only a forum lead"):
        settling.use_agreed_codings(db_session, sample, forum.users[CODER_A])
    settling.resolve(db_session, items[4], lead, [WAITING, "mental_health"], "negative")  # a settled one

    sign_in(client, LEAD)
    report = f"/staff/agreement/{sample.public_id}"
    token = csrf_token(page(client, report))
    response = client.post(f"{report}/use-agreed", data={"csrf_token": token})
    # Every answer but 3, 5 and 6 was coded the same by both (3 differs in sentiment, 6 in themes;
    # 5 was settled and stays as settled).
    agreed = [item for n, item in enumerate(items, start=1) if n not in (3, 5, 6)]
    assert response.status_code == 302 and response.location.endswith(f"applied={len(agreed)}")
    assert f"{len(agreed)} answers now have the coding both people agreed on" in page_html(
        client, response.location
    )
    db_session.expire_all()
    for n, item in enumerate(items, start=1):
        coded = db_session.get(CodedAnswer, item.answer_id)
        assert coded is not None
        state = state_of(db_session, coded)
        if item in agreed:
            expected = (WAITING,) if n <= 4 or n in (11, 12) else ()
            assert (state.status, state.themes, state.sentiment, coded.coded_by_id) == (
                CODED,
                expected,
                "positive" if n <= 2 else "negative",
                lead,
            )
        elif n == 5:
            assert state.themes == ("mental_health", WAITING)
        else:
            assert coded.status != CODED
    assert settling.use_agreed_codings(db_session, sample, lead) == 0  # again: nothing changes


def test_summary_for_the_evidence_pack(db_session: Session) -> None:
    forum = seed_double_coding(db_session)
    assert reliability.forum_agreement_summary(db_session, forum.id) is None
    sample = draw_sample(db_session, forum)
    code_constructed_case(db_session, forum, sample)
    draw_sample(db_session, forum, seed=5)  # a later sample nobody has coded yet: not the one reported
    summary = reliability.forum_agreement_summary(db_session, forum.id)
    assert summary is not None and summary.sample_id == sample.id
    assert (summary.n_sampled, summary.n_double_coded, summary.n_single_coded) == (forum.answers, 10, 2)
    assert (
        summary.mean_kappa == pytest.approx(0.6) and summary.themes_with_kappa == 1 and summary.themes == 16
    )
    assert summary.alpha == pytest.approx(1 - 319 * 2 / 3100)
    assert summary.codebook_version == 1 and summary.percent == "100%" and not summary.complete
    # Against each person, the automatic coder's per-theme kappas pooled: 1.0 (A) and 0.6 (B).
    assert summary.auto_vs_people_kappa == pytest.approx(0.8)
    assert summary.auto_vs_agreed_kappa == pytest.approx(1.0)
    assert "mean Cohen's kappa across 1 of 16 themes was 0.60 (moderate agreement" in summary.methodology
    assert "2 answers coded by only one person were left out" in summary.methodology
    # Ten double-coded answers: the kappas vary widely by chance, and the pack says so.
    caution = "based on 10 double-coded answers (fewer than 50), so treat it with caution."
    assert summary.caution == caution and summary.methodology.endswith("This agreement is " + caution)
    assert dataclasses.replace(summary, n_double_coded=50).caution == ""
    assert "caution" not in dataclasses.replace(summary, n_double_coded=50).methodology
    assert reliability.forum_agreement_summary(db_session, get_forum(db_session, "other").id) is None  # type: ignore[union-attr]


def test_nominal_kappa_matches_scikit_learn_and_formatting() -> None:
    rng = random.Random(3)
    for _ in range(20):
        first = [rng.choice(["negative", "mixed", "neutral", "positive"]) for _ in range(40)]
        second = [x if rng.random() < 0.7 else rng.choice(["negative", "positive"]) for x in first]
        assert reliability.nominal_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))
    assert reliability.nominal_kappa(["negative"] * 3, ["negative"] * 3) is None
    assert [reliability.strength(k) for k in (-0.1, 0.0, 0.2, 0.21, 0.6, 0.61, 0.8, 0.81, 1.0, None)] == [
        "poor", "slight", "slight", "fair", "moderate", "substantial", "substantial", "almost perfect",
        "almost perfect", "",
    ]  # fmt: skip
    assert reliability.kappa_text(-0.001) == "0.00" and reliability.kappa_text(0.666) == "0.67"
    assert (
        reliability.kappa_text(None) == "not computable"
        and reliability.percent_text(None) == "not computable"
    )
