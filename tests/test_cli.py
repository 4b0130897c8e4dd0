"""The command-line contracts of DESIGN.md: db upgrade and seed-demo."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.coding.models import CODED, CodedAnswer, CodingDecision
from forum_app.demo import DEMO_QUOTES_LEFT_OUT
from forum_app.packs.build import build_pack
from forum_app.packs.data import PackRequest
from forum_app.packs.population import local_population
from forum_app.quotes import candidates as quote_candidates
from forum_app.quotes.models import QuoteCandidate
from forum_app.surveys.models import SUBMITTED, Answer, Response, Survey
from forum_app.surveys.services import definition_of, first_unanswered


def _answers_of_forum(session: Session, slug: str) -> list[tuple[str, object]]:
    rows = session.execute(
        select(Answer.question_key, Answer.value)
        .join(Response)
        .join(Forum, Response.forum_id == Forum.id)
        .where(Forum.slug == slug)
        .order_by(Response.submitted_on, Answer.question_key)
    )
    return sorted((key, repr(value)) for key, value in rows)


def test_db_upgrade_is_idempotent(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_seed_demo_creates_forum_survey_lead_and_responses(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    result = runner.invoke(args=["seed-demo", "--responses", "25", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "One-time password" in result.output and "lead@" in result.output
    forum = db_session.scalars(select(Forum).where(Forum.slug == "demo")).one()
    slugs = select(Survey.slug).where(Survey.forum_id == forum.id).order_by(Survey.id)
    assert db_session.scalars(slugs).all() == [
        "send-experience",
        "send-experience-easy-read",  # the same questions in Easy Read, without responses
    ]
    assert "/s/demo/send-experience-easy-read/" in result.output
    responses = db_session.scalars(select(Response).where(Response.forum_id == forum.id)).all()
    assert len(responses) == 25 and {r.status for r in responses} == {SUBMITTED}
    for response in responses:  # every synthetic response is complete, as a real one must be
        answers: dict[str, Any] = dict(
            db_session.execute(
                select(Answer.question_key, Answer.value).where(Answer.response_id == response.id)
            ).all()
        )
        assert first_unanswered(definition_of(response), answers) is None
    assert db_session.scalar(select(func.count()).select_from(User)) == 1
    # Running it again adds responses, keeps one forum, its two surveys and one lead, and prints no password.
    again = runner.invoke(args=["seed-demo", "--responses", "5"])
    assert again.exit_code == 0 and "One-time password" not in again.output
    assert db_session.scalar(select(func.count()).select_from(Response)) == 30
    assert db_session.scalar(select(func.count()).select_from(Survey)) == 2


def test_seed_demo_is_deterministic_for_a_seed(runner: FlaskCliRunner, db_session: Session) -> None:
    for forum, seed in (("one", 3), ("two", 3), ("three", 4)):
        result = runner.invoke(
            args=[
                "seed-demo",
                "--responses",
                "15",
                "--seed",
                str(seed),
                "--forum",
                forum,
                "--until",
                "2026-06-30",
            ]
        )
        assert result.exit_code == 0, result.output
    one, two, three = (_answers_of_forum(db_session, slug) for slug in ("one", "two", "three"))
    assert one == two
    assert one != three
    texts = [value for key, value in one if key == "not_worked"]
    assert len(set(texts)) >= len(texts) - 1  # varied free text, not one sentence repeated


def test_seed_demo_rejects_bad_counts(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed-demo", "--responses", "-3"])
    assert result.exit_code != 0 and "-3" in result.output


def test_seed_demo_leaves_the_last_days_answers_to_code(runner: FlaskCliRunner, db_session: Session) -> None:
    result = runner.invoke(
        args=["seed-demo", "--responses", "60", "--until", "2026-06-30", "--coded-before-days", "90"]
    )
    assert result.exit_code == 0, result.output
    assert "confirmed the suggested themes" in result.output
    rows = db_session.execute(select(CodedAnswer.submitted_on, CodedAnswer.status)).all()
    coded = [day for day, status in rows if status == CODED]
    waiting = [day for day, status in rows if status != CODED]
    assert coded and waiting
    cutoff = date(2026, 4, 1)  # 90 days before 30 June
    assert max(coded) < cutoff and any(day >= cutoff for day in waiting)
    decided = db_session.scalars(select(CodingDecision.user_id).distinct()).all()
    lead = db_session.scalars(select(User.id).where(User.email == "lead@demo.forum.invalid")).one()
    assert decided == [lead]


def test_seed_demo_gives_the_demo_forum_made_up_population_figures_once(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    result = runner.invoke(args=["seed-demo", "--responses", "5"])
    assert result.exit_code == 0 and "made-up local figures" in result.output
    forum = db_session.scalars(select(Forum).where(Forum.slug == "demo")).one()
    population = local_population(forum)
    assert population is not None and population.totals["ehcp"].count == 3200
    assert "not real" in population.totals["ehcp"].source_words
    again = runner.invoke(args=["seed-demo", "--responses", "5"])
    assert again.exit_code == 0 and "population" not in again.output
    other = runner.invoke(args=["seed-demo", "--responses", "5", "--forum", "other"])
    assert other.exit_code == 0 and "population" not in other.output


def test_seed_demo_chooses_quotes_so_a_demo_pack_has_a_quote_register(
    runner: FlaskCliRunner, db_session: Session
) -> None:
    result = runner.invoke(args=["seed-demo", "--responses", "400", "--seed", "3", "--until", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert "The demo lead chose" in result.output
    forum = db_session.scalars(select(Forum).where(Forum.slug == "demo")).one()
    lead = db_session.scalars(select(User.id).where(User.email == "lead@demo.forum.invalid")).one()
    candidates = quote_candidates.candidates(db_session, forum.id)  # only those consented, approved and coded
    chosen = db_session.scalars(select(QuoteCandidate)).all()
    assert len(candidates) == len(chosen) >= 10
    reports = quote_candidates.theme_reports(db_session, forum.id, {c.theme_id for c in candidates})
    assert all(reports[c.theme_id] >= quote_candidates.PACK_MINIMUM_REPORTS for c in candidates)
    assert len({c.theme_id for c in candidates}) >= 3
    assert all(c.marked_by == lead for c in chosen)
    left_out = [c for c in candidates if c.left_out]
    assert len(left_out) == DEMO_QUOTES_LEFT_OUT  # so the quotes page shows why

    pack = build_pack(db_session, PackRequest("demo", "send-experience"), built_on=date(2026, 7, 1))
    assert len({q.theme_id for q in pack.quotes}) >= 3  # the Q register shows
    assert all(q.approved_by_role == "lead" for q in pack.quotes)
    assert not {q.text for q in pack.quotes} & {c.text for c in left_out}
    again = runner.invoke(args=["seed-demo", "--responses", "5", "--until", "2026-06-30"])
    assert again.exit_code == 0 and "The demo lead chose" not in again.output
    assert len(db_session.scalars(select(QuoteCandidate)).all()) == len(chosen)
