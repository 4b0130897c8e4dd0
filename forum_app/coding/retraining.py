"""Retraining the automatic coder on a forum's own confirmed codings.

A forum's confirmed codings are its answers that a person has decided (``CodedAnswer.status`` is
``coded``): the answer's text, the themes whose codings were accepted (automatic or added by hand;
none is a decision too) and the sentiment people settled on.

Retraining fits a new model on the packaged examples plus the forum's. It is checked honestly
first, on the forum's own answers: in three rounds, a third of them (near-duplicates kept together)
is held out, a model is trained on the rest plus the packaged lines and codes the held-out third; so
every forum answer is coded once by a model that never saw it, and once by the default coder, and
both are scored (macro-F1) on all of them. The final model is then trained on everything. It is
switched on only when it scored no worse than the default; otherwise it is kept, switched off, with
a message saying why.

Choices, measured (five folds over a register of the packaged data standing in for a forum's 256
codings, the default retrained without that register; also with local service names swapped in, where
retraining lifted macro-F1 from 0.76 to 0.83 and from 0.72 to 0.75): counting the forum's examples 3
or 5 times instead of once changed macro-F1 by at most 0.015, as often down as up, so each counts once
(``repeat``). Once also keeps the vocabularies' ``min_df=2`` meaningful: a word or word pair found
in only one text (a name, a school) is not stored in the parameters. A forum with 11 answers
mentioning a local club learns it. Thresholds are left at 0.5 rather than tuned by inner
cross-validation (five more fits per model); 0.5 scored slightly better than reusing the default
coder's thresholds (+0.009 on average). So a retraining is four fits of about 4 s each plus reading
the texts: 15 to 20 s on one core, in a background thread with its own database session; the row
goes queued -> training -> ready (or failed). Parameters are stored as npz bytes (plain arrays and a
JSON header) and read back with ``allow_pickle=False``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from forum_app.accounts.models import Forum
from forum_app.coding.models import ACCEPTED, CODED, NOT_CODED_LABEL, CodedAnswer, Coding, ForumModel
from forum_app.db import utcnow
from forum_app.surveys.models import SUBMITTED, Answer, Response

if TYPE_CHECKING:  # NumPy, scikit-learn and TextBlob load only when a model is trained
    from forum_app.coder.classifier import Example, Model, Prepared

log = logging.getLogger(__name__)

# The fewest confirmed codings (coded answers) a forum needs before it may retrain; the app's
# ``RETRAIN_MIN_CODED`` setting overrides it.
MIN_FORUM_EXAMPLES = 100

QUEUED, TRAINING, READY, FAILED = "queued", "training", "ready", "failed"
REMOVED = "removed"  # switched off and its parameters deleted: a family withdrew answers it learned from
RUNNING = (QUEUED, TRAINING)
# A job still queued or training after this long was cut off (the process stopped): it no longer
# blocks a new one.
STALE_AFTER = timedelta(hours=1)
FORUM_GROUP = "forum"
SEED = 20250601


@dataclass(frozen=True)
class RetrainSettings:
    """How a forum's coder is retrained. The defaults are what the button and the CLI use."""

    # Each of the forum's examples is counted this many times (more made no measurable difference).
    repeat: int = 1
    # The check: the forum's examples are split into this many parts; each part is coded by a model
    # trained without it (plus the packaged examples), so every example is scored once, unseen.
    check_folds: int = 3
    # Train on every n-th packaged example only (1: all of them). Smaller is faster, for tests.
    packaged_every: int = 1
    # Training parameters over ``model.DEFAULT_PARAMS``: no inner folds, so thresholds stay at 0.5.
    params: Mapping[str, Any] = field(default_factory=lambda: {"threshold_folds": 0})
    # The coder to beat; None: the shipped default. Tests that train on fewer packaged examples
    # compare with a default trained the same way.
    compare_with: Model | None = field(default=None, compare=False)
    seed: int = SEED


class RetrainError(Exception):
    """Retraining cannot start, or a model cannot be switched on; the message says why."""


class NotEnoughCodings(RetrainError):
    def __init__(self, count: int, minimum: int) -> None:
        self.count, self.minimum = count, minimum
        super().__init__(
            f"Retraining needs at least {minimum:,} confirmed codings; this forum has {count:,}. "
            "Code more answers first."
        )


class RetrainingInProgress(RetrainError):
    def __init__(self, model_id: int) -> None:
        self.model_id = model_id
        super().__init__(
            "The coder is already being retrained on this forum's codings. "
            "Wait for that to finish before starting again."
        )


class ModelNotUsable(RetrainError):
    pass


# --- the forum's confirmed codings -------------------------------------------------------------


def confirmed_count(session: Session, forum_id: int) -> int:
    """How many of the forum's answers a person has decided (in English: the coder reads only that)."""
    query = select(func.count()).where(
        CodedAnswer.forum_id == forum_id,
        CodedAnswer.status == CODED,
        CodedAnswer.model_label != NOT_CODED_LABEL,
    )
    return session.scalar(query) or 0


def forum_examples(session: Session, forum_id: int) -> list[Example]:
    """The forum's confirmed codings as examples, oldest answer first (confirmed codings only, of
    answers in English: those in other languages were left to people; of submitted responses only,
    never withdrawn or spam ones)."""
    return forum_training_set(session, forum_id)[1]


def forum_training_set(session: Session, forum_id: int) -> tuple[list[int], list[Example]]:
    """The ids of the answers ``forum_examples`` gives, and the examples, in the same order."""
    from forum_app.coder.classifier import Example

    rows = session.execute(
        select(CodedAnswer.answer_id, Answer.value, CodedAnswer.sentiment)
        .join(Answer, Answer.id == CodedAnswer.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(
            CodedAnswer.forum_id == forum_id,
            CodedAnswer.status == CODED,
            CodedAnswer.model_label != NOT_CODED_LABEL,
            Response.status == SUBMITTED,
        )
        .order_by(CodedAnswer.answer_id)
    ).all()
    themes: dict[int, list[str]] = {}
    accepted = session.execute(
        select(Coding.answer_id, Coding.theme_id)
        .join(CodedAnswer, CodedAnswer.answer_id == Coding.answer_id)
        .where(CodedAnswer.forum_id == forum_id, CodedAnswer.status == CODED, Coding.status == ACCEPTED)
        .order_by(Coding.answer_id, Coding.theme_id)
    )
    for answer_id, theme_id in accepted:
        themes.setdefault(answer_id, []).append(theme_id)
    kept = [
        (answer_id, value, sentiment)
        for answer_id, value, sentiment in rows
        if isinstance(value, str) and value.strip()
    ]
    examples = [
        Example(value, tuple(dict.fromkeys(themes.get(answer_id, []))), sentiment, FORUM_GROUP)
        for answer_id, value, sentiment in kept
    ]
    return [answer_id for answer_id, _, _ in kept], examples


def still_submitted(session: Session, answer_ids: Sequence[int]) -> bool:
    """Whether every one of these answers is still there, in a submitted response."""
    found = 0
    for start in range(0, len(answer_ids), 500):
        chunk = list(answer_ids[start : start + 500])
        found += (
            session.scalar(
                select(func.count())
                .select_from(Answer)
                .join(Response, Response.id == Answer.response_id)
                .where(Answer.id.in_(chunk), Response.status == SUBMITTED)
            )
            or 0
        )
    return found == len(set(answer_ids))


# --- training ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trained:
    model: Model
    metrics: dict[str, Any]
    better: bool  # no worse than the default on the held-out part
    message: str


@cache
def _packaged(every: int) -> tuple[tuple[Example, ...], tuple[Prepared, ...]]:
    """The packaged examples (every ``every``-th) and their prepared texts, once per process."""
    from forum_app.coder.classifier import prepare
    from forum_app.coder.shipped_model import packaged_examples

    examples = tuple(packaged_examples()[::every])
    return examples, tuple(prepare(example.text) for example in examples)


def _fit(forum: Sequence[Example], prepared: Sequence[Prepared], settings: RetrainSettings) -> Model:
    from forum_app.coder.classifier import train

    base, base_prepared = _packaged(settings.packaged_every)
    return train(
        [*base, *(list(forum) * settings.repeat)],
        dict(settings.params),
        prepared=[*base_prepared, *(list(prepared) * settings.repeat)],
    )


def _scores(
    examples: Sequence[Example], themes: Sequence[Sequence[str]], sentiments: Sequence[str], model: Model
) -> dict[str, Any]:
    from forum_app.coder.evaluation import score

    result = score(
        [example.themes for example in examples],
        themes,
        model.theme_ids,
        [example.sentiment for example in examples],
        sentiments,
    )
    return {key: result[key] for key in ("macro_f1", "micro_f1", "sentiment_accuracy")}


def _coded(
    model: Model, examples: Sequence[Example], prepared: Sequence[Prepared]
) -> tuple[list[tuple[str, ...]], list[str]]:
    from forum_app.coder.pipeline import code_prepared

    codings = code_prepared(prepared, [example.text for example in examples], model)
    return [coding.theme_ids for coding in codings], [coding.sentiment.label for coding in codings]


def train_for_forum(examples: Sequence[Example], settings: RetrainSettings | None = None) -> Trained:
    """Check, on the forum's own ``examples``, a model trained with them against the default coder,
    then train the final model on all of them (no database: plain values in, out).

    The check is cross-validated: in ``check_folds`` rounds, a part of the forum's examples is held
    out (near-duplicate texts stay together) and coded by a model trained on the rest plus the
    packaged examples. Every forum example is so coded once by a model that never saw it, and once
    by the default coder; both are scored on all of them.
    """
    from forum_app.coder.classifier import folds, prepare
    from forum_app.coder.shipped_model import default_model

    settings = settings or RetrainSettings()
    default = settings.compare_with or default_model()
    if len(examples) < 2 * settings.check_folds:
        raise ValueError("Too few confirmed codings to check a retrained coder.")
    started = time.perf_counter()
    prepared = [prepare(example.text) for example in examples]
    themes: list[tuple[str, ...]] = [()] * len(examples)
    sentiments = [""] * len(examples)
    rounds = folds(examples, settings.check_folds, settings.seed)
    for train_rows, test_rows in rounds:
        trial = _fit([examples[i] for i in train_rows], [prepared[i] for i in train_rows], settings)
        coded_themes, coded_sentiments = _coded(
            trial, [examples[i] for i in test_rows], [prepared[i] for i in test_rows]
        )
        for row, row_themes, row_sentiment in zip(test_rows, coded_themes, coded_sentiments, strict=True):
            themes[row], sentiments[row] = row_themes, row_sentiment
    new = _scores(examples, themes, sentiments, default)
    before = _scores(examples, *_coded(default, examples, prepared), default)
    model = _fit(examples, prepared, settings)
    packaged = len(_packaged(settings.packaged_every)[0])
    model.meta = {"forum_examples": len(examples), "packaged_examples": packaged, "repeat": settings.repeat}
    better = new["macro_f1"] >= before["macro_f1"]
    metrics = {
        "forum_examples": len(examples),
        "packaged_examples": packaged,
        "repeat": settings.repeat,
        "held_out": len(examples),  # every example, each once, by a model that did not see it
        "check_folds": len(rounds),
        "new": new,
        "default": before,
        "seconds": round(time.perf_counter() - started, 1),
    }
    checked = f"on {len(examples)} of the forum's answers, each held out of its training in turn,"
    if better:
        message = (
            f"Switched on: {checked} it scored macro-F1 {new['macro_f1']:.3f}, "
            f"the default coder {before['macro_f1']:.3f}."
        )
    else:
        message = (
            f"Not switched on: {checked} it scored macro-F1 {new['macro_f1']:.3f}, "
            f"lower than the default coder's {before['macro_f1']:.3f}."
        )
    return Trained(model, metrics, better, message)


# --- jobs --------------------------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """SQLite gives back times without their zone; they are all UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def running_job(session: Session, forum_id: int, now: datetime | None = None) -> ForumModel | None:
    """The forum's queued or training job, unless it has been cut off (older than STALE_AFTER)."""
    now = now or utcnow()
    jobs = session.scalars(
        select(ForumModel)
        .where(ForumModel.forum_id == forum_id, ForumModel.status.in_(RUNNING))
        .order_by(ForumModel.id.desc())
    ).all()
    return next((job for job in jobs if now - _aware(job.created_at) < STALE_AFTER), None)


def start_retraining(
    session: Session, forum_id: int, user_id: int | None, minimum: int = MIN_FORUM_EXAMPLES
) -> ForumModel:
    """Queue a retraining job for the forum (committed). Refuses below ``minimum`` confirmed
    codings, and while another job of the forum is queued or training."""
    # One job per forum: the forum's row is locked until this transaction ends (PostgreSQL; SQLite
    # has one writer at a time anyway).
    session.execute(select(Forum.id).where(Forum.id == forum_id).with_for_update())
    count = confirmed_count(session, forum_id)
    if count < minimum:
        session.rollback()
        raise NotEnoughCodings(count, minimum)
    running = running_job(session, forum_id)
    if running is not None:
        session.rollback()
        raise RetrainingInProgress(running.id)
    now = utcnow()
    session.execute(
        update(ForumModel)
        .where(ForumModel.forum_id == forum_id, ForumModel.status.in_(RUNNING))
        .values(status=FAILED, message="Interrupted: the app stopped while it was training.", finished_at=now)
    )
    job = ForumModel(forum_id=forum_id, status=QUEUED, created_by_id=user_id, created_at=now)
    session.add(job)
    session.commit()
    return job


def run_retraining(session: Session, model_id: int, settings: RetrainSettings | None = None) -> ForumModel:
    """Train the queued job ``model_id`` and store the outcome (committed); never raises for a
    training failure: the row is marked failed with the exception's type only (never answer text)."""
    job = session.get(ForumModel, model_id)
    if job is None or job.status != QUEUED:
        raise ModelNotUsable("That retraining job is not waiting to run.")
    job.status = TRAINING
    session.commit()
    try:
        answer_ids, examples = forum_training_set(session, job.forum_id)
        session.commit()  # end the read transaction: training takes a while
        trained = train_for_forum(examples, settings)
        from forum_app.coder.model_files import model_to_bytes

        parameters = model_to_bytes(trained.model)
    except Exception as exc:
        session.rollback()
        log.error("Retraining forum model %s failed (%s).", model_id, type(exc).__name__)
        job = session.get(ForumModel, model_id) or job
        job.status = FAILED
        job.message = f"Training failed ({type(exc).__name__}). The coder in use has not changed."
        job.finished_at = utcnow()
        session.commit()
        return job
    session.refresh(job, with_for_update=True)  # a withdrawal waits for this, or this for it
    if job.status != TRAINING or not still_submitted(session, answer_ids):  # a family withdrew meanwhile
        job.status, job.message = FAILED, "Stopped: a family withdrew answers while it was training."
        job.finished_at = utcnow()
        session.commit()
        return job
    job.status = READY
    job.forum_examples = len(examples)
    job.metrics = {**trained.metrics, "answers": answer_ids}
    job.message = trained.message
    job.parameters = parameters
    job.finished_at = utcnow()
    if trained.better:
        _switch(session, job.forum_id, job.id)
    session.commit()
    return job


def retrain_forum(
    session: Session,
    forum_id: int,
    user_id: int | None,
    minimum: int = MIN_FORUM_EXAMPLES,
    settings: RetrainSettings | None = None,
) -> ForumModel:
    """Retrain the forum's coder now, in this thread (the CLI): queue the job, then run it."""
    job = start_retraining(session, forum_id, user_id, minimum)
    return run_retraining(session, job.id, settings)


def run_in_background(
    sessions: sessionmaker[Session], model_id: int, settings: RetrainSettings | None = None
) -> threading.Thread:
    """Run the queued job in a thread of its own, with a database session of its own."""

    def work() -> None:
        with sessions() as session:
            try:
                run_retraining(session, model_id, settings)
            except Exception as exc:  # nothing to tell: the row says queued; it goes stale
                log.error("Retraining job %s could not run (%s).", model_id, type(exc).__name__)

    thread = threading.Thread(target=work, name=f"retrain-forum-model-{model_id}", daemon=True)
    thread.start()
    return thread


# --- choosing the coder in use -----------------------------------------------------------------


def _switch(session: Session, forum_id: int, model_id: int | None) -> None:
    session.execute(
        update(ForumModel)
        .where(ForumModel.forum_id == forum_id, ForumModel.id != (model_id or 0), ForumModel.active.is_(True))
        .values(active=False)
    )
    if model_id is not None:
        session.execute(update(ForumModel).where(ForumModel.id == model_id).values(active=True))


def use_model(session: Session, forum_id: int, model_id: int | None) -> None:
    """Switch the forum's coder to its ready model ``model_id``, or back to the default (None)."""
    if model_id is not None:
        model = session.get(ForumModel, model_id)
        if model is None or model.forum_id != forum_id or model.status != READY:
            raise ModelNotUsable("That model cannot be used: it is not one of this forum's ready models.")
    _switch(session, forum_id, model_id)
    session.commit()


def active_model(session: Session, forum_id: int) -> ForumModel | None:
    """The forum's model in use, if it has one (else the default coder is used)."""
    return session.scalars(
        select(ForumModel)
        .where(ForumModel.forum_id == forum_id, ForumModel.active.is_(True), ForumModel.status == READY)
        .order_by(ForumModel.id.desc())
        .limit(1)
    ).first()


def model_number(session: Session, model: ForumModel) -> int:
    """A model's number within its forum: 1 for the forum's first, and so on."""
    query = select(func.count()).where(ForumModel.forum_id == model.forum_id, ForumModel.id <= model.id)
    return session.scalar(query) or 1


def forum_models(session: Session, forum_id: int) -> list[ForumModel]:
    """The forum's models, newest first (parameters not loaded)."""
    return list(
        session.scalars(
            select(ForumModel).where(ForumModel.forum_id == forum_id).order_by(ForumModel.id.desc())
        )
    )


# --- what the coder page shows -----------------------------------------------------------------

STATUS_TEXT = {
    QUEUED: "Waiting to start",
    TRAINING: "Training",
    READY: "Ready",
    FAILED: "Failed",
    REMOVED: "Switched off and deleted",
}


@dataclass(frozen=True)
class ModelRow:
    id: int
    number: int
    name: str  # "Forum model 2"
    status: str
    status_text: str  # never only a colour
    active: bool
    forum_examples: int
    new_f1: str  # held-out macro-F1, formatted, or ""
    default_f1: str
    held_out: int
    created_at: datetime
    finished_at: datetime | None
    message: str

    @property
    def usable(self) -> bool:
        return self.status == READY and not self.active


@dataclass(frozen=True)
class CoderPage:
    in_use: ModelRow | None  # None: the default coder
    confirmed: int
    minimum: int
    job: ModelRow | None  # queued or training
    job_age: str  # "2 minutes", how long the job has been going
    history: list[ModelRow]

    @property
    def can_retrain(self) -> bool:
        return self.job is None and self.confirmed >= self.minimum

    @property
    def reason(self) -> str:
        """Why the retrain button is switched off ("" when it is not)."""
        if self.job is not None:
            return f"{self.job.name} is being trained now. You can retrain again when it has finished."
        if self.confirmed < self.minimum:
            return (
                f"You need at least {self.minimum:,} confirmed codings to retrain the coder; "
                f"you have {self.confirmed:,}. Confirm {self.minimum - self.confirmed:,} more."
            )
        return ""


def _f1(metrics: Mapping[str, Any], which: str) -> str:
    value = metrics.get(which, {}).get("macro_f1") if isinstance(metrics.get(which), dict) else None
    return f"{value:.2f}" if isinstance(value, int | float) else ""


def _row(model: ForumModel, number: int, cut_off: bool = False) -> ModelRow:
    """One model, as the page shows it; ``cut_off``: still marked running, but given up on."""
    metrics = model.metrics or {}
    return ModelRow(
        id=model.id,
        number=number,
        name=f"Forum model {number}",
        status=model.status,
        status_text="Stopped" if cut_off else STATUS_TEXT.get(model.status, model.status),
        active=model.active and model.status == READY,
        forum_examples=model.forum_examples,
        new_f1=_f1(metrics, "new"),
        default_f1=_f1(metrics, "default"),
        held_out=int(metrics.get("held_out", 0) or 0),
        created_at=model.created_at,
        finished_at=model.finished_at,
        message="The app stopped while it was training." if cut_off else model.message,
    )


def _duration(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return "less than a minute"
    minutes = seconds // 60
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def coder_page(session: Session, forum_id: int, minimum: int, now: datetime | None = None) -> CoderPage:
    """Everything the coder page shows for one forum, ready to print."""
    now = now or utcnow()
    models = forum_models(session, forum_id)
    running = running_job(session, forum_id, now)
    rows = [
        _row(model, len(models) - index, model.status in RUNNING and model is not running)
        for index, model in enumerate(models)
    ]
    job = next((row for row in rows if running is not None and row.id == running.id), None)
    return CoderPage(
        in_use=next((row for row in rows if row.active), None),
        confirmed=confirmed_count(session, forum_id),
        minimum=minimum,
        job=job,
        job_age=_duration(now - _aware(job.created_at)) if job else "",
        history=rows,
    )
