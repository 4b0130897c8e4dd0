"""A pack counts a survey's answers over all its published versions by question key: a question reworded
in version 2 is one question, with the latest wording; a question only in version 2 is counted where it
was asked."""

from __future__ import annotations

import copy
import random
from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.packs.data import gather
from forum_app.surveys.definitions import load_packaged, parse_definition
from forum_app.surveys.demo_answers import insert_submitted
from forum_app.surveys.models import Answer, SurveyVersion
from forum_app.surveys.reads import survey_outline
from forum_app.surveys.services import publish_survey
from tests.factories import make_forum, make_survey

LAST_DAY = date(2026, 6, 30)
REWORDED = "How old is the child or young person you are telling us about?"
WEEKENDS = {
    "key": "weekend_breaks",
    "type": "radio",
    "title": "Would you use a short break at weekends?",
    "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
}


def _answers(session: Session, key: str, versions: list[int]) -> Counter[str]:
    rows = session.execute(
        select(Answer.value)
        .join(Answer.response)
        .join(SurveyVersion)
        .where(Answer.question_key == key, SurveyVersion.number.in_(versions))
    )
    return Counter(str(value) for (value,) in rows)


def test_a_pack_counts_a_question_across_versions_by_its_key(db_session: Session) -> None:
    forum = make_forum(db_session)
    first = make_survey(db_session, forum)
    rng = random.Random(3)
    insert_submitted(db_session, first, parse_definition(first.definition), 60, rng, LAST_DAY)
    document = copy.deepcopy(load_packaged())
    document["questions"][0]["title"] = REWORDED
    document["questions"].insert(1, WEEKENDS)
    second = publish_survey(db_session, forum, document)
    assert second.number == 2
    insert_submitted(db_session, second, parse_definition(document), 40, rng, LAST_DAY)
    db_session.commit()

    outline = survey_outline(db_session, forum.id, "send-experience")
    assert outline is not None and outline.versions == (1, 2)
    assert outline.questions["age_band"]["title"] == REWORDED  # the latest wording
    gathered = gather(db_session, forum.id, outline, date(2025, 7, 1), LAST_DAY, {})
    assert gathered.respondents == 100
    assert gathered.closed["age_band"] == _answers(db_session, "age_band", [1, 2])
    assert sum(gathered.closed["age_band"].values()) == 100
    assert gathered.closed["weekend_breaks"] == _answers(db_session, "weekend_breaks", [2])
    assert sum(gathered.closed["weekend_breaks"].values()) == 40
