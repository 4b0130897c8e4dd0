"""Blind double coding: drawing a random sample, coding it blind, settling disagreements.

A lead draws a random share of the forum's free-text answers (``create_sample``) and names two people.
Each codes every sampled answer without seeing the automatic suggestions or the other person's coding
(``blind_queue``, ``coding_page``, ``save_blind``). The figures, the disagreements and the summary for
evidence packs are in ``reliability``; the disagreements, and a lead settling them, in ``settling``.

Blindness: until both have coded every answer, neither person may see the figures, the disagreements or
the other's coding, whatever their role (``may_see_report``). Once both have finished, the codings are
locked, so the figures stay as measured, and only then may a lead settle disagreements (settling earlier
would lock answers and so tell a coder going back over theirs which ones the other coded differently).

Each service call that writes commits once.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from forum_app.accounts.models import Membership, User
from forum_app.accounts.team import Member, list_members
from forum_app.agreement.models import AgreementItem, AgreementSample, BlindCoding
from forum_app.codebook.models import CodebookVersion
from forum_app.codebook.versions import ensure_codebook
from forum_app.coding.models import CODED, PENDING, SENTIMENTS, CodedAnswer
from forum_app.db import utcnow
from forum_app.surveys.models import SUBMITTED, Answer, Response, Survey, SurveyVersion

CODING_ROLES = ("lead", "coder")
LOCKED = "Both people have finished this sample, so its codings are locked and the figures stay as measured."


class SampleError(ValueError):
    """A request about a sample that cannot be met; the message says why, for the person asking.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def percent_of_answers(fraction: float) -> str:
    return f"{fraction * 100:g}%"


# --- the sample and its progress ------------------------------------------------------------------


@dataclass(frozen=True)
class CoderProgress:
    user_id: int | None
    name: str
    coded: int
    total: int

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.coded >= self.total


@dataclass(frozen=True)
class Progress:
    total: int
    first: CoderProgress
    second: CoderProgress
    both: int  # answers coded by both people
    one: int  # answers coded by one person only (left out of the figures)

    @property
    def neither(self) -> int:
        return self.total - self.both - self.one

    @property
    def complete(self) -> bool:
        """Both people have coded every answer: the report may be shown to them, codings are locked."""
        return self.total > 0 and self.both == self.total

    def of(self, user_id: int) -> CoderProgress | None:
        for coder in (self.first, self.second):
            if coder.user_id == user_id:
                return coder
        return None


@dataclass(frozen=True)
class SampleRow:
    """One sample in the list of samples."""

    public_id: str  # how addresses name it
    name: str
    created_on: date
    percent: str
    progress: Progress
    assigned: bool  # the person looking is one of its two coders
    you_finished: bool  # ... and has coded every answer
    report_visible: bool

    @property
    def your_turn(self) -> bool:
        """The person looking may still code (or change their coding of) this sample's answers."""
        return self.assigned and not self.progress.complete


def coding_staff(session: Session, forum_id: int) -> list[Member]:
    """The forum's active leads and coders, by email: the people who may code a sample."""
    return [m for m in list_members(session, forum_id) if m.active and m.role in CODING_ROLES]


def forum_surveys(session: Session, forum_id: int) -> list[tuple[int, str]]:
    return [
        (row.id, row.title)
        for row in session.execute(
            select(Survey.id, Survey.title).where(Survey.forum_id == forum_id).order_by(Survey.title)
        )
    ]


def member_role(session: Session, forum_id: int, user_id: int | None) -> str | None:
    """The person's role on the forum's staff, or None if they are not on it."""
    if user_id is None:
        return None
    return session.scalar(
        select(Membership.role).where(Membership.forum_id == forum_id, Membership.user_id == user_id)
    )


def sample_size(fraction: float, population: int) -> int:
    """``fraction`` of ``population``, rounded half up, at least one and at most all of them."""
    if population <= 0:
        return 0
    return min(population, max(1, math.floor(round(fraction * population, 9) + 0.5)))


def create_sample(
    session: Session,
    forum_id: int,
    created_by: int,
    fraction: float,
    first_coder_id: int,
    second_coder_id: int,
    name: str = "",
    *,
    survey_id: int | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
    seed: int | None = None,
) -> AgreementSample:
    """Draw a random ``fraction`` (0.01 to 1) of the forum's coded or pending free-text answers, optionally
    of one survey and sent in a period (inclusive), for two people to code blind. Commits.

    The same ``seed`` on the same answers draws the same sample, in the same order.
    """
    if not 0.01 - 1e-9 <= fraction <= 1:
        raise SampleError("Enter a sample size from 1% to 100%.", "percent")
    _check_people(session, forum_id, created_by, first_coder_id, second_coder_id)
    _check_survey_and_period(session, forum_id, survey_id, submitted_from, submitted_to)
    population = _answers_to_sample(session, forum_id, survey_id, submitted_from, submitted_to)
    rng = random.Random(seed if seed is not None else secrets.randbits(64))  # noqa: S311  (a sample, not a secret)
    chosen = rng.sample(population, sample_size(fraction, len(population)))

    codebook = ensure_codebook(session, forum_id)
    today = utcnow().date()
    sample = AgreementSample(
        forum_id=forum_id,
        name=(name.strip() or f"Sample of {today.day} {today:%B %Y}")[:200],
        fraction=fraction,
        first_coder_id=first_coder_id,
        second_coder_id=second_coder_id,
        codebook_version_id=codebook.id,
        created_by_id=created_by,
    )
    sample.items = [AgreementItem(answer_id=answer_id, position=n) for n, answer_id in enumerate(chosen, 1)]
    session.add(sample)
    session.commit()
    return sample


def _check_people(
    session: Session, forum_id: int, created_by: int, first_coder_id: int, second_coder_id: int
) -> None:
    """A lead starts the sample, for two different people of the forum who may code."""
    if member_role(session, forum_id, created_by) != "lead":
        raise SampleError("Only a forum lead can start a sample.")
    for field, user_id in (("first_coder", first_coder_id), ("second_coder", second_coder_id)):
        role = member_role(session, forum_id, user_id)
        if role is None:
            raise SampleError("Choose someone on this forum's staff.", field)
        if role not in CODING_ROLES:
            email = session.scalar(select(User.email).where(User.id == user_id))
            raise SampleError(f"{email} is a viewer: only leads and coders can code answers.", field)
    if first_coder_id == second_coder_id:
        raise SampleError(
            "Choose two different people: one person cannot code a sample twice.", "second_coder"
        )


def _check_survey_and_period(
    session: Session,
    forum_id: int,
    survey_id: int | None,
    submitted_from: date | None,
    submitted_to: date | None,
) -> None:
    """The survey, if one is chosen, is the forum's own, and the period does not end before it starts."""
    if (
        survey_id is not None
        and session.scalar(select(Survey.id).where(Survey.id == survey_id, Survey.forum_id == forum_id))
        is None
    ):
        raise SampleError("Choose one of this forum's surveys.", "survey")
    if submitted_from and submitted_to and submitted_from > submitted_to:
        raise SampleError("The start of the period must be before its end.", "period")


def _answers_to_sample(
    session: Session,
    forum_id: int,
    survey_id: int | None,
    submitted_from: date | None,
    submitted_to: date | None,
) -> list[int]:
    """The ids of the free-text answers a sample is drawn from, in id order; ``SampleError`` if none."""
    query = (
        select(CodedAnswer.answer_id)
        .join(Answer, Answer.id == CodedAnswer.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(
            CodedAnswer.forum_id == forum_id,
            CodedAnswer.status.in_((PENDING, CODED)),
            Response.status == SUBMITTED,
        )
        .order_by(CodedAnswer.answer_id)
    )
    if survey_id is not None:
        query = query.where(CodedAnswer.survey_id == survey_id)
    if submitted_from is not None:
        query = query.where(CodedAnswer.submitted_on >= submitted_from)
    if submitted_to is not None:
        query = query.where(CodedAnswer.submitted_on <= submitted_to)
    population = list(session.scalars(query))
    if not population:
        narrowed = survey_id is not None or submitted_from is not None or submitted_to is not None
        raise SampleError(
            "There are no free-text answers to sample"
            + (" for this survey and period." if narrowed else " yet."),
            "survey" if survey_id is not None else ("period" if narrowed else None),
        )
    return population


def get_sample(session: Session, forum_id: int, sample_id: int) -> AgreementSample | None:
    """The forum's sample with this id, or None (another forum's samples do not exist here)."""
    sample = session.get(AgreementSample, sample_id)
    return sample if sample is not None and sample.forum_id == forum_id else None


def get_item(session: Session, sample: AgreementSample, item_id: int) -> AgreementItem | None:
    item = session.get(AgreementItem, item_id)
    return item if item is not None and item.sample_id == sample.id else None


def item_at(session: Session, sample: AgreementSample, position: int) -> AgreementItem | None:
    return session.scalar(
        select(AgreementItem).where(AgreementItem.sample_id == sample.id, AgreementItem.position == position)
    )


def email_of(session: Session, user_id: int | None) -> str:
    found = session.scalar(select(User.email).where(User.id == user_id)) if user_id is not None else None
    return found or "someone no longer on the staff"


def progress(session: Session, sample: AgreementSample) -> Progress:
    total = (
        session.scalar(
            select(func.count()).select_from(AgreementItem).where(AgreementItem.sample_id == sample.id)
        )
        or 0
    )
    rows = session.execute(
        select(BlindCoding.item_id, BlindCoding.coder_id)
        .join(AgreementItem, AgreementItem.id == BlindCoding.item_id)
        .where(AgreementItem.sample_id == sample.id)
    ).all()
    coded: dict[int, set[int]] = {}
    for item_id, coder_id in rows:
        coded.setdefault(coder_id, set()).add(item_id)
    first = coded.get(sample.first_coder_id or -1, set())
    second = coded.get(sample.second_coder_id or -1, set())
    return Progress(
        total=total,
        first=CoderProgress(
            sample.first_coder_id, email_of(session, sample.first_coder_id), len(first), total
        ),
        second=CoderProgress(
            sample.second_coder_id, email_of(session, sample.second_coder_id), len(second), total
        ),
        both=len(first & second),
        one=len(first ^ second),
    )


def is_coder(sample: AgreementSample, user_id: int) -> bool:
    return user_id in (sample.first_coder_id, sample.second_coder_id)


def may_see_report(sample: AgreementSample, state: Progress, user_id: int, role: str) -> bool:
    """A lead may see a sample's figures at any time, unless they are coding it; its two coders may
    once both have finished. Nobody sees them while still coding: that is what keeps it blind."""
    if is_coder(sample, user_id):
        return state.complete
    return role == "lead"


def may_see_disagreements(sample: AgreementSample, state: Progress, user_id: int, role: str) -> bool:
    return role == "lead" and may_see_report(sample, state, user_id, role)


def may_resolve(state: Progress, role: str) -> bool:
    """Leads settle disagreements once both people have finished: settling earlier would lock answers
    (and so tell a coder going back over their answers which ones the other coded differently)."""
    return role == "lead" and state.complete


def list_samples(session: Session, forum_id: int, user_id: int, role: str) -> list[SampleRow]:
    """The forum's samples, newest first: all of them for a lead, those they code for anyone else."""
    query = select(AgreementSample).where(AgreementSample.forum_id == forum_id)
    if role != "lead":
        query = query.where(
            (AgreementSample.first_coder_id == user_id) | (AgreementSample.second_coder_id == user_id)
        )
    rows = []
    for sample in session.scalars(
        query.order_by(AgreementSample.created_at.desc(), AgreementSample.id.desc())
    ):
        state = progress(session, sample)
        mine = state.of(user_id)
        rows.append(
            SampleRow(
                public_id=sample.public_id,
                name=sample.name,
                created_on=sample.created_at.date(),
                percent=percent_of_answers(sample.fraction),
                progress=state,
                assigned=is_coder(sample, user_id),
                you_finished=mine is not None and mine.finished,
                report_visible=may_see_report(sample, state, user_id, role),
            )
        )
    return rows


# --- blind coding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A theme or a sentiment a person may choose: its value and the label they read."""

    value: str
    label: str


def theme_choices(session: Session, sample: AgreementSample) -> list[Choice]:
    """The themes of the codebook version the sample is coded with, in codebook order."""
    version = session.scalar(
        select(CodebookVersion)
        .where(CodebookVersion.id == sample.codebook_version_id)
        .options(selectinload(CodebookVersion.themes))
    )
    return [Choice(row.theme_id, row.label) for row in version.themes] if version else []


def sentiment_choices() -> list[Choice]:
    return [Choice(value, value.capitalize()) for value in SENTIMENTS]


def blind_queue(session: Session, sample_id: int, coder_id: int) -> AgreementItem | None:
    """The next answer of the sample, in its random order, that this person has not coded."""
    done = select(BlindCoding.item_id).where(BlindCoding.coder_id == coder_id)
    return session.scalar(
        select(AgreementItem)
        .where(AgreementItem.sample_id == sample_id, AgreementItem.id.not_in(done))
        .order_by(AgreementItem.position)
        .limit(1)
    )


def own_coding(session: Session, item_id: int, coder_id: int) -> BlindCoding | None:
    return session.scalar(
        select(BlindCoding).where(BlindCoding.item_id == item_id, BlindCoding.coder_id == coder_id)
    )


def question_and_text(session: Session, answer_id: int) -> tuple[str, str]:
    row = session.execute(
        select(Answer.question_key, Answer.value, SurveyVersion.definition)
        .join(Response, Response.id == Answer.response_id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(Answer.id == answer_id)
    ).one_or_none()
    if row is None:
        return "", ""
    key, value, definition = row
    titles = {q.get("key"): q.get("title", "") for q in definition.get("questions", [])}
    return str(titles.get(key, "")), value if isinstance(value, str) else ""


def _lock_reason(session: Session, item: AgreementItem, state: Progress | None = None) -> str:
    return LOCKED if (state or progress(session, item.sample)).complete else ""


@dataclass(frozen=True)
class CodingPage:
    """What the blind coding page shows: the answer and the person's own coding, nothing else."""

    item_id: int
    position: int
    total: int
    coded: int  # answers this person has coded
    question: str
    text: str
    own_themes: tuple[str, ...] | None  # None: not coded by this person yet
    own_labels: tuple[str, ...]
    own_sentiment: str | None
    locked: str  # why it cannot be changed, or ""


def coding_page(session: Session, item: AgreementItem, coder_id: int) -> CodingPage:
    state = progress(session, item.sample)
    mine = state.of(coder_id)
    own = own_coding(session, item.id, coder_id)
    question, text = question_and_text(session, item.answer_id)
    labels = [
        choice.label for choice in theme_choices(session, item.sample) if own and choice.value in own.themes
    ]
    return CodingPage(
        item_id=item.id,
        position=item.position,
        total=state.total,
        coded=mine.coded if mine else 0,
        question=question,
        text=text,
        own_themes=tuple(own.themes) if own else None,
        own_labels=tuple(labels),
        own_sentiment=own.sentiment if own else None,
        locked=_lock_reason(session, item, state),
    )


def check_coding(
    session: Session, sample: AgreementSample, themes: Iterable[str], sentiment: str
) -> list[str]:
    """The themes chosen, sorted and each once, if they are the sample's codebook's and the sentiment is
    one of ``SENTIMENTS``; else ``SampleError``."""
    chosen = sorted(set(themes))
    known = {choice.value for choice in theme_choices(session, sample)}
    unknown = [theme for theme in chosen if theme not in known]
    if unknown:
        raise SampleError(f"Unknown theme: {', '.join(unknown)}.", "themes")
    if sentiment not in SENTIMENTS:
        raise SampleError("Choose a sentiment: negative, mixed, neutral or positive.", "sentiment")
    return chosen


def save_blind(
    session: Session, item: AgreementItem, coder_id: int, themes: Iterable[str], sentiment: str
) -> BlindCoding:
    """Save (or, until both people have finished, change) one person's coding of a sampled answer.
    Only the sample's two coders may. Commits."""
    sample = item.sample
    if not is_coder(sample, coder_id):
        raise SampleError("Only the two people chosen for this sample can code it.")
    locked = _lock_reason(session, item)
    if locked:
        raise SampleError(locked)
    chosen = check_coding(session, sample, themes, sentiment)
    for _attempt in range(2):
        row = own_coding(session, item.id, coder_id)
        if row is None:
            row = BlindCoding(item_id=item.id, coder_id=coder_id)
            session.add(row)
        row.themes, row.sentiment, row.coded_at = chosen, sentiment, utcnow()
        try:
            session.commit()
            return row
        except IntegrityError:  # the same person saved the same answer twice at once: update instead
            session.rollback()
    raise SampleError("That answer could not be saved. Try again.")
