"""What the staff home page shows, for one member of staff: each role sees what they can act on.

Everything comes from the features' own answers about their data: responses per week (surveys), the
moderation queue and safeguarding concerns (moderation), coding progress (themes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from forum_app.coding.filters import Filters
from forum_app.coding.queue import Progress, progress
from forum_app.home.chart import WeeklyChart, weekly_chart
from forum_app.moderation.contexts import ConcernSummary, QueueRow, concern_summary, queue_screen
from forum_app.moderation.models import PENDING
from forum_app.surveys.staff import weekly_counts

WEEKS = 12  # responses per week, for about a quarter
FIRST_WAITING = 5  # answers waiting for moderation listed on the home page, overdue flags first
MODERATORS = ("lead",)  # as forum_app.moderation.views
CODERS = ("lead", "coder")


@dataclass(frozen=True)
class ModerationBox:
    waiting: int
    concerns: ConcernSummary
    first: list[QueueRow]


@dataclass(frozen=True)
class HomeScreen:
    role: str
    this_week: int
    last_week: int
    weeks: list[tuple[date, int]]
    chart: WeeklyChart
    coding: Progress
    can_code: bool
    moderation: ModerationBox | None  # only for those who moderate


def _moderation(session: Session, forum_id: int, today: date) -> ModerationBox:
    screen = queue_screen(session, forum_id, PENDING, 1, today)
    return ModerationBox(screen.total, concern_summary(session, forum_id, today), screen.rows[:FIRST_WAITING])


def home_screen(session: Session, forum_id: int, role: str, today: date) -> HomeScreen:
    weeks = weekly_counts(session, forum_id, WEEKS, today)
    return HomeScreen(
        role=role,
        this_week=weeks[-1][1],
        last_week=weeks[-2][1],
        weeks=weeks,
        chart=weekly_chart(weeks),
        coding=progress(session, forum_id, Filters()),
        can_code=role in CODERS,
        moderation=_moderation(session, forum_id, today) if role in MODERATORS else None,
    )
