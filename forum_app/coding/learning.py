"""What the forum's coder learns from its coders, and what it must forget.

Agreement over time (``agreement``): over the answers a person coded, how well the automatic
suggestions agreed with what the coders decided, per period (the coder that made the suggestions:
the default, then each forum model; or the month of the decision), per theme. A theme on an answer
is *agreed* when it was suggested and kept, a false suggestion when suggested and not kept, a miss
when a coder added it. Precision, recall and F1 per theme follow; macro-F1 is their mean over the
themes seen in the period; "themes agreed" is agreed / (agreed + false suggestions + misses); "kept
unchanged" is the share of answers whose themes the coders left exactly as suggested. Periods and
themes with fewer than ``FEWEST`` answers show no figures: too few to say anything.

Forgetting withdrawn answers (``forget_answers``, ``retrain_after_withdrawal``): a forum model holds
its training texts' words in its parameters. When a family withdraws, every model trained on one of
their answers is switched off at once and its parameters deleted (the row stays, saying why, so the
lead sees what happened), jobs still training are stopped, and a retraining without them is queued
if the forum still has enough confirmed codings. A model records the answers it was trained on in
``ForumModel.metrics["answers"]``; a model from before that record is dropped when one of the
withdrawn answers had been confirmed before it was made. The retention purge (``forum_app.retention``)
forgets the answers it deletes the same way (``purged=True``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from forum_app.codebook.files import guard_cell
from forum_app.codebook.shipped import default_codebook
from forum_app.codebook.versions import current_version, theme_labels
from forum_app.coding.forum_coder import forget_models
from forum_app.coding.models import ACCEPTED, AUTO, CODED, NOT_CODED_LABEL, CodedAnswer, Coding, ForumModel
from forum_app.coding.retraining import (
    FAILED,
    MIN_FORUM_EXAMPLES,
    READY,
    REMOVED,
    RUNNING,
    RetrainError,
    RetrainSettings,
    _aware,
    forum_models,
    run_in_background,
    run_retraining,
    start_retraining,
)
from forum_app.db import utcnow

FEWEST = 5  # periods and themes with fewer answers than this show no figures
TOO_FEW = "fewer than 5 answers"
BY_MODEL, BY_MONTH = "model", "month"
PERIODS = (BY_MODEL, BY_MONTH)
REMOVED_MESSAGE = (
    "Switched off and deleted: a family withdrew answers this model had learned from. "
    "New answers are coded without it."
)
STOPPED_MESSAGE = "Stopped: a family withdrew answers while it was training. A new retraining replaces it."
PURGED_MESSAGE = (
    "Switched off and deleted: answers this model had learned from reached the end of the forum's "
    "retention period and were deleted. New answers are coded without it."
)
PURGE_STOPPED_MESSAGE = (
    "Stopped: answers it was learning from were deleted at the end of the forum's retention period. "
    "A new retraining replaces it."
)
CHUNK = 500  # answer ids per query: well under SQLite's and PostgreSQL's bound-parameter limits


# --- agreement over time --------------------------------------------------------------------------


@dataclass
class _Counts:
    agreed: int = 0
    suggested_only: int = 0  # suggested, not kept
    missed: int = 0  # added by a coder, not suggested
    answers: int = 0  # answers on which the theme was suggested or chosen

    @property
    def precision(self) -> float | None:
        total = self.agreed + self.suggested_only
        return self.agreed / total if total else None

    @property
    def recall(self) -> float | None:
        total = self.agreed + self.missed
        return self.agreed / total if total else None

    @property
    def f1(self) -> float | None:
        total = 2 * self.agreed + self.suggested_only + self.missed
        return 2 * self.agreed / total if total else None


@dataclass(frozen=True)
class ThemeFigures:
    theme: str
    label: str
    answers: int
    precision: float | None
    recall: float | None
    f1: float | None

    @property
    def enough(self) -> bool:
        return self.answers >= FEWEST


@dataclass(frozen=True)
class Period:
    key: str
    name: str  # "Default coder", "Forum model 2", "March 2026"
    models: tuple[str, ...]  # the coders that made the suggestions: "default coder", "forum model 2"
    answers: int
    macro_f1: float | None
    agreement: float | None  # themes agreed, of themes suggested or chosen
    unchanged: float | None  # answers whose themes were kept exactly as suggested
    themes: dict[str, ThemeFigures]

    @property
    def enough(self) -> bool:
        return self.answers >= FEWEST


@dataclass(frozen=True)
class Agreement:
    by: str
    periods: list[Period]
    themes: list[tuple[str, str]]  # (id, label) of every theme seen, in codebook order
    summary: str


def _label_order(label: str) -> tuple[int, str]:
    if label == "default":
        return (0, "")
    number = label.rsplit(" ", 1)[-1]
    return (int(number), "") if number.isdigit() else (10**6, label)


def _model_name(label: str) -> str:
    return "Default coder" if label == "default" else label[:1].upper() + label[1:]


def _month_name(key: str) -> str:
    return datetime.strptime(key, "%Y-%m").strftime("%B %Y")


def _coded_answers(session: Session, forum_id: int) -> list[tuple[int, str, datetime | None, Any]]:
    return [
        (answer_id, label, coded_at, submitted_on)
        for answer_id, label, coded_at, submitted_on in session.execute(
            select(
                CodedAnswer.answer_id, CodedAnswer.model_label, CodedAnswer.coded_at, CodedAnswer.submitted_on
            )
            .where(
                CodedAnswer.forum_id == forum_id,
                CodedAnswer.status == CODED,
                CodedAnswer.model_label != NOT_CODED_LABEL,
            )
            .order_by(CodedAnswer.answer_id)
        )
    ]


def _theme_sets(session: Session, forum_id: int) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Suggested and kept themes of the forum's coded answers, by answer."""
    suggested: dict[int, set[str]] = {}
    kept: dict[int, set[str]] = {}
    rows = session.execute(
        select(Coding.answer_id, Coding.theme_id, Coding.source, Coding.status)
        .join(CodedAnswer, CodedAnswer.answer_id == Coding.answer_id)
        .where(CodedAnswer.forum_id == forum_id, CodedAnswer.status == CODED)
    )
    for answer_id, theme, source, status in rows:
        if source == AUTO:
            suggested.setdefault(answer_id, set()).add(theme)
        if status == ACCEPTED:
            kept.setdefault(answer_id, set()).add(theme)
    return suggested, kept


def _labels(session: Session, forum_id: int) -> dict[str, str]:
    labels = {theme.id: theme.label for theme in default_codebook().themes}
    version = current_version(session, forum_id)
    if version is not None:
        labels.update(theme_labels(version))
    return labels


def _period(
    key: str,
    name: str,
    models: Iterable[str],
    pairs: Sequence[tuple[set[str], set[str]]],
    labels: Mapping[str, str],
) -> Period:
    counts: dict[str, _Counts] = {}
    unchanged = 0
    for suggested, kept in pairs:
        unchanged += suggested == kept
        for theme in suggested | kept:
            count = counts.setdefault(theme, _Counts())
            count.answers += 1
            if theme in suggested and theme in kept:
                count.agreed += 1
            elif theme in suggested:
                count.suggested_only += 1
            else:
                count.missed += 1
    f1s = [f1 for count in counts.values() if (f1 := count.f1) is not None]
    agreed = sum(count.agreed for count in counts.values())
    seen = sum(count.agreed + count.suggested_only + count.missed for count in counts.values())
    return Period(
        key=key,
        name=name,
        models=tuple(models),
        answers=len(pairs),
        macro_f1=sum(f1s) / len(f1s) if f1s else None,
        agreement=agreed / seen if seen else None,
        unchanged=unchanged / len(pairs) if pairs else None,
        themes={
            theme: ThemeFigures(theme, labels.get(theme, theme), c.answers, c.precision, c.recall, c.f1)
            for theme, c in counts.items()
        },
    )


def agreement(session: Session, forum_id: int, by: str = BY_MODEL) -> Agreement:
    """How the suggestions agreed with the forum's coders, per period (``by`` the coder that made
    them, or the month a person coded the answer), per theme."""
    by = by if by in PERIODS else BY_MODEL
    suggested, kept = _theme_sets(session, forum_id)
    groups: dict[str, list[tuple[set[str], set[str]]]] = {}
    models: dict[str, set[str]] = {}
    for answer_id, label, coded_at, submitted_on in _coded_answers(session, forum_id):
        moment = coded_at or submitted_on
        key = label if by == BY_MODEL else f"{moment.year:04d}-{moment.month:02d}"
        groups.setdefault(key, []).append((suggested.get(answer_id, set()), kept.get(answer_id, set())))
        models.setdefault(key, set()).add(label)
    labels = _labels(session, forum_id)
    keys = sorted(groups, key=_label_order) if by == BY_MODEL else sorted(groups)
    periods = [
        _period(
            key,
            _model_name(key) if by == BY_MODEL else _month_name(key),
            [_model_name(label).lower() for label in sorted(models[key], key=_label_order)],
            groups[key],
            labels,
        )
        for key in keys
    ]
    seen = {theme for period in periods for theme in period.themes}
    order = {theme: index for index, theme in enumerate(labels)}
    themes = [
        (theme, labels.get(theme, theme))
        for theme in sorted(seen, key=lambda t: (order.get(t, len(order)), t))
    ]
    return Agreement(by, periods, themes, summary(periods, by))


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


def summary(periods: Sequence[Period], by: str = BY_MODEL) -> str:
    """One plain sentence about the latest period with enough answers, and the one before it."""
    counted = [period for period in periods if period.enough and period.agreement is not None]
    if not counted:
        return (
            f"Once your coders have coded at least {FEWEST} answers, this shows how often the automatic "
            "suggestions agreed with them."
        )
    latest = counted[-1]
    share = percent(latest.agreement)
    if by == BY_MODEL:
        where = (
            "With the default coder"
            if latest.key == "default"
            else f"Since {latest.name.lower()} was switched on"
        )
    else:
        where = f"In {latest.name}"
    if len(counted) == 1:
        return f"{where}, suggestions agreed with your coders on {share} of themes."
    before = counted[-2]
    earlier = percent(before.agreement)
    direction = (
        "up from"
        if (latest.agreement or 0) > (before.agreement or 0)
        else ("down from" if (latest.agreement or 0) < (before.agreement or 0) else "the same as")
    )
    then = f"with the {before.name.lower()}" if by == BY_MODEL else f"in {before.name}"
    if by == BY_MODEL and before.key == "default":
        then = "with the default coder"
    return f"{where}, suggestions agreed with your coders on {share} of themes, {direction} {earlier} {then}."


CSV_HEADINGS = [
    "Period",
    "Suggestions made by",
    "Answers",
    "Theme",
    "Answers with the theme",
    "Precision",
    "Recall",
    "F1",
    "Macro-F1",
    "Themes agreed",
    "Kept unchanged",
]


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def agreement_csv(table: Agreement) -> str:
    """The agreement table as CSV: a row per period (theme "All themes"), then one per theme seen in it;
    figures left out where there were too few answers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADINGS)
    for period in table.periods:
        models = "; ".join(period.models)
        if not period.enough:
            writer.writerow(
                [period.name, models, period.answers, "All themes", "", TOO_FEW, "", "", "", "", ""]
            )
            continue
        writer.writerow(
            [
                period.name,
                models,
                period.answers,
                "All themes",
                "",
                "",
                "",
                "",
                _figure(period.macro_f1),
                _figure(period.agreement),
                _figure(period.unchanged),
            ]
        )
        for theme, label in table.themes:
            figures = period.themes.get(theme)
            if figures is None:
                continue
            if not figures.enough:
                writer.writerow(
                    [period.name, models, period.answers, guard_cell(label), TOO_FEW, "", "", "", "", "", ""]
                )
                continue
            writer.writerow(
                [
                    period.name,
                    models,
                    period.answers,
                    guard_cell(label),
                    figures.answers,
                    _figure(figures.precision),
                    _figure(figures.recall),
                    _figure(figures.f1),
                    "",
                    "",
                    "",
                ]
            )
    return out.getvalue()


# --- forgetting withdrawn answers -----------------------------------------------------------------


def trained_on(model: ForumModel) -> set[int] | None:
    """The answers a model was trained on, or None for a model made before that was recorded."""
    answers = (model.metrics or {}).get("answers")
    return {int(answer) for answer in answers} if isinstance(answers, list) else None


def _confirmed_at(session: Session, answer_ids: Sequence[int]) -> dict[int, datetime | None]:
    found: dict[int, datetime | None] = {}
    for start in range(0, len(answer_ids), CHUNK):
        rows = session.execute(
            select(CodedAnswer.answer_id, CodedAnswer.coded_at).where(
                CodedAnswer.answer_id.in_(answer_ids[start : start + CHUNK]), CodedAnswer.status == CODED
            )
        )
        found.update({answer_id: coded_at for answer_id, coded_at in rows})
    return found


def _included(model: ForumModel, answer_ids: set[int], confirmed: Mapping[int, datetime | None]) -> bool:
    recorded = trained_on(model)
    if recorded is not None:
        return bool(recorded & answer_ids)
    made = _aware(model.created_at)
    return any(at is None or _aware(at) <= made for at in confirmed.values())


def _removable(
    session: Session, forum_id: int, answer_ids: set[int], confirmed: Mapping[int, datetime | None]
) -> list[int]:
    models = session.scalars(
        select(ForumModel).where(ForumModel.forum_id == forum_id, ForumModel.status == READY)
    ).all()
    return [model.id for model in models if _included(model, answer_ids, confirmed)]


@dataclass(frozen=True)
class Forgotten:
    removed: list[int]  # models switched off and deleted
    stopped: int  # jobs stopped while training

    @property
    def retrain(self) -> bool:
        return bool(self.removed or self.stopped)


def forget_answers(
    session: Session, forum_id: int, answer_ids: Sequence[int], purged: bool = False
) -> Forgotten:
    """Switch off and delete every model of the forum trained on any of these answers, and stop jobs
    still running if one of them was a confirmed coding (not committed: the caller deletes the answers
    in the same transaction). ``purged``: the answers go at the end of the forum's retention period,
    not because a family withdrew them (the models' rows say so)."""
    if not answer_ids:
        return Forgotten([], 0)
    ids = set(answer_ids)
    confirmed = _confirmed_at(session, sorted(ids))
    now = utcnow()
    stopped = 0
    if confirmed:  # first: a job finishing now either sees this, or is done before the next query
        result = session.execute(
            update(ForumModel)
            .where(ForumModel.forum_id == forum_id, ForumModel.status.in_(RUNNING))
            .values(
                status=FAILED, message=PURGE_STOPPED_MESSAGE if purged else STOPPED_MESSAGE, finished_at=now
            )
        )
        stopped = cast("CursorResult[Any]", result).rowcount
    removed = _removable(session, forum_id, ids, confirmed)
    if removed:
        session.execute(
            update(ForumModel)
            .where(ForumModel.id.in_(removed))
            .values(
                active=False,
                status=REMOVED,
                parameters=None,
                message=PURGED_MESSAGE if purged else REMOVED_MESSAGE,
                finished_at=now,
            )
        )
    forget_models(removed)
    return Forgotten(removed, stopped)


@dataclass(frozen=True)
class RetrainRun:
    """How retraining jobs run in this app: the fewest confirmed codings, the settings, and whether in
    a background thread (with sessions of its own) or in the caller's thread."""

    minimum: int = MIN_FORUM_EXAMPLES
    settings: RetrainSettings | None = None
    background: bool = True
    sessions: Callable[[], sessionmaker[Session]] | None = None


def retrain_run(config: Mapping[str, Any], sessions: Callable[[], sessionmaker[Session]]) -> RetrainRun:
    """The app's retraining settings (``RETRAIN_MIN_CODED``, ``RETRAIN_SETTINGS``,
    ``RETRAIN_IN_BACKGROUND``)."""
    return RetrainRun(
        minimum=int(config.get("RETRAIN_MIN_CODED", MIN_FORUM_EXAMPLES)),
        settings=config.get("RETRAIN_SETTINGS"),
        background=bool(config.get("RETRAIN_IN_BACKGROUND", True)),
        sessions=sessions,
    )


def run_job(session: Session, job: ForumModel, run: RetrainRun) -> None:
    """Run a queued job as the app does: in a background thread, or here and now."""
    if run.background and run.sessions is not None:
        run_in_background(run.sessions(), job.id, run.settings)
    else:
        run_retraining(session, job.id, run.settings)


def retrain_after_withdrawal(
    session: Session, forum_id: int, forgotten: Forgotten, run: RetrainRun
) -> ForumModel | None:
    """After models were deleted for a withdrawal or a retention purge (committed), queue and run a
    retraining without the deleted answers, if the forum still has enough confirmed codings. None if
    none was started."""
    if not forgotten.retrain:
        return None
    try:
        job = start_retraining(session, forum_id, None, run.minimum)
    except RetrainError:
        return None
    run_job(session, job, run)
    return job


def withdrawal_notice(session: Session, forum_id: int) -> str:
    """A plain sentence when the forum's latest model to be deleted for a withdrawal has not been
    replaced by a newer ready one since ("" otherwise). It says nothing about who withdrew."""
    models = forum_models(session, forum_id)
    removed = next((model for model in models if model.status == REMOVED), None)
    if removed is None or any(model.status == READY and model.id > removed.id for model in models):
        return ""
    number = sum(1 for model in models if model.id <= removed.id)
    if removed.message == PURGED_MESSAGE:
        return (
            f"Forum model {number} was switched off and its data deleted because answers it had learned "
            "from reached the end of the forum's retention period. It is no longer used."
        )
    return (
        f"Forum model {number} was switched off and its data deleted because a family withdrew answers "
        "it had learned from. It is no longer used."
    )
