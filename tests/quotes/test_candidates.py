"""Candidate quotes: who may be quoted, set-wise choices per theme, the lead's overview, the coding page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import AuditEvent, Forum
from forum_app.agreement import sampling
from forum_app.coding.answer import AnswerNotFound, save_coding
from forum_app.coding.filters import Filters
from forum_app.coding.models import CodedAnswer
from forum_app.moderation.intake import take_in
from forum_app.moderation.models import ModerationItem
from forum_app.quotes import candidates
from forum_app.quotes.candidates import QuoteError
from forum_app.quotes.models import QuoteCandidate
from forum_app.surveys.codes import new_token
from forum_app.surveys.models import SPAM, SUBMITTED, Answer, Response, SurveyVersion
from tests.factories import (
    answer_all,
    approve_all,
    csrf_token,
    make_forum,
    make_staff,
    make_survey,
    page,
    public_id,
    public_ids,
    signed_in,
    squashed_text,
    submit,
    user_id,
)

LEAD, CODER = "lead@example.org", "coder@example.org"
WAITS, CAMHS, PLANS = "waiting_times", "mental_health", "ehcp_quality"
TEXTS = [
    "We waited 2 years for an autism assessment and nobody told us anything.",
    "CAMHS said the wait is 18 months and in the meantime our daughter stopped eating.",
    "The annual review was late again and the plan was never amended.",
]


def add_answers(
    session: Session, version: SurveyVersion, texts: Sequence[str], consent: bool = True, approve: bool = True
) -> list[int]:
    """One submitted response per text (its "What has not worked well?"), with the quote consent box
    ticked or not, taken in by moderation and (with ``approve``) approved, so coded automatically."""
    ids, response_ids = [], []
    for text in texts:
        response = Response(
            id=new_token(),
            forum_id=version.survey.forum_id,
            survey_version_id=version.id,
            status=SUBMITTED,
            started_on=date(2026, 3, 2),
            submitted_on=date(2026, 3, 2),
            idempotency_key=new_token(),
        )
        session.add(response)
        session.flush()
        answer = Answer(response_id=response.id, question_key="not_worked", value=text)
        session.add_all(
            [answer, Answer(response_id=response.id, question_key="quote_consent", value=consent)]
        )
        session.flush()
        ids.append(answer.id)
        response_ids.append(response.id)
    take_in(session, response_ids)
    session.commit()
    if approve:
        approve_all(session, response_ids)
    return ids


def code(session: Session, answer_id: int, themes: list[str], who: str = CODER) -> None:
    """A person's coding of the answer with exactly these themes."""
    session.expire_all()
    save_coding(
        session,
        forum_id(session, answer_id),
        user_id(session, who),
        answer_id,
        themes=themes,
        sentiment="negative",
        filters=Filters(),
    )


def forum_id(session: Session, answer_id: int | None = None, slug: str = "demo") -> int:
    if answer_id is not None:
        item = session.get(ModerationItem, answer_id)
        assert item is not None
        return item.forum_id
    found = session.scalar(select(Forum.id).where(Forum.slug == slug))
    assert found is not None
    return found


@pytest.fixture
def demo(db_session: Session) -> SurveyVersion:
    version = make_survey(db_session, make_forum(db_session))
    make_staff(db_session, LEAD, role="lead")
    make_staff(db_session, CODER, role="coder")
    return version


def _mark(session: Session, answer_id: int, themes: list[str]) -> candidates.Marked:
    session.expire_all()
    return candidates.mark(session, forum_id(session, answer_id), answer_id, themes, user_id(session, LEAD))


def _stored(session: Session, answer_id: int) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(QuoteCandidate.theme_id).where(QuoteCandidate.answer_id == answer_id)))


# --- services -----------------------------------------------------------------------------------


def test_an_approved_consented_answer_is_quotable(db_session: Session, demo: SurveyVersion) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1])
    forum = forum_id(db_session)
    assert candidates.quotable(db_session, forum, answer)
    assert candidates.why_not_quotable(db_session, forum, answer) is None
    assert candidates.themes_of(db_session, answer) == []  # coded automatically only: no final themes yet
    code(db_session, answer, [WAITS, PLANS])
    assert candidates.themes_of(db_session, answer) == [PLANS, WAITS]


def test_consent_is_required(db_session: Session, demo: SurveyVersion) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1], consent=False)
    code(db_session, answer, [WAITS])
    assert not candidates.quotable(db_session, forum_id(db_session), answer)
    assert candidates.why_not_quotable(db_session, forum_id(db_session), answer) == candidates.NO_CONSENT
    with pytest.raises(QuoteError, match="did not tick"):
        _mark(db_session, answer, [WAITS])
    assert _stored(db_session, answer) == set()


def test_an_answer_still_in_moderation_is_refused(db_session: Session, demo: SurveyVersion) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1], approve=False)
    assert not candidates.quotable(db_session, forum_id(db_session), answer)
    with pytest.raises(QuoteError, match="not been approved"):
        _mark(db_session, answer, [WAITS])
    assert _stored(db_session, answer) == set()


def test_an_answer_must_be_coded_before_its_quotes_are_chosen(
    db_session: Session, demo: SurveyVersion
) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1])
    coded = db_session.get(CodedAnswer, answer)
    assert coded is not None and coded.status == "pending"
    with pytest.raises(QuoteError, match="not coded yet"):
        _mark(db_session, answer, [WAITS])


def test_only_the_themes_the_answer_is_coded_with(db_session: Session, demo: SurveyVersion) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1])
    code(db_session, answer, [WAITS])
    with pytest.raises(QuoteError, match="“Quality of EHC plans” is not among them"):
        _mark(db_session, answer, [WAITS, PLANS])
    with pytest.raises(QuoteError, match="not among them"):
        _mark(db_session, answer, ["no_such_theme"])
    assert _stored(db_session, answer) == set()  # nothing saved from a refused choice


def test_choices_replace_the_answers_candidates_set_wise(db_session: Session, demo: SurveyVersion) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1])
    code(db_session, answer, [WAITS, CAMHS, PLANS])
    marked = _mark(db_session, answer, [WAITS, CAMHS])
    assert (marked.added, marked.removed) == ([CAMHS, WAITS], [])
    assert _stored(db_session, answer) == {WAITS, CAMHS}
    marked = _mark(db_session, answer, [CAMHS, PLANS, PLANS])
    assert (marked.added, marked.removed, marked.themes) == ([PLANS], [WAITS], [PLANS, CAMHS])
    assert _stored(db_session, answer) == {CAMHS, PLANS}
    assert not _mark(db_session, answer, [PLANS, CAMHS]).changed
    assert _mark(db_session, answer, []).removed == [PLANS, CAMHS]
    assert _stored(db_session, answer) == set()
    _mark(db_session, answer, [WAITS])
    row = db_session.scalars(select(QuoteCandidate)).one()
    assert (row.forum_id, row.marked_by) == (forum_id(db_session), user_id(db_session, LEAD))


def test_another_forums_answer_is_never_found(db_session: Session, demo: SurveyVersion) -> None:
    other = make_survey(db_session, make_forum(db_session, "other", "Other Forum"))
    [theirs] = add_answers(db_session, other, TEXTS[:1])
    code(db_session, theirs, [WAITS], who=LEAD)  # as if a lead of theirs had coded it
    ours = forum_id(db_session)
    assert not candidates.quotable(db_session, ours, theirs)
    assert candidates.quote_panel(db_session, ours, theirs) is None
    with pytest.raises(AnswerNotFound):
        candidates.mark(db_session, ours, theirs, [WAITS], user_id(db_session, LEAD))
    assert _stored(db_session, theirs) == set()


def test_the_overview_lists_and_counts_only_candidates_that_still_count(
    db_session: Session, demo: SurveyVersion
) -> None:
    first, second, third = add_answers(db_session, demo, TEXTS)
    for answer in (first, second, third):
        code(db_session, answer, [WAITS, CAMHS])
    _mark(db_session, first, [WAITS, CAMHS])
    _mark(db_session, second, [WAITS])
    _mark(db_session, third, [CAMHS])
    forum = forum_id(db_session)
    assert candidates.candidate_counts(db_session, forum) == {WAITS: 2, CAMHS: 2}
    found = candidates.candidates(db_session, forum, WAITS)
    assert [(c.answer_id, c.theme_id, c.text) for c in found] == [
        (first, WAITS, TEXTS[0]),
        (second, WAITS, TEXTS[1]),
    ]
    assert found[0].theme.startswith("Waiting for health")

    # The second response goes to the spam folder; the third answer is recoded without its theme.
    response_id = db_session.get(Answer, second).response_id  # type: ignore[union-attr]
    db_session.execute(update(Response).where(Response.id == response_id).values(status=SPAM))
    db_session.commit()
    code(db_session, third, [WAITS])
    assert candidates.candidate_counts(db_session, forum) == {WAITS: 1, CAMHS: 1}
    assert {c.answer_id for c in candidates.candidates(db_session, forum)} == {first}
    assert candidates.why_not_quotable(db_session, forum, second) == candidates.NOT_COUNTED
    overview = candidates.overview(db_session, forum, user_id(db_session, LEAD))
    assert [(group.theme_id, group.reports, len(group.quotes)) for group in overview.themes] == [
        (WAITS, 2, 1),  # the first and third reports have it; the second is spam
        (CAMHS, 1, 1),
    ]
    assert not overview.themes[0].enough and overview.total == 2


def test_a_withdrawn_response_takes_its_candidates_with_it(db_session: Session, demo: SurveyVersion) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1])
    code(db_session, answer, [WAITS])
    _mark(db_session, answer, [WAITS])
    response_id = db_session.get_one(Answer, answer).response_id
    db_session.execute(delete(Answer).where(Answer.response_id == response_id))
    db_session.commit()  # what withdrawal does
    assert candidates.candidates(db_session, forum_id(db_session)) == []
    assert db_session.scalars(select(QuoteCandidate)).all() == []


def test_an_answer_a_lead_is_coding_blind_stays_out_of_their_sight(
    db_session: Session, demo: SurveyVersion
) -> None:
    [answer] = add_answers(db_session, demo, TEXTS[:1])
    code(db_session, answer, [WAITS])
    _mark(db_session, answer, [WAITS])
    make_staff(db_session, "second@example.org", role="lead")
    forum, lead, second = (
        forum_id(db_session),
        user_id(db_session, LEAD),
        user_id(db_session, "second@example.org"),
    )
    sampling.create_sample(db_session, forum, lead, 1.0, lead, second, "Blind", seed=1)
    assert candidates.candidates(db_session, forum, hidden_for=lead) == []
    assert [
        c.answer_id for c in candidates.candidates(db_session, forum, hidden_for=user_id(db_session, CODER))
    ] == [answer]
    with pytest.raises(AnswerNotFound):
        candidates.mark(db_session, forum, answer, [], lead)
    assert _stored(db_session, answer) == {WAITS}


# --- pages --------------------------------------------------------------------------------------


def _section(soup: BeautifulSoup) -> str:
    found = soup.find(id="quote")
    assert found is not None, "no quote section"
    return " ".join(found.get_text(" ").split())


def _submitted_answer(app: Flask, session: Session) -> int:
    """A family's report sent through the survey (quote consent ticked), approved and so coded
    automatically; returns the id of its answer to "What has not worked well?"."""
    family = app.test_client()
    answer_all(family)
    assert submit(family).status_code == 302
    approve_all(session)
    found = session.scalar(select(Answer.id).where(Answer.question_key == "not_worked"))
    assert found is not None
    return found


def _post_choices(
    client: FlaskClient, session: Session, answer_id: int, themes: list[str], **extra: str
) -> object:
    named = public_id(session, answer_id)
    token = csrf_token(page(client, f"/staff/coding/{named}"))
    return client.post(
        f"/staff/coding/{named}/quotes", data={"quote_theme": themes, "csrf_token": token, **extra}
    )


def test_a_lead_marks_a_quote_on_the_coding_page(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    answer = _submitted_answer(app, db_session)
    named = public_id(db_session, answer)
    lead = signed_in(app, LEAD)
    section = _section(page(lead, f"/staff/coding/{named}"))
    assert "Quotable: yes" in section and "Once this answer’s coding is saved" in section

    code(db_session, answer, [WAITS, CAMHS])
    soup = page(lead, f"/staff/coding/{named}?status=all")
    boxes = soup.select("#quote input[name=quote_theme]")
    assert {box["value"] for box in boxes} == {WAITS, CAMHS}
    assert not any(box.has_attr("checked") or box.has_attr("data-key") for box in boxes)
    form = soup.select_one("#quote form")
    assert form is not None and form["action"] == f"/staff/coding/{named}/quotes?status=all"

    response = lead.post(str(form["action"]), data={"quote_theme": [CAMHS], "csrf_token": csrf_token(soup)})
    assert response.status_code == 303
    assert response.location == f"/staff/coding/{named}?status=all"
    soup = page(lead, response.location)
    assert f"Saved: answer {named} is a candidate quote for Mental health" in squashed_text(soup)
    checked = [
        box["value"] for box in soup.select("#quote input[name=quote_theme]") if box.has_attr("checked")
    ]
    assert checked == [CAMHS]
    assert _stored(db_session, answer) == {CAMHS}
    assert ("quotes.choices POST", named) in [
        (event.action, event.object_id) for event in db_session.scalars(select(AuditEvent))
    ]

    listing = page(lead, "/staff/quotes")
    shown = squashed_text(listing)
    assert "Mental health, emotional wellbeing and CAMHS: 1 quote" in shown
    assert "1 report has this theme so far" in shown and "packs will not show quotes" in shown
    assert listing.find("a", href=f"/staff/coding/{named}?status=all") is not None
    assert "We waited over a year for CAMHS" in shown  # the approved (redacted) text


def test_bad_choices_are_explained_not_a_server_error(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    answer = _submitted_answer(app, db_session)
    code(db_session, answer, [WAITS])
    lead = signed_in(app, LEAD)
    response = _post_choices(lead, db_session, answer, [PLANS, "x" * 500])
    assert response.status_code == 200  # type: ignore[attr-defined]
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")  # type: ignore[attr-defined]
    assert soup.title is not None and soup.title.get_text().startswith("Error: ")
    summary = soup.select_one("[data-error-summary] a")
    assert summary is not None and summary["href"] == "#quote-fieldset"
    assert "not among them" in _section(soup)
    assert _stored(db_session, answer) == set()
    db_session.expire_all()
    logged = db_session.scalars(select(AuditEvent.action)).all()
    assert "quotes.choices POST" not in logged  # nothing saved, nothing logged

    token = csrf_token(page(lead, f"/staff/coding/{public_id(db_session, answer)}"))
    for url in (
        f"/staff/coding/{answer}/quotes",
        "/staff/coding/0123456789abcdef/quotes",
        "/staff/coding/abc/quotes",
    ):
        assert lead.post(url, data={"quote_theme": WAITS, "csrf_token": token}).status_code == 404


def test_unquotable_answers_say_why(app: Flask, db_session: Session, demo: SurveyVersion) -> None:
    [refused] = add_answers(db_session, demo, TEXTS[:1], consent=False)
    code(db_session, refused, [WAITS])
    lead = signed_in(app, LEAD)
    section = _section(page(lead, f"/staff/coding/{public_id(db_session, refused)}?status=all"))
    assert "Quotable: no, because the family did not tick" in section
    assert "Save quote choices" not in section
    response = _post_choices(lead, db_session, refused, [WAITS])
    assert "cannot be quoted" in response.get_data(as_text=True)  # type: ignore[attr-defined]


def test_coders_see_the_status_but_may_not_change_it(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    answer = _submitted_answer(app, db_session)
    code(db_session, answer, [WAITS])
    _mark(db_session, answer, [WAITS])
    coder = signed_in(app, CODER)
    section = _section(page(coder, f"/staff/coding/{public_id(db_session, answer)}?status=all"))
    assert "Quotable: yes. A lead chose it as a candidate quote for Waiting for health" in section
    assert "Only a lead can change this" in section and "Save quote choices" not in section
    assert _post_choices(coder, db_session, answer, []).status_code == 403  # type: ignore[attr-defined]
    assert _stored(db_session, answer) == {WAITS}
    page(coder, "/staff/quotes", 403)
    assert "Candidate quotes" not in squashed_text(page(coder, "/staff/coding"))
    assert "Candidate quotes" in squashed_text(page(signed_in(app, LEAD), "/staff/coding"))


def test_the_overview_is_empty_until_a_quote_is_chosen(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    shown = squashed_text(page(signed_in(app, LEAD), "/staff/quotes"))
    assert "No quotes have been chosen yet" in shown


# --- the pack's final check, shown to the lead ----------------------------------------------------

DATED = "His plan is so out of date it describes Year 3 and the review was in March."


def test_the_overview_says_which_quotes_packs_leave_out_and_why(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    kept, dated = add_answers(db_session, demo, [TEXTS[0], DATED])
    for answer in (kept, dated):
        code(db_session, answer, [WAITS])
        _mark(db_session, answer, [WAITS])
    found = {c.answer_id: c for c in candidates.candidates(db_session, forum_id(db_session))}
    assert not found[kept].left_out
    assert found[dated].reasons == [
        "it gives a school year (“Year 3”)",
        "it gives a month or a date (“in March”)",
    ]
    assert candidates.overview(db_session, forum_id(db_session)).left_out == 1

    listing = page(signed_in(app, LEAD), "/staff/quotes")
    warning = listing.find(id="left-out")
    assert warning is not None and "1 of them is left out of packs" in squashed_text(warning)
    shown = squashed_text(listing)
    assert "Left out of packs Because it gives a school year (“Year 3”); it gives a month or a date" in shown
    assert shown.count("Left out of packs Because") == 1


def test_the_coding_page_warns_the_lead_before_choosing_a_quote_packs_would_leave_out(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    dated, plain = add_answers(db_session, demo, [DATED, TEXTS[0]])
    code(db_session, dated, [WAITS])
    code(db_session, plain, [WAITS])
    lead = signed_in(app, LEAD)
    section = _section(page(lead, f"/staff/coding/{public_id(db_session, dated)}?status=all"))
    assert "Packs will leave this answer out because it gives a school year (“Year 3”)" in section
    plain_page = page(lead, f"/staff/coding/{public_id(db_session, plain)}?status=all")
    assert "Packs will leave this answer out" not in _section(plain_page)


def test_the_queue_finds_the_answers_a_lead_can_quote(
    app: Flask, db_session: Session, demo: SurveyVersion
) -> None:
    consented = add_answers(db_session, demo, TEXTS[:2])
    [refused] = add_answers(db_session, demo, TEXTS[2:], consent=False)
    for answer in [*consented, refused]:
        code(db_session, answer, [WAITS])
    lead = signed_in(app, LEAD)
    queue = page(lead, "/staff/coding")
    link = queue.find("a", string="Answers you can quote")
    assert link is not None and link["href"] == "/staff/coding?status=coded&quotable=yes"
    listed = page(lead, str(link["href"]))
    shown = {a.get_text(strip=True) for a in listed.select(".coding-queue__title a")}
    assert shown == {f"Answer {named}" for named in public_ids(db_session, consented)}
    assert page(lead, "/staff/quotes").find("a", href="/staff/coding?status=coded&quotable=yes") is not None
    wrong = page(lead, "/staff/coding?status=coded&quotable=maybe", status=422)
    assert "Choose from the list whether the family agreed to be quoted" in squashed_text(wrong)
