"""Blind double coding: drawing a sample, coding it blind, the reliability report, disagreements.

The statistics are tested in test_agreement.py; here, the workflow around them and a report whose figures
are worked out by hand for a small constructed case. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import User
from forum_app.accounts.services import get_forum
from forum_app.agreement import reliability, sampling, settling
from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding
from forum_app.agreement.sampling import SampleError
from forum_app.coding.decisions import state_of
from forum_app.coding.models import CODED, CodedAnswer, CodingDecision
from forum_app.demo import seed_demo
from forum_app.surveys.models import Survey
from tests.agreement.factories import NEVER_USED, WAITING, sample_items
from tests.factories import csrf_token, make_forum, make_staff, make_survey, page, post_form, sign_in

LEAD = "lead@demo.example"
CODER_A = "ana@demo.example"
CODER_B = "ben@demo.example"
CODER_C = "cat@demo.example"
VIEWER = "vic@demo.example"
OTHER_LEAD = "lead@other.example"
WAITING_LABEL = "Waiting for health or therapy services and diagnostic assessments"


@dataclass(frozen=True)
class Forum:
    id: int
    users: dict[str, int]
    answers: int  # coded or pending free-text answers


def _setup(session: Session, responses: int = 10) -> Forum:
    """The demo forum with ``responses`` submitted responses (their free-text answers coded
    automatically), a lead, three coders and a viewer; and a second forum with a lead."""
    seed_demo(session, responses=responses, seed=11)
    for email, role in (
        (LEAD, "lead"),
        (CODER_A, "coder"),
        (CODER_B, "coder"),
        (CODER_C, "coder"),
        (VIEWER, "viewer"),
    ):
        make_staff(session, email, role=role)
    make_survey(session, make_forum(session, "other", "Other Forum"))
    make_staff(session, OTHER_LEAD, forum_slug="other")
    forum = get_forum(session, "demo")
    assert forum is not None
    users = {email: user_id for user_id, email in session.execute(select(User.id, User.email))}
    answers = session.scalar(
        select(func.count()).select_from(CodedAnswer).where(CodedAnswer.forum_id == forum.id)
    )
    assert answers, "the demo responses' free-text answers were not coded"
    return Forum(forum.id, users, answers or 0)


def _sample(
    session: Session, forum: Forum, fraction: float = 1.0, seed: int = 1, **kwargs: object
) -> AgreementSample:
    people = {"first_coder_id": forum.users[CODER_A], "second_coder_id": forum.users[CODER_B], **kwargs}
    return sampling.create_sample(
        session,
        forum.id,
        forum.users[LEAD],
        fraction,
        name="Spring check",
        seed=seed,
        **people,  # type: ignore[arg-type]
    )


def test_sample_size_rounds_half_up_and_is_at_least_one() -> None:
    assert sampling.sample_size(0.15, 30) == 5  # 4.5 rounds up (not to the even 4)
    assert sampling.sample_size(0.15, 40) == 6
    assert sampling.sample_size(0.01, 10) == 1  # 0.1 of an answer: still one
    assert sampling.sample_size(1.0, 7) == 7
    assert sampling.sample_size(0.5, 0) == 0


def test_a_sample_is_the_chosen_share_of_answers_and_the_same_seed_draws_it_again(
    db_session: Session,
) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum, fraction=0.15, seed=7)
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

    again = sample_items(db_session, _sample(db_session, forum, fraction=0.15, seed=7).id)
    assert [i.answer_id for i in again] == [i.answer_id for i in items]  # same answers, same order
    whole = [
        i.answer_id for i in sample_items(db_session, _sample(db_session, forum, fraction=1.0, seed=8).id)
    ]
    assert sorted(whole) == sorted(forum_answers)
    assert whole != sorted(whole)  # the order both coders see is random, not the answers' order


def test_a_sample_can_be_limited_to_one_survey_and_a_period(db_session: Session) -> None:
    forum = _setup(db_session)
    survey_id = db_session.scalar(select(Survey.id).where(Survey.forum_id == forum.id))
    days = sorted(
        db_session.scalars(select(CodedAnswer.submitted_on).where(CodedAnswer.forum_id == forum.id))
    )
    middle = days[len(days) // 2]
    sample = _sample(db_session, forum, survey_id=survey_id, submitted_from=middle)
    chosen = [i.answer_id for i in sample_items(db_session, sample.id)]
    on_days = db_session.scalars(select(CodedAnswer.submitted_on).where(CodedAnswer.answer_id.in_(chosen)))
    assert chosen and all(day >= middle for day in on_days)
    assert len(chosen) == sum(day >= middle for day in days)
    with pytest.raises(SampleError, match="no free-text answers to sample for this survey and period"):
        _sample(db_session, forum, submitted_to=days[0].replace(year=days[0].year - 1))


def test_a_sample_needs_two_different_coding_members_of_the_forum(db_session: Session) -> None:
    forum = _setup(db_session)
    users = forum.users
    cases = [
        ({"second_coder_id": users[CODER_A]}, "two different people", "second_coder"),
        ({"first_coder_id": users[VIEWER]}, "is a viewer", "first_coder"),
        ({"second_coder_id": users[OTHER_LEAD]}, "this forum's staff", "second_coder"),
        ({"first_coder_id": 10**6}, "this forum's staff", "first_coder"),
    ]
    for people, message, field in cases:
        with pytest.raises(SampleError, match=message) as raised:
            _sample(db_session, forum, **people)
        assert raised.value.field == field
    for fraction in (0, 0.005, 1.01):
        with pytest.raises(SampleError, match="from 1% to 100%"):
            _sample(db_session, forum, fraction=fraction)
    with pytest.raises(SampleError, match="Only a forum lead"):
        sampling.create_sample(db_session, forum.id, users[CODER_C], 0.5, users[CODER_A], users[CODER_B])
    other_survey = db_session.scalar(select(Survey.id).where(Survey.forum_id != forum.id))
    with pytest.raises(SampleError, match="this forum's surveys"):
        _sample(db_session, forum, survey_id=other_survey)
    other = get_forum(db_session, "other")
    assert other is not None
    make_staff(db_session, "coder@other.example", forum_slug="other", role="coder")
    make_staff(db_session, CODER_A, forum_slug="other", role="coder")
    coder = db_session.scalar(select(User.id).where(User.email == "coder@other.example"))
    with pytest.raises(SampleError, match="no free-text answers to sample yet"):
        sampling.create_sample(db_session, other.id, users[OTHER_LEAD], 0.15, users[CODER_A], coder or 0)
    assert db_session.scalar(select(func.count()).select_from(AgreementSample)) == 0  # nothing half-made


def test_the_queue_follows_the_random_order_and_coding_locks_once_both_finish(db_session: Session) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum, fraction=0.15)
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


def _code(session: Session, forum: Forum, sample: AgreementSample) -> list[AgreementItem]:
    """The constructed case. Coder A codes answers 1-12, coder B answers 1-10.

    Theme ``waiting_times``: A gives it to answers 1-5 (and 11-12), B to 1-4 and 6.
    Sentiment: A positive on 1-3, B positive on 1-2 and mixed on 3; negative otherwise.
    The automatic coder (set here) suggests exactly A's themes, sentiment negative throughout.
    """
    items = sample_items(session, sample.id)
    assert len(items) >= 12, "the seeded forum has too few free-text answers for this case"
    a, b = forum.users[CODER_A], forum.users[CODER_B]
    for n, item in enumerate(items[:12], start=1):
        sampling.save_blind(
            session, item, a, [WAITING] if n <= 5 or n > 10 else [], "positive" if n <= 3 else "negative"
        )
    for n, item in enumerate(items[:10], start=1):
        themes = [WAITING] if n <= 4 or n == 6 else []
        sampling.save_blind(
            session, item, b, themes, "positive" if n <= 2 else ("mixed" if n == 3 else "negative")
        )
    for n, item in enumerate(items, start=1):
        coded = session.get(CodedAnswer, item.answer_id)
        assert coded is not None
        coded.suggestions = (
            [{"theme": WAITING, "confidence": 0.9, "evidence": []}] if n <= 5 or n in (11, 12) else []
        )
        coded.auto_sentiment = "negative"
    session.commit()
    return items


def _finish(session: Session, forum: Forum, items: list[AgreementItem]) -> None:
    """Both finish the constructed case: B codes 11-12 as A did, both code the rest with no theme."""
    a, b = forum.users[CODER_A], forum.users[CODER_B]
    for n, item in enumerate(items, start=1):
        if n > 10:
            sampling.save_blind(session, item, b, [WAITING] if n <= 12 else [], "negative")
        if n > 12:
            sampling.save_blind(session, item, a, [], "negative")
    assert sampling.progress(session, items[0].sample).complete


def test_report_figures_match_the_hand_computed_case(db_session: Session) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum)
    _code(db_session, forum, sample)
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
    forum = _setup(db_session)
    sample = _sample(db_session, forum)
    items = _code(db_session, forum, sample)
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
    forum = _setup(db_session)
    sample = _sample(db_session, forum)
    items = _code(db_session, forum, sample)
    lead = forum.users[LEAD]
    fifth, sixth = items[4], items[5]
    with pytest.raises(SampleError, match="once both people have coded every answer"):
        settling.resolve(db_session, fifth, lead, [WAITING], "negative")  # settling would give it away
    _finish(db_session, forum, items)
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
    forum = _setup(db_session)
    sample = _sample(db_session, forum)
    items = _code(db_session, forum, sample)
    lead = forum.users[LEAD]
    with pytest.raises(SampleError, match="once both people have coded every answer"):
        settling.use_agreed_codings(db_session, sample, lead)
    _finish(db_session, forum, items)
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
    assert f"{len(agreed)} answers now have the coding both people agreed on" in _html(
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
    forum = _setup(db_session)
    assert reliability.forum_agreement_summary(db_session, forum.id) is None
    sample = _sample(db_session, forum)
    _code(db_session, forum, sample)
    _sample(db_session, forum, seed=5)  # a later sample nobody has coded yet: not the one reported
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


# --- the pages -------------------------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrf_token" value="[^"]*"')


def _html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return _TOKEN.sub("", response.get_data(as_text=True))


def _client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, email)
    return client


def test_a_lead_starts_a_sample_with_the_form(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = _setup(db_session)
    sign_in(client, LEAD)
    soup = page(client, "/staff/agreement/new")
    assert soup.find("input", attrs={"name": "percent"})["value"] == "15"  # type: ignore[index]
    people = {label.get_text(strip=True) for label in soup.select("label[for^=first_coder]")}
    assert people == {f"{e} (coder)" for e in (CODER_A, CODER_B, CODER_C)} | {
        f"{LEAD} (lead)",
        "lead@demo.forum.invalid (lead)",
    }

    same = {
        "percent": "15",
        "first_coder": str(forum.users[CODER_A]),
        "second_coder": str(forum.users[CODER_A]),
    }
    response = post_form(client, "/staff/agreement/new", {**same, "survey": "all", "period": "all"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<title>Error: " in text and "Choose two different people" in text
    response = post_form(client, "/staff/agreement/new", {"percent": "0", "survey": "all", "period": "all"})
    text = response.get_data(as_text=True)
    assert "Enter a percentage from 1 to 100" in text and "Choose the first person" in text
    assert db_session.scalar(select(func.count()).select_from(AgreementSample)) == 0

    data = {
        **same,
        "second_coder": str(forum.users[CODER_B]),
        "survey": "all",
        "period": "12",
        "name": "Autumn",
    }
    response = post_form(client, "/staff/agreement/new", data)
    assert response.status_code == 302 and response.location.endswith("/staff/agreement")
    sample = db_session.scalars(select(AgreementSample)).one()
    assert (sample.name, sample.fraction, sample.first_coder_id) == ("Autumn", 0.15, forum.users[CODER_A])
    listing = _html(client, "/staff/agreement")
    assert "Autumn" in listing and "0 of " in listing and "See the figures" in listing


def test_coding_is_blind(app: Flask, db_session: Session) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum, fraction=0.15)
    items = sample_items(db_session, sample.id)
    first = db_session.get(CodedAnswer, items[0].answer_id)
    assert first is not None
    evidence = {"kind": "phrase", "text": "AUTO-EVIDENCE", "detail": "AUTO-DETAIL"}
    first.suggestions = [{"theme": "tribunals_appeals", "confidence": 0.97, "evidence": [evidence]}]
    first.auto_sentiment = first.sentiment = "positive"
    db_session.commit()
    ana, ben = _client(app, CODER_A), _client(app, CODER_B)
    code_url = f"/staff/agreement/{sample.public_id}/code"
    before = _html(ben, code_url)
    assert f"Answer 1 of {len(items)}" in before

    # Ana codes every answer with a theme and a sentiment Ben's page must not show.
    for n, item in enumerate(items, start=1):
        soup = page(ana, code_url)
        assert soup.h1 is not None and soup.h1.get_text(strip=True) == f"Answer {n} of {len(items)}"
        assert soup.find("input", attrs={"name": "item"})["value"] == item.public_id  # type: ignore[index]
        response = post_form(
            ana,
            code_url,
            {
                "item": soup.find("input", attrs={"name": "item"})["value"],  # type: ignore[index]
                "themes": [WAITING, NEVER_USED],
                "sentiment": "mixed",
            },
        )
        assert response.status_code == 302
    assert "You have coded every answer" in _html(ana, code_url)
    # Ana may not see the figures or the other's coding while Ben is still coding.
    assert ana.get(f"/staff/agreement/{sample.public_id}").status_code == 403

    after = _html(ben, code_url)
    assert after == before  # exactly the same page: nothing of Ana's coding, not even a count
    soup = page(ben, code_url)
    assert not soup.select("input[checked]")  # neither Ana's choices nor the automatic ones
    # The suggested theme is named once, as its tick box; no evidence, confidence or sentiment of the coder.
    assert "AUTO-" not in after and "0.97" not in after and "97%" not in after
    assert soup.get_text(" ").count("Disagreements, appeals and complaints") == 1
    assert "suggest" not in after.lower().replace("or the automatic suggestions", "")
    for url in (f"/staff/agreement/{sample.public_id}", f"/staff/agreement/{sample.public_id}/disagreements"):
        assert ben.get(url).status_code == 403

    # Ben's first coding differs; once both have finished, both may see the figures, and the codings lock.
    for n, _item in enumerate(items, start=1):
        soup = page(ben, code_url)
        item_id = soup.find("input", attrs={"name": "item"})["value"]  # type: ignore[index]
        post_form(
            ben, code_url, {"item": item_id, "themes": [WAITING] if n > 1 else [], "sentiment": "mixed"}
        )
    report = _html(ben, f"/staff/agreement/{sample.public_id}")
    assert "Agreement between the two people" in report
    locked = _html(ana, f"{code_url}?answer=1")
    assert "locked" in locked and 'name="themes"' not in locked


def test_coders_revisit_their_own_codings_until_the_other_finishes(app: Flask, db_session: Session) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum, fraction=0.15)
    items = sample_items(db_session, sample.id)
    ana = _client(app, CODER_A)
    code_url = f"/staff/agreement/{sample.public_id}/code"
    post_form(ana, code_url, {"item": items[0].public_id, "themes": [WAITING], "sentiment": "positive"})
    soup = page(ana, f"{code_url}?answer=1")
    assert [i["value"] for i in soup.select("input[checked]")] == [WAITING, "positive"]
    response = post_form(ana, f"{code_url}?answer=1", {"item": items[0].public_id, "sentiment": "neutral"})
    assert response.status_code == 302
    db_session.expire_all()
    coding = db_session.scalars(select(BlindCoding).where(BlindCoding.item_id == items[0].id)).one()
    by_number = post_form(
        ana, code_url, {"item": str(items[1].id), "themes": [WAITING], "sentiment": "mixed"}
    )
    assert by_number.status_code == 404  # an item is named by its public id, never its row number
    assert (coding.themes, coding.sentiment) == ([], "neutral")
    response = post_form(ana, code_url, {"item": items[1].public_id, "themes": ["bogus"]})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in text
    assert "Choose from the themes shown" in text and "Choose the sentiment of the answer" in text


def test_the_report_and_disagreement_pages(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum)
    items = _code(db_session, forum, sample)
    sign_in(client, LEAD)
    report = page(client, f"/staff/agreement/{sample.public_id}")
    text = report.get_text(" ")
    waiting = next(
        row for row in report.select("tr") if row.th and row.th.get_text(strip=True) == WAITING_LABEL
    )
    assert [td.get_text(strip=True) for td in waiting.select("td")][:5] == [
        "10",
        "4",
        "80.0%",
        "0.60",
        "moderate",
    ]
    assert "not computable" in text and "NaN" not in text and "nan" not in text.split()
    assert "2 answers coded by one person only are left out" in text and "Landis and Koch" in text
    for table in report.select("table"):
        assert table.caption is not None and all(
            th.get("scope") in ("col", "row") for th in table.select("th")
        )

    url = f"/staff/agreement/{sample.public_id}/disagreements/{items[4].public_id}"
    listing = page(client, f"/staff/agreement/{sample.public_id}/disagreements")
    assert "Not yet" in listing.get_text() and not listing.select(f"a[href='{url}']")
    assert client.get(url).location.endswith(f"/staff/agreement/{sample.public_id}/disagreements")  # not yet
    _finish(db_session, forum, items)

    listing = page(client, f"/staff/agreement/{sample.public_id}/disagreements")
    rows = listing.select("tbody tr")
    assert [row.th.get_text(" ", strip=True).split()[1] for row in rows] == ["3", "5", "6"]  # type: ignore[union-attr]
    assert listing.select(f"a[href='{url}']")
    resolve_page = page(client, url)
    assert not resolve_page.select("input[name=themes][checked]")  # no theme both chose
    assert [i["value"] for i in resolve_page.select("input[name=sentiment][checked]")] == ["negative"]
    response = post_form(client, url, {"themes": [WAITING], "sentiment": "negative"})
    assert response.status_code == 302 and response.location.endswith(f"/disagreements/{items[5].public_id}")
    db_session.expire_all()
    coded = db_session.get(CodedAnswer, items[4].answer_id)
    assert coded is not None and coded.status == CODED
    assert state_of(db_session, coded).themes == (WAITING,)
    assert "Settled" in _html(client, f"/staff/agreement/{sample.public_id}/disagreements")
    assert (
        client.get(f"/staff/agreement/{sample.public_id}/disagreements/{items[0].public_id}").status_code
        == 200
    )


def test_roles_and_forum_isolation(app: Flask, client: FlaskClient, db_session: Session) -> None:
    forum = _setup(db_session)
    sample = _sample(db_session, forum, fraction=0.15)
    item = sample_items(db_session, sample.id)[0]
    base = f"/staff/agreement/{sample.public_id}"
    every = ["/staff/agreement", "/staff/agreement/new", base, f"{base}/code", f"{base}/disagreements",
             f"{base}/disagreements/{item.public_id}"]  # fmt: skip

    viewer = _client(app, VIEWER)
    for url in every:
        assert viewer.get(url).status_code == 403, url
    cat = _client(app, CODER_C)  # a coder, but not one of this sample's two
    assert "Nobody has asked you" in _html(cat, "/staff/agreement")
    for url in every[1:]:
        assert cat.get(url).status_code == 403, url
    ana = _client(app, CODER_A)
    assert "Code your next answer" in _html(ana, "/staff/agreement")
    assert ana.get(f"{base}/code").status_code == 200
    for url in ("/staff/agreement/new", base, f"{base}/disagreements"):
        assert ana.get(url).status_code == 403, url

    other = _client(app, OTHER_LEAD)
    assert "There are no samples yet" in _html(other, "/staff/agreement")
    for url in every[2:]:
        assert other.get(url).status_code == 404, url
    response = other.post(f"{base}/code", data={"item": item.public_id, "sentiment": "neutral"})
    assert response.status_code == 400  # no CSRF token (and not their forum's sample): nothing saved
    for url in ("/staff/agreement/x", "/staff/agreement/99999999", f"{base}/disagreements/abc"):
        assert client.get(url).status_code in (302, 404)
    sign_in(client, LEAD)
    for url in (
        "/staff/agreement/x",
        "/staff/agreement/99999999",
        f"/staff/agreement/{sample.id}",  # the row number
        f"/staff/agreement/{sample.id}/disagreements",
        f"/staff/agreement/{sample.public_id.upper()}",
        f"/staff/agreement/{'0' * 16}",
        f"{base}/disagreements/abc",
        f"{base}/disagreements/{item.id}",
        f"{base}/disagreements/{'0' * 16}",
        f"{base}/code?answer=0",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert re.fullmatch(r"[0-9a-f]{16}", sample.public_id) and re.fullmatch(r"[0-9a-f]{16}", item.public_id)
    assert client.get(base).status_code == 200  # a lead who is not coding it sees the figures at any time
    assert db_session.scalar(select(func.count()).select_from(BlindCoding)) == 0
