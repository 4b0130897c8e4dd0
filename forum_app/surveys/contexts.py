"""Ready-made page data for the runner's templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from forum_app.surveys.definitions import Question, SurveyDefinition
from forum_app.surveys.fields import display_answer

# No "Question 3 of 7" above a question: the total moves as answers show or hide questions (routing,
# or words that bring the consent question) and on resuming, and a count that jumps back and forth
# misleads more than it helps. As GOV.UK Forms does, question pages show no count at all; the back
# link and the check-answers page tell a family where they are.


def back_url(
    definition: SurveyDefinition, key: str, answers: dict[str, Any], forum: str, survey: str, from_check: bool
) -> str:
    if from_check:
        return url_for("surveys.check", forum_slug=forum, survey_slug=survey)
    previous = definition.previous_before(key, answers)
    if previous is None:
        return url_for("surveys.start", forum_slug=forum, survey_slug=survey)
    return url_for("surveys.question", forum_slug=forum, survey_slug=survey, key=previous.key)


@dataclass(frozen=True)
class SummaryRow:
    key: str
    question: str
    answer: str
    change_url: str
    own_words: bool = False  # a free-text answer the family wrote (names in it are removed)


def summary_rows(
    definition: SurveyDefinition, answers: dict[str, Any], forum: str, survey: str
) -> list[SummaryRow]:
    return [
        SummaryRow(
            key=q.key,
            question=q.title,
            answer=display_answer(q, answers.get(q.key)),
            change_url=url_for(
                "surveys.question", forum_slug=forum, survey_slug=survey, key=q.key, change="1"
            ),
            own_words=q.kind == "text" and bool(str(answers.get(q.key) or "").strip()),
        )
        for q in definition.visible(answers)
    ]


def page_title(question: Question, has_errors: bool, survey_title: str) -> str:
    title = f"{question.title} – {survey_title}"
    return _("Error: %(title)s", title=title) if has_errors else title
