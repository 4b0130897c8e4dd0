"""Factories for survey tests: a survey of its own with the question types the default survey lacks."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.orm import Session

from tests.factories import make_forum, make_survey

TYPES_FORUM = ("types", "Types Parent Carer Forum")
# A short survey with a number (with limits) and two months: one shown only after a radio answer,
# one optional.
ALL_TYPES: dict[str, Any] = {
    "slug": "all-types",
    "title": "School and plans",
    "summary": "Four short questions about school.",
    "minutes": 2,
    "questions": [
        {
            "key": "has_plan",
            "type": "radio",
            "title": "Does your child have an EHC plan?",
            "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        },
        {
            "key": "plan_month",
            "type": "month",
            "title": "When was the plan issued?",
            "hint": "For example, 3 2025",
            "show_if": {"question": "has_plan", "any_of": ["yes"]},
        },
        {
            "key": "days_missed",
            "type": "number",
            "title": "How many school days has your child missed this term?",
            "hint": "Enter 0 if none.",
            "min": 0,
            "max": 100,
        },
        {
            "key": "last_meeting",
            "type": "month",
            "title": "When did you last meet the school's SENCO?",
            "hint": "For example, 9 2025. Leave this blank if you have not met them.",
            "required": False,
        },
    ],
}


def publish_all_types(session: Session) -> None:
    """The forum ``TYPES_FORUM`` with the survey ``ALL_TYPES``."""
    make_survey(session, make_forum(session, *TYPES_FORUM), copy.deepcopy(ALL_TYPES))
